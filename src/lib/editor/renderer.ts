import { intersectRects, unionRect, type Rect } from '$lib/geometry';
import type { AnnotationRecord, ProjectDoc } from '$lib/model';
import type { Geometry } from '$lib/shapes/registry';
import { shapeView } from '$lib/shapes/views';
import { directionArrow, drawDirectionArrow } from './direction-arrow';
import type { ImagePyramid } from './image-pyramid';
import type { ShapeStore } from './shape-store';
import { TileCache, type Tile, type TileSource } from './tile-cache';
import { byDistanceTo, levelForScale, levelScale, TILE_SIZE, tilesInRect, type TileCoord } from './tiles';
import type { Viewport } from './viewport';

const BACKGROUND = '#1b1f27';
/** Level offsets tried for stand-in tiles, nearest first, coarser before finer. */
const STAND_IN_LEVELS = [-1, 1, -2, 2, -3, 3, -4, 4, -6, -8, -12, -16];
const FILL_ALPHA = 0.25;

/**
 * Draws the base canvas with plain Canvas2D: the image from its pyramid, then the cached shape tiles.
 * Missing tiles are drawn progressively within a time budget per frame; meanwhile tiles of a nearby
 * zoom level stand in for them, scaled.
 */
export class Renderer implements TileSource {
	readonly tiles: TileCache;
	private readonly ctx: CanvasRenderingContext2D;
	private readonly paths = new Map<string, { geometry: Geometry; path: Path2D }>();
	private readonly styles = new Map<string, { color: string; fill: string; stroke: string; edges?: [number, number][] }>();
	private excluded: string | null = null;
	private fillAlpha = FILL_ALPHA;
	/** Shapes not drawn (hidden on this device). */
	isHidden: (a: AnnotationRecord) => boolean = () => false;
	private dpr = 1;

	constructor(
		private readonly canvas: HTMLCanvasElement,
		private readonly viewport: Viewport,
		private readonly store: ShapeStore,
		private readonly doc: ProjectDoc,
		private readonly pyramid: ImagePyramid
	) {
		this.ctx = canvas.getContext('2d', { alpha: false })!;
		this.tiles = new TileCache(this);
	}

	get index() {
		return this.store.index;
	}

	resize(width: number, height: number, dpr: number): void {
		this.dpr = dpr;
		this.canvas.width = Math.round(width * dpr);
		this.canvas.height = Math.round(height * dpr);
	}

	/** The shape drawn live on the overlay instead of in the tiles (the selected one). */
	exclude(id: string | null): void {
		if (id === this.excluded) return;
		for (const old of [this.excluded, id]) {
			const b = old ? this.store.bounds(old) : undefined;
			if (b) this.tiles.invalidate(b);
		}
		this.excluded = id;
	}

	invalidate(rects: readonly Rect[]): void {
		if (!rects.length) return;
		// Many scattered changes (an undo of a bulk edit): one rect per change is still cheap to clip.
		if (rects.length > 64) this.tiles.invalidate(rects.reduce(unionRect));
		else for (const r of rects) this.tiles.invalidate(r);
	}

	/** Class colours changed: every tile is stale. */
	invalidateAll(): void {
		this.styles.clear();
		this.tiles.clear();
	}

	/** The device's fill opacity and outline width (tile px): every tile is redrawn. */
	setStyle(fillAlpha: number, strokePx: number): void {
		if (fillAlpha === this.fillAlpha && strokePx === this.tiles.strokePx) return;
		this.fillAlpha = fillAlpha;
		this.tiles.strokePx = strokePx;
		this.invalidateAll();
	}

	drawShape(ctx: OffscreenCanvasRenderingContext2D, id: string): void {
		if (id === this.excluded) return;
		const a = this.store.get(id);
		if (!a || this.isHidden(a)) return;
		const view = shapeView(a.type);
		const style = this.style(a.classId);
		if (view.drawTile) {
			// The tile cache set lineWidth to the outline width in image units.
			view.drawTile(ctx, a.geometry, { ...style, lineWidth: this.tiles.strokePx, pxToImage: ctx.lineWidth / this.tiles.strokePx });
			this.drawArrow(ctx, id);
			return;
		}
		let cached = this.paths.get(id);
		if (cached?.geometry !== a.geometry) {
			cached = { geometry: a.geometry, path: view.path2d(a.geometry) };
			this.paths.set(id, cached);
		}
		if (!view.open) {
			ctx.fillStyle = style.fill;
			ctx.fill(cached.path, view.fillRule ?? 'nonzero');
		}
		ctx.strokeStyle = style.stroke;
		// A model's proposal awaiting review is outlined dashed (the tile's lineWidth is in image units).
		if (a.proposal) ctx.setLineDash([ctx.lineWidth * 4, ctx.lineWidth * 3]);
		ctx.stroke(cached.path);
		if (a.proposal) ctx.setLineDash([]);
		this.drawArrow(ctx, id);
	}

