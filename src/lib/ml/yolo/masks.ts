import { bilinearTaps, resample } from '../image/resize';
import type { BinaryMask } from '../types';
import type { Letterbox } from './letterbox';

/** Prototype masks, output1 of a YOLO segmenter: [1, nm, mh, mw]. */
export interface Protos {
	data: Float32Array;
	count: number;
	height: number;
	width: number;
}

/** sigmoid(coefs · protos) over the prototype grid. */
function probabilities(coefs: Float32Array, protos: Protos): Float32Array {
	const plane = protos.width * protos.height;
	const sum = new Float32Array(plane);
	for (let k = 0; k < protos.count; k++) {
		const c = coefs[k];
		if (c === 0) continue;
		const off = k * plane;
		for (let i = 0; i < plane; i++) sum[i] += c * protos.data[off + i];
	}
	for (let i = 0; i < plane; i++) sum[i] = 1 / (1 + Math.exp(-sum[i]));
	return sum;
}

/**
 * An instance's mask over the image, as Ultralytics' process_mask then scale_image: the prototype
 * mix upsampled bilinearly to the input, the letterbox undone, 1 where above 0.5, and only inside
 * the detection's box (`box`, image pixels).
 */
export function instanceMask(
	coefs: Float32Array,
	protos: Protos,
	lb: Letterbox,
	box: readonly number[],
	imageWidth: number,
	imageHeight: number
): BinaryMask {
	const prob = probabilities(coefs, protos);
	const data = new Uint8Array(imageWidth * imageHeight);
	const { width: pw, height: ph } = protos;
	const x0 = Math.max(0, Math.floor(box[0])), x1 = Math.min(imageWidth, Math.ceil(box[2]));
	const y0 = Math.max(0, Math.floor(box[1])), y1 = Math.min(imageHeight, Math.ceil(box[3]));
	const boxW = Math.max(0, x1 - x0), boxH = Math.max(0, y1 - y0);
	// Pixel centre in the image → the letterboxed input → the prototype grid.
	const xs = bilinearTaps(pw, boxW, (i) => ((x0 + i + 0.5) * lb.scale + lb.padX) * (pw / lb.size));
	const ys = bilinearTaps(ph, boxH, (j) => ((y0 + j + 0.5) * lb.scale + lb.padY) * (ph / lb.size));
	const sampled = resample({ data: prob, width: pw, height: ph, stride: 1, channels: 1 }, xs, ys, new Float64Array(boxW * boxH));
	for (let j = 0; j < boxH; j++) {
		const cy = y0 + j + 0.5;
		if (cy < box[1] || cy > box[3]) continue;
		for (let i = 0; i < boxW; i++) {
			const cx = x0 + i + 0.5;
			if (cx >= box[0] && cx <= box[2] && sampled[j * boxW + i] > 0.5) data[(y0 + j) * imageWidth + x0 + i] = 1;
		}
	}
	return { width: imageWidth, height: imageHeight, data };
}
