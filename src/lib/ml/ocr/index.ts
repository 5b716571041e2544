import type { OcrFamily } from '../family';
import { readText } from './system';

export { readText, parseDictionary, sortedBoxes, rotateCropImage, DROP_SCORE } from './system';

/** PaddleOCR's PP-OCRv4 detector (DB) + recogniser (SVTR_LCNet, CTC), the bundled OCR model. */
export const ppocrV4: OcrFamily = {
	family: 'ppocrv4',
	task: 'ocr',
	label: 'PP-OCRv4 (PaddleOCR)',
	signature: {
		detector: { inputs: ['x'], outputs: ['sigmoid_0.tmp_0'] },
		recognizer: { inputs: ['x'], outputs: ['softmax_11.tmp_0'] }
	},
	readText
};
export { readTextBenchmark, type OcrBenchmark } from './benchmark';
export type { OcrTimings } from './system';
