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
	const toProtoX = pw / lb.size;
	const toProtoY = ph / lb.size;
	const x0 = Math.max(0, Math.floor(box[0])), x1 = Math.min(imageWidth, Math.ceil(box[2]));
	const y0 = Math.max(0, Math.floor(box[1])), y1 = Math.min(imageHeight, Math.ceil(box[3]));
	for (let y = y0; y < y1; y++) {
		const cy = y + 0.5;
		if (cy < box[1] || cy > box[3]) continue;
		const fy = Math.max(0, (cy * lb.scale + lb.padY) * toProtoY - 0.5);
		const py0 = Math.min(ph - 1, Math.floor(fy));
		const py1 = Math.min(ph - 1, py0 + 1);
		const ty = fy - py0;
		for (let x = x0; x < x1; x++) {
			const cx = x + 0.5;
			if (cx < box[0] || cx > box[2]) continue;
			const fx = Math.max(0, (cx * lb.scale + lb.padX) * toProtoX - 0.5);
			const px0 = Math.min(pw - 1, Math.floor(fx));
			const px1 = Math.min(pw - 1, px0 + 1);
			const tx = fx - px0;
			const top = prob[py0 * pw + px0] * (1 - tx) + prob[py0 * pw + px1] * tx;
			const bottom = prob[py1 * pw + px0] * (1 - tx) + prob[py1 * pw + px1] * tx;
			if (top * (1 - ty) + bottom * ty > 0.5) data[y * imageWidth + x] = 1;
		}
	}
	return { width: imageWidth, height: imageHeight, data };
}
