import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { readDarwin } from './read';
import { writeDarwin } from './write';

export const darwinCodec: FormatCodec = {
	id: 'darwin',
	label: 'V7 Darwin JSON 2.0',
	detect(files) {
		const head = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 4096));
		return files.some((f) => extension(f.path) === 'json' && /"schema_ref"\s*:\s*"[^"]*darwin|"version"\s*:\s*"2\.0"[\s\S]*"item"\s*:/.test(head(f.bytes))) ? 0.9 : 0;
	},
	read: readDarwin,
	write: writeDarwin
};