	private drawArrow(ctx: OffscreenCanvasRenderingContext2D, id: string): void {
		const a = this.store.get(id);
		const arrow = a && directionArrow(a, this.doc.getClass(a.classId));
		if (!arrow) return;
		ctx.strokeStyle = this.style(a.classId).stroke;
		drawDirectionArrow(ctx, arrow);
	}

	/** Draws a frame, spending at most `budgetMs` on tile work; true when every visible tile is final. */
	render(budgetMs: number): boolean {
		const start = performance.now();
		const v = this.viewport;
		const deviceScale = v.scale * this.dpr;
		const level = levelForScale(deviceScale);
		this.tiles.level = level;
		const view = v.visibleImageRect();
		const image = { minX: 0, minY: 0, maxX: v.image.width, maxY: v.image.height };
		const coords = tilesInRect(level, view, image).sort(
			byDistanceTo((view.minX + view.maxX) / 2, (view.minY + view.maxY) / 2)
		);
		const visible = coords.map((c) => this.tiles.request(c));
		const done = this.tiles.work(visible, start + budgetMs);
		this.tiles.evict(new Set(visible.map((t) => t.key)));

		const ctx = this.ctx;
		ctx.setTransform(1, 0, 0, 1, 0, 0);
		ctx.fillStyle = BACKGROUND;
		ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
		this.drawImage(view, deviceScale);
		for (const tile of visible) {
			if (tile.complete) this.drawTile(tile, tile.rect);
			else this.drawStandIn(tile.coord, tile.rect, image);
		}
		return done;
	}

	private drawImage(view: Rect, deviceScale: number): void {
		const level = this.pyramid.pick(deviceScale);
		if (!level) return;
		const { image, scale, tx, ty } = this.viewport;
		const minX = Math.max(0, view.minX),
			minY = Math.max(0, view.minY);
		const maxX = Math.min(image.width, view.maxX),
			maxY = Math.min(image.height, view.maxY);
		if (minX >= maxX || minY >= maxY) return;
		const f = level.factor,
			d = this.dpr;
		this.ctx.imageSmoothingEnabled = deviceScale < 3;
		this.ctx.drawImage(
			level.bitmap,
			minX * f,
			minY * f,
			(maxX - minX) * f,
			(maxY - minY) * f,
			(minX * scale + tx) * d,
			(minY * scale + ty) * d,
			(maxX - minX) * scale * d,
			(maxY - minY) * scale * d
		);
	}

	/** Draws the part `part` (image rect) of a tile, snapped to whole device pixels so tiles meet without seams. */
	private drawTile(tile: Tile, part: Rect): void {
		if (!tile.canvas) return;
		const { scale, tx, ty } = this.viewport;
		const s = levelScale(tile.coord.level),
			d = this.dpr;
		const x0 = Math.round((part.minX * scale + tx) * d),
			y0 = Math.round((part.minY * scale + ty) * d);
		const x1 = Math.round((part.maxX * scale + tx) * d),
			y1 = Math.round((part.maxY * scale + ty) * d);
		const sx = (part.minX - tile.rect.minX) * s,
			sy = (part.minY - tile.rect.minY) * s;
		const sw = (part.maxX - part.minX) * s,
			sh = (part.maxY - part.minY) * s;
		this.ctx.imageSmoothingEnabled = true;
		this.ctx.drawImage(tile.canvas, sx, sy, Math.min(sw, TILE_SIZE - sx), Math.min(sh, TILE_SIZE - sy), x0, y0, x1 - x0, y1 - y0);
	}

	/**
	 * While a tile renders, shows its area from finished tiles of the nearest level that has them all
	 * (coarser first: one or two tiles; finer: a few). Nothing when no level does.
	 */
	private drawStandIn(coord: TileCoord, rect: Rect, image: Rect): void {
		for (const dl of STAND_IN_LEVELS) {
			const cover = tilesInRect(coord.level + dl, rect, image).map((c) => this.tiles.get(c));
			if (!cover.length || !cover.every((t) => t?.complete)) continue;
			for (const t of cover as Tile[]) this.drawTile(t, intersectRects(t.rect, rect));
			return;
		}
	}

	private style(classId: string): { color: string; fill: string; stroke: string; edges?: [number, number][] } {
		let s = this.styles.get(classId);
		if (!s) {
			const cls = this.doc.getClass(classId);
			const color = cls?.color ?? '#9aa4b2';
			s = { color, fill: withAlpha(color, this.fillAlpha), stroke: color, edges: cls?.skeleton?.edges };
			this.styles.set(classId, s);
		}
		return s;
	}

	forget(id: string): void {
		this.paths.delete(id);
	}
}

export function withAlpha(hex: string, alpha: number): string {
	const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
	if (!m) return `rgba(154,164,178,${alpha})`;
	return `rgba(${parseInt(m[1], 16)},${parseInt(m[2], 16)},${parseInt(m[3], 16)},${alpha})`;
}
