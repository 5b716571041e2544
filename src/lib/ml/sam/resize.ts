import type { RgbaImage } from '../types';

/** Per output index: the first input index it reads and the normalised weights from there on. */
interface AxisTaps {
	start: Int32Array;
	weights: Float32Array[];
}

/**
 * A triangle filter along one axis, sampled at pixel centres. With `antialias` the filter widens by
 * the downscale factor (PIL's BILINEAR, which segment-anything's ResizeLongestSide uses); without it
 * it reads the two nearest pixels (OpenCV's INTER_LINEAR, which Ultralytics' LetterBox uses).
 */
function axisTaps(inSize: number, outSize: number, antialias: boolean): AxisTaps {
	const scale = inSize / outSize;
	const width = antialias ? Math.max(scale, 1) : 1;
	const start = new Int32Array(outSize);
	const weights: Float32Array[] = [];
	for (let i = 0; i < outSize; i++) {
		const centre = (i + 0.5) * scale;
		const lo = Math.max(0, Math.floor(centre - width));
		const hi = Math.min(inSize, Math.ceil(centre + width));
		const w = new Float32Array(Math.max(1, hi - lo));
		let sum = 0;
		for (let j = lo; j < hi; j++) sum += w[j - lo] = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / width));
		// Past the image's edge the nearest pixel stands in (OpenCV's replicated border).
		if (sum === 0) {
			start[i] = Math.min(inSize - 1, Math.max(0, Math.floor(centre)));
			w.fill(0, 1);
			w[0] = 1;
		} else {
			start[i] = lo;
			for (let k = 0; k < w.length; k++) w[k] /= sum;
		}
		weights.push(w);
	}
	return { start, weights };
}

/** The image's RGB resized to width × height, as floats 0…255, interleaved row-major. */
export function resizeRgb(image: RgbaImage, width: number, height: number, antialias: boolean): Float32Array {
	const xs = axisTaps(image.width, width, antialias);
	const ys = axisTaps(image.height, height, antialias);
	// Horizontal pass over every input row, then vertical.
	const rows = new Float32Array(image.height * width * 3);
	for (let y = 0; y < image.height; y++) {
		for (let x = 0; x < width; x++) {
			const w = xs.weights[x];
			let r = 0, g = 0, b = 0;
			for (let k = 0; k < w.length; k++) {
				const p = (y * image.width + xs.start[x] + k) * 4;
				r += image.data[p] * w[k];
				g += image.data[p + 1] * w[k];
				b += image.data[p + 2] * w[k];
			}
			const o = (y * width + x) * 3;
			rows[o] = r;
			rows[o + 1] = g;
			rows[o + 2] = b;
		}
	}
	const out = new Float32Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		const w = ys.weights[y];
		for (let x = 0; x < width; x++) {
			let r = 0, g = 0, b = 0;
			for (let k = 0; k < w.length; k++) {
				const p = ((ys.start[y] + k) * width + x) * 3;
				r += rows[p] * w[k];
				g += rows[p + 1] * w[k];
				b += rows[p + 2] * w[k];
			}
			const o = (y * width + x) * 3;
			out[o] = r;
			out[o + 1] = g;
			out[o + 2] = b;
		}
	}
	return out;
}

/**
 * Bilinear resampling of a single-channel map, as PyTorch's interpolate(mode='bilinear',
 * align_corners=False): used to bring low-resolution mask logits up to the image.
 */
export function resizeChannel(src: Float32Array, sw: number, sh: number, dw: number, dh: number, offset = 0): Float32Array {
	const out = new Float32Array(dw * dh);
	const sx = sw / dw;
	const sy = sh / dh;
	for (let y = 0; y < dh; y++) {
		const fy = Math.max(0, (y + 0.5) * sy - 0.5);
		const y0 = Math.min(sh - 1, Math.floor(fy));
		const y1 = Math.min(sh - 1, y0 + 1);
		const ty = fy - y0;
		for (let x = 0; x < dw; x++) {
			const fx = Math.max(0, (x + 0.5) * sx - 0.5);
			const x0 = Math.min(sw - 1, Math.floor(fx));
			const x1 = Math.min(sw - 1, x0 + 1);
			const tx = fx - x0;
			const top = src[offset + y0 * sw + x0] * (1 - tx) + src[offset + y0 * sw + x1] * tx;
			const bottom = src[offset + y1 * sw + x0] * (1 - tx) + src[offset + y1 * sw + x1] * tx;
			out[y * dw + x] = top * (1 - ty) + bottom * ty;
		}
	}
	return out;
}
