// DB post-processing's geometry: minAreaRect, get_mini_boxes, order_points_clockwise, unclip, box_score_fast.
import { describe, expect, test } from 'vitest';
import type { Point } from '../../src/lib/ml/ocr/image';
import {
	boxScoreFast,
	minAreaRect,
	miniBox,
	offsetConvexPolygonRound,
	orderPointsClockwise,
	polygonAreaAndPerimeter
} from '../../src/lib/ml/ocr/geometry';
import { roundHalfEven } from '../../src/lib/ml/ocr/detect';

/** Corners of a w × h rectangle centred on (cx, cy), turned by `angle` (clockwise on screen). */
function rotatedRect(cx: number, cy: number, w: number, h: number, angle: number): Point[] {
	const c = Math.cos(angle);
	const s = Math.sin(angle);
	return [[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]].map(([x, y]) => [cx + x * c - y * s, cy + x * s + y * c]);
}
const sorted = (points: Point[]) => [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);

describe('minAreaRect', () => {
	test('an axis-aligned block of pixels: sides between the outer pixel centres', () => {
		const pixels: Point[] = [];
		for (let y = 20; y <= 29; y++) for (let x = 10; x <= 49; x++) pixels.push([x, y]);
		const rect = minAreaRect(pixels);
		expect([Math.max(rect.width, rect.height), Math.min(rect.width, rect.height)]).toEqual([39, 9]);
	});
	test('a rectangle turned by 30° with points inside it: the rectangle itself', () => {
		const corners = rotatedRect(100, 80, 40, 10, Math.PI / 6);
		const rect = minAreaRect([...corners, [100, 80], [105, 82], [95, 78]]);
		expect(Math.max(rect.width, rect.height)).toBeCloseTo(40, 9);
		expect(Math.min(rect.width, rect.height)).toBeCloseTo(10, 9);
		sorted(rect.corners).forEach((p, i) => {
			expect(p[0]).toBeCloseTo(sorted(corners)[i][0], 9);
			expect(p[1]).toBeCloseTo(sorted(corners)[i][1], 9);
		});
	});
	test('a right triangle 4 × 3: area 12, twice the triangle', () => {
		const rect = minAreaRect([[0, 0], [4, 0], [0, 3]]);
		expect(rect.width * rect.height).toBeCloseTo(12, 9);
	});
	test('a single point has no extent (DB drops it as smaller than min_size)', () => {
		expect(miniBox([[5, 5]]).shortSide).toBe(0);
	});
});

describe('box corner order', () => {
	test('get_mini_boxes: top-left, top-right, bottom-right, bottom-left of a turned rectangle', () => {
		const corners = rotatedRect(100, 80, 40, 10, 0.3);
		const { box, shortSide } = miniBox(corners);
		expect(shortSide).toBeCloseTo(10, 9);
		// Turned clockwise by 0.3 rad: the left-most corner is the top-left.
		const expected = [corners[0], corners[1], corners[2], corners[3]];
		box.forEach((p, i) => {
			expect(p[0]).toBeCloseTo(expected[i][0], 9);
			expect(p[1]).toBeCloseTo(expected[i][1], 9);
		});
	});
	test('order_points_clockwise by x + y and y − x, whatever the input order', () => {
		const quad: Point[] = [[50, 40], [10, 12], [52, 10], [8, 42]];
		expect(orderPointsClockwise(quad)).toEqual([[10, 12], [52, 10], [50, 40], [8, 42]]);
	});
});

describe('unclip', () => {
	test('distance = area × 1.5 / perimeter: a 100 × 20 box grows by 12.5', () => {
		const box: Point[] = [[0, 0], [100, 0], [100, 20], [0, 20]];
		const { area, perimeter } = polygonAreaAndPerimeter(box);
		expect((area * 1.5) / perimeter).toBe(12.5);
	});
	test('a round-join offset of an integer rectangle: its min-area rectangle grows by the distance on every side', () => {
		const offset = offsetConvexPolygonRound([[10, 20], [49, 20], [49, 29], [10, 29]], 5.484375);
		// Arc vertices lie on circles of radius d about each corner; edges' extremes round to the nearest pixel.
		expect(sorted(miniBox(offset).box)).toEqual(sorted([[5, 15], [54, 15], [54, 34], [5, 34]]));
		const rounded = offset.filter(([x, y]) => x > 10 - 5.5 && x < 49 + 5.5 && y > 20 - 5.5 && y < 29 + 5.5);
		expect(rounded.length).toBe(offset.length); // nothing beyond the grown rectangle
		expect(offset.length).toBeGreaterThan(8); // corners are arcs, not mitres
	});
	test('the closed form (a rectangle grown by d) matches the general offset for a turned box', () => {
		const box = rotatedRect(200, 150, 120, 24, 0.25);
		const { area, perimeter } = polygonAreaAndPerimeter(box);
		const d = (area * 1.5) / perimeter;
		const grown = miniBox(offsetConvexPolygonRound(box, d));
		const long = Math.max(...[0, 1].map((i) => Math.hypot(grown.box[i][0] - grown.box[i + 1][0], grown.box[i][1] - grown.box[i + 1][1])));
		// Input corners are truncated to integers and output vertices rounded (as pyclipper does): about a pixel either way.
		expect(Math.abs(long - (120 + 2 * d))).toBeLessThan(2);
		expect(Math.abs(grown.shortSide - (24 + 2 * d))).toBeLessThan(2);
	});
	test('every offset vertex lies at the distance from the box (within rounding)', () => {
		const box: Point[] = [[30, 40], [90, 55], [85, 75], [25, 60]];
		const d = 7.3;
		for (const p of offsetConvexPolygonRound(box, d)) {
			let nearest = Infinity;
			for (let i = 0; i < 4; i++) {
				const a = box[i];
				const b = box[(i + 1) % 4];
				const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2)));
				nearest = Math.min(nearest, Math.hypot(p[0] - a[0] - t * (b[0] - a[0]), p[1] - a[1] - t * (b[1] - a[1])));
			}
			expect(Math.abs(nearest - d)).toBeLessThan(0.75);
		}
	});
});

describe('box_score_fast', () => {
	test('the mean of the map over the filled box, edges included', () => {
		const map = new Float32Array(10 * 10);
		for (let y = 0; y < 10; y++) for (let x = 2; x <= 5; x++) map[y * 10 + x] = 1;
		// Pixels x 2..7, y 2..4 (18); ones at x 2..5 (12).
		expect(boxScoreFast(map, 10, 10, [[2, 2], [7, 2], [7, 4], [2, 4]])).toBeCloseTo(12 / 18, 6);
	});
	test('fractional corners are truncated as astype(np.int32) does', () => {
		const map = new Float32Array(10 * 10).fill(0.5);
		map[3 * 10 + 3] = 1;
		expect(boxScoreFast(map, 10, 10, [[3.9, 3.9], [3.9, 3.9], [3.9, 3.9], [3.9, 3.9]])).toBe(1);
	});
});

test("Python's round(): halves to even", () => {
	expect([0.5, 1.5, 2.5, 6.25, 16.875].map(roundHalfEven)).toEqual([0, 2, 2, 6, 17]);
});
