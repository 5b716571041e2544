import type { Rect } from '$lib/geometry';

/** Side of a cached shape tile in device pixels. */
export const TILE_SIZE = 512;
/** Zoom levels per doubling of scale: tiles are drawn at 84–100 % of their size, so 1 px strokes stay crisp. */
export const LEVELS_PER_OCTAVE = 4;
export const MIN_LEVEL = -10 * LEVELS_PER_OCTAVE;
export const MAX_LEVEL = 6 * LEVELS_PER_OCTAVE;

/**
 * Tiles live on zoom levels: level L renders at scale 2^(L/4). A view at scale s uses the smallest level
 * at or above s, so tiles are only ever shrunk on screen (by at most 16 %), never blurred by enlarging.
 */
export function levelForScale(scale: number): number {
	const l = Math.ceil(Math.log2(scale) * LEVELS_PER_OCTAVE - 1e-9);
	return Math.min(MAX_LEVEL, Math.max(MIN_LEVEL, l)) + 0; // never -0
}

export function levelScale(level: number): number {
	return 2 ** (level / LEVELS_PER_OCTAVE);
}

/** Image pixels covered by one tile side on a level. */
export function tileSpan(level: number): number {
	return TILE_SIZE / levelScale(level);
}

export interface TileCoord {
	level: number;
	col: number;
	row: number;
}

export function tileKey(t: TileCoord): string {
	return `${t.level}/${t.col}/${t.row}`;
}

export function tileRect(t: TileCoord): Rect {
	const span = tileSpan(t.level);
	return { minX: t.col * span, minY: t.row * span, maxX: (t.col + 1) * span, maxY: (t.row + 1) * span };
}

/** The tiles of a level that intersect an image rect (clipped to the image's extent `bounds`). */
export function tilesInRect(level: number, rect: Rect, bounds: Rect): TileCoord[] {
	const span = tileSpan(level);
	const minX = Math.max(rect.minX, bounds.minX),
		minY = Math.max(rect.minY, bounds.minY);
	const maxX = Math.min(rect.maxX, bounds.maxX),
		maxY = Math.min(rect.maxY, bounds.maxY);
	if (minX > maxX || minY > maxY) return [];
	const c0 = Math.floor(minX / span),
		c1 = Math.min(Math.ceil(maxX / span) - 1, Math.ceil(bounds.maxX / span) - 1);
	const r0 = Math.floor(minY / span),
		r1 = Math.min(Math.ceil(maxY / span) - 1, Math.ceil(bounds.maxY / span) - 1);
	const out: TileCoord[] = [];
	for (let row = r0; row <= Math.max(r0, r1); row++)
		for (let col = c0; col <= Math.max(c0, c1); col++) out.push({ level, col, row });
	return out;
}

/** Orders tiles by distance of their centre to a point, so the middle of the view renders first. */
export function byDistanceTo(x: number, y: number): (a: TileCoord, b: TileCoord) => number {
	const d = (t: TileCoord) => {
		const r = tileRect(t);
		return Math.hypot((r.minX + r.maxX) / 2 - x, (r.minY + r.maxY) / 2 - y);
	};
	return (a, b) => d(a) - d(b);
}
