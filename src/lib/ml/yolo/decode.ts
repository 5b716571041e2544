import type { Candidate } from './nms';

/**
 * YOLO's output layouts. 'v5': rows [cx, cy, w, h, objectness, classes…, mask coefs…], score =
 * objectness × class score. 'v8' (v8, v11): [cx, cy, w, h, classes…, mask coefs…], no objectness, and
 * exported channels-first ([1, 4 + C, N]).
 */
export interface OutputLayout {
	kind: 'v5' | 'v8';
	/** True when the tensor is [1, channels, N] (v8/v11 as exported). */
	channelsFirst: boolean;
	count: number;
	channels: number;
	classes: number;
	maskCoefs: number;
}

/**
 * The layout from output0's dims: channels-first when the channel axis is the shorter one (84 vs
 * 8400), which only v8/v11 export. Rows ([1, N, K]) are v5 unless the class count says K = 4 + C.
 */
export function outputLayout(dims: readonly number[], maskCoefs: number, classCount?: number): OutputLayout {
	if (dims.length !== 3 || dims[0] !== 1) throw new Error(`A YOLO output should be [1, a, b]; this model gives [${dims.join(', ')}]`);
	const channelsFirst = dims[1] < dims[2];
	const channels = channelsFirst ? dims[1] : dims[2];
	const count = channelsFirst ? dims[2] : dims[1];
	const perBox = channels - maskCoefs;
	let kind: 'v5' | 'v8' = channelsFirst ? 'v8' : 'v5';
	if (!channelsFirst && classCount !== undefined && perBox === 4 + classCount) kind = 'v8';
	const classes = perBox - (kind === 'v5' ? 5 : 4);
	if (classes < 1) throw new Error(`A YOLO output with ${channels} channels per box has no class scores`);
	if (classCount !== undefined && classes !== classCount)
		throw new Error(`The model scores ${classes} classes but its label list has ${classCount}`);
	return { kind, channelsFirst, count, channels, classes, maskCoefs };
}

export interface RawCandidate extends Candidate {
	/** Mask coefficients of instance segmenters. */
	coefs?: Float32Array;
}

/** Boxes (xyxy, input pixels) above `scoreThreshold`, each with its best class. */
export function decodeOutput(data: Float32Array, layout: OutputLayout, scoreThreshold: number): RawCandidate[] {
	const { count, channels, channelsFirst, classes, maskCoefs, kind } = layout;
	const at = channelsFirst ? (i: number, c: number) => data[c * count + i] : (i: number, c: number) => data[i * channels + c];
	const firstClass = kind === 'v5' ? 5 : 4;
	const out: RawCandidate[] = [];
	for (let i = 0; i < count; i++) {
		const objectness = kind === 'v5' ? at(i, 4) : 1;
		if (objectness <= scoreThreshold) continue;
		let classIndex = 0;
		let best = -Infinity;
		for (let c = 0; c < classes; c++) {
			const s = at(i, firstClass + c);
			if (s > best) {
				best = s;
				classIndex = c;
			}
		}
		const score = best * objectness;
		if (score <= scoreThreshold) continue;
		const cx = at(i, 0), cy = at(i, 1), w = at(i, 2), h = at(i, 3);
		const candidate: RawCandidate = { box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], classIndex, score };
		if (maskCoefs > 0) {
			const coefs = new Float32Array(maskCoefs);
			for (let k = 0; k < maskCoefs; k++) coefs[k] = at(i, firstClass + classes + k);
			candidate.coefs = coefs;
		}
		out.push(candidate);
	}
	return out;
}
