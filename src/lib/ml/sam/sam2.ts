import type { SegmenterFamily } from '../family';
import type { ImageEmbedding, PlainTensor, SegmentationResult } from '../types';
import { bestIndex, maskOfImage } from './postprocess';
import { stretchedEncoderInput } from './preprocess';
import { promptTensors } from './prompt';
import { lowResOf, maskInputFeeds, SAM_IMAGE_SIZE, SAM_LOW_RES } from './sam';
import { runSession, sessionOf } from '../session';
import { float32, floatData, fromPlain, toPlain } from '../tensors';

type Embedding = Omit<ImageEmbedding, 'modelId'>;

const ENCODER_OUTPUTS = ['high_res_feats_0', 'high_res_feats_1', 'image_embed'] as const;

/**
 * SAM 2 / 2.1 (Hiera T/S/B+/L) as samexporter exports it: the image stretched to 1024 × 1024 with
 * ImageNet normalisation, prompts scaled per axis, the padding point added inside the decoder, and
 * masks at 256 × 256 resized to the image here. A decoder that also takes orig_im_size gets it.
 */
export const sam2: SegmenterFamily = {
	family: 'sam2',
	task: 'interactive-segmentation',
	label: 'SAM 2',
	signature: {
		encoder: { inputs: ['image'], outputs: [...ENCODER_OUTPUTS] },
		decoder: {
			inputs: ['image_embed', 'high_res_feats_0', 'high_res_feats_1', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input'],
			outputs: ['masks', 'iou_predictions']
		}
	},

	async embed(sessions, image): Promise<Embedding> {
		const out = await runSession(sessionOf(sessions, 'encoder'), {
			image: float32(stretchedEncoderInput(image, SAM_IMAGE_SIZE), [1, 3, SAM_IMAGE_SIZE, SAM_IMAGE_SIZE])
		});
		const tensors: Record<string, PlainTensor> = {};
		for (const name of ENCODER_OUTPUTS) {
			floatData(out[name], name);
			tensors[name] = toPlain(out[name]);
		}
		return { imageWidth: image.width, imageHeight: image.height, tensors };
	},

	async segment(sessions, embedding, prompt, previous): Promise<SegmentationResult> {
		const { imageWidth: w, imageHeight: h } = embedding;
		const decoder = sessionOf(sessions, 'decoder');
		const p = promptTensors(prompt, SAM_IMAGE_SIZE / w, SAM_IMAGE_SIZE / h, false);
		const out = await runSession(decoder, {
			image_embed: fromPlain(embedding.tensors.image_embed),
			high_res_feats_0: fromPlain(embedding.tensors.high_res_feats_0),
			high_res_feats_1: fromPlain(embedding.tensors.high_res_feats_1),
			point_coords: float32(p.coords, [1, p.count, 2]),
			point_labels: float32(p.labels, [1, p.count]),
			...maskInputFeeds(previous),
			...(decoder.inputNames.includes('orig_im_size') ? { orig_im_size: float32([h, w], [2]) } : {})
		});
		const masks = floatData(out.masks, 'masks');
		const scores = floatData(out.iou_predictions, 'iou_predictions');
		const best = bestIndex(scores);
		const [mh, mw] = out.masks.dims.slice(-2);
		const lowRes = out.low_res_masks
			? lowResOf(floatData(out.low_res_masks, 'low_res_masks'), best)
			: mh === SAM_LOW_RES && mw === SAM_LOW_RES
				? lowResOf(masks, best)
				: undefined;
		return { mask: maskOfImage(masks, mw, mh, best, w, h), score: scores[best], lowRes };
	}
};
