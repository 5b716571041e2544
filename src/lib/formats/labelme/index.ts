import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { readLabelMe } from './read';
import { writeLabelMe } from './write';

export const labelMeCodec: FormatCodec = {
	id: 'labelme',
	label: 'LabelMe JSON',
	detect(files) {
		const head = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 4096));
		return files.some((f) => extension(f.path) === 'json' && /"shapes"\s*:/.test(head(f.bytes)) && /"imagePath"|"shape_type"/.test(head(f.bytes))) ? 0.8 : 0;
	},
	read: readLabelMe,
	write: writeLabelMe
};
