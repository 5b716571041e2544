// PaddleOCR's pixel operations (cv2.resize INTER_LINEAR, getPerspectiveTransform + warpPerspective, rot90).
import { describe, expect, test } from 'vitest';
import { type BgrImage, type Point, perspectiveTransform, resizeBilinear, rgbaToBgr, rotate90CounterClockwise } from '../../src/lib/ml/ocr/image';
import { rotateCropImage } from '../../src/lib/ml/ocr/system';

/** A 3-channel image whose blue channel is `value(x, y)` (green and red 0). */
function blueImage(width: number, height: number, value: (x: number, y: number) => number): BgrImage {
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(y * width + x) * 3] = value(x, y);
	return { width, height, data };
}
const blue = (image: BgrImage) => Array.from({ length: image.width * image.height }, (_, i) => image.data[i * 3]);
/** Distinct values per pixel for positions up to 16 × 16. */
const pattern = (x: number, y: number) => (x % 16) + 16 * (y % 16);

describe('channel order', () => {
	test('RGBA becomes BGR (the layout cv2.imread gives PaddleOCR), alpha dropped', () => {
		const bgr = rgbaToBgr({ width: 1, height: 1, data: new Uint8ClampedArray([10, 20, 30, 40]) });
		expect(Array.from(bgr.data)).toEqual([30, 20, 10]);
	});
});

describe('resize like cv2 INTER_LINEAR (half-pixel centres, edges clamped)', () => {
	test('2 → 4 samples at −0.25, 0.25, 0.75, 1.25 source pixels', () => {
		const up = resizeBilinear(blueImage(2, 1, (x) => [0, 100][x]), 4, 1);
		expect(blue(up)).toEqual([0, 25, 75, 100]);
	});
	test('4 → 2 averages neighbouring pairs', () => {
		const down = resizeBilinear(blueImage(4, 1, (x) => [0, 10, 100, 200][x]), 2, 1);
		expect(blue(down)).toEqual([5, 150]);
	});
	test('the same size is an exact copy', () => {
		const image = blueImage(16, 16, pattern);
		expect(blue(resizeBilinear(image, 16, 16))).toEqual(blue(image));
	});
});

describe('perspective crop (get_rotate_crop_image)', () => {
	test('the homography maps each quad corner onto the rectangle', () => {
		const from: Point[] = [[12, 7], [80, 20], [75, 52], [5, 40]];
		const to: Point[] = [[0, 0], [70, 0], [70, 30], [0, 30]];
		const h = perspectiveTransform(from, to);
		from.forEach(([x, y], i) => {
			const w = h[6] * x + h[7] * y + h[8];
			expect((h[0] * x + h[1] * y + h[2]) / w).toBeCloseTo(to[i][0], 9);
			expect((h[3] * x + h[4] * y + h[5]) / w).toBeCloseTo(to[i][1], 9);
		});
	});
	test('an axis-aligned quad crops exactly those pixels', () => {
		const image = blueImage(16, 16, pattern);
		const crop = rotateCropImage(image, [[3, 2], [11, 2], [11, 7], [3, 7]]);
		expect([crop.width, crop.height]).toEqual([8, 5]);
		for (let y = 0; y < 5; y++) for (let x = 0; x < 8; x++) expect(crop.data[(y * 8 + x) * 3]).toBe(pattern(3 + x, 2 + y));
	});
	test('a quad whose top edge runs downwards is read along that edge', () => {
		const image = blueImage(16, 16, pattern);
		// Top-left (12, 2), top-right (12, 10): the crop's x follows +y in the image, its y follows −x.
		const crop = rotateCropImage(image, [[12, 2], [12, 10], [8, 10], [8, 2]]);
		expect([crop.width, crop.height]).toEqual([8, 4]);
		for (let y = 0; y < 4; y++) for (let x = 0; x < 8; x++) expect(crop.data[(y * 8 + x) * 3]).toBe(pattern(12 - y, 2 + x));
	});
	test('a crop at least 1.5 times taller than wide is turned a quarter counter-clockwise', () => {
		const image = blueImage(16, 16, pattern);
		const crop = rotateCropImage(image, [[2, 1], [5, 1], [5, 13], [2, 13]]); // 3 wide, 12 tall
		expect([crop.width, crop.height]).toEqual([12, 3]);
		// np.rot90: out[r][c] = in[c][width − 1 − r], with in[y][x] = pattern(2 + x, 1 + y).
		for (let r = 0; r < 3; r++) for (let c = 0; c < 12; c++) expect(crop.data[(r * 12 + c) * 3]).toBe(pattern(2 + (2 - r), 1 + c));
	});
	test('np.rot90 on a 2×1 image', () => {
		const turned = rotate90CounterClockwise(blueImage(2, 1, (x) => [1, 2][x]));
		expect([turned.width, turned.height, ...blue(turned)]).toEqual([1, 2, 2, 1]);
	});
	test('samples between pixels are bicubic (cv2 INTER_CUBIC, A = −0.75)', () => {
		// A half-pixel shift of a step edge: weights −0.09375, 0.59375, 0.59375, −0.09375 at t = 0.5.
		const image = blueImage(8, 1, (x) => (x < 4 ? 0 : 160));
		const crop = rotateCropImage(image, [[2.5, 0], [6.5, 0], [6.5, 1], [2.5, 1]]);
		// x = 2.5: 160·(−0.09375) = −15 → 0; 3.5: 160·(0.59375 − 0.09375) = 80; 4.5: 160·1.09375 = 175 (ringing); 5.5: 160.
		expect(blue(crop)).toEqual([0, 80, 175, 160]);
	});
});
