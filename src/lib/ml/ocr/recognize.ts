/**
 * PP-OCR's text recogniser (SVTR_LCNet for PP-OCRv4): TextRecognizer.resize_norm_img before the model,
 * CTCLabelDecode after it; batches as TextRecognizer.__call__ builds them.
 */
import type { BgrImage } from './image';
import { resizeBilinear } from './image';

/** rec_image_shape "3, 48, 320" and rec_batch_num 6, as tools/infer/utility.py sets them. */
export const REC_HEIGHT = 48;
export const REC_MIN_WIDTH = 320;
export const REC_BATCH = 6;

/** The width a batch is padded to: imgH × the widest aspect ratio in the batch, at least 320 (int() truncates). */
export function recBatchWidth(crops: { width: number; height: number }[]): number {
	let maxRatio = REC_MIN_WIDTH / REC_HEIGHT;
	for (const c of crops) maxRatio = Math.max(maxRatio, (c.width * 1.0) / c.height);
	return Math.trunc(REC_HEIGHT * maxRatio);
}

/**
 * resize_norm_img: scale to height 48 keeping the aspect (width ceil(48·w/h), capped at batchWidth),
 * (x / 255 − 0.5) / 0.5 per BGR channel, planar, zero-padded on the right. Writes into `out` at `offset`.
 */
export function recPreprocess(crop: BgrImage, batchWidth: number, out: Float32Array, offset: number): void {
	const ratio = crop.width / crop.height;
	const wanted = Math.ceil(REC_HEIGHT * ratio);
	const resizedW = wanted > batchWidth ? batchWidth : wanted;
	const resized = resizeBilinear(crop, resizedW, REC_HEIGHT);
	const plane = REC_HEIGHT * batchWidth;
	out.fill(0, offset, offset + 3 * plane);
	for (let y = 0; y < REC_HEIGHT; y++) {
		for (let x = 0; x < resizedW; x++) {
			const from = (y * resizedW + x) * 3;
			for (let c = 0; c < 3; c++) out[offset + c * plane + y * batchWidth + x] = (resized.data[from + c] / 255 - 0.5) / 0.5;
		}
	}
}

/** CTCLabelDecode's character list: 'blank' at 0, the dictionary, then a space (use_space_char). */
export function ctcCharacters(dictionary: string[]): string[] {
	return ['blank', ...dictionary, ' '];
}

/**
 * CTCLabelDecode for one sequence: argmax per time step, repeats then blanks (index 0) dropped;
 * the score is the mean max-probability of the kept steps (0 when nothing is kept).
 */
export function ctcDecode(probs: Float32Array, steps: number, classes: number, characters: string[]): { text: string; score: number } {
	let text = '';
	let sum = 0;
	let kept = 0;
	let previous = -1;
	for (let t = 0; t < steps; t++) {
		let best = 0;
		let bestP = probs[t * classes];
		for (let k = 1; k < classes; k++) {
			const p = probs[t * classes + k];
			if (p > bestP) {
				bestP = p;
				best = k;
			}
		}
		if (best !== 0 && best !== previous) {
			text += characters[best] ?? '';
			sum += bestP;
			kept++;
		}
		previous = best;
	}
	return { text, score: kept === 0 ? 0 : sum / kept };
}

/** Runs one [n, 3, 48, W] batch; returns probabilities [n, T, classes]. */
export type RecRunner = (input: Float32Array, dims: [number, number, number, number]) => Promise<{ data: Float32Array; dims: readonly number[] }>;

/** TextRecognizer.__call__: crops sorted by aspect ratio, batches of 6, results back in input order. */
export async function recognizeCrops(crops: BgrImage[], characters: string[], run: RecRunner): Promise<{ text: string; score: number }[]> {
	const order = crops.map((c, i) => ({ i, ratio: c.width / c.height })).sort((a, b) => a.ratio - b.ratio).map((e) => e.i);
	const results: { text: string; score: number }[] = new Array(crops.length);
	for (let begin = 0; begin < order.length; begin += REC_BATCH) {
		const indices = order.slice(begin, begin + REC_BATCH);
		const batch = indices.map((i) => crops[i]);
		const width = recBatchWidth(batch);
		const plane = 3 * REC_HEIGHT * width;
		const input = new Float32Array(batch.length * plane);
		batch.forEach((crop, n) => recPreprocess(crop, width, input, n * plane));
		const output = await run(input, [batch.length, 3, REC_HEIGHT, width]);
		const [, steps, classes] = output.dims;
		if (classes !== characters.length) {
			throw new Error(`The recogniser scores ${classes} characters but its dictionary has ${characters.length - 2} (plus blank and space): the dictionary does not belong to this model.`);
		}
		indices.forEach((i, n) => {
			results[i] = ctcDecode(output.data.subarray(n * steps * classes, (n + 1) * steps * classes), steps, classes, characters);
		});
	}
	return results;
}
