/**
 * PaddleOCR's TextSystem (tools/infer/predict_system.py) without the angle classifier, which its
 * defaults leave off: detect, sort boxes into reading order, crop each quad upright, recognise, drop
 * results under drop_score.
 */
import type { Sessions } from '../family';
import { runSession } from '../session';
import { float32, floatData } from '../tensors';
import type { RgbaImage, TextRegion } from '../types';
import type { BgrImage, Point } from './image';
import { cropBgr, perspectiveTransform, rgbaToBgr, rotate90CounterClockwise, warpPerspectiveCubic } from './image';
import { dbPostprocess, detPreprocess, filterDetections } from './detect';
import { ctcCharacters, recognizeCrops } from './recognize';

export const DROP_SCORE = 0.5;

/** predict_system.sorted_boxes: by the top-left corner's y then x; boxes within 10 px in y read left to right. */
export function sortedBoxes(boxes: Point[][]): Point[][] {
	const sorted = [...boxes].sort((a, b) => a[0][1] - b[0][1] || a[0][0] - b[0][0]);
	for (let i = 0; i < sorted.length - 1; i++) {
		for (let j = i; j >= 0; j--) {
			if (Math.abs(sorted[j + 1][0][1] - sorted[j][0][1]) < 10 && sorted[j + 1][0][0] < sorted[j][0][0]) {
				[sorted[j], sorted[j + 1]] = [sorted[j + 1], sorted[j]];
			} else break;
		}
	}
	return sorted;
}

/**
 * get_rotate_crop_image: the quad (tl, tr, br, bl) warped onto a width × height rectangle (the longer of
 * each pair of opposite sides, truncated), then turned a quarter counter-clockwise when it stands
 * upright (height / width ≥ 1.5), so vertical text reads along the model's width.
 */
export function rotateCropImage(image: BgrImage, quad: Point[]): BgrImage {
	const distance = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);
	const width = Math.trunc(Math.max(distance(quad[0], quad[1]), distance(quad[2], quad[3])));
	const height = Math.trunc(Math.max(distance(quad[0], quad[3]), distance(quad[1], quad[2])));
	const target: Point[] = [[0, 0], [width, 0], [width, height], [0, height]];
	// cv2 inverts the quad→rectangle matrix to sample; solving rectangle→quad directly is that inverse.
	const inverse = perspectiveTransform(target, quad);
	const crop = warpPerspectiveCubic(image, inverse, width, height);
	return crop.height / crop.width >= 1.5 ? rotate90CounterClockwise(crop) : crop;
}

type Region = { x: number; y: number; width: number; height: number };

/** The integer pixel rectangle of `region` inside the image, or undefined when nothing of it is inside. */
function clampRegion(region: Region, width: number, height: number): Region | undefined {
	const x0 = Math.max(0, Math.floor(region.x));
	const y0 = Math.max(0, Math.floor(region.y));
	const x1 = Math.min(width, Math.ceil(region.x + region.width));
	const y1 = Math.min(height, Math.ceil(region.y + region.height));
	return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/** Milliseconds per stage of one readText call, for the benchmark. */
export interface OcrTimings {
	detPreprocess: number;
	detector: number;
	detPostprocess: number;
	crop: number;
	/** Recogniser pre-processing, model and CTC decoding together. */
	recognition: number;
}

/**
 * Reads the text of `image` (or only of `region`, in image pixels) with a PP-OCR detector and recogniser.
 * `dictionary` is the recogniser's character list (ppocr_keys_v1.txt's lines, see parseDictionary).
 * `timings`, when given, receives each stage's duration.
 */
export async function readText(sessions: Sessions, dictionary: string[], image: RgbaImage, region?: Region, timings?: Partial<OcrTimings>): Promise<TextRegion[]> {
	let mark = performance.now();
	const lap = (stage: keyof OcrTimings) => {
		const now = performance.now();
		if (timings) timings[stage] = now - mark;
		mark = now;
	};
	const { detector, recognizer } = sessions;
	if (!detector || !recognizer) throw new Error('An OCR model needs a detector and a recognizer file.');
	if (image.width === 0 || image.height === 0) return [];
	let bgr = rgbaToBgr(image);
	let offset: Point = [0, 0];
	if (region) {
		const inside = clampRegion(region, image.width, image.height);
		if (!inside) return [];
		bgr = cropBgr(bgr, inside.x, inside.y, inside.width, inside.height);
		offset = [inside.x, inside.y];
	}

	const input = detPreprocess(bgr);
	lap('detPreprocess');
	const detOut = await runSession(detector, { [detector.inputNames[0]]: float32(input.tensor, [1, 3, input.height, input.width]) });
	lap('detector');
	const map = detOut[detector.outputNames[0]];
	const [mapH, mapW] = map.dims.slice(-2);
	const found = dbPostprocess(floatData(map, detector.outputNames[0]), mapW, mapH, bgr.width, bgr.height);
	const boxes = sortedBoxes(filterDetections(found.map((f) => f.box), bgr.width, bgr.height));
	lap('detPostprocess');
	if (boxes.length === 0) return [];

	const crops = boxes.map((box) => rotateCropImage(bgr, box));
	lap('crop');
	const recognised = await recognizeCrops(crops, ctcCharacters(dictionary), async (data, dims) => {
		const out = await runSession(recognizer, { [recognizer.inputNames[0]]: float32(data, dims) });
		const probs = out[recognizer.outputNames[0]];
		return { data: floatData(probs, recognizer.outputNames[0]), dims: probs.dims };
	});

	lap('recognition');

	const regions: TextRegion[] = [];
	boxes.forEach((box, i) => {
		const { text, score } = recognised[i];
		if (score < DROP_SCORE) return;
		regions.push({ quad: box.map(([x, y]): [number, number] => [x + offset[0], y + offset[1]]), text, score });
	});
	return regions;
}

/** ppocr_keys_v1.txt → characters, one a line, as CTCLabelDecode reads it (line ends stripped). */
export function parseDictionary(text: string): string[] {
	const lines = text.split('\n').map((line) => line.replace(/\r$/, ''));
	if (text.endsWith('\n')) lines.pop();
	return lines;
}
