// The DB detector's pre- and post-processing (DetResizeForTest, NormalizeImage, DBPostProcess, filter_tag_det_res).
import { describe, expect, test } from 'vitest';
import { dbPostprocess, detInputSize, detPreprocess, filterDetections } from '../../src/lib/ml/ocr/detect';
import { contourHullPoints } from '../../src/lib/ml/ocr/contours';
import type { Point } from '../../src/lib/ml/ocr/image';

describe('DetResizeForTest (limit_side_len 960, limit_type max)', () => {
	test.each([
		[640, 200, 640, 192], // 200 / 32 = 6.25 → 6
		[640, 640, 640, 640],
		[1920, 1080, 960, 544], // ×0.5 → 540; 16.875 → 17
		[80, 80, 64, 64], // 2.5 rounds to even: 2
		[112, 80, 128, 64], // 3.5 → 4, 2.5 → 2
		[10, 10, 32, 32], // never under 32
		[3000, 100, 960, 32] // ×0.32 → 32
	])('%i × %i → %i × %i', (w, h, expectedW, expectedH) => {
		const size = detInputSize(w, h);
		expect([size.width, size.height]).toEqual([expectedW, expectedH]);
		expect(size.width % 32 + size.height % 32).toBe(0);
	});
});

describe('NormalizeImage', () => {
	test('ImageNet mean/std over the BGR channels in that order, planar', () => {
		// Pure red in RGBA terms: B = 0, G = 0, R = 255.
		const image = { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) };
		for (let i = 0; i < 32 * 32; i++) image.data[i * 3 + 2] = 255;
		const { tensor, width, height } = detPreprocess(image);
		expect([width, height, tensor.length]).toEqual([32, 32, 3 * 32 * 32]);
		const plane = 32 * 32;
		expect(tensor[0]).toBeCloseTo((0 - 0.485) / 0.229, 5); // channel 0 = blue
		expect(tensor[plane + 100]).toBeCloseTo((0 - 0.456) / 0.224, 5);
		expect(tensor[2 * plane + 1023]).toBeCloseTo((1 - 0.406) / 0.225, 5); // channel 2 = red
	});
	test('an image whose sides sum to under 64 is padded to 32 × 32 before resizing', () => {
		const image = { width: 20, height: 10, data: new Uint8Array(20 * 10 * 3).fill(255) };
		const { tensor, width, height } = detPreprocess(image);
		expect([width, height]).toEqual([32, 32]);
		expect(tensor[0]).toBeCloseTo((1 - 0.485) / 0.229, 5); // inside the picture
		expect(tensor[31 * 32 + 31]).toBeCloseTo((0 - 0.485) / 0.229, 5); // black padding
	});
});

/** A probability map with rectangles of a value. */
function mapWith(width: number, height: number, blocks: { x0: number; y0: number; x1: number; y1: number; p: number }[]) {
	const map = new Float32Array(width * height);
	for (const b of blocks) for (let y = b.y0; y <= b.y1; y++) for (let x = b.x0; x <= b.x1; x++) map[y * width + x] = b.p;
	return map;
}

describe('contours (cv2.findContours RETR_LIST)', () => {
	test('8-connected: blocks touching at a corner are one contour', () => {
		const bitmap = new Uint8Array(10 * 10);
		bitmap[1 * 10 + 1] = bitmap[2 * 10 + 2] = 1;
		bitmap[7 * 10 + 7] = 1;
		expect(contourHullPoints(bitmap, 10, 10).length).toBe(2);
	});
	test('a ring gives its outer border and its hole border (the 1-pixels next to the hole)', () => {
		const bitmap = new Uint8Array(10 * 10);
		for (let y = 2; y <= 7; y++) for (let x = 2; x <= 7; x++) bitmap[y * 10 + x] = x >= 4 && x <= 5 && y >= 4 && y <= 5 ? 0 : 1;
		const [hole, outer] = contourHullPoints(bitmap, 10, 10); // newest first, as OpenCV lists them
		const bounds = (ps: Point[]) => [Math.min(...ps.map((p) => p[0])), Math.min(...ps.map((p) => p[1])), Math.max(...ps.map((p) => p[0])), Math.max(...ps.map((p) => p[1]))];
		expect(bounds(outer)).toEqual([2, 2, 7, 7]);
		expect(bounds(hole)).toEqual([3, 3, 6, 6]);
		// Corners of the hole border are not 4-adjacent to the hole: (3, 3) is not on it.
		expect(hole.some(([x, y]) => x === 3 && y === 3)).toBe(false);
	});
	test('a gap open to the image edge is not a hole', () => {
		const bitmap = new Uint8Array(6 * 6);
		for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) bitmap[y * 6 + x] = x === 3 ? 0 : 1;
		expect(contourHullPoints(bitmap, 6, 6).length).toBe(2); // two columns of blocks, no holes
	});
});

