import { describe, expect, it } from 'vitest';
import { yolo, yoloSeg } from '$lib/ml/yolo';
import { outputLayout } from '$lib/ml/yolo/decode';
import { letterboxGeometry, letterboxInput } from '$lib/ml/yolo/letterbox';
import { loadSession, recording, solidImage, yoloV5Model, yoloV8Model, type YoloRow } from './support/onnx-models';

const W = 1600;
const H = 1000;
const options = { scoreThreshold: 0.25, iouThreshold: 0.45 };
const image = solidImage(W, H, [255, 0, 0]);

/** A row of C = 3 classes with `score` on class `cls`. */
const row = (cx: number, cy: number, w: number, h: number, cls: number, score: number, extra: Partial<YoloRow> = {}): YoloRow => ({
	cx, cy, w, h, scores: [0, 1, 2].map((c) => (c === cls ? score : 0.01)), ...extra
});
/** Empty rows: real outputs have far more boxes than channels, which is how the layout is read. */
const filler = (n: number) => Array.from({ length: n }, () => row(10, 10, 4, 4, 0, 0));

describe('YOLO letterbox', () => {
	it('fits 1600 × 1000 into 640² at scale 0.4, 640 × 400, centred with 120 px of gray above and below', () => {
		expect(letterboxGeometry(W, H, 640)).toEqual({ size: 640, scale: 0.4, width: 640, height: 400, padX: 0, padY: 120 });
		expect(letterboxGeometry(H, W, 640)).toMatchObject({ scale: 0.4, width: 400, height: 640, padX: 120, padY: 0 });
		// An odd leftover splits as Ultralytics does: round(d − 0.1) before, the rest after.
		expect(letterboxGeometry(1000, 999, 640)).toMatchObject({ width: 640, height: 639, padY: 0 });
	});

	it('feeds RGB on 0…1 with the padding at 114 gray', () => {
		const input = letterboxInput(image, letterboxGeometry(W, H, 640));
		const plane = 640 * 640;
		const rgb = (x: number, y: number) => [0, 1, 2].map((c) => Math.round(input[c * plane + y * 640 + x] * 255));
		expect(rgb(5, 119)).toEqual([114, 114, 114]);
		expect(rgb(5, 120)).toEqual([255, 0, 0]);
		expect(rgb(600, 519)).toEqual([255, 0, 0]);
		expect(rgb(600, 520)).toEqual([114, 114, 114]);
	});
});

describe('YOLO output layouts', () => {
	it('tells the layouts apart by output dims', () => {
		expect(outputLayout([1, 84, 8400], 0)).toMatchObject({ kind: 'v8', channelsFirst: true, classes: 80, count: 8400 });
		expect(outputLayout([1, 25200, 85], 0)).toMatchObject({ kind: 'v5', channelsFirst: false, classes: 80, count: 25200 });
		expect(outputLayout([1, 116, 8400], 32)).toMatchObject({ kind: 'v8', classes: 80, maskCoefs: 32 });
		expect(outputLayout([1, 25200, 117], 32)).toMatchObject({ kind: 'v5', classes: 80 });
		expect(outputLayout([1, 8400, 84], 0, 80)).toMatchObject({ kind: 'v8', channelsFirst: false, classes: 80 });
		expect(() => outputLayout([1, 84, 8400], 0, 20)).toThrow(/80 classes but its label list has 20/);
	});
});

describe('YOLO detectors', { timeout: 60_000 }, () => {
	it('v8/v11 (channels-first): maps a letterbox box back to image pixels', async () => {
		const model = recording(await loadSession(yoloV8Model([row(320, 320, 64, 40, 1, 0.9), ...filler(9)])));
		const found = await yolo.detect({ model: model.session }, image, options);
		expect(model.feeds[0].images.dims).toEqual([1, 3, 640, 640]);
		expect(found).toHaveLength(1);
		expect(found[0].classIndex).toBe(1);
		expect(found[0].score).toBeCloseTo(0.9);
		// (288, 300)–(352, 340) in the input: x / 0.4, (y − 120) / 0.4.
		found[0].box.forEach((v, i) => expect(v).toBeCloseTo([720, 450, 880, 550][i], 3));
	});

	it('NMS keeps the best of overlapping boxes of one class, keeps other classes, drops low scores', async () => {
		const rows = [
			row(320, 320, 100, 100, 0, 0.8),
			row(325, 322, 100, 100, 0, 0.95), // same object, better score
			row(322, 318, 100, 100, 2, 0.6), // same place, other class
			row(100, 200, 50, 50, 0, 0.2), // under the threshold
			row(500, 400, 60, 60, 0, 0.5), // elsewhere
			...filler(5)
		];
		const found = await yolo.detect({ model: await loadSession(yoloV8Model(rows)) }, image, options);
		expect(found.map((d) => [d.classIndex, Math.round(d.score * 100)])).toEqual([[0, 95], [2, 60], [0, 50]]);
		const looser = await yolo.detect({ model: await loadSession(yoloV8Model(rows)) }, image, { scoreThreshold: 0.1, iouThreshold: 0.99 });
		expect(looser).toHaveLength(5);
	});

	it('v5: score is objectness × class score', async () => {
		const rows = [
			row(320, 320, 64, 40, 2, 0.8, { objectness: 0.5 }), // 0.4: kept
			row(100, 300, 40, 40, 0, 0.3, { objectness: 0.9 }), // 0.27: under 0.3
			row(500, 300, 40, 40, 1, 0.9, { objectness: 0.2 }), // objectness under 0.3
			...filler(10).map((r) => ({ ...r, objectness: 0 }))
		];
		const found = await yolo.detect({ model: await loadSession(yoloV5Model(rows)) }, image, { ...options, scoreThreshold: 0.3 });
		expect(found).toHaveLength(1);
		expect(found[0].classIndex).toBe(2);
		expect(found[0].score).toBeCloseTo(0.4);
		found[0].box.forEach((v, i) => expect(v).toBeCloseTo([720, 450, 880, 550][i], 3));
	});

	it('v8-seg: each mask comes from its coefficients × prototypes, cropped to its box', async () => {
		const on = [1, ...new Array(31).fill(0)];
		const off = [-1, ...new Array(31).fill(0)];
		const rows = [row(320, 320, 64, 40, 0, 0.9, { coefs: on }), row(500, 300, 40, 40, 1, 0.8, { coefs: off }), ...filler(40)];
		const found = await yoloSeg.detect({ model: await loadSession(yoloV8Model(rows, true)) }, image, options);
		expect(found).toHaveLength(2);
		const mask = found[0].mask!;
		expect([mask.width, mask.height]).toEqual([W, H]);
		let inside = 0;
		let outside = 0;
		for (let y = 0; y < H; y++)
			for (let x = 0; x < W; x++)
				if (mask.data[y * W + x]) {
					if (x >= 720 && x < 880 && y >= 450 && y < 550) inside++;
					else outside++;
				}
		expect(outside).toBe(0);
		expect(inside).toBe(160 * 100);
		expect(found[1].mask!.data.some((v) => v)).toBe(false);
	});
});
