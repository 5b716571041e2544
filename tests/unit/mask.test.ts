import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskKind, maskFromBitmap, maskBits, type MaskGeometry } from '$lib/shapes/mask/kind';
import { cropMask, maskArea, newBitmap, paintCapsule, paintDisc, paintPolygon, type Bitmap } from '$lib/shapes/mask/raster';
import { decodeMask, encodeMask, runsToString, stringToRuns } from '$lib/shapes/mask/rle';
import { createMaskTool, EMPTY_MASK_HINT, NOTHING_TO_ERASE_HINT } from '$lib/shapes/mask/view';
import { CLASS_DEFAULTS, type AnnotationRecord, type ClassRecord } from '$lib/model';
import { at, fakeContext } from './support/fake-tool-context';

const VECTORS = join(__dirname, '../../../shared/fixtures/rle_vectors/vectors.json');
const haveVectors = existsSync(VECTORS);

interface Vectors {
	runs_to_string: { counts: number[]; string: string }[];
	box_masks_20x20: { cases: { bbox: [number, number, number, number]; string: string }[] };
	merge_of_box_masks_20x20: { union_string: string; intersection_string: string };
}

/** A 20×20 row-major mask with the box [x, y, w, h] set, clipped (as the vectors define it). */
function boxMask([x, y, w, h]: number[], size = 20): Uint8Array {
	const bits = new Uint8Array(size * size);
	for (let j = Math.max(0, y); j < Math.min(size, y + h); j++) for (let i = Math.max(0, x); i < Math.min(size, x + w); i++) bits[j * size + i] = 1;
	return bits;
}

const image = { width: 100, height: 80 };

function geometryOf(paint: (m: Bitmap) => void, size = image): MaskGeometry {
	const m = newBitmap(size.width, size.height);
	paint(m);
	return maskFromBitmap(m)!;
}

describe('COCO RLE against pycocotools', () => {
	it.skipIf(!haveVectors)('writes and reads run lists as pycocotools does', () => {
		const v = JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors;
		for (const { counts, string } of v.runs_to_string) {
			expect(runsToString(counts)).toBe(string);
			expect(stringToRuns(string)).toEqual(counts);
		}
	});

	it.skipIf(!haveVectors)('encodes box masks and their union and intersection to the exact strings', () => {
		const v = JSON.parse(readFileSync(VECTORS, 'utf8')) as Vectors;
		const cases = v.box_masks_20x20.cases;
		expect(cases.length).toBeGreaterThan(0);
		const union = new Uint8Array(400);
		const inter = new Uint8Array(400).fill(1);
		for (const { bbox, string } of cases) {
			const bits = boxMask(bbox);
			expect(encodeMask(bits, 20, 20), `box ${bbox}`).toBe(string);
			expect(decodeMask(string, 20, 20)).toEqual(bits);
			bits.forEach((b, i) => {
				union[i] |= b;
				inter[i] &= b;
			});
		}
		expect(encodeMask(union, 20, 20)).toBe(v.merge_of_box_masks_20x20.union_string);
		expect(encodeMask(inter, 20, 20)).toBe(v.merge_of_box_masks_20x20.intersection_string);
	});

	it('reads a SAM-style file string column-major: column 3, rows 1-4', () => {
		const bits = decodeMask('`04n0', 10, 5);
		const set = [...bits.keys()].filter((i) => bits[i]).map((i) => [i % 10, Math.floor(i / 10)]);
		expect(set).toEqual([
			[3, 1],
			[3, 2],
			[3, 3],
			[3, 4]
		]);
	});

	it('round-trips a random mask, non-square and with long runs', () => {
		let seed = 7;
		const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
		const w = 37,
			h = 23;
		const bits = new Uint8Array(w * h).map(() => (rand() < 0.3 ? 1 : 0));
		bits.fill(1, 200, 600);
		expect(decodeMask(encodeMask(bits, w, h), w, h)).toEqual(bits);
		expect(runsToString(stringToRuns(runsToString([0, 3_000_000_000, 5])))).toBe(runsToString([0, 3_000_000_000, 5]));
	});

	it('refuses strings whose runs overflow or fall short of the size', () => {
		expect(() => decodeMask(runsToString([0, 401]), 20, 20)).toThrow();
		expect(() => decodeMask(runsToString([0, 10]), 20, 20)).toThrow();
		expect(() => decodeMask('0P', 20, 20)).toThrow(); // ends in the middle of a number
		// Several zero-length runs at the start are allowed.
		expect(maskArea(decodeMask(runsToString([0, 0, 10, 390]), 20, 20))).toBe(390);
	});
});

