/**
 * Bilinear resampling shared by every model's pre- and post-processing: OpenCV's INTER_LINEAR
 * (half-pixel centres, replicated border; PyTorch's bilinear with align_corners=False samples the
 * same way) and PIL's antialiased BILINEAR. Pure: runs in the worker and in Node.
 */
import type { RgbaImage } from '../types';

/** Per output index along one axis: the first source index it reads and the weights from there on. */
export interface AxisTaps {
	start: Int32Array;
	weights: Float64Array[];
}

/**
 * Output index i samples the source at coordinate `at(i)` (pixel centres at +0.5) from its two
 * nearest pixels; past the edge the edge pixel stands in.
 */
export function bilinearTaps(sourceSize: number, count: number, at: (i: number) => number): AxisTaps {
	const start = new Int32Array(count);
	const weights: Float64Array[] = [];
	for (let i = 0; i < count; i++) {
		const f = at(i) - 0.5;
		let s = Math.floor(f);
		let w = f - s;
		if (s < 0) {
			s = 0;
			w = 0;
		}
		if (s >= sourceSize - 1) {
			s = sourceSize - 1;
			w = 0;
		}
		start[i] = s;
		weights.push(w === 0 ? Float64Array.of(1) : Float64Array.of(1 - w, w));
	}
	return { start, weights };
}

/**
 * sourceSize → targetSize. With `antialias` a downscale widens the triangle filter by the scale
 * (PIL's BILINEAR, which segment-anything's ResizeLongestSide uses); otherwise, and for any
 * upscale, plain bilinear (OpenCV's INTER_LINEAR, which Ultralytics and PaddleOCR use).
 */
export function resizeTaps(sourceSize: number, targetSize: number, antialias: boolean): AxisTaps {
	const scale = sourceSize / targetSize;
	if (!antialias || scale <= 1) return bilinearTaps(sourceSize, targetSize, (i) => (i + 0.5) * scale);
	const start = new Int32Array(targetSize);
	const weights: Float64Array[] = [];
	for (let i = 0; i < targetSize; i++) {
		const centre = (i + 0.5) * scale;
		const lo = Math.max(0, Math.floor(centre - scale));
		const hi = Math.min(sourceSize, Math.ceil(centre + scale));
		const w = new Float64Array(hi - lo);
		let sum = 0;
		for (let j = lo; j < hi; j++) sum += w[j - lo] = Math.max(0, 1 - Math.abs((j + 0.5 - centre) / scale));
		for (let k = 0; k < w.length; k++) w[k] /= sum;
		start[i] = lo;
		weights.push(w);
	}
	return { start, weights };
}

/** Interleaved pixels, row-major: `channels` values read per pixel, pixels `stride` values apart, from `offset`. */
export interface PixelGrid {
	data: ArrayLike<number>;
	width: number;
	height: number;
	stride: number;
	channels: number;
	offset?: number;
}

/** An RGBA image's RGB, alpha skipped. */
export const rgbOf = (image: RgbaImage): PixelGrid => ({ data: image.data, width: image.width, height: image.height, stride: 4, channels: 3 });

/**
 * The separable pass: every source row through `xs`, then the columns through `ys`, into `out`
 * (xs × ys pixels of `channels` interleaved). Sums stay in doubles; bytes are rounded only at the
 * end, as cv2.resize writes uint8.
 */
export function resample<T extends Float32Array | Float64Array | Uint8Array>(src: PixelGrid, xs: AxisTaps, ys: AxisTaps, out: T): T {
	const { data, width, stride, channels } = src;
	const offset = src.offset ?? 0;
	const outW = xs.start.length;
	const rowLength = outW * channels;
	const rows = new Float64Array(src.height * rowLength);
	for (let y = 0; y < src.height; y++) {
		for (let x = 0; x < outW; x++) {
			const w = xs.weights[x];
			const first = offset + (y * width + xs.start[x]) * stride;
			for (let c = 0; c < channels; c++) {
				let acc = 0;
				for (let k = 0; k < w.length; k++) acc += data[first + k * stride + c] * w[k];
				rows[y * rowLength + x * channels + c] = acc;
			}
		}
	}
	const bytes = out instanceof Uint8Array;
	for (let y = 0; y < ys.start.length; y++) {
		const w = ys.weights[y];
		const first = ys.start[y] * rowLength;
		for (let i = 0; i < rowLength; i++) {
			let acc = 0;
			for (let k = 0; k < w.length; k++) acc += rows[first + k * rowLength + i] * w[k];
			out[y * rowLength + i] = bytes ? Math.min(255, Math.max(0, Math.round(acc))) : acc;
		}
	}
	return out;
}

/** The grid resized to width × height (see resizeTaps), written into `out`. */
export function resize<T extends Float32Array | Float64Array | Uint8Array>(
	src: PixelGrid,
	width: number,
	height: number,
	antialias: boolean,
	out: T
): T {
	return resample(src, resizeTaps(src.width, width, antialias), resizeTaps(src.height, height, antialias), out);
}

/** The image's RGB resized to width × height, as floats 0…255, interleaved row-major. */
export function resizeRgb(image: RgbaImage, width: number, height: number, antialias: boolean): Float32Array {
	return resize(rgbOf(image), width, height, antialias, new Float32Array(width * height * 3));
}

/** A single-channel map (from `offset` in `src`) resized bilinearly: low-resolution mask logits up to the image. */
export function resizeChannel(src: Float32Array, sw: number, sh: number, dw: number, dh: number, offset = 0): Float32Array {
	const grid = { data: src, width: sw, height: sh, stride: 1, channels: 1, offset };
	return resize(grid, dw, dh, false, new Float32Array(dw * dh));
}
