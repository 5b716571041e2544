import type { FormatCodec } from '../codec';
import { basename, extension, isImagePath, textOf, type DatasetFile } from '../files';
import { MAX_TEXT_BYTES } from '../limits';
import { SPLIT_DIRS } from './classify';
import { readYolo } from './read';
import { writeYolo, YOLO_VARIANTS } from './write';

const LABEL_LINE = /^\d+(\s+-?[\d.eE+-]+){4,}\s*$/;
/** Label files looked at for a first line; the rest are for the reader. */
const SAMPLED_LABEL_FILES = 32;

/** Whether a label file's first line with content (in its first 4 KB, enough for a long polygon) is a YOLO line; null when it has none. */
function firstLineIsLabel(f: DatasetFile): boolean | null {
	try {
		const line = textOf({ path: f.path, bytes: f.bytes.subarray(0, 4096) })
			.split(/\r?\n/)
			.find((l) => l.trim());
		return line === undefined ? null : LABEL_LINE.test(line.trim());
	} catch {
		return false;
	}
}

/** Ultralytics YOLO (detect, segment, pose, obb, classify) and Darknet YOLO 1.1. */
export const yoloCodec: FormatCodec = {
	id: 'yolo',
	label: 'YOLO (Ultralytics)',
	variants: YOLO_VARIANTS,
	detect(files) {
		const yaml = files.some((f) => ['yaml', 'yml'].includes(extension(f.path)) && /^\uFEFF?names\s*:/m.test(new TextDecoder().decode(f.bytes.subarray(0, MAX_TEXT_BYTES))));
		const names = files.some((f) => ['classes.txt', 'obj.names', 'obj.data'].includes(basename(f.path)));
		const texts = files.filter((f) => extension(f.path) === 'txt');
		const labels = texts.filter((f) => /(^|\/)labels\//.test(f.path));
		const label = labels[0];
		// An image with no objects has an empty label file: the first label file with a line decides.
		const samples = (labels.length ? labels : texts.filter((f) => !['classes.txt', 'train.txt', 'val.txt', 'test.txt'].includes(basename(f.path)))).slice(0, SAMPLED_LABEL_FILES);
		const labelLike = samples.map(firstLineIsLabel).find((v) => v !== null) ?? false;
		if ((yaml || names) && (labelLike || label)) return 0.9;
		if (labelLike) return 0.6;
		if (yaml) return 0.5;
		// Classification folders: split/class/image.
		const images = files.filter((f) => isImagePath(f.path));
		if (images.length && images.every((f) => SPLIT_DIRS.has(/([^/]+)\/[^/]+\/[^/]+$/.exec(f.path)?.[1] ?? ''))) return 0.4;
		return 0;
	},
	read: readYolo,
	write: writeYolo
};
