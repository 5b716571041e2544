// IoU of the shapes reviewers compare (issue 16): boxes, polygons with holes and parts, rotated boxes,
// masks, and COCO's RLE IoU and merge on pycocotools' own vectors.
import { existsSync, readFileSync } from 'node:fs';
import { Clipper, ClipType, FillRule } from 'clipper2-ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { boxIou, regionIou, type Region } from '$lib/quality/iou';
import { maskIou, rleArea, rleIou, rleMerge } from '$lib/quality/mask-iou';
import { boxRegion, cuboidRegion, ellipseRegion, maskRegion, polygonRegion, rotatedBoxRegion } from '$lib/quality/regions';
import { maskBits, maskFromBitmap, type MaskGeometry } from '$lib/shapes/mask/kind';
import { newBitmap } from '$lib/shapes/mask/raster';
import { encodeMask } from '$lib/shapes/mask/rle';
import type { PolygonGeometry } from '$lib/shapes/polygon/kind';
import { positiveRing } from '$lib/quality/convex';
import { simpleOverlapArea } from '$lib/quality/simple-overlap';

const square = (x: number, y: number, s: number) => [x, y, x + s, y, x + s, y + s, x, y + s];
const poly = (g: PolygonGeometry) => polygonRegion(g);

describe('IoU of vector shapes, against values worked out by hand', () => {
	it('two overlapping boxes: 25 / 175', () => {
		expect(boxIou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 5, width: 10, height: 10 })).toBeCloseTo(25 / 175, 12);
		expect(regionIou(boxRegion({ x: 0, y: 0, width: 10, height: 10 }), boxRegion({ x: 10, y: 0, width: 10, height: 10 }))).toBe(0);
	});

	it('two overlapping squares as polygons: 25 / 175', () => {
		expect(regionIou(poly({ points: square(0, 0, 10) }), poly({ points: square(5, 5, 10) }))).toBeCloseTo(25 / 175, 9);
		// Notched squares (area 90, not convex) with edges along each other and corners on edges:
		// overlap 42.5 (two trapezoids under the notches); side by side they only touch.
		expect(regionIou(poly({ points: [0, 0, 10, 0, 10, 10, 5, 8, 0, 10] }), poly({ points: [5, 0, 15, 0, 15, 10, 10, 8, 5, 10] }))).toBeCloseTo(42.5 / (2 * 90 - 42.5), 9);
		expect(regionIou(poly({ points: [0, 0, 10, 0, 10, 10, 5, 8, 0, 10] }), poly({ points: [10, 0, 20, 0, 20, 10, 15, 8, 10, 10] }))).toBe(0);
	});

	it('an L-shape and a square over its inner corner: 75 / 325', () => {
		const L = { points: [0, 0, 20, 0, 20, 10, 10, 10, 10, 20, 0, 20] }; // area 300
		expect(polygonRegion(L).form).toBe('polygon');
		expect(regionIou(poly(L), poly({ points: square(5, 5, 10) }))).toBeCloseTo(75 / 325, 9);
	});

	it('a polygon with a hole: the hole is not covered (150 / 350)', () => {
		const framed = { points: square(0, 0, 20), holes: [square(5, 5, 10)] }; // 400 - 100
		expect(polygonRegion(framed).area).toBeCloseTo(300, 9);
		expect(regionIou(poly(framed), boxRegion({ x: 10, y: 0, width: 10, height: 20 }))).toBeCloseTo(150 / 350, 9);
		// The same hole drawn the other way round changes nothing.
		const reversed = { points: square(0, 0, 20), holes: [[5, 5, 5, 15, 15, 15, 15, 5]] };
		expect(regionIou(poly(reversed), boxRegion({ x: 10, y: 0, width: 10, height: 20 }))).toBeCloseTo(150 / 350, 9);
	});

	it('a polygon of two parts: 100 / 300', () => {
		const two = { points: square(0, 0, 10), parts: [{ points: square(20, 0, 10) }] };
		expect(regionIou(poly(two), boxRegion({ x: 5, y: 0, width: 20, height: 10 }))).toBeCloseTo(100 / 300, 9);
	});

	it('a self-crossing outline covers both lobes (non-zero rule), its area measured as covered', () => {
		const bowtie = { points: [0, 0, 10, 10, 10, 0, 0, 10] }; // two triangles of 25 each
		expect(polygonRegion(bowtie).area).toBeCloseTo(50, 9);
		expect(regionIou(poly(bowtie), boxRegion({ x: 0, y: 0, width: 10, height: 10 }))).toBeCloseTo(50 / 100, 9);
	});

	it('a box and a triangle compare by their outlines: 0.5', () => {
		expect(regionIou(boxRegion({ x: 0, y: 0, width: 10, height: 10 }), poly({ points: [0, 0, 10, 0, 0, 10] }))).toBeCloseTo(0.5, 9);
	});

	it('rotated boxes: a square and itself turned 45° overlap in an octagon (IoU 1/√2); shifted along its own axis, 150 / 250', () => {
		const upright = rotatedBoxRegion({ cx: 50, cy: 50, width: 20, height: 20, angle: 0 });
		const turned = rotatedBoxRegion({ cx: 50, cy: 50, width: 20, height: 20, angle: 45 });
		expect(regionIou(upright, turned)).toBeCloseTo(Math.SQRT1_2, 9);
		const a = rotatedBoxRegion({ cx: 100, cy: 100, width: 20, height: 10, angle: 30 });
		const rad = (30 * Math.PI) / 180;
		const b = rotatedBoxRegion({ cx: 100 + 5 * Math.cos(rad), cy: 100 + 5 * Math.sin(rad), width: 20, height: 10, angle: 30 });
		expect(regionIou(a, b)).toBeCloseTo(150 / 250, 9);
	});

	it('an ellipse against itself and a cuboid against its own silhouette: 1', () => {
		const e = { cx: 40, cy: 30, rx: 20, ry: 10, angle: 20 };
		expect(regionIou(ellipseRegion(e), ellipseRegion({ ...e }))).toBeCloseTo(1, 12);
		const cuboid = { points: [10, 10, 30, 10, 30, 30, 10, 30, 15, 5, 35, 5, 35, 25, 15, 25] };
		expect(regionIou(cuboidRegion(cuboid), cuboidRegion(cuboid))).toBe(1);
		// Its silhouette: the box [10, 35] × [5, 30] (625) less two corner triangles of 12.5: 600 / 625 of that box.
		expect(cuboidRegion(cuboid).area).toBeCloseTo(600, 9);
		expect(regionIou(cuboidRegion(cuboid), boxRegion({ x: 10, y: 5, width: 25, height: 25 }))).toBeCloseTo(600 / 625, 9);
	});
});

