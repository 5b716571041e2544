import type { FormatCodec } from '../codec';
import { basename, extension } from '../files';
import { readVoc } from './read';
import { writeVoc } from './write';

/** Pascal VOC XML (+ ImageSets, labelmap.txt and segmentation PNGs). */
export const vocCodec: FormatCodec = {
	id: 'voc',
	label: 'Pascal VOC',
	detect(files) {
		const xml = files.find((f) => extension(f.path) === 'xml');
		if (!xml) return files.some((f) => basename(f.path) === 'labelmap.txt') ? 0.3 : 0;
		const head = new TextDecoder().decode(xml.bytes.subarray(0, 4096));
		// CVAT's XML has <annotations>; VOC's root is <annotation> with <filename> or <object>.
		if (!/<annotation[\s>]/.test(head) || /<annotations[\s>]/.test(head)) return 0;
		return /<(bndbox|filename)>/.test(head) || files.some((f) => f.path.includes('Annotations/')) ? 0.9 : 0.5;
	},
	read: readVoc,
	write: writeVoc
};
