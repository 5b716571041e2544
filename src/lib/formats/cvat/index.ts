import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { readCvat } from './read';
import { writeCvat } from './write';

export const cvatCodec: FormatCodec = {
	id: 'cvat',
	label: 'CVAT for images 1.1 (XML)',
	detect(files) {
		const head = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 2048));
		return files.some((f) => extension(f.path) === 'xml' && /<annotations>/.test(head(f.bytes)) && /<version>1\.1<\/version>|<meta>/.test(head(f.bytes))) ? 0.9 : 0;
	},
	read: readCvat,
	write: writeCvat
};
