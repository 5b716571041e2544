import type { FormatCodec } from '../codec';
import { jsonOutlines } from '../json-outline';
import { readLabelMe } from './read';
import { writeLabelMe } from './write';

export const labelMeCodec: FormatCodec = {
	id: 'labelme',
	label: 'LabelMe JSON',
	detect(files) {
		const labelMe = ({ outline: { paths } }: ReturnType<typeof jsonOutlines>[number]) => paths.has('shapes[]') && (paths.has('imagePath') || paths.has('shapes[].shape_type') || paths.has('shapes[].points'));
		return jsonOutlines(files).some(labelMe) ? 0.8 : 0;
	},
	read: readLabelMe,
	write: writeLabelMe
};
