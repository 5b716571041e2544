import { inflateRect, rectsIntersect, unionRect, type Rect } from '$lib/geometry';
import type { SpatialIndex } from './spatial-index';
import { levelScale, TILE_SIZE, tileKey, tileRect, type TileCoord } from './tiles';

/** Stroke width of cached shapes in tile (≈ screen) px: 1 px strokes take Skia's hairline path, ~4x cheaper. */
export const TILE_STROKE_PX = 1;
/** How far (tile px) drawings reach past a shape's bounds: strokes, and the dots of keypoints and skeletons. */
export const TILE_MARGIN_PX = 6;
/** Most shapes drawn between two reads of the time (and of a pixel, which forces rasterization). */
const MAX_BATCH = 48;

export interface TileSource {
	readonly index: SpatialIndex;
	/** Fills and strokes one shape; ctx maps image coordinates to tile pixels. Skips excluded shapes. */
	drawShape(ctx: OffscreenCanvasRenderingContext2D, id: string): void;
}

/** A pending (re)draw of part of a tile: resumable, so one dense tile never makes a long frame. */
interface Job {
	/** Image rect, aligned to the tile's pixel grid. */
	rect: Rect;
	full: boolean;
	ids: string[] | null;
	next: number;
}

export interface Tile {
	readonly coord: TileCoord;
	readonly key: string;
	readonly rect: Rect;
	/** Null while no shape touches the tile: empty tiles cost no memory. */
	canvas: OffscreenCanvas | null;
	/** Drawn in full at least once: it may be shown (pending dirty jobs are small). */
	complete: boolean;
	jobs: Job[];
}

/**
 * Cached bitmaps of the shapes, in 512 px tiles per power-of-two zoom level, least recently used first.
 * Tiles of the current level take dirty-rect updates; tiles of other levels only serve as stand-ins
 * during zoom gestures and are simply dropped when something under them changes.
 */
export class TileCache {
	level = 0;
	/** Outline width in tile px (the device's setting; TILE_STROKE_PX by default). */
	strokePx = TILE_STROKE_PX;
	/** Running estimate of the ms one shape costs to rasterize, to size batches to the budget. */
	private costPerShape = 0.05;
	private readonly tiles = new Map<string, Tile>();

	constructor(
		private readonly source: TileSource,
		private readonly maxTiles = 80
	) {}

	get count(): number {
		return this.tiles.size;
	}

	get(coord: TileCoord): Tile | undefined {
		return this.tiles.get(tileKey(coord));
	}

	/** The tile, created (with a full-draw job) when missing, and marked most recently used. */
	request(coord: TileCoord): Tile {
		const key = tileKey(coord);
		let tile = this.tiles.get(key);
		if (tile) this.tiles.delete(key);
		else {
			const rect = tileRect(coord);
			tile = { coord, key, rect, canvas: null, complete: false, jobs: [{ rect, full: true, ids: null, next: 0 }] };
		}
		this.tiles.set(key, tile);
		return tile;
	}

	/** Drops least recently used tiles beyond the cap, never those in `keep`. */
	evict(keep: ReadonlySet<string>): void {
		for (const key of this.tiles.keys()) {
			if (this.tiles.size <= this.maxTiles) break;
			if (!keep.has(key)) this.tiles.delete(key);
		}
	}

	/** Marks an image rect stale: redrawn in place on the current level, dropped elsewhere. */
	invalidate(rect: Rect): void {
		for (const [key, tile] of this.tiles) {
			const s = levelScale(tile.coord.level);
			const grown = inflateRect(rect, Math.max(TILE_MARGIN_PX, this.strokePx + 1) / s);
			if (!rectsIntersect(grown, tile.rect)) continue;
			if (tile.coord.level !== this.level) {
				this.tiles.delete(key);
				continue;
			}
			if (tile.jobs.some((j) => j.full && j.ids === null)) continue; // a full draw is still to come
			const job = { rect: pixelAligned(grown, tile.rect, s), full: false, ids: null, next: 0 };
			const last = tile.jobs[tile.jobs.length - 1];
			if (last && !last.full && last.ids === null) last.rect = unionRect(last.rect, job.rect);
			else tile.jobs.push(job);
		}
	}

