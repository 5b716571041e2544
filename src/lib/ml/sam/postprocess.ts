import type { BinaryMask } from '../types';
import { bilinearTaps, resample, resizeChannel } from '../image/resize';

/** SAM's mask threshold: logits above 0 are inside. */
export const MASK_THRESHOLD = 0;

/** Index of the highest score (the mask the decoder trusts most). */
export function bestIndex(scores: ArrayLike<number>): number {
	let best = 0;
	for (let i = 1; i < scores.length; i++) if (scores[i] > scores[best]) best = i;
	return best;
}

/** Logits of one mask (`offset` into `logits`) → a BinaryMask, 1 where the logit is above the threshold. */
export function thresholdLogits(logits: Float32Array, width: number, height: number, offset = 0): BinaryMask {
	const data = new Uint8Array(width * height);
	for (let i = 0; i < data.length; i++) data[i] = logits[offset + i] > MASK_THRESHOLD ? 1 : 0;
	return { width, height, data };
}

/**
 * One mask of a [.., masks, mh, mw] output as a BinaryMask of the image: thresholded as is when it is
 * already the image's size, otherwise resized bilinearly first (exports that give low-res masks).
 */
export function maskOfImage(logits: Float32Array, mw: number, mh: number, index: number, width: number, height: number): BinaryMask {
	const offset = index * mw * mh;
	if (mw === width && mh === height) return thresholdLogits(logits, width, height, offset);
	return thresholdLogits(resizeChannel(logits, mw, mh, width, height, offset), width, height);
}

/**
 * One low-res mask laid over the padded square frame (transformers.js' SAM: [.., 256, 256] for the
 * 1024² input whose top-left `scaleX·width × scaleY·height` is the image) → a BinaryMask of the image,
 * sampling bilinearly at each pixel centre (post_process_masks: upscale, crop the padding, resize).
 */
export function paddedLowResToImage(
	logits: Float32Array,
	side: number,
	frame: number,
	index: number,
	width: number,
	height: number,
	scaleX: number,
	scaleY: number
): BinaryMask {
	const grid = { data: logits, width: side, height: side, stride: 1, channels: 1, offset: index * side * side };
	const toGrid = side / frame;
	const xs = bilinearTaps(side, width, (x) => (x + 0.5) * scaleX * toGrid);
	const ys = bilinearTaps(side, height, (y) => (y + 0.5) * scaleY * toGrid);
	const sampled = resample(grid, xs, ys, new Float64Array(width * height));
	const data = new Uint8Array(width * height);
	for (let i = 0; i < data.length; i++) data[i] = sampled[i] > MASK_THRESHOLD ? 1 : 0;
	return { width, height, data };
}
