import type { FormatCodec } from '../codec';
import { basename } from '../files';
import { readSemantic } from './read';
import { writeSemantic } from './write';

/** Semantic segmentation masks: one class-index PNG per image (see write.ts for the layout). */
export const semanticCodec: FormatCodec = {
	id: 'semantic',
	label: 'Semantic masks (class-index PNG)',
	detect(files) {
		const masks = files.some((f) => /(^|\/)masks\/.+\.png$/i.test(f.path));
		if (!masks) return 0;
		return files.some((f) => ['palette.json', 'classes.txt'].includes(basename(f.path))) ? 0.8 : 0.3;
	},
	read: readSemantic,
	write: writeSemantic
};
