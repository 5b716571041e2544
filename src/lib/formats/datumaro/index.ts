import type { FormatCodec } from '../codec';
import { jsonOutlines } from '../json-outline';
import { readDatumaro } from './read';

/** Datumaro JSON, read only: `write` says so. */
export const datumaroCodec: FormatCodec = {
	id: 'datumaro',
	label: 'Datumaro JSON (read only)',
	detect(files) {
		// Its reader needs only a list "items"; "categories" or "info" make it more certain.
		const items = jsonOutlines(files).filter(({ outline: { paths } }) => paths.has('items[]') && !paths.has('images[]'));
		if (items.some(({ outline: { paths } }) => paths.has('categories') || paths.has('info') || paths.has('infos'))) return 0.7;
		return items.length ? 0.4 : 0;
	},
	read: readDatumaro,
	write() {
		throw new Error('Datumaro JSON is read only here: export as COCO or CVAT for Datumaro to import');
	}
};
