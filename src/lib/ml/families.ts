import type { ModelFamily } from './family';
import { ppocrV4 } from './ocr';
import { efficientSam, sam, sam2, samTransformers } from './sam';
import { yolo, yoloSeg } from './yolo';

/** Every model layout Peerlabel runs, one line each. A dropped model is matched to one by its signature. */
export const FAMILIES: ModelFamily[] = [ppocrV4, sam, sam2, efficientSam, samTransformers, yolo, yoloSeg];

export function familyOf(id: string): ModelFamily | undefined {
	return FAMILIES.find((f) => f.family === id);
}
