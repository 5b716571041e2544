import type { RgbaImage } from '../types';
import { resizeRgb } from '../image/resize';

/** segment-anything's pixel mean and std (0…255 scale), RGB. */
export const SAM_MEAN: [number, number, number] = [123.675, 116.28, 103.53];
export const SAM_STD: [number, number, number] = [58.395, 57.12, 57.375];
/** ImageNet's mean and std (0…1 scale), which SAM 2 uses. */
export const IMAGENET_MEAN: [number, number, number] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: [number, number, number] = [0.229, 0.224, 0.225];

/** ResizeLongestSide.get_preprocess_shape: the longest side becomes `target`, rounded half up. */
export function longestSideSize(width: number, height: number, target: number): { width: number; height: number } {
	const scale = target / Math.max(width, height);
	return { width: Math.floor(width * scale + 0.5), height: Math.floor(height * scale + 0.5) };
}

/**
 * SAM's encoder input: resized so the longest side is `target` (antialiased bilinear, as PIL),
 * normalised with `mean`/`std` (on the 0…255 scale times `scale`), padded with zeros at the
 * right and bottom to target × target, as NCHW [1, 3, target, target].
 */
export function samEncoderInput(
	image: RgbaImage,
	target: number,
	mean: readonly number[] = SAM_MEAN,
	std: readonly number[] = SAM_STD,
	scale = 1
): Float32Array {
	const size = longestSideSize(image.width, image.height, target);
	const rgb = resizeRgb(image, size.width, size.height, true);
	return normalisedPlanes(rgb, size.width, size.height, target, target, mean, std, scale);
}

/** SAM 2's encoder input: the image stretched to target × target, ImageNet-normalised, NCHW. */
export function stretchedEncoderInput(image: RgbaImage, target: number): Float32Array {
	const rgb = resizeRgb(image, target, target, true);
	return normalisedPlanes(rgb, target, target, target, target, IMAGENET_MEAN, IMAGENET_STD, 1 / 255);
}

/** Interleaved RGB → planar, (v·scale − mean)/std, placed top-left in an outW × outH canvas of zeros. */
export function normalisedPlanes(
	rgb: Float32Array,
	width: number,
	height: number,
	outW: number,
	outH: number,
	mean: readonly number[],
	std: readonly number[],
	scale: number
): Float32Array {
	const plane = outW * outH;
	const out = new Float32Array(3 * plane);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			for (let c = 0; c < 3; c++) out[c * plane + y * outW + x] = (rgb[i + c] * scale - mean[c]) / std[c];
		}
	return out;
}
