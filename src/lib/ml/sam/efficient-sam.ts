import type { SegmenterFamily } from '../family';
import type { ImageEmbedding, RgbaImage, SegmentationResult } from '../types';
import { bestIndex, maskOfImage } from './postprocess';
import { promptTensors } from './prompt';
import { runSession, sessionOf } from '../session';
import { float32, floatData, fromPlain, int64, toPlain } from '../tensors';

type Embedding = Omit<ImageEmbedding, 'modelId'>;

/** The whole image as NCHW RGB on 0…1: EfficientSAM's encoder resizes and normalises inside. */
function unitPlanes(image: RgbaImage): Float32Array {
	const plane = image.width * image.height;
	const out = new Float32Array(3 * plane);
	for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) out[c * plane + i] = image.data[i * 4 + c] / 255;
	return out;
}

/**
 * EfficientSAM (S/Ti), the official split export: prompts in image pixels as [1, 1, N, 2], box corners
 * labelled 2/3, no padding point; masks [1, 1, M, H, W] at the image's size. It takes no mask_input,
 * so more clicks re-run from the clicks alone.
 */
export const efficientSam: SegmenterFamily = {
	family: 'efficientsam',
	task: 'interactive-segmentation',
	label: 'EfficientSAM',
	signature: {
		encoder: { inputs: ['batched_images'], outputs: ['image_embeddings'] },
		decoder: {
			inputs: ['image_embeddings', 'batched_point_coords', 'batched_point_labels', 'orig_im_size'],
			outputs: ['output_masks', 'iou_predictions']
		}
	},

	async embed(sessions, image): Promise<Embedding> {
		const out = await runSession(sessionOf(sessions, 'encoder'), {
			batched_images: float32(unitPlanes(image), [1, 3, image.height, image.width])
		});
		floatData(out.image_embeddings, 'image_embeddings');
		return { imageWidth: image.width, imageHeight: image.height, tensors: { image_embeddings: toPlain(out.image_embeddings) } };
	},

	async segment(sessions, embedding, prompt): Promise<SegmentationResult> {
		const { imageWidth: w, imageHeight: h } = embedding;
		const p = promptTensors(prompt, 1, 1, false);
		const out = await runSession(sessionOf(sessions, 'decoder'), {
			image_embeddings: fromPlain(embedding.tensors.image_embeddings),
			batched_point_coords: float32(p.coords, [1, 1, p.count, 2]),
			batched_point_labels: float32(p.labels, [1, 1, p.count]),
			orig_im_size: int64([h, w], [2])
		});
		const masks = floatData(out.output_masks, 'output_masks');
		const scores = floatData(out.iou_predictions, 'iou_predictions');
		const best = bestIndex(scores);
		const [mh, mw] = out.output_masks.dims.slice(-2);
		return { mask: maskOfImage(masks, mw, mh, best, w, h), score: scores[best] };
	}
};