describe('rasterisation', () => {
	it('paints a disc of radius r with an area within 1% of πr²', () => {
		for (const [r, cx, cy] of [
			[20, 50, 40],
			[20, 50.5, 40.5],
			[13.5, 31.2, 22.7],
			[30, 49.9, 39.1]
		]) {
			const g = geometryOf((m) => paintDisc(m, { x: cx, y: cy }, r, 1));
			expect(Math.abs(maskKind.area(g) / (Math.PI * r * r) - 1), `r=${r}`).toBeLessThan(0.01);
			expect(g.width).toBeLessThanOrEqual(2 * r + 1);
		}
	});

	it('paints a capsule: a 2r-wide band plus two half discs', () => {
		const r = 10;
		const g = geometryOf((m) => paintCapsule(m, { x: 20, y: 40 }, { x: 80, y: 40 }, r, 1));
		expect(Math.abs(maskKind.area(g) / (60 * 2 * r + Math.PI * r * r) - 1)).toBeLessThan(0.01);
		expect(maskKind.bounds(g)).toEqual({ minX: 10, minY: 30, maxX: 90, maxY: 50 });
	});

	it('fills a rectangle and a triangle by pixel centres', () => {
		const rect = geometryOf((m) => paintPolygon(m, [10, 10, 30, 10, 30, 20, 10, 20], 1));
		expect(maskKind.area(rect)).toBe(200);
		expect(maskKind.bounds(rect)).toEqual({ minX: 10, minY: 10, maxX: 30, maxY: 20 });
		const tri = geometryOf((m) => paintPolygon(m, [0, 0, 60, 0, 0, 60], 1));
		expect(Math.abs(maskKind.area(tri) - 1800)).toBeLessThanOrEqual(60);
	});

	it('erases: clearing a disc out of a filled area removes about πr²', () => {
		const full = geometryOf((m) => paintPolygon(m, [0, 0, 100, 0, 100, 80, 0, 80], 1));
		const erased = geometryOf((m) => {
			m.bits.fill(1);
			paintDisc(m, { x: 50, y: 40 }, 10, 0);
		});
		expect(maskKind.area(full)).toBe(8000);
		expect(Math.abs(8000 - maskKind.area(erased) - Math.PI * 100)).toBeLessThan(3.2);
		expect(maskKind.hitTest(erased, { x: 50, y: 40 }, 0)).toBe(false);
		expect(maskKind.hitTest(erased, { x: 50, y: 40 }, 11)).toBe(true);
	});

	it('crops to the set pixels', () => {
		const m = newBitmap(50, 50);
		expect(cropMask(m)).toBeNull();
		m.bits[12 * 50 + 7] = 1;
		m.bits[30 * 50 + 40] = 1;
		expect(cropMask(m)).toEqual({ minX: 7, minY: 12, maxX: 41, maxY: 31 });
		const g = maskFromBitmap(m)!;
		expect([g.x, g.y, g.width, g.height]).toEqual([7, 12, 34, 19]);
		expect(maskKind.describe(g)).toBe('2 px');
	});
});

