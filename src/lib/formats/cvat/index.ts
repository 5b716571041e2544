import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { xmlRootName } from '../xml-root';
import { readCvat } from './read';
import { writeCvat } from './write';

export const cvatCodec: FormatCodec = {
	id: 'cvat',
	label: 'CVAT for images 1.1 (XML)',
	detect(files) {
		// CVAT's root is <annotations> (VOC's is <annotation>), whatever comes before or inside it.
		return files.some((f) => extension(f.path) === 'xml' && xmlRootName(f.bytes) === 'annotations') ? 0.9 : 0;
	},
	read: readCvat,
	write: writeCvat
};
