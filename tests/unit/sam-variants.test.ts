import { describe, expect, it } from 'vitest';
import { efficientSam, sam2, samTransformers } from '$lib/ml/sam';
import type { BinaryMask } from '$lib/ml/types';
import {
	efficientSamDecoderModel,
	efficientSamEncoderModel,
	loadSession,
	recording,
	sam2DecoderModel,
	sam2EncoderModel,
	samTransformersDecoderModel,
	samTransformersEncoderModel,
	solidImage
} from './support/onnx-models';

const at = (m: BinaryMask, x: number, y: number) => m.data[y * m.width + x];
const values = (t: { data: unknown }) => Array.from(t.data as Float32Array | BigInt64Array, Number);

describe('SAM 2 (samexporter)', { timeout: 60_000 }, () => {
	it('stretches the image to 1024², scales clicks per axis, adds no padding point, resizes the best 256² mask', async () => {
		const encoder = recording(await loadSession(sam2EncoderModel()));
		const decoder = recording(await loadSession(sam2DecoderModel(64)));
		const sessions = { encoder: encoder.session, decoder: decoder.session };
		const embedding = await sam2.embed(sessions, solidImage(1600, 1000, [255, 255, 255]));
		expect(encoder.feeds[0].image.dims).toEqual([1, 3, 1024, 1024]);
		expect(Object.keys(embedding.tensors).sort()).toEqual(['high_res_feats_0', 'high_res_feats_1', 'image_embed']);
		expect(embedding.tensors.high_res_feats_0.dims).toEqual([1, 32, 256, 256]);
		// Stretched, not padded: the bottom row is image too, ImageNet-normalised white.
		const white = [0, 1, 2].reduce((s, c) => s + (1 - [0.485, 0.456, 0.406][c]) / [0.229, 0.224, 0.225][c], 0) / 3;
		expect((embedding.tensors.image_embed.data as Float32Array)[64 * 64 - 1]).toBeCloseTo(white, 4);

		const result = await sam2.segment(sessions, embedding, { points: [{ x: 800, y: 300, label: 1 }] });
		const feeds = decoder.feeds[0];
		expect(values(feeds.point_coords)).toEqual([512, expect.closeTo(307.2, 3)]);
		expect(values(feeds.point_labels)).toEqual([1]);
		expect(values(feeds.has_mask_input)).toEqual([0]);
		expect(result.score).toBeCloseTo(0.8);
		expect([result.mask.width, result.mask.height]).toEqual([1600, 1000]);
		// A 64-px disc in the 1024² frame is 100 px wide and 62.5 px tall on the image.
		expect(at(result.mask, 800, 300)).toBe(1);
		expect(at(result.mask, 880, 300)).toBe(1);
		expect(at(result.mask, 800, 380)).toBe(0);
		expect(result.lowRes?.dims).toEqual([1, 1, 256, 256]);

		const refined = await sam2.segment(sessions, embedding, { points: [{ x: 800, y: 300, label: 1 }], box: { x1: 0, y1: 0, x2: 1600, y2: 1000 } }, result.lowRes);
		expect(values(decoder.feeds[1].point_labels)).toEqual([1, 2, 3]);
		expect(values(decoder.feeds[1].has_mask_input)).toEqual([1]);
		expect(decoder.feeds[1].mask_input.data).toEqual(result.lowRes!.data);
		expect(refined.score).toBeCloseTo(1.8);
	});
});

describe('EfficientSAM', { timeout: 60_000 }, () => {
	it('feeds the whole image on 0…1 and prompts in image pixels as [1, 1, N, 2], taking the best of three masks', async () => {
		const encoder = recording(await loadSession(efficientSamEncoderModel()));
		const decoder = recording(await loadSession(efficientSamDecoderModel(15)));
		const sessions = { encoder: encoder.session, decoder: decoder.session };
		const embedding = await efficientSam.embed(sessions, solidImage(400, 250, [255, 0, 0]));
		expect(encoder.feeds[0].batched_images.dims).toEqual([1, 3, 250, 400]);
		expect((embedding.tensors.image_embeddings.data as Float32Array)[0]).toBeCloseTo(1 / 3, 5);

		const result = await efficientSam.segment(sessions, embedding, { points: [{ x: 100, y: 60, label: 1 }], box: { x1: 50, y1: 20, x2: 200, y2: 120 } });
		const feeds = decoder.feeds[0];
		expect(feeds.batched_point_coords.dims).toEqual([1, 1, 3, 2]);
		expect(values(feeds.batched_point_coords)).toEqual([100, 60, 50, 20, 200, 120]);
		expect(values(feeds.batched_point_labels)).toEqual([1, 2, 3]);
		expect(feeds.orig_im_size.type).toBe('int64');
		expect(values(feeds.orig_im_size)).toEqual([250, 400]);
		expect(result.score).toBeCloseTo(0.7);
		expect(at(result.mask, 100, 60)).toBe(1);
		expect(at(result.mask, 100, 80)).toBe(0);
	});
});

describe('SAM / SlimSAM (transformers.js export)', { timeout: 60_000 }, () => {
	it('feeds SamProcessor’s padded input, points as [1, 1, N, 2] with int64 labels, and crops the padded 256² mask', async () => {
		const encoder = recording(await loadSession(samTransformersEncoderModel()));
		const decoder = recording(await loadSession(samTransformersDecoderModel(32)));
		const sessions = { encoder: encoder.session, decoder: decoder.session };
		const embedding = await samTransformers.embed(sessions, solidImage(1600, 1000, [255, 255, 255]));
		expect(encoder.feeds[0].pixel_values.dims).toEqual([1, 3, 1024, 1024]);
		expect(Object.keys(embedding.tensors).sort()).toEqual(['image_embeddings', 'image_positional_embeddings']);
		// Padded below the 640 resized rows.
		expect((embedding.tensors.image_embeddings.data as Float32Array)[50 * 64]).toBeCloseTo(0, 6);

		const result = await samTransformers.segment(sessions, embedding, { points: [{ x: 800, y: 500, label: 1 }] });
		const feeds = decoder.feeds[0];
		expect(feeds.input_points.dims).toEqual([1, 1, 1, 2]);
		expect(values(feeds.input_points)).toEqual([512, 320]);
		expect(feeds.input_labels.type).toBe('int64');
		expect(values(feeds.input_labels)).toEqual([1]);
		expect(result.score).toBeCloseTo(0.9);
		expect([result.mask.width, result.mask.height]).toEqual([1600, 1000]);
		// 32 px in the 1024 frame is 50 image pixels at scale 0.64.
		expect(at(result.mask, 800, 500)).toBe(1);
		expect(at(result.mask, 840, 500)).toBe(1);
		expect(at(result.mask, 860, 500)).toBe(0);

		await samTransformers.segment(sessions, embedding, { points: [], box: { x1: 100, y1: 200, x2: 400, y2: 600 } });
		expect(values(decoder.feeds[1].input_labels)).toEqual([2, 3]);
		expect(values(decoder.feeds[1].input_points)).toEqual([64, 128, 256, 384]);
	});
});
