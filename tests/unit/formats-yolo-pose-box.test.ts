import { describe, expect, it } from 'vitest';
import type { Dataset } from '$lib/formats/dataset';
import type { DatasetFile } from '$lib/formats/files';
import { labelMeCodec } from '$lib/formats/labelme';
import { yoloCodec } from '$lib/formats/yolo';
import { mergeMultiSegment } from '$lib/formats/yolo/merge-segments';
import type { SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import { decode, xAnyLabelingFile } from './support/xanylabeling';

const text = (files: readonly DatasetFile[], path: string) => new TextDecoder().decode(files.find((f) => f.path === path)!.bytes);
const numbersOf = (line: string) => line.split(' ').map(Number);

interface XShape {
	label: string;
	shape_type: string;
	points: [number, number][];
	group_id: number;
	difficult: boolean;
}

describe('X-AnyLabeling pose → YOLO pose', () => {
	it('writes one line per person: the rectangle as the box, then x y v for every template point (0 0 0 where missing)', () => {
		const file = xAnyLabelingFile();
		const input: { shapes: XShape[]; imageWidth: number; imageHeight: number } = decode(file.bytes);
		const { imageWidth: w, imageHeight: h } = input;
		const dataset = labelMeCodec.read([file]).dataset;
		const names = dataset.classes[0].skeleton!.points.map((p) => p.name);
		const out = yoloCodec.write(dataset, { variant: 'pose', includeImages: false });
		expect(out.skipped).toEqual({});
		const lines = text(out.files, 'labels/train/crowd.txt').trim().split('\n');
		const groups = [...new Set(input.shapes.map((s) => s.group_id))];
		expect(lines).toHaveLength(groups.length);
		groups.forEach((id, k) => {
			const shapes = input.shapes.filter((s) => s.group_id === id);
			const rect = shapes.find((s) => s.shape_type === 'rectangle')!;
			const xs = rect.points.map((p) => p[0]),
				ys = rect.points.map((p) => p[1]);
			const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
			const expected = [0, (x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h];
			for (const name of names) {
				const p = shapes.find((s) => s.shape_type === 'point' && s.label === name);
				expected.push(...(p ? [p.points[0][0] / w, p.points[0][1] / h, p.difficult ? 1 : 2] : [0, 0, 0]));
			}
			const got = numbersOf(lines[k]);
			expect(got).toHaveLength(5 + 3 * names.length);
			got.forEach((v, i) => expect(v, `line ${k + 1}, value ${i}`).toBeCloseTo(expected[i], 9));
		});
		expect(text(out.files, 'data.yaml')).toContain(`kpt_shape: [${names.length}, 3]`);
	});

	it("reads a pose line's box back as the skeleton's box", () => {
		const dataset = labelMeCodec.read([xAnyLabelingFile()]).dataset;
		const written = yoloCodec.write(dataset, { variant: 'pose', includeImages: false });
		const back = yoloCodec.read(written.files, { images: dataset.images }).dataset;
		back.annotations.forEach((a, k) => {
			const box = (a.geometry as SkeletonGeometry).box!;
			const want = (dataset.annotations[k].geometry as SkeletonGeometry).box!;
			for (const key of ['x', 'y', 'width', 'height'] as const) expect(box[key]).toBeCloseTo(want[key], 6);
		});
	});

	it('a skeleton without a box writes the box of its labeled points', () => {
		const d: Dataset = {
			images: [{ name: 'a.png', width: 100, height: 50 }],
			classes: [{ name: 'p', skeleton: { points: ['a', 'b', 'c'].map((name) => ({ name, x: 0, y: 0 })), edges: [] } }],
			annotations: [{ image: 'a.png', className: 'p', type: 'skeleton', geometry: { points: [10, 5, 99, 49, 30, 25], visibility: [2, 0, 1] } }]
		};
		const line = numbersOf(text(yoloCodec.write(d, { variant: 'pose', includeImages: false }).files, 'labels/train/a.txt').trim());
		[0, 20 / 100, 15 / 50, 20 / 100, 20 / 50].forEach((v, i) => expect(line[i]).toBeCloseTo(v, 9));
	});
});

describe("YOLO segment: a multi-part polygon is one line, joined as Ultralytics' merge_multi_segment joins", () => {
	const A = [0, 0, 10, 0, 10, 10, 0, 10];
	const C = [40, 0, 50, 0, 50, 10, 40, 10];

	it('two parts: each walked round from its closest point (the first closest pair on a tie) and closed', () => {
		const B = [20, 0, 30, 0, 30, 10, 20, 10];
		// Closest: A's (10,0) and B's (20,0) (A's (10,10) ~ B's (20,10) ties later in numpy's argmin order).
		expect(mergeMultiSegment([A, B])).toEqual([10, 0, 10, 10, 0, 10, 0, 0, 10, 0, 20, 0, 30, 0, 30, 10, 20, 10, 20, 0]);
		expect(mergeMultiSegment([A])).toEqual(A);
	});

	it('three parts: the middle one, entered after its exit, is reversed with its indices kept (Ultralytics does so)', () => {
		// B's (20,5), index 2, is closest to A's (10,0); B's (30,5), index 0, to C's (40,0).
		const B = [30, 5, 25, 10, 20, 5, 25, 0];
		// Forward: A from index 1, closed; B reversed to (25,0) (20,5) (25,10) (30,5), walked from 0 to 2;
		// C from index 0, closed. Back: B's reversed points from index |0 − 2| = 2, closed.
		const forwardA = [10, 0, 10, 10, 0, 10, 0, 0, 10, 0];
		const forwardB = [25, 0, 20, 5, 25, 10];
		const closedC = [40, 0, 50, 0, 50, 10, 40, 10, 40, 0];
		const backB = [25, 10, 30, 5, 25, 0];
		expect(mergeMultiSegment([A, B, C])).toEqual([...forwardA, ...forwardB, ...closedC, ...backB]);
	});

	it('the writer joins the parts into one normalised line and says so; detect writes the box of every part', () => {
		const B = [20, 0, 30, 0, 30, 10, 20, 10];
		const d: Dataset = {
			images: [{ name: 'a.png', width: 100, height: 20 }],
			classes: [{ name: 'cut' }],
			annotations: [{ image: 'a.png', className: 'cut', type: 'polygon', geometry: { points: A, parts: [{ points: B }] } }]
		};
		const seg = yoloCodec.write(d, { variant: 'segment', includeImages: false });
		const lines = text(seg.files, 'labels/train/a.txt').trim().split('\n');
		expect(lines).toHaveLength(1);
		const merged = mergeMultiSegment([A, B]);
		const got = numbersOf(lines[0]);
		expect(got[0]).toBe(0);
		got.slice(1).forEach((v, i) => expect(v).toBeCloseTo(merged[i] / (i % 2 === 0 ? 100 : 20), 9));
		expect(seg.warnings.join('\n')).toMatch(/1 polygons of several parts are written as one line each/);
		const box = numbersOf(text(yoloCodec.write(d, { variant: 'detect', includeImages: false }).files, 'labels/train/a.txt').trim());
		[0, 15 / 100, 5 / 20, 30 / 100, 10 / 20].forEach((v, i) => expect(box[i]).toBeCloseTo(v, 9));
	});
});
