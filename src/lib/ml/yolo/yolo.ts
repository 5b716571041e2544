import type { DetectorFamily } from '../family';
import { inputShape, runSession, sessionOf } from '../session';
import { float32, floatData } from '../tensors';
import type { Detection, RgbaImage } from '../types';
import { decodeOutput, outputLayout } from './decode';
import { letterboxGeometry, letterboxInput, unletterboxBox } from './letterbox';
import { instanceMask, type Protos } from './masks';
import { nonMaxSuppression } from './nms';

export const YOLO_INPUT_SIZE = 640;

/**
 * What the worker passes to detect. `classCount` (the manifest's labels.length) tells v5 rows from v8
 * rows when an export is not channels-first, and catches a label list that does not fit the model.
 */
export interface YoloDetectOptions {
	scoreThreshold: number;
	iouThreshold: number;
	inputSize?: number;
	classCount?: number;
}

async function runYolo(sessions: Parameters<DetectorFamily['detect']>[0], image: RgbaImage, options: YoloDetectOptions, segment: boolean): Promise<Detection[]> {
	const session = sessionOf(sessions, 'model');
	// The export's fixed side when it declares one (e.g. 1280), else the manifest's, else 640.
	const declared = inputShape(session, 'images')[2];
	const size = typeof declared === 'number' && declared > 0 ? declared : (options.inputSize ?? YOLO_INPUT_SIZE);
	const lb = letterboxGeometry(image.width, image.height, size);
	const out = await runSession(session, { images: float32(letterboxInput(image, lb), [1, 3, lb.size, lb.size]) });
	const output0 = floatData(out.output0, 'output0');
	let protos: Protos | undefined;
	if (segment) {
		const p = out.output1;
		const data = floatData(p, 'output1');
		if (p.dims.length !== 4) throw new Error(`The prototype masks (output1) should be [1, 32, h, w]; this model gives [${p.dims.join(', ')}]`);
		protos = { data, count: p.dims[1], height: p.dims[2], width: p.dims[3] };
	}
	const layout = outputLayout(out.output0.dims, protos?.count ?? 0, options.classCount);
	const kept = nonMaxSuppression(decodeOutput(output0, layout, options.scoreThreshold), options.iouThreshold);
	return kept.map((c) => {
		const box = unletterboxBox(c.box, lb, image.width, image.height);
		const detection: Detection = { box, classIndex: c.classIndex, score: c.score };
		if (protos && c.coefs) detection.mask = instanceMask(c.coefs, protos, lb, box, image.width, image.height);
		return detection;
	});
}

/** Ultralytics YOLO detectors, v5, v8 and v11 (the layout is read from output0's dims). */
export const yolo: DetectorFamily = {
	family: 'yolo',
	task: 'detection',
	label: 'YOLO detector (v5, v8, v11)',
	signature: { model: { inputs: ['images'], outputs: ['output0'] } },
	detect: (sessions, image, options: YoloDetectOptions) => runYolo(sessions, image, options, false)
};

/** Ultralytics YOLO instance segmenters, v5, v8 and v11: boxes plus prototype masks (output1). */
export const yoloSeg: DetectorFamily = {
	family: 'yolo-seg',
	task: 'instance-segmentation',
	label: 'YOLO segmenter (v5, v8, v11)',
	signature: { model: { inputs: ['images'], outputs: ['output0', 'output1'] } },
	detect: (sessions, image, options: YoloDetectOptions) => runYolo(sessions, image, options, true)
};
