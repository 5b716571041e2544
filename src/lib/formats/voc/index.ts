import type { FormatCodec } from '../codec';
import { basename, extension } from '../files';
import { indexOfSequence, xmlRootName } from '../xml-root';
import { readVoc } from './read';
import { writeVoc } from './write';

/** Pascal VOC XML (+ ImageSets, labelmap.txt and segmentation PNGs). */
export const vocCodec: FormatCodec = {
	id: 'voc',
	label: 'Pascal VOC',
	detect(files) {
		const xml = files.filter((f) => extension(f.path) === 'xml');
		if (!xml.length) return files.some((f) => basename(f.path) === 'labelmap.txt') ? 0.3 : 0;
		// VOC's root is <annotation> (CVAT's is <annotations>), with <filename> or <bndbox> somewhere inside.
		const voc = xml.filter((f) => xmlRootName(f.bytes) === 'annotation');
		if (!voc.length) return 0;
		const tag = (t: string) => [...new TextEncoder().encode(t)];
		const typical = voc.some((f) => indexOfSequence(f.bytes, tag('<filename>'), 0) >= 0 || indexOfSequence(f.bytes, tag('<bndbox>'), 0) >= 0);
		return typical || files.some((f) => f.path.includes('Annotations/')) ? 0.9 : 0.5;
	},
	read: readVoc,
	write: writeVoc
};
