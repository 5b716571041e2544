// predict_system's reading order.
import { expect, test } from 'vitest';
import { sortedBoxes } from '../../src/lib/ml/ocr';
import type { Point } from '../../src/lib/ml/ocr/image';

const at = (x: number, y: number): Point[] => [[x, y], [x + 20, y], [x + 20, y + 10], [x, y + 10]];
const corners = (boxes: Point[][]) => boxes.map((b) => b[0]);

test('top to bottom; boxes whose tops differ by under 10 px read left to right', () => {
	const boxes = [at(100, 50), at(50, 200), at(10, 55), at(5, 300)];
	expect(corners(sortedBoxes(boxes))).toEqual([[10, 55], [100, 50], [50, 200], [5, 300]]);
});

test('10 px apart is a new row', () => {
	expect(corners(sortedBoxes([at(100, 50), at(10, 60)]))).toEqual([[100, 50], [10, 60]]);
});

test('a box bubbles left past several on its row', () => {
	const boxes = [at(300, 10), at(200, 12), at(100, 14), at(0, 16)];
	expect(corners(sortedBoxes(boxes))).toEqual([[0, 16], [100, 14], [200, 12], [300, 10]]);
});
