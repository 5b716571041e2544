/**
 * PP-OCR's text detector (DB): PaddleOCR's DetResizeForTest + NormalizeImage + ToCHWImage before the
 * model, DBPostProcess + TextDetector.filter_tag_det_res after it. Defaults are tools/infer/utility.py's.
 */
import type { BgrImage, Point } from './image';
import { resizeBilinear } from './image';
import { contourHullPoints } from './contours';
import { boxScoreFast, miniBox, offsetConvexPolygonRound, orderPointsClockwise, polygonAreaAndPerimeter } from './geometry';

export const DET_DEFAULTS = {
	limitSideLen: 960,
	limitType: 'max' as 'max' | 'min',
	thresh: 0.3,
	boxThresh: 0.6,
	maxCandidates: 1000,
	unclipRatio: 1.5,
	minSize: 3
};

/** NormalizeImage as PaddleOCR configures it: ImageNet mean/std applied to the BGR channels in this order. */
export const DET_MEAN = [0.485, 0.456, 0.406];
export const DET_STD = [0.229, 0.224, 0.225];

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(v: number): number {
	const r = Math.round(v);
	return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** DetResizeForTest.resize_image_type0: the model input size, each side a multiple of 32 (at least 32). */
export function detInputSize(width: number, height: number, limitSideLen = DET_DEFAULTS.limitSideLen, limitType = DET_DEFAULTS.limitType) {
	let ratio = 1;
	if (limitType === 'max') {
		if (Math.max(height, width) > limitSideLen) ratio = height > width ? limitSideLen / height : limitSideLen / width;
	} else if (Math.min(height, width) < limitSideLen) {
		ratio = height < width ? limitSideLen / height : limitSideLen / width;
	}
	const resizedH = Math.trunc(height * ratio);
	const resizedW = Math.trunc(width * ratio);
	return {
		width: Math.max(roundHalfEven(resizedW / 32) * 32, 32),
		height: Math.max(roundHalfEven(resizedH / 32) * 32, 32)
	};
}

/** DetResizeForTest.image_padding: an image whose sides sum to under 64 is padded with black to ≥ 32×32. */
function padSmall(image: BgrImage): BgrImage {
	if (image.width + image.height >= 64) return image;
	const width = Math.max(32, image.width);
	const height = Math.max(32, image.height);
	const data = new Uint8Array(width * height * 3);
	for (let y = 0; y < image.height; y++) data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), y * width * 3);
	return { width, height, data };
}

/** The detector's input: [1, 3, H, W] float32, (x / 255 − mean) / std per BGR channel, planar. */
export function detPreprocess(image: BgrImage, limitSideLen?: number): { tensor: Float32Array; width: number; height: number } {
	const padded = padSmall(image);
	const size = detInputSize(padded.width, padded.height, limitSideLen);
	const resized = resizeBilinear(padded, size.width, size.height);
	const plane = size.width * size.height;
	const tensor = new Float32Array(3 * plane);
	for (let i = 0; i < plane; i++) {
		for (let c = 0; c < 3; c++) tensor[c * plane + i] = (resized.data[i * 3 + c] / 255 - DET_MEAN[c]) / DET_STD[c];
	}
	return { tensor, ...size };
}

/**
 * DBPostProcess.boxes_from_bitmap (box_type 'quad', score_mode 'fast', no dilation): one box per
 * contour of (map > thresh), scored, unclipped, and scaled to the source image (sourceWidth × sourceHeight).
 */
export function dbPostprocess(map: Float32Array, width: number, height: number, sourceWidth: number, sourceHeight: number, options = DET_DEFAULTS): { box: Point[]; score: number }[] {
	const bitmap = new Uint8Array(width * height);
	for (let i = 0; i < bitmap.length; i++) bitmap[i] = map[i] > options.thresh ? 1 : 0;
	const contours = contourHullPoints(bitmap, width, height).slice(0, options.maxCandidates);
	const results: { box: Point[]; score: number }[] = [];
	for (const contour of contours) {
		const { box, shortSide } = miniBox(contour);
		if (shortSide < options.minSize) continue;
		const score = boxScoreFast(map, width, height, box);
		if (options.boxThresh > score) continue;
		const { area, perimeter } = polygonAreaAndPerimeter(box);
		const expanded = offsetConvexPolygonRound(box, (area * options.unclipRatio) / perimeter);
		const grown = miniBox(expanded);
		if (grown.shortSide < options.minSize + 2) continue;
		const scaled = grown.box.map(([x, y]): Point => [
			Math.min(Math.max(roundHalfEven((x / width) * sourceWidth), 0), sourceWidth),
			Math.min(Math.max(roundHalfEven((y / height) * sourceHeight), 0), sourceHeight)
		]);
		results.push({ box: scaled, score });
	}
	return results;
}

/** TextDetector.filter_tag_det_res: clockwise from top-left, clipped into the image, boxes ≤ 3 px dropped. */
export function filterDetections(boxes: Point[][], imageWidth: number, imageHeight: number): Point[][] {
	const kept: Point[][] = [];
	for (const raw of boxes) {
		const box = orderPointsClockwise(raw).map(([x, y]): Point => [
			Math.trunc(Math.min(Math.max(x, 0), imageWidth - 1)),
			Math.trunc(Math.min(Math.max(y, 0), imageHeight - 1))
		]);
		const rectWidth = Math.trunc(Math.hypot(box[0][0] - box[1][0], box[0][1] - box[1][1]));
		const rectHeight = Math.trunc(Math.hypot(box[0][0] - box[3][0], box[0][1] - box[3][1]));
		if (rectWidth <= 3 || rectHeight <= 3) continue;
		kept.push(box);
	}
	return kept;
}
