import type { SegmenterFamily } from '../family';
import type { ImageEmbedding, PlainTensor, RgbaImage, SegmentationPrompt, SegmentationResult } from '../types';
import { bestIndex, maskOfImage } from './postprocess';
import { longestSideSize, SAM_MEAN, SAM_STD, samEncoderInput } from './preprocess';
import { promptTensors } from './prompt';
import { resizeRgb } from '../image/resize';
import { inputShape, runSession, sessionOf } from '../session';
import { float32, floatData, fromPlain, toPlain } from '../tensors';

/** SAM's encoder side and the decoder's low-res mask side (mask_input / low_res_masks). */
export const SAM_IMAGE_SIZE = 1024;
export const SAM_LOW_RES = 256;

type Embedding = Omit<ImageEmbedding, 'modelId'>;

/**
 * The encoder's input. Two layouts of samexporter's `input_image`: [1, 3, 1024, 1024] (normalised and
 * padded here) or [H, W, 3] (exported with --use-preprocess: the resized 0…255 pixels, normalised and
 * padded inside the model).
 */
function encoderFeed(shape: ReadonlyArray<number | string>, image: RgbaImage) {
	if (shape.length === 3) {
		const size = longestSideSize(image.width, image.height, SAM_IMAGE_SIZE);
		const rgb = resizeRgb(image, size.width, size.height, true);
		return float32(rgb, [size.height, size.width, 3]);
	}
	return float32(samEncoderInput(image, SAM_IMAGE_SIZE, SAM_MEAN, SAM_STD), [1, 3, SAM_IMAGE_SIZE, SAM_IMAGE_SIZE]);
}

/** The previous step's low-res logits as mask_input, or zeros with has_mask_input 0. */
export function maskInputFeeds(previous: PlainTensor | undefined) {
	const side = SAM_LOW_RES;
	if (previous && previous.type === 'float32' && previous.data.length === side * side)
		return { mask_input: float32(previous.data as Float32Array, [1, 1, side, side]), has_mask_input: float32([1], [1]) };
	return { mask_input: float32(new Float32Array(side * side), [1, 1, side, side]), has_mask_input: float32([0], [1]) };
}

/** One mask of a [1, M, 256, 256] low-res output as plain data for the next refinement. */
export function lowResOf(data: Float32Array, index: number): PlainTensor {
	const n = SAM_LOW_RES * SAM_LOW_RES;
	return { type: 'float32', dims: [1, 1, SAM_LOW_RES, SAM_LOW_RES], data: data.slice(index * n, (index + 1) * n) };
}

/** Segment Anything (ViT-B/L/H) and MobileSAM: samexporter's encoder, the official decoder export. */
export const sam: SegmenterFamily = {
	family: 'sam',
	task: 'interactive-segmentation',
	label: 'SAM (ViT-B/L/H, MobileSAM)',
	signature: {
		encoder: { inputs: ['input_image'], outputs: ['image_embeddings'] },
		decoder: {
			inputs: ['image_embeddings', 'point_coords', 'point_labels', 'mask_input', 'has_mask_input', 'orig_im_size'],
			outputs: ['masks', 'iou_predictions', 'low_res_masks']
		}
	},

	async embed(sessions, image): Promise<Embedding> {
		const encoder = sessionOf(sessions, 'encoder');
		const out = await runSession(encoder, { input_image: encoderFeed(inputShape(encoder, 'input_image'), image) });
		floatData(out.image_embeddings, 'image_embeddings');
		return { imageWidth: image.width, imageHeight: image.height, tensors: { image_embeddings: toPlain(out.image_embeddings) } };
	},

	async segment(sessions, embedding, prompt: SegmentationPrompt, previous?: PlainTensor): Promise<SegmentationResult> {
		const { imageWidth: w, imageHeight: h } = embedding;
		const resized = longestSideSize(w, h, SAM_IMAGE_SIZE);
		const p = promptTensors(prompt, resized.width / w, resized.height / h, true);
		const out = await runSession(sessionOf(sessions, 'decoder'), {
			image_embeddings: fromPlain(embedding.tensors.image_embeddings),
			point_coords: float32(p.coords, [1, p.count, 2]),
			point_labels: float32(p.labels, [1, p.count]),
			...maskInputFeeds(previous),
			orig_im_size: float32([h, w], [2])
		});
		const masks = floatData(out.masks, 'masks');
		const scores = floatData(out.iou_predictions, 'iou_predictions');
		const best = bestIndex(scores);
		const [mh, mw] = out.masks.dims.slice(-2);
		return {
			mask: maskOfImage(masks, mw, mh, best, w, h),
			score: scores[best],
			lowRes: lowResOf(floatData(out.low_res_masks, 'low_res_masks'), best)
		};
	}
};
