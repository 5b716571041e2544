import { describe, expect, it } from 'vitest';
import { maskBounds, maskToPolygons } from '$lib/ml/mask-polygons';
import type { BinaryMask, TracedPolygon } from '$lib/ml/types';

function maskOf(width: number, height: number, inside: (x: number, y: number) => boolean): BinaryMask {
	const data = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = inside(x + 0.5, y + 0.5) ? 1 : 0;
	return { width, height, data };
}
const disc = (cx: number, cy: number, r: number) => (x: number, y: number) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const count = (m: BinaryMask) => m.data.reduce((n, v) => n + v, 0);

function area(ring: number[]): number {
	let a = 0;
	for (let i = 0; i < ring.length; i += 2) {
		const j = (i + 2) % ring.length;
		a += ring[i] * ring[j + 1] - ring[j] * ring[i + 1];
	}
	return Math.abs(a) / 2;
}
function inRing(ring: number[], x: number, y: number): boolean {
	let inside = false;
	for (let i = 0, j = ring.length - 2; i < ring.length; j = i, i += 2) {
		const [xi, yi, xj, yj] = [ring[i], ring[i + 1], ring[j], ring[j + 1]];
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}
/** The polygons drawn back by pixel centres. */
function rasterise(polygons: TracedPolygon[], width: number, height: number): BinaryMask {
	return maskOf(width, height, (x, y) => polygons.some((p) => inRing(p.points, x, y) && !p.holes.some((h) => inRing(h, x, y))));
}
const vertices = (ps: TracedPolygon[]) => ps.reduce((n, p) => n + p.points.length / 2 + p.holes.reduce((m, h) => m + h.length / 2, 0), 0);

describe('mask → polygons', () => {
	it('traces a filled disc as one polygon within 1% of its pixel count, which draws back the same pixels', () => {
		const mask = maskOf(120, 100, disc(60, 50, 30));
		const polygons = maskToPolygons(mask, 0);
		expect(polygons).toHaveLength(1);
		expect(polygons[0].holes).toEqual([]);
		expect(Math.abs(area(polygons[0].points) - count(mask)) / count(mask)).toBeLessThan(0.01);
		expect(rasterise(polygons, 120, 100).data).toEqual(mask.data);
	});

	it('keeps a ring as one polygon with one hole', () => {
		const outer = disc(50, 50, 35);
		const inner = disc(50, 50, 15);
		const mask = maskOf(100, 100, (x, y) => outer(x, y) && !inner(x, y));
		const polygons = maskToPolygons(mask, 0);
		expect(polygons).toHaveLength(1);
		expect(polygons[0].holes).toHaveLength(1);
		const traced = area(polygons[0].points) - area(polygons[0].holes[0]);
		expect(Math.abs(traced - count(mask)) / count(mask)).toBeLessThan(0.02);
		expect(rasterise(polygons, 100, 100).data).toEqual(mask.data);
	});

	it('drops fewer vertices at tolerance 0 than at 2 px, and the coarse outline stays close', () => {
		const mask = maskOf(200, 200, disc(100, 100, 80));
		const fine = maskToPolygons(mask, 0);
		const coarse = maskToPolygons(mask, 2);
		expect(vertices(coarse)).toBeLessThan(vertices(fine) / 2);
		expect(Math.abs(area(coarse[0].points) - count(mask)) / count(mask)).toBeLessThan(0.03);
		// Collinear points go even at 0: a rectangle is four corners' worth, not a point per pixel.
		const square = maskToPolygons(maskOf(50, 50, (x, y) => x > 10 && x < 40 && y > 10 && y < 30), 0);
		expect(square[0].points.length / 2).toBeLessThanOrEqual(8);
	});

	it('gives two blobs as two polygons, largest first, and drops specks', () => {
		const big = disc(30, 30, 20);
		const small = disc(80, 70, 8);
		const mask = maskOf(100, 100, (x, y) => big(x, y) || small(x, y) || (x === 95.5 && y === 5.5));
		const polygons = maskToPolygons(mask, 0.5);
		expect(polygons).toHaveLength(2);
		expect(area(polygons[0].points)).toBeGreaterThan(area(polygons[1].points));
		expect(inRing(polygons[1].points, 80, 70)).toBe(true);
	});

	it('reaches the image edge and gives nothing for an empty mask', () => {
		const full = maskOf(10, 8, () => true);
		const [p] = maskToPolygons(full, 0);
		expect(area(p.points)).toBeCloseTo(80 - 4 * 0.125, 6); // each corner cut by a half-pixel triangle
		expect(Math.min(...p.points)).toBe(0);
		expect(maskBounds(full)).toEqual([0, 0, 10, 8]);
		expect(maskToPolygons(maskOf(10, 10, () => false), 0)).toEqual([]);
		expect(maskBounds(maskOf(10, 10, () => false))).toBeNull();
	});
});
