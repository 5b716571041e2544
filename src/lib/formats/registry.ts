import type { FormatCodec } from './codec';
import { cvatCodec } from './cvat';
import { darwinCodec } from './darwin';
import { labelMeCodec } from './labelme';
import { labelStudioCodec } from './labelstudio';
import { datumaroCodec } from './datumaro';
import type { DatasetFile } from './files';
import { cocoFormat, cocoPanopticFormat } from './coco';
import { peerlabelCodec } from './native';
import { vocCodec } from './voc';
import { yoloCodec } from './yolo';
import { semanticCodec } from './semantic';

/** Every format, by id; one line per format. */
export const formats: FormatCodec[] = [
	cocoFormat,
	cocoPanopticFormat,
	vocCodec,
	yoloCodec,
	semanticCodec,
	cvatCodec,
	darwinCodec,
	labelMeCodec,
	labelStudioCodec,
	datumaroCodec,
	peerlabelCodec
];

export function formatById(id: string): FormatCodec | undefined {
	return formats.find((f) => f.id === id);
}

/** The format these files are most likely in, or null when none claims them. */
export function detectFormat(files: readonly DatasetFile[]): FormatCodec | null {
	let best: FormatCodec | null = null;
	let bestScore = 0;
	for (const f of formats) {
		const score = f.detect(files);
		if (score > bestScore) {
			best = f;
			bestScore = score;
		}
	}
	return best;
}
