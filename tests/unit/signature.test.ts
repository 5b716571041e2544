import { describe, expect, it } from 'vitest';
import { FAMILIES } from '$lib/ml/families';
import { sam, sam2 } from '$lib/ml/sam';
import { signatureMismatch } from '$lib/ml/signature';
import { yolo } from '$lib/ml/yolo';
import { loadSession, samDecoderModel, yoloV8Model } from './support/onnx-models';

describe('model signatures', { timeout: 60_000 }, () => {
	it('refuses a YOLO model offered as a SAM decoder, naming what was expected and what was found', async () => {
		const model = await loadSession(yoloV8Model([{ cx: 1, cy: 1, w: 1, h: 1, scores: [1] }]));
		const message = signatureMismatch(sam, 'decoder', model.inputNames, model.outputNames);
		expect(message).toMatch(/not a SAM .* decoder/);
		expect(message).toContain('"point_coords"');
		expect(message).toContain('"low_res_masks"');
		expect(message).toContain('found inputs "images" and outputs "output0"');
		expect(signatureMismatch(yolo, 'model', model.inputNames, model.outputNames)).toBeNull();
	});

	it('accepts the official SAM decoder export by its names', async () => {
		const model = await loadSession(samDecoderModel(5));
		expect(signatureMismatch(sam, 'decoder', model.inputNames, model.outputNames)).toBeNull();
		expect(signatureMismatch(sam, 'encoder', model.inputNames, model.outputNames)).toContain('"input_image"');
	});

	it('refuses an input the adapter would not feed, except the ones it feeds when present', () => {
		const decoder = sam2.signature.decoder;
		expect(signatureMismatch(sam2, 'decoder', [...decoder.inputs, 'orig_im_size'], decoder.outputs)).toBeNull();
		expect(signatureMismatch(sam2, 'decoder', [...decoder.inputs, 'multimask_output'], decoder.outputs)).toContain('"multimask_output"');
		expect(signatureMismatch(sam2, 'detector', [], [])).toMatch(/has no "detector" file/);
		// A segmenter's extra prototype output is another layout, not a detector.
		expect(signatureMismatch(yolo, 'model', ['images'], ['output0', 'output1'])).toContain('"output1"');
	});

	it('lists each family once, and no two families share a signature', () => {
		const ids = FAMILIES.map((f) => f.family);
		expect(new Set(ids).size).toBe(ids.length);
		for (const a of FAMILIES)
			for (const b of FAMILIES)
				if (a !== b)
					expect(Object.keys(a.signature).every((role) => b.signature[role] && !signatureMismatch(b, role, a.signature[role].inputs, a.signature[role].outputs))).toBe(false);
	});
});