describe('mask kind', () => {
	const square = (x: number, y: number, size: number): MaskGeometry => ({
		x,
		y,
		width: size,
		height: size,
		rle: encodeMask(new Uint8Array(size * size).fill(1), size, size)
	});

	it('accepts a clean mask as it is', () => {
		const g = square(5, 6, 4);
		expect(maskKind.validate(g, image)).toEqual({ ok: true, geometry: g });
	});

	it('refuses fractions, bad sizes, empty masks and masks outside the image', () => {
		const refused = (raw: unknown) => {
			const r = maskKind.validate(raw, image);
			return r.ok ? 'accepted' : r.reason;
		};
		expect(refused({ ...square(5, 6, 4), x: 5.5 })).toMatch(/whole pixels/);
		expect(refused({ ...square(5, 6, 4), width: 5 })).toMatch(/do not match its size/);
		expect(refused({ ...square(5, 6, 4), width: 0 })).toMatch(/at least/);
		expect(refused({ x: 1, y: 1, width: 3, height: 3, rle: encodeMask(new Uint8Array(9), 3, 3) })).toBe('An empty mask is not stored');
		expect(refused(square(200, 10, 4))).toMatch(/outside the image/);
		expect(refused({ x: 1, y: 1, width: 3, height: 3 })).toMatch(/missing/);
		expect(refused(null)).toMatch(/missing/);
	});

	it('clips to the image and re-crops a loose box', () => {
		const r = maskKind.validate(square(98, 78, 4), image);
		expect(r.ok && [r.geometry.x, r.geometry.y, r.geometry.width, r.geometry.height]).toEqual([98, 78, 2, 2]);
		const loose = new Uint8Array(36);
		loose[2 * 6 + 3] = 1;
		const r2 = maskKind.validate({ x: 10, y: 10, width: 6, height: 6, rle: encodeMask(loose, 6, 6) }, image);
		expect(r2.ok && r2.geometry).toEqual({ x: 13, y: 12, width: 1, height: 1, rle: encodeMask(new Uint8Array([1]), 1, 1) });
	});

	it('moves by whole pixels, has no handles and hit-tests its pixels', () => {
		const g = square(10, 10, 4);
		const moved = maskKind.translate(g, 2.4, -1.6);
		expect([moved.x, moved.y, moved.rle]).toEqual([12, 8, g.rle]);
		expect(maskKind.handles(g)).toEqual([]);
		expect(maskKind.dragHandle(g, 'x', { x: 0, y: 0 })).toBe(g);
		expect(maskKind.removeVertex(g, 'x')).toBeNull();
		expect(maskKind.hitTest(g, { x: 11, y: 13.9 }, 0)).toBe(true);
		expect(maskKind.hitTest(g, { x: 14.5, y: 12 }, 0)).toBe(false);
		expect(maskKind.hitTest(g, { x: 14.5, y: 12 }, 1)).toBe(true);
		expect(maskBits(g)).toEqual(new Uint8Array(16).fill(1));
	});
});

