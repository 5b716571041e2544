import type { SegmentationPrompt } from '../types';

/** SAM's point labels: 1 include, 0 exclude, 2/3 the box's top-left/bottom-right, −1 padding. */
export const LABEL_BOX_TOP_LEFT = 2;
export const LABEL_BOX_BOTTOM_RIGHT = 3;
export const LABEL_PADDING = -1;

export interface PromptTensors {
	/** [x0, y0, x1, y1, …] in the model's coordinates. */
	coords: Float32Array;
	labels: Float32Array;
	count: number;
}

/**
 * The prompt as SAM's decoder takes it: clicks, then the box as two corner points labelled 2 and 3,
 * each coordinate multiplied by (scaleX, scaleY) into the encoder's frame (ResizeLongestSide's
 * apply_coords). Without a box the official decoder wants a padding point (0, 0) labelled −1;
 * `padWithoutBox: false` leaves it out for exports that add it themselves (SAM 2) or need none.
 */
export function promptTensors(prompt: SegmentationPrompt, scaleX: number, scaleY: number, padWithoutBox: boolean): PromptTensors {
	const coords: number[] = [];
	const labels: number[] = [];
	for (const p of prompt.points) {
		coords.push(p.x * scaleX, p.y * scaleY);
		labels.push(p.label);
	}
	if (prompt.box) {
		const { x1, y1, x2, y2 } = prompt.box;
		coords.push(Math.min(x1, x2) * scaleX, Math.min(y1, y2) * scaleY, Math.max(x1, x2) * scaleX, Math.max(y1, y2) * scaleY);
		labels.push(LABEL_BOX_TOP_LEFT, LABEL_BOX_BOTTOM_RIGHT);
	} else if (padWithoutBox) {
		coords.push(0, 0);
		labels.push(LABEL_PADDING);
	}
	if (labels.length === 0) throw new Error('Segmentation needs at least one click or a box');
	return { coords: Float32Array.from(coords), labels: Float32Array.from(labels), count: labels.length };
}