/** Clipper's overlap area of two rings at `precision` decimal places. */
function clipperArea(a: number[], b: number[], precision: number): number {
	const path = (r: number[]) => [Array.from({ length: r.length / 2 }, (_, i) => ({ x: r[2 * i], y: r[2 * i + 1] }))];
	return Math.abs(Clipper.areaPathsD(Clipper.booleanOpD(ClipType.Intersection, path(a), path(b), FillRule.NonZero, precision)));
}

describe('the fast overlap of two plain outlines agrees with Clipper', () => {
	it('on 600 random pairs: overlapping, jittered copies, shared vertices, identical copies, edges along each other', () => {
		let seed = 3;
		const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
		const round = (v: number) => Math.round(v * 1000) / 1000; // the document's precision
		const star = (cx: number, cy: number, r: number, n: number) =>
			Array.from({ length: n }, (_, i) => {
				const a = (i / n) * 2 * Math.PI,
					rr = r * (0.6 + 0.4 * rand());
				return [round(cx + rr * Math.cos(a)), round(cy + rr * Math.sin(a))];
			}).flat();
		const viaClipper = (r: Region): Region => (r.form === 'polygon' ? { ...r, ring: undefined } : r);
		let fast = 0,
			handedOver = 0;
		for (let k = 0; k < 600; k++) {
			const a = star(200, 200, 100, 20);
			let b: number[];
			switch (k % 5) {
				case 0:
					b = star(200 + 80 * (rand() - 0.5), 200 + 80 * (rand() - 0.5), 100, 20);
					break;
				case 1:
					b = a.map((v) => round(v + (rand() - 0.5) * 3));
					break;
				case 2:
					b = a.map((v, i) => (i % 4 < 2 ? v : round(v + 5))); // every other vertex shared
					break;
				case 3:
					b = [...a];
					break;
				default:
					b = [100, 100, 300, 100, 300, 200, 100, 200]; // a box that a's outline may touch
					a.splice(0, 4, 100, 100, 300, 100); // a's first edge along the box's top edge
			}
			const A = polygonRegion({ points: a }),
				B = polygonRegion({ points: b });
			if (A.form !== 'polygon' || !A.ring || B.form !== 'polygon' || !B.ring) continue;
			const quick = simpleOverlapArea(positiveRing(a), positiveRing(b));
			if (quick === null) handedOver++;
			else {
				fast++;
				// Against Clipper at 10⁻⁷ px: the same area to 10⁻⁸.
				expect(Math.abs(quick - clipperArea(a, b, 7)), `pair ${k}`).toBeLessThanOrEqual(1e-8 * Math.max(1, quick));
			}
			// The app's Clipper rounds the crossing points it makes to 1/1000 px: IoU within 5·10⁻⁵ of it.
			expect(regionIou(A, B), `pair ${k}`).toBeCloseTo(regionIou(viaClipper(A), viaClipper(B)), 4);
		}
		// Both ways were taken: general position by the fast way, the touching cases by Clipper.
		expect(fast).toBeGreaterThan(200);
		expect(handedOver).toBeGreaterThan(100);
	});
});

/** A mask whose set pixels are those `inside(x, y)` says, in image pixels, cropped. */
function maskOf(width: number, height: number, inside: (x: number, y: number) => boolean): MaskGeometry {
	const m = newBitmap(width, height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) m.bits[y * width + x] = inside(x, y) ? 1 : 0;
	return maskFromBitmap(m)!;
}

