import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { readDatumaro } from './read';

/** Datumaro JSON, read only: `write` says so. */
export const datumaroCodec: FormatCodec = {
	id: 'datumaro',
	label: 'Datumaro JSON (read only)',
	detect(files) {
		const head = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 4096));
		return files.some((f) => extension(f.path) === 'json' && /"categories"\s*:/.test(head(f.bytes)) && /"infos?"\s*:|"label_groups"|"items"\s*:/.test(head(f.bytes)) && !/"images"\s*:\s*\[/.test(head(f.bytes)))
			? 0.7
			: 0;
	},
	read: readDatumaro,
	write() {
		throw new Error('Datumaro JSON is read only here: export as COCO or CVAT for Datumaro to import');
	}
};
