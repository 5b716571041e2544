import type { RgbaImage } from '../types';
import { resize, rgbOf } from '../image/resize';

/** Where the image sits in the model's square input (Ultralytics' LetterBox, auto=False, centred). */
export interface Letterbox {
	/** Model input side, e.g. 640. */
	size: number;
	/** Image pixels → input pixels. */
	scale: number;
	/** The resized image's size inside the input. */
	width: number;
	height: number;
	/** Left and top padding in input pixels. */
	padX: number;
	padY: number;
}

/** Ultralytics' numbers: ratio min(size/h, size/w), resized size rounded, padding split with round(d − 0.1). */
export function letterboxGeometry(imageWidth: number, imageHeight: number, size: number): Letterbox {
	const scale = Math.min(size / imageWidth, size / imageHeight);
	const width = Math.round(imageWidth * scale);
	const height = Math.round(imageHeight * scale);
	const pad = (free: number) => Math.max(0, Math.round(free / 2 - 0.1));
	return { size, scale, width, height, padX: pad(size - width), padY: pad(size - height) };
}

/** YOLO's 'images' input: letterboxed RGB on 0…1, padding gray 114, NCHW [1, 3, size, size]. */
export function letterboxInput(image: RgbaImage, box: Letterbox): Float32Array {
	const { size, width, height, padX, padY } = box;
	// cv2.resize writes uint8: bytes, as it rounds them.
	const rgb = resize(rgbOf(image), width, height, false, new Uint8Array(width * height * 3));
	const plane = size * size;
	const out = new Float32Array(3 * plane).fill(114 / 255);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			const o = (y + padY) * size + x + padX;
			for (let c = 0; c < 3; c++) out[c * plane + o] = rgb[i + c] / 255;
		}
	return out;
}

/** A box in input pixels → image pixels, clipped to the image (Ultralytics' scale_boxes). */
export function unletterboxBox(
	box: [number, number, number, number],
	lb: Letterbox,
	imageWidth: number,
	imageHeight: number
): [number, number, number, number] {
	const x = (v: number) => Math.min(imageWidth, Math.max(0, (v - lb.padX) / lb.scale));
	const y = (v: number) => Math.min(imageHeight, Math.max(0, (v - lb.padY) / lb.scale));
	return [x(box[0]), y(box[1]), x(box[2]), y(box[3])];
}
