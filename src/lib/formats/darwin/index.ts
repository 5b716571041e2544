import type { FormatCodec } from '../codec';
import { jsonOutlines } from '../json-outline';
import { readDarwin } from './read';
import { writeDarwin } from './write';

export const darwinCodec: FormatCodec = {
	id: 'darwin',
	label: 'V7 Darwin JSON 2.0',
	detect(files) {
		const darwin = ({ outline: o }: ReturnType<typeof jsonOutlines>[number]) =>
			/darwin/.test(o.rootStrings.get('schema_ref') ?? '') || (o.rootStrings.get('version') === '2.0' && o.paths.has('item'));
		return jsonOutlines(files).some(darwin) ? 0.9 : 0;
	},
	read: readDarwin,
	write: writeDarwin
};
