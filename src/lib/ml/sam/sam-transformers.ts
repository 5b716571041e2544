import type { SegmenterFamily } from '../family';
import type { ImageEmbedding, SegmentationResult } from '../types';
import { bestIndex, paddedLowResToImage } from './postprocess';
import { longestSideSize, samEncoderInput } from './preprocess';
import { promptTensors } from './prompt';
import { SAM_IMAGE_SIZE } from './sam';
import { runSession, sessionOf } from '../session';
import { float32, floatData, fromPlain, int64, toPlain } from '../tensors';

type Embedding = Omit<ImageEmbedding, 'modelId'>;

/**
 * SAM and SlimSAM as transformers.js exports them (Xenova/slimsam-*, Xenova/sam-vit-*): SamProcessor's
 * input (longest side 1024, ImageNet normalisation, padded bottom-right: the same numbers as SAM's),
 * prompts as [1, 1, N, 2] with int64 labels (the decoder adds its own padding point; a box goes in as
 * its two corners labelled 2 and 3), three 256² masks over the padded frame. No mask_input: more
 * clicks re-run from the clicks alone.
 */
export const samTransformers: SegmenterFamily = {
	family: 'sam-transformers',
	task: 'interactive-segmentation',
	label: 'SAM / SlimSAM (transformers.js export)',
	signature: {
		encoder: { inputs: ['pixel_values'], outputs: ['image_embeddings', 'image_positional_embeddings'] },
		decoder: {
			inputs: ['input_points', 'input_labels', 'image_embeddings', 'image_positional_embeddings'],
			outputs: ['iou_scores', 'pred_masks']
		}
	},

	async embed(sessions, image): Promise<Embedding> {
		const out = await runSession(sessionOf(sessions, 'encoder'), {
			pixel_values: float32(samEncoderInput(image, SAM_IMAGE_SIZE), [1, 3, SAM_IMAGE_SIZE, SAM_IMAGE_SIZE])
		});
		floatData(out.image_embeddings, 'image_embeddings');
		floatData(out.image_positional_embeddings, 'image_positional_embeddings');
		return {
			imageWidth: image.width,
			imageHeight: image.height,
			tensors: { image_embeddings: toPlain(out.image_embeddings), image_positional_embeddings: toPlain(out.image_positional_embeddings) }
		};
	},

	async segment(sessions, embedding, prompt): Promise<SegmentationResult> {
		const { imageWidth: w, imageHeight: h } = embedding;
		const resized = longestSideSize(w, h, SAM_IMAGE_SIZE);
		const sx = resized.width / w;
		const sy = resized.height / h;
		const p = promptTensors(prompt, sx, sy, false);
		const out = await runSession(sessionOf(sessions, 'decoder'), {
			input_points: float32(p.coords, [1, 1, p.count, 2]),
			input_labels: int64(p.labels, [1, 1, p.count]),
			image_embeddings: fromPlain(embedding.tensors.image_embeddings),
			image_positional_embeddings: fromPlain(embedding.tensors.image_positional_embeddings)
		});
		const masks = floatData(out.pred_masks, 'pred_masks');
		const scores = floatData(out.iou_scores, 'iou_scores');
		const best = bestIndex(scores);
		const side = out.pred_masks.dims[out.pred_masks.dims.length - 1];
		return { mask: paddedLowResToImage(masks, side, SAM_IMAGE_SIZE, best, w, h, sx, sy), score: scores[best] };
	}
};