describe('mask tool', () => {
	const cls = (maskMode: 'instance' | 'semantic'): ClassRecord => ({ ...CLASS_DEFAULTS, id: 'road', name: 'road', color: '#ff8800', hotkey: null, order: 0, maskMode });
	const record = (id: string, geometry: MaskGeometry, classId = 'road', z = 1): AnnotationRecord => ({
		id,
		imageId: 'img',
		classId,
		type: 'mask',
		geometry,
		attributes: {},
		z,
		author: 'me',
		createdAt: 0,
		updatedAt: 0
	});
	const disc = (x: number, y: number, r: number) => geometryOf((m) => paintDisc(m, { x, y }, r, 1), { width: 1000, height: 800 });
	const areaOf = (g: unknown) => maskKind.area(g as MaskGeometry);

	it('paints a disc of the brush size on a click, as a new mask', () => {
		const { ctx, created, maskOptions } = fakeContext();
		maskOptions.brushSize = 40;
		const tool = createMaskTool(ctx);
		tool.down(at(300.3, 200.7));
		expect(tool.busy()).toBe(true);
		tool.up(at(300.3, 200.7));
		expect(created).toHaveLength(1);
		expect(created[0].type).toBe('mask');
		expect(Math.abs(areaOf(created[0].geometry) / (Math.PI * 400) - 1)).toBeLessThan(0.01);
		expect(tool.busy()).toBe(false);
	});

	it('paints a stroke along the drag', () => {
		const { ctx, created } = fakeContext();
		const tool = createMaskTool(ctx);
		tool.down(at(100, 100));
		tool.move(at(150, 100), true);
		tool.move(at(200, 100), true);
		tool.up(at(200, 100));
		const g = created[0].geometry as MaskGeometry;
		expect([g.x, g.y, g.width, g.height]).toEqual([90, 90, 120, 20]);
		expect(Math.abs(areaOf(g) / (100 * 20 + Math.PI * 100) - 1)).toBeLessThan(0.01);
	});

	it('adds to the selected mask, and erases from it with Alt', () => {
		const stored = disc(100, 100, 20);
		const { ctx, created, updated, live } = fakeContext([record('m1', stored)], cls('instance'));
		ctx.select('m1');
		const tool = createMaskTool(ctx);
		tool.down(at(140, 100));
		expect(live()).not.toBeNull(); // the overlay shows the mask being painted instead of the stored one
		tool.up(at(140, 100));
		expect(live()).toBeNull();
		expect(created).toHaveLength(0);
		expect(updated[0].id).toBe('m1');
		const grown = areaOf(updated[0].geometry);
		expect(Math.abs(grown - areaOf(stored) - Math.PI * 100)).toBeLessThan(5); // a brush of 20 px beside it
		tool.down(at(100, 100, { alt: true }));
		tool.up(at(100, 100, { alt: true }));
		expect(Math.abs(areaOf(stored) - areaOf(updated[1].geometry) - Math.PI * 100)).toBeLessThan(5);
	});

	it('refuses to erase a mask to nothing, and erases nothing where there is no mask', () => {
		const stored = disc(100, 100, 5);
		const { ctx, updated, hints, maskOptions } = fakeContext([record('m1', stored)]);
		const tool = createMaskTool(ctx);
		expect(tool.key('x')).toBe(true);
		expect(maskOptions.maskTool).toBe('eraser');
		tool.down(at(500, 500));
		tool.up(at(500, 500));
		expect(hints).toEqual([NOTHING_TO_ERASE_HINT]);
		ctx.select('m1');
		tool.down(at(100, 100));
		tool.up(at(100, 100));
		expect(updated).toHaveLength(0);
		expect(hints[1]).toBe(EMPTY_MASK_HINT);
	});

	it('merges strokes of a semantic class into its one mask on the image', () => {
		const road = disc(100, 100, 10);
		const { ctx, created, updated } = fakeContext([record('other', disc(600, 600, 10), 'car', 5), record('m1', road)], cls('semantic'));
		const tool = createMaskTool(ctx);
		tool.down(at(400, 300));
		tool.up(at(400, 300));
		expect(created).toHaveLength(0);
		expect(ctx.selectedId).toBeNull(); // a layer, not an object: picking another class must not relabel it
		expect(updated[0].id).toBe('m1');
		const g = updated[0].geometry as MaskGeometry;
		expect(maskKind.bounds(g)).toEqual({ minX: 90, minY: 90, maxX: 410, maxY: 310 });
		expect(Math.abs(areaOf(g) - areaOf(road) - Math.PI * 100)).toBeLessThan(5);
	});

	it('fills a polygon placed by clicks on Enter', () => {
		const { ctx, created, maskOptions } = fakeContext();
		maskOptions.maskTool = 'fill';
		const tool = createMaskTool(ctx);
		for (const [x, y] of [
			[10, 10],
			[110, 10],
			[110, 60]
		]) {
			tool.down(at(x, y));
			tool.up(at(x, y));
		}
		expect(created).toHaveLength(0);
		expect(tool.key('enter')).toBe(true);
		expect(Math.abs(areaOf(created[0].geometry) - 2500)).toBeLessThanOrEqual(50);
	});

	it('changes the brush size with [ and ]', () => {
		const { ctx, maskOptions } = fakeContext();
		const tool = createMaskTool(ctx);
		expect(tool.key(']')).toBe(true);
		expect(maskOptions.brushSize).toBe(24);
		tool.key('[');
		tool.key('[');
		expect(maskOptions.brushSize).toBeLessThan(24);
	});
});
