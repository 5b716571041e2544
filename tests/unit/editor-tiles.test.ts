import { describe, expect, it } from 'vitest';
import { pixelAligned, TileCache, TILE_MARGIN_PX } from '$lib/editor/tile-cache';
import { SpatialIndex } from '$lib/editor/spatial-index';
import { byDistanceTo, levelForScale, levelScale, tileKey, tileRect, tilesInRect, tileSpan, TILE_SIZE } from '$lib/editor/tiles';
import { pickLevel } from '$lib/editor/image-pyramid';

const image = { minX: 0, minY: 0, maxX: 6000, maxY: 4000 };

describe('tile levels', () => {
	it('picks the level at or above the scale, four per doubling, so tiles are only ever shrunk, by at most 16 %', () => {
		expect(levelForScale(1)).toBe(0);
		expect(levelForScale(0.99)).toBe(0);
		expect(levelForScale(0.5)).toBe(-4);
		expect(levelForScale(0.25)).toBe(-8);
		expect(levelForScale(64)).toBe(24);
		expect(levelForScale(1e6)).toBe(24);
		for (const s of [0.01, 0.13, 0.16, 0.7, 1.9, 3, 33]) {
			const ratio = s / levelScale(levelForScale(s));
			expect(ratio).toBeGreaterThan(0.84);
			expect(ratio).toBeLessThanOrEqual(1);
		}
	});

	it('spans 512 device px per tile at its level', () => {
		expect(tileSpan(0)).toBe(TILE_SIZE);
		expect(tileSpan(-8)).toBe(2048);
		expect(tileRect({ level: -8, col: 1, row: 1 })).toEqual({ minX: 2048, minY: 2048, maxX: 4096, maxY: 4096 });
		expect(tileKey({ level: -8, col: 1, row: 0 })).toBe('-8/1/0');
	});
});

describe('tiles in a rect', () => {
	it('covers the whole image at fit zoom with 3x2 tiles', () => {
		const tiles = tilesInRect(-8, { minX: -500, minY: -500, maxX: 7000, maxY: 5000 }, image);
		expect(tiles.map(tileKey).sort()).toEqual(['-8/0/0', '-8/0/1', '-8/1/0', '-8/1/1', '-8/2/0', '-8/2/1']);
	});

	it('returns only the tiles a small rect touches, none outside the image', () => {
		expect(tilesInRect(0, { minX: 510, minY: 10, maxX: 520, maxY: 20 }, image).map(tileKey)).toEqual(['0/0/0', '0/1/0']);
		expect(tilesInRect(0, { minX: 7000, minY: 10, maxX: 7100, maxY: 20 }, image)).toEqual([]);
		expect(tilesInRect(0, { minX: 5990, minY: 3990, maxX: 9000, maxY: 9000 }, image).map(tileKey)).toEqual(['0/11/7']);
	});

	it('orders tiles from the centre out', () => {
		const tiles = tilesInRect(0, image, image).sort(byDistanceTo(3000, 2000));
		const first = tileRect(tiles[0]);
		expect(first.minX <= 3000 && first.maxX >= 3000 && first.minY <= 2000 && first.maxY >= 2000).toBe(true);
	});
});

describe('dirty rects', () => {
	it('snaps to whole tile pixels and stays inside the tile', () => {
		const tile = tileRect({ level: -4, col: 1, row: 0 }); // 1024…2048, 2 image px per tile px
		const r = pixelAligned({ minX: 1000, minY: 11, maxX: 1100.5, maxY: 20 }, tile, 0.5);
		expect(r).toEqual({ minX: 1024, minY: 10, maxX: 1102, maxY: 20 });
	});
});

describe('image pyramid', () => {
	it('picks the smallest level still as detailed as the screen needs', () => {
		const levels = [{ factor: 1 }, { factor: 0.125 }, { factor: 0.5 }, { factor: 0.25 }];
		expect(pickLevel(levels, 0.16)?.factor).toBe(0.25);
		expect(pickLevel(levels, 0.1)?.factor).toBe(0.125);
		expect(pickLevel(levels, 0.5)?.factor).toBe(0.5);
		expect(pickLevel(levels, 3)?.factor).toBe(1);
		expect(pickLevel([{ factor: 0.125 }], 3)?.factor).toBe(0.125);
		expect(pickLevel([], 1)).toBeUndefined();
	});
});

describe('tile cache', () => {
	const source = () => ({ index: new SpatialIndex(), drawShape: () => {} });

	it('completes tiles no shape touches without allocating a bitmap', () => {
		const cache = new TileCache(source());
		const tiles = tilesInRect(0, { minX: 0, minY: 0, maxX: 1000, maxY: 1000 }, image).map((c) => cache.request(c));
		expect(tiles.every((t) => !t.complete)).toBe(true);
		expect(cache.work(tiles, performance.now() + 1000)).toBe(true);
		expect(tiles.every((t) => t.complete && t.canvas === null && t.jobs.length === 0)).toBe(true);
	});

	it('invalidates only the tiles under a rect: a clipped redraw on the current level, dropped on others', () => {
		const cache = new TileCache(source());
		cache.level = 0;
		const here = tilesInRect(0, image, image).map((c) => cache.request(c));
		const coarse = tilesInRect(-4, image, image).map((c) => cache.request(c));
		cache.work([...here, ...coarse], performance.now() + 1000);
		cache.invalidate({ minX: 600, minY: 100, maxX: 700, maxY: 130 });

		const dirty = here.filter((t) => t.jobs.length);
		const M = TILE_MARGIN_PX; // strokes and dots reach past the bounds
		expect(dirty.map((t) => t.key)).toEqual(['0/1/0']);
		expect(dirty[0].jobs[0]).toMatchObject({ full: false, rect: { minX: 600 - M, minY: 100 - M, maxX: 700 + M, maxY: 130 + M } });
		expect(dirty[0].complete).toBe(true); // still shown while the small redraw is pending
		expect(cache.get({ level: -4, col: 0, row: 0 })).toBeUndefined();
		expect(cache.get({ level: -4, col: 1, row: 0 })).toBeDefined();

		// A second change before the redraw ran joins the same job.
		cache.invalidate({ minX: 640, minY: 300, maxX: 650, maxY: 310 });
		expect(dirty[0].jobs).toHaveLength(1);
		expect(dirty[0].jobs[0].rect).toMatchObject({ minY: 100 - M, maxY: 310 + M });
	});

	it('keeps at most its cap of tiles, least recently used out first, never the visible ones', () => {
		const cache = new TileCache(source(), 4);
		const all = tilesInRect(0, image, image);
		for (const c of all.slice(0, 6)) cache.request(c);
		cache.request(all[0]); // used again: most recent
		cache.evict(new Set([tileKey(all[1])]));
		expect(cache.count).toBe(4);
		expect(cache.get(all[0])).toBeDefined();
		expect(cache.get(all[1])).toBeDefined();
		expect(cache.get(all[2])).toBeUndefined();
	});
});