describe('IoU of masks on pixels', () => {
	it('two 5×5 squares offset by (2, 3): 6 / 44', () => {
		const a = maskOf(40, 40, (x, y) => x >= 10 && x < 15 && y >= 10 && y < 15);
		const b = maskOf(40, 40, (x, y) => x >= 12 && x < 17 && y >= 13 && y < 18);
		expect(maskIou(a, b)).toBeCloseTo(6 / 44, 12);
		expect(maskIou(b, a)).toBeCloseTo(6 / 44, 12);
	});

	it('equals a full decode of both crops on random masks at random offsets', () => {
		let seed = 11;
		const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
		for (let n = 0; n < 40; n++) {
			const cx = 20 + rand() * 20,
				cy = 20 + rand() * 20;
			const a = maskOf(64, 64, (x, y) => (x - 30) ** 2 / 200 + (y - 30) ** 2 / 80 < 1 && rand() < 0.8);
			const b = maskOf(64, 64, (x, y) => Math.abs(x - cx) + Math.abs(y - cy) < 12 && rand() < 0.9);
			const full = (g: MaskGeometry) => {
				const set = new Set<number>();
				const bits = maskBits(g);
				for (let j = 0; j < g.height; j++) for (let i = 0; i < g.width; i++) if (bits[j * g.width + i]) set.add((g.y + j) * 1000 + g.x + i);
				return set;
			};
			const A = full(a),
				B = full(b);
			const inter = [...A].filter((p) => B.has(p)).length;
			expect(maskIou(a, b)).toBeCloseTo(inter / (A.size + B.size - inter), 12);
		}
	});

	it('a mask and a polygon compare on pixels: the polygon of a mask\'s own pixel square gives 1', () => {
		const m = maskOf(40, 40, (x, y) => x >= 10 && x < 15 && y >= 10 && y < 15);
		expect(regionIou(maskRegion(m), poly({ points: square(10, 10, 5) }))).toBe(1);
		expect(regionIou(maskRegion(m), boxRegion({ x: 10, y: 10, width: 5, height: 10 }))).toBeCloseTo(0.5, 12);
	});
});

const VECTORS = join(__dirname, '../../../shared/fixtures/rle_vectors/vectors.json');

interface Vectors {
	box_masks_20x20: { cases: { bbox: [number, number, number, number]; string: string }[] };
	merge_of_box_masks_20x20: { union_string: string; intersection_string: string };
}

describe.skipIf(!existsSync(VECTORS))('RLE IoU and merge as pycocotools computes them (shared/fixtures/rle_vectors)', () => {
	const v = existsSync(VECTORS) ? (JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors) : null;
	const cases = v?.box_masks_20x20.cases ?? [];
	const rle = (s: string) => ({ height: 20, width: 20, counts: s });
	/** The pixels of box [x, y, w, h] clipped to the 20×20 image, as "x,y" keys. */
	const pixels = ([x, y, w, h]: number[]) => {
		const out = new Set<string>();
		for (let j = Math.max(0, y); j < Math.min(20, y + h); j++) for (let i = Math.max(0, x); i < Math.min(20, x + w); i++) out.add(`${i},${j}`);
		return out;
	};

	it('rleIou of every pair of the ten box masks is |A∩B| / |A∪B| of their boxes; with iscrowd, / |dt|', () => {
		expect(cases.length).toBe(10);
		let overlapping = 0;
		for (const a of cases)
			for (const b of cases) {
				const A = pixels(a.bbox),
					B = pixels(b.bbox);
				const inter = [...A].filter((p) => B.has(p)).length;
				if (inter && a !== b) overlapping++;
				expect(rleArea(rle(a.string))).toBe(A.size);
				expect(rleIou(rle(a.string), rle(b.string)), `${a.bbox} vs ${b.bbox}`).toBeCloseTo(inter ? inter / (A.size + B.size - inter) : 0, 14);
				expect(rleIou(rle(a.string), rle(b.string), true), `${a.bbox} vs crowd ${b.bbox}`).toBeCloseTo(inter ? inter / A.size : 0, 14);
			}
		expect(overlapping).toBeGreaterThan(10); // the vectors do overlap: the test is not all zeros
	});

	it('answers -1 for masks of different sizes, as maskApi.c does', () => {
		expect(rleIou({ height: 20, width: 20, counts: cases[0].string }, { height: 10, width: 40, counts: cases[0].string })).toBe(-1);
	});

	it('the union and intersection of all ten equal merge_of_box_masks_20x20', () => {
		const all = cases.map((c) => rle(c.string));
		expect(rleMerge(all).counts).toBe(v!.merge_of_box_masks_20x20.union_string);
		expect(rleMerge(all, true).counts).toBe(v!.merge_of_box_masks_20x20.intersection_string);
		// Merging run lists gives the same as encoding the merged pixels.
		const union = new Uint8Array(400);
		for (const c of cases) for (const p of pixels(c.bbox)) union[Number(p.split(',')[1]) * 20 + Number(p.split(',')[0])] = 1;
		expect(rleMerge(all).counts).toBe(encodeMask(union, 20, 20));
	});
});
