import { describe, expect, it } from 'vitest';
import { sam } from '$lib/ml/sam';
import { thresholdLogits } from '$lib/ml/sam/postprocess';
import { SAM_MEAN, SAM_STD } from '$lib/ml/sam/preprocess';
import type { BinaryMask, SegmentationPrompt } from '$lib/ml/types';
import { loadSession, recording, samDecoderModel, samEncoderModel, solidImage } from './support/onnx-models';

const W = 1600;
const H = 1000;
const RADIUS = 20;

const at = (m: BinaryMask, x: number, y: number) => m.data[y * m.width + x];
const count = (m: BinaryMask) => m.data.reduce((n, v) => n + v, 0);
const values = (t: { data: unknown }) => Array.from(t.data as Float32Array);

async function decoderOn(multimask = false) {
	const rec = recording(await loadSession(samDecoderModel(RADIUS, multimask)));
	const embedding = {
		imageWidth: W,
		imageHeight: H,
		tensors: { image_embeddings: { type: 'float32' as const, dims: [1, 256, 64, 64], data: new Float32Array(256 * 64 * 64) } }
	};
	const segment = (prompt: SegmentationPrompt, previous?: Parameters<typeof sam.segment>[3]) =>
		sam.segment({ decoder: rec.session }, embedding, prompt, previous);
	return { feeds: rec.feeds, segment };
}

// Image-sized masks through WASM on a shared CPU: generous time, no timing asserted.
describe('SAM (official decoder export)', { timeout: 60_000 }, () => {
	it('scales a click by 1024 / longest side (0.64 for 1600 × 1000) and adds the padding point without a box', async () => {
		const { feeds, segment } = await decoderOn();
		const result = await segment({ points: [{ x: 800, y: 500, label: 1 }] });
		expect(feeds[0].point_coords.dims).toEqual([1, 2, 2]);
		expect(values(feeds[0].point_coords)).toEqual([512, 320, 0, 0]);
		expect(values(feeds[0].point_labels)).toEqual([1, -1]);
		expect(values(feeds[0].orig_im_size)).toEqual([H, W]);
		// The model drew its disc where the scaled point maps back: the click's own pixel.
		expect(result.mask.width).toBe(W);
		expect(result.mask.height).toBe(H);
		expect(at(result.mask, 800, 500)).toBe(1);
		expect(at(result.mask, 800 + RADIUS + 2, 500)).toBe(0);
		expect(count(result.mask) / (Math.PI * RADIUS * RADIUS)).toBeCloseTo(1, 1);
	});

	it('sends a box as two corners labelled 2 and 3, smallest corner first, with no padding point', async () => {
		const { feeds, segment } = await decoderOn();
		await segment({ points: [], box: { x1: 400, y1: 600, x2: 100, y2: 200 } });
		expect(values(feeds[0].point_coords)).toEqual([64, 128, 256, 384]);
		expect(values(feeds[0].point_labels)).toEqual([2, 3]);
		await segment({ points: [{ x: 250, y: 400, label: 0 }], box: { x1: 100, y1: 200, x2: 400, y2: 600 } });
		expect(values(feeds[1].point_labels)).toEqual([0, 2, 3]);
		expect(feeds[1].point_coords.dims).toEqual([1, 3, 2]);
	});

	it('refines with the previous low-res mask as mask_input and has_mask_input 1', async () => {
		const { feeds, segment } = await decoderOn();
		const first = await segment({ points: [{ x: 800, y: 500, label: 1 }] });
		expect(values(feeds[0].has_mask_input)).toEqual([0]);
		expect(first.score).toBeCloseTo(0.5);
		expect(first.lowRes?.dims).toEqual([1, 1, 256, 256]);
		const second = await segment({ points: [{ x: 800, y: 500, label: 1 }, { x: 900, y: 500, label: 0 }] }, first.lowRes);
		expect(values(feeds[1].has_mask_input)).toEqual([1]);
		expect(feeds[1].mask_input.data).toEqual(first.lowRes!.data);
		// The model's low_res_masks = mask_input + has_mask_input: it saw the previous mask and the flag.
		expect(second.score).toBeCloseTo(1.5);
		const third = await segment({ points: [{ x: 800, y: 500, label: 1 }] }, second.lowRes);
		expect((third.lowRes!.data as Float32Array)[1234]).toBe(2);
	});

	it('takes the mask with the best iou prediction from a multimask export', async () => {
		const { segment } = await decoderOn(true);
		const result = await segment({ points: [{ x: 300, y: 700, label: 1 }] });
		expect(result.score).toBeCloseTo(0.9);
		expect(at(result.mask, 300, 700)).toBe(1);
		expect(at(result.mask, 10, 10)).toBe(0);
		expect(result.lowRes?.dims).toEqual([1, 1, 256, 256]);
	});

	it('thresholds logits at 0: zero is outside, anything above is inside', () => {
		const mask = thresholdLogits(Float32Array.from([-3, 0, 1e-6, 5]), 2, 2);
		expect(Array.from(mask.data)).toEqual([0, 0, 1, 1]);
	});

	it('encodes a 1600 × 1000 image resized to 1024 × 640, normalised, padded at the bottom', async () => {
		const rec = recording(await loadSession(samEncoderModel()));
		const embedding = await sam.embed({ encoder: rec.session }, solidImage(W, H, [255, 255, 255]));
		expect(rec.feeds[0].input_image.dims).toEqual([1, 3, 1024, 1024]);
		const e = embedding.tensors.image_embeddings;
		expect(e.dims).toEqual([1, 256, 64, 64]);
		const white = [0, 1, 2].reduce((s, c) => s + (255 - SAM_MEAN[c]) / SAM_STD[c], 0) / 3;
		const cell = (row: number, col: number) => (e.data as Float32Array)[row * 64 + col];
		// 640 / 16 = 40 rows of image, then 24 rows of zero padding.
		expect(cell(0, 0)).toBeCloseTo(white, 4);
		expect(cell(39, 63)).toBeCloseTo(white, 4);
		expect(cell(40, 0)).toBeCloseTo(0, 6);
		expect(cell(63, 63)).toBeCloseTo(0, 6);
		expect(embedding.imageWidth).toBe(W);
		expect(embedding.imageHeight).toBe(H);
	});

	it('feeds an encoder with built-in preprocessing ([H, W, 3]) the resized 0…255 pixels', async () => {
		const rec = recording(await loadSession(samEncoderModel(true)));
		const embedding = await sam.embed({ encoder: rec.session }, solidImage(W, H, [200, 100, 50]));
		expect(rec.feeds[0].input_image.dims).toEqual([640, 1024, 3]);
		expect(Array.from((rec.feeds[0].input_image.data as Float32Array).slice(0, 3)).map(Math.round)).toEqual([200, 100, 50]);
		expect(embedding.tensors.image_embeddings.dims).toEqual([1, 256, 64, 64]);
	});
});