	clear(): void {
		this.tiles.clear();
	}

	/** Runs pending jobs of `tiles` (in order) until `deadline`; true when all of them are done. */
	work(tiles: readonly Tile[], deadline: number): boolean {
		for (const tile of tiles) {
			while (tile.jobs.length) {
				if (performance.now() >= deadline) return false;
				if (!this.run(tile, tile.jobs[0], deadline)) return false;
				tile.jobs.shift();
				if (!tile.jobs.some((j) => j.full)) tile.complete = true;
			}
		}
		return true;
	}

	private run(tile: Tile, job: Job, deadline: number): boolean {
		const s = levelScale(tile.coord.level);
		if (job.ids === null) {
			const margin = Math.max(TILE_MARGIN_PX, this.strokePx + 1) / s;
			job.ids = this.source.index.search(inflateRect(job.rect, margin)).map((e) => e.id);
			if (!tile.canvas && !job.ids.length) return true;
			const ctx = this.context(tile);
			ctx.setTransform(1, 0, 0, 1, 0, 0);
			const r = toPixels(job.rect, tile.rect, s);
			ctx.clearRect(r.x, r.y, r.w, r.h);
		}
		const ctx = this.context(tile);
		ctx.save();
		ctx.setTransform(s, 0, 0, s, -tile.rect.minX * s, -tile.rect.minY * s);
		if (!job.full) {
			ctx.beginPath();
			ctx.rect(job.rect.minX, job.rect.minY, job.rect.maxX - job.rect.minX, job.rect.maxY - job.rect.minY);
			ctx.clip();
		}
		ctx.lineWidth = this.strokePx / s;
		const ids = job.ids;
		// Canvas2D only records draw calls; pixels are made when the tile is next read. Reading a pixel
		// after each batch makes that happen here, so the time budget measures real work.
		while (job.next < ids.length) {
			const t0 = performance.now();
			const remaining = deadline - t0;
			if (remaining <= 0) break;
			const n = Math.max(1, Math.min(ids.length - job.next, MAX_BATCH, Math.floor((remaining * 0.7) / this.costPerShape)));
			for (let end = job.next + n; job.next < end; ) this.source.drawShape(ctx, ids[job.next++]);
			ctx.getImageData(0, 0, 1, 1);
			const cost = (performance.now() - t0) / n;
			this.costPerShape = Math.max(0.002, cost > this.costPerShape ? cost : this.costPerShape * 0.7 + cost * 0.3);
		}
		ctx.restore();
		return job.next >= ids.length;
	}

	private context(tile: Tile): OffscreenCanvasRenderingContext2D {
		tile.canvas ??= new OffscreenCanvas(TILE_SIZE, TILE_SIZE);
		return tile.canvas.getContext('2d', { willReadFrequently: true })!;
	}
}

/** A rect's part inside a tile, grown to whole tile pixels (so clearing leaves no seams). */
export function pixelAligned(r: Rect, tile: Rect, s: number): Rect {
	const minX = Math.max(tile.minX, tile.minX + Math.floor((r.minX - tile.minX) * s) / s);
	const minY = Math.max(tile.minY, tile.minY + Math.floor((r.minY - tile.minY) * s) / s);
	const maxX = Math.min(tile.maxX, tile.minX + Math.ceil((r.maxX - tile.minX) * s) / s);
	const maxY = Math.min(tile.maxY, tile.minY + Math.ceil((r.maxY - tile.minY) * s) / s);
	return { minX, minY, maxX, maxY };
}

function toPixels(r: Rect, tile: Rect, s: number) {
	const x = Math.round((r.minX - tile.minX) * s),
		y = Math.round((r.minY - tile.minY) * s);
	return { x, y, w: Math.round((r.maxX - tile.minX) * s) - x, h: Math.round((r.maxY - tile.minY) * s) - y };
}
