import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { SCHEMA_VERSION } from '$lib/model/schema';
import type { FormatCodec } from '../codec';
import { countsOf, type Dataset } from '../dataset';
import { FormatError } from '../errors';
import { exportSelection, planImport } from '../project-dataset';
import { applyBundleUpdate, BUNDLE_VERSION, looksLikeNativeBundle, readNativeBundle, writeNativeBundle, type BundleImage } from './bundle';
import { sha256HexSync } from './sha256';

export { readNativeBundle, writeNativeBundle, looksLikeNativeBundle } from './bundle';

/** The project document a bundle holds, opened (and migrated to this app's schema) in memory. */
export function openBundleDocument(update: Uint8Array): ProjectDoc {
	const ydoc = new Y.Doc();
	applyBundleUpdate(ydoc, update);
	const doc = new ProjectDoc(ydoc);
	doc.migrate();
	return doc;
}

/**
 * Peerlabel's own bundle. The app exports it straight from the document (exact: same records, same
 * ids) and "New project from a dataset" restores it as it was; as a FormatCodec it reads into a Dataset
 * (to merge a bundle into an existing project by names) and writes one from a Dataset (converters).
 */
export const peerlabelCodec: FormatCodec = {
	id: 'peerlabel',
	label: 'Peerlabel bundle',
	detect: (files) => (looksLikeNativeBundle(files) ? 1 : 0),
	read(files) {
		const bundle = readNativeBundle(files, { verify: false }); // opened right below, which refuses a damaged one
		const doc = openBundleDocument(bundle.update);
		const bytesByHash = new Map(bundle.images.map((i) => [i.hash, i.bytes]));
		const { dataset, images } = exportSelection(doc);
		const warnings: string[] = [];
		images.forEach((ref, n) => {
			const bytes = bytesByHash.get(ref.hash);
			if (bytes) dataset.images[n].bytes = bytes;
		});
		doc.destroy();
		return { dataset, warnings };
	},
	write(dataset: Dataset, options) {
		const doc = new ProjectDoc(new Y.Doc());
		doc.initialize({ name: 'Dataset', ...(dataset.tagMode && { tagMode: dataset.tagMode }) });
		const images: BundleImage[] = [];
		const bundled = new Set<string>(); // one file per distinct image, however many names it has
		const added = doc.addImages(
			dataset.images.map((i) => {
				const hash = i.bytes ? sha256HexSync(i.bytes) : '';
				const mime = mimeOfName(i.name);
				if (i.bytes && options.includeImages && !bundled.has(hash)) {
					bundled.add(hash);
					images.push({ hash, mime, bytes: i.bytes });
				}
				return { name: i.name, hash, width: i.width, height: i.height, mime, size: i.bytes?.length ?? 0 };
			})
		);
		if (!added.ok) throw new FormatError('dataset', '', added.reason);
		const planned = planImport(doc, { ...dataset, images: [] }, { mode: 'new' });
		if (!planned.ok) throw new FormatError('dataset', '', planned.errors[0]);
		const written = doc.importDataset(planned.plan);
		if (!written.ok) throw new FormatError('dataset', '', written.reason);
		const update = Y.encodeStateAsUpdate(doc.ydoc);
		const manifest = { app: 'peerlabel' as const, bundleVersion: BUNDLE_VERSION, schemaVersion: SCHEMA_VERSION, name: 'Dataset', counts: countsOf(dataset), exportedAt: Date.now() };
		doc.destroy();
		return { files: writeNativeBundle({ manifest, update, images }), skipped: {}, warnings: planned.plan.warnings };
	}
};

function mimeOfName(name: string): string {
	const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
	return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', bmp: 'image/bmp', gif: 'image/gif' }[ext] ?? 'image/jpeg';
}