describe('DBPostProcess', () => {
	test('a 40 × 10 block at 0.9: box score 0.9, unclipped by 351 × 1.5 / 96 ≈ 5.48 px', () => {
		const map = mapWith(64, 64, [{ x0: 10, y0: 20, x1: 49, y1: 29, p: 0.9 }]);
		const found = dbPostprocess(map, 64, 64, 64, 64);
		expect(found.length).toBe(1);
		expect(found[0].score).toBeCloseTo(0.9, 6);
		expect(found[0].box).toEqual([[5, 15], [54, 15], [54, 34], [5, 34]]);
	});
	test('boxes scale back to the source image (the map is the resized input)', () => {
		const map = mapWith(64, 64, [{ x0: 10, y0: 20, x1: 49, y1: 29, p: 0.9 }]);
		// Source twice as wide and 1.5 times as tall: x ×2, y ×1.5, numpy's half-to-even rounding (22.5 → 22).
		expect(dbPostprocess(map, 64, 64, 128, 96)[0].box).toEqual([[10, 22], [108, 22], [108, 51], [10, 51]]);
	});
	test('a region above thresh (0.3) but under box_thresh (0.6) is dropped', () => {
		const map = mapWith(64, 64, [{ x0: 10, y0: 20, x1: 49, y1: 29, p: 0.5 }]);
		expect(dbPostprocess(map, 64, 64, 64, 64)).toEqual([]);
	});
	test('a region thinner than min_size (3) is dropped', () => {
		const map = mapWith(64, 64, [{ x0: 10, y0: 20, x1: 49, y1: 21, p: 0.95 }]);
		expect(dbPostprocess(map, 64, 64, 64, 64)).toEqual([]);
	});
	test('max_candidates: only the first 1000 contours of OpenCV\'s newest-first list are kept', () => {
		const blocks = [];
		for (let row = 0; row < 33; row++) for (let col = 0; col < 33; col++) blocks.push({ x0: col * 8 + 1, y0: row * 8 + 1, x1: col * 8 + 5, y1: row * 8 + 5, p: 0.9 });
		const found = dbPostprocess(mapWith(264, 264, blocks), 264, 264, 264, 264);
		expect(found.length).toBe(1000); // of 1089
		// The 89 found first fell off: rows 0 and 1 and the 23 left-most blocks of row 2 (tops near 16).
		const row2 = found.filter((f) => f.box[0][1] < 20).map((f) => f.box[0][0]);
		expect(found.every((f) => f.box[0][1] > 12)).toBe(true);
		expect(row2.length).toBe(10);
		expect(Math.min(...row2)).toBeGreaterThan(23 * 8 - 2);
	});
	test('thresh is strict: 0.3 itself is background', () => {
		const map = mapWith(64, 64, [{ x0: 10, y0: 20, x1: 49, y1: 29, p: 0.3 }]);
		expect(dbPostprocess(map, 64, 64, 64, 64)).toEqual([]);
	});
});

describe('filter_tag_det_res', () => {
	test('reorders clockwise from top-left, clips into the image, drops boxes of 3 px or less', () => {
		const boxes: Point[][] = [
			[[70, 30], [-5, 30], [-5, 10], [70, 10]],
			[[20, 40], [23, 40], [23, 50], [20, 50]]
		];
		expect(filterDetections(boxes, 64, 64)).toEqual([[[0, 10], [63, 10], [63, 30], [0, 30]]]);
	});
});
