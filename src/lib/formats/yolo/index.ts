import type { FormatCodec } from '../codec';
import { basename, extension, isImagePath, textOf } from '../files';
import { readYolo } from './read';
import { writeYolo, YOLO_VARIANTS } from './write';

const LABEL_LINE = /^\d+(\s+-?[\d.eE+-]+){4,}\s*$/;

/** Ultralytics YOLO (detect, segment, pose, obb, classify) and Darknet YOLO 1.1. */
export const yoloCodec: FormatCodec = {
	id: 'yolo',
	label: 'YOLO (Ultralytics)',
	variants: YOLO_VARIANTS,
	detect(files) {
		const yaml = files.some((f) => ['yaml', 'yml'].includes(extension(f.path)) && /^names\s*:/m.test(new TextDecoder().decode(f.bytes.subarray(0, 65536))));
		const names = files.some((f) => ['classes.txt', 'obj.names', 'obj.data'].includes(basename(f.path)));
		const label = files.find((f) => extension(f.path) === 'txt' && /(^|\/)labels\//.test(f.path));
		let labelLike = false;
		const sample = label ?? files.find((f) => extension(f.path) === 'txt' && !['classes.txt', 'train.txt', 'val.txt', 'test.txt'].includes(basename(f.path)));
		if (sample) {
			try {
				const first = textOf({ path: sample.path, bytes: sample.bytes.subarray(0, 4096) }).split(/\r?\n/)[0];
				labelLike = LABEL_LINE.test(first);
			} catch {
				labelLike = false;
			}
		}
		if ((yaml || names) && (labelLike || label)) return 0.9;
		if (labelLike) return 0.6;
		if (yaml) return 0.5;
		// Classification folders: split/class/image.
		const images = files.filter((f) => isImagePath(f.path));
		if (images.length && images.every((f) => /(^|\/)(train|val|test)\/[^/]+\/[^/]+$/.test(f.path))) return 0.4;
		return 0;
	},
	read: readYolo,
	write: writeYolo
};
