/**
 * The pixel operations PaddleOCR's pipeline gets from OpenCV, on 3-channel BGR images (cv2.imread's
 * layout, which PaddleOCR feeds its models). Pure: no DOM, runs in the worker and in Node.
 */
import { resize } from '../image/resize';
import type { RgbaImage } from '../types';

/** Interleaved 3-channel bytes in B, G, R order, row-major (an OpenCV CV_8UC3 Mat). */
export interface BgrImage {
	width: number;
	height: number;
	data: Uint8Array;
}

export type Point = [number, number];

/** Drops alpha and swaps to BGR, as cv2.imread(IMREAD_COLOR) would give PaddleOCR the same picture. */
export function rgbaToBgr(image: RgbaImage): BgrImage {
	const { width, height } = image;
	const data = new Uint8Array(width * height * 3);
	for (let i = 0, j = 0; i < width * height; i++, j += 3) {
		data[j] = image.data[i * 4 + 2];
		data[j + 1] = image.data[i * 4 + 1];
		data[j + 2] = image.data[i * 4];
	}
	return { width, height, data };
}

/** The sub-rectangle [x, x + width) × [y, y + height) (integers, already inside the image). */
export function cropBgr(image: BgrImage, x: number, y: number, width: number, height: number): BgrImage {
	const data = new Uint8Array(width * height * 3);
	for (let row = 0; row < height; row++) {
		const from = ((y + row) * image.width + x) * 3;
		data.set(image.data.subarray(from, from + width * 3), row * width * 3);
	}
	return { width, height, data };
}

/**
 * cv2.resize(img, (width, height)) with INTER_LINEAR: half-pixel centres, no antialiasing, rounded to bytes.
 * OpenCV computes in 11-bit fixed point, so a pixel may differ from it by one grey level; the models'
 * accuracy depends on matching its sample positions, which the shared resize does.
 */
export function resizeBilinear(image: BgrImage, width: number, height: number): BgrImage {
	const grid = { data: image.data, width: image.width, height: image.height, stride: 3, channels: 3 };
	return { width, height, data: resize(grid, width, height, false, new Uint8Array(width * height * 3)) };
}

/** OpenCV's bicubic kernel (A = -0.75). */
function cubicWeights(t: number): [number, number, number, number] {
	const A = -0.75;
	const w0 = ((A * (t + 1) - 5 * A) * (t + 1) + 8 * A) * (t + 1) - 4 * A;
	const w1 = ((A + 2) * t - (A + 3)) * t * t + 1;
	const w2 = ((A + 2) * (1 - t) - (A + 3)) * (1 - t) * (1 - t) + 1;
	return [w0, w1, w2, 1 - w0 - w1 - w2];
}

/** Solves the 8×8 system of cv2.getPerspectiveTransform: the homography taking `from[i]` to `to[i]`. */
export function perspectiveTransform(from: Point[], to: Point[]): number[] {
	const a: number[][] = [];
	for (let i = 0; i < 4; i++) {
		const [x, y] = from[i];
		const [u, v] = to[i];
		a.push([x, y, 1, 0, 0, 0, -x * u, -y * u, u]);
		a.push([0, 0, 0, x, y, 1, -x * v, -y * v, v]);
	}
	// Gaussian elimination with partial pivoting (cv2 uses LU with pivoting: the same solution).
	for (let col = 0; col < 8; col++) {
		let pivot = col;
		for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
		[a[col], a[pivot]] = [a[pivot], a[col]];
		for (let r = 0; r < 8; r++) {
			if (r === col || a[col][col] === 0) continue;
			const factor = a[r][col] / a[col][col];
			for (let k = col; k < 9; k++) a[r][k] -= factor * a[col][k];
		}
	}
	const h = a.map((row, i) => row[8] / row[i]);
	return [...h, 1];
}

/**
 * cv2.warpPerspective(img, M, (width, height), flags=INTER_CUBIC, borderMode=BORDER_REPLICATE), where M
 * maps the quad onto the output rectangle; `inverse` is M⁻¹ (output pixel → source position).
 * OpenCV snaps source positions to 1/32 pixel; here they are exact.
 */
export function warpPerspectiveCubic(image: BgrImage, inverse: number[], width: number, height: number): BgrImage {
	const data = new Uint8Array(width * height * 3);
	const src = image.data;
	const clampX = (x: number) => (x < 0 ? 0 : x >= image.width ? image.width - 1 : x);
	const clampY = (y: number) => (y < 0 ? 0 : y >= image.height ? image.height - 1 : y);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const w = inverse[6] * x + inverse[7] * y + inverse[8];
			const sx = (inverse[0] * x + inverse[1] * y + inverse[2]) / w;
			const sy = (inverse[3] * x + inverse[4] * y + inverse[5]) / w;
			const ix = Math.floor(sx);
			const iy = Math.floor(sy);
			const wx = cubicWeights(sx - ix);
			const wy = cubicWeights(sy - iy);
			for (let c = 0; c < 3; c++) {
				let sum = 0;
				for (let j = 0; j < 4; j++) {
					const row = clampY(iy - 1 + j) * image.width;
					let line = 0;
					for (let i = 0; i < 4; i++) line += src[(row + clampX(ix - 1 + i)) * 3 + c] * wx[i];
					sum += line * wy[j];
				}
				data[(y * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(sum)));
			}
		}
	}
	return { width, height, data };
}

/** np.rot90(img): a quarter turn counter-clockwise. */
export function rotate90CounterClockwise(image: BgrImage): BgrImage {
	const { width, height } = image;
	const data = new Uint8Array(width * height * 3);
	// Output is height wide and width tall; out[r][c] = in[c][width - 1 - r].
	for (let r = 0; r < width; r++) {
		for (let c = 0; c < height; c++) {
			const from = (c * width + (width - 1 - r)) * 3;
			const to = (r * height + c) * 3;
			data[to] = image.data[from];
			data[to + 1] = image.data[from + 1];
			data[to + 2] = image.data[from + 2];
		}
	}
	return { width: height, height: width, data };
}
