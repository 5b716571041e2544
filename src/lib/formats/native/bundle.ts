import * as Y from 'yjs';
import { SCHEMA_VERSION } from '$lib/model/schema';
import type { DatasetCounts } from '../dataset';
import { FormatError } from '../errors';
import { basename, extension, jsonOf, utf8, type DatasetFile } from '../files';

/**
 * The native bundle: a whole project, restored exactly (same records, same ids).
 *   project.json        manifest: { app: 'peerlabel', bundleVersion, schemaVersion, name, counts, exportedAt }
 *   document.yjs        Y.encodeStateAsUpdate of the project document
 *   images/<sha256>.<ext>  the image files, named by their content hash (the blob store's key)
 */
export const MANIFEST = 'project.json';
export const DOCUMENT = 'document.yjs';
export const BUNDLE_VERSION = 1;

export interface BundleManifest {
	app: 'peerlabel';
	bundleVersion: number;
	schemaVersion: number;
	name: string;
	counts: DatasetCounts;
	exportedAt: number;
}

export interface BundleImage {
	hash: string;
	mime: string;
	bytes: Uint8Array;
}

export interface NativeBundle {
	manifest: BundleManifest;
	update: Uint8Array;
	images: BundleImage[];
}

const EXT_OF_MIME: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/bmp': 'bmp', 'image/gif': 'gif' };
const MIME_OF_EXT: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', bmp: 'image/bmp', gif: 'image/gif' };

export function bundleImagePath(hash: string, mime: string): string {
	return `images/${hash}.${EXT_OF_MIME[mime] ?? 'bin'}`;
}

export function writeNativeBundle(bundle: NativeBundle): DatasetFile[] {
	return [
		{ path: MANIFEST, bytes: utf8(JSON.stringify(bundle.manifest, null, '\t') + '\n') },
		{ path: DOCUMENT, bytes: bundle.update },
		...bundle.images.map((i) => ({ path: bundleImagePath(i.hash, i.mime), bytes: i.bytes }))
	];
}

/** The bundle's root folder inside the input ('' or 'my-project/' when the zip holds a folder). */
function bundleRoot(files: readonly DatasetFile[]): string | null {
	const manifest = files.find((f) => basename(f.path) === MANIFEST && files.some((d) => d.path === f.path.slice(0, -MANIFEST.length) + DOCUMENT));
	return manifest ? manifest.path.slice(0, -MANIFEST.length) : null;
}

export function looksLikeNativeBundle(files: readonly DatasetFile[]): boolean {
	return bundleRoot(files) !== null;
}

/** Reads a bundle; refuses one written by a newer app (its schema or bundle layout is unknown here). */
/**
 * The bundle's parts. `verify` applies the document once to refuse a damaged one before anything is
 * made of it; a caller that opens the document at once anyway passes false (see openBundleDocument).
 */
export function readNativeBundle(files: readonly DatasetFile[], { verify = true } = {}): NativeBundle {
	const root = bundleRoot(files);
	if (root === null) throw new FormatError(MANIFEST, '', `is missing: a Peerlabel bundle holds ${MANIFEST} and ${DOCUMENT}`);
	const manifestFile = files.find((f) => f.path === root + MANIFEST)!;
	const raw = jsonOf(manifestFile) as Partial<BundleManifest> | null;
	if (!raw || typeof raw !== 'object' || raw.app !== 'peerlabel') throw new FormatError(manifestFile.path, 'app', 'is not a Peerlabel project manifest');
	if (typeof raw.schemaVersion !== 'number') throw new FormatError(manifestFile.path, 'schemaVersion', 'is missing');
	if (raw.schemaVersion > SCHEMA_VERSION)
		throw new FormatError(
			manifestFile.path,
			'schemaVersion',
			`this project was saved by a newer version of Peerlabel (schema ${raw.schemaVersion}; this app knows ${SCHEMA_VERSION}): update the app to open it`
		);
	if (typeof raw.bundleVersion === 'number' && raw.bundleVersion > BUNDLE_VERSION)
		throw new FormatError(manifestFile.path, 'bundleVersion', `bundle layout ${raw.bundleVersion} is newer than this app's (${BUNDLE_VERSION}): update the app to open it`);
	const update = files.find((f) => f.path === root + DOCUMENT)!.bytes;
	if (verify) applyBundleUpdate(new Y.Doc(), update, root + DOCUMENT);
	const images: BundleImage[] = [];
	for (const f of files) {
		const m = /^images\/([0-9a-f]{64})\.([a-z0-9]+)$/.exec(f.path.slice(root.length));
		if (m && f.path.startsWith(root)) images.push({ hash: m[1], mime: MIME_OF_EXT[extension(f.path)] ?? 'application/octet-stream', bytes: f.bytes });
	}
	const manifest: BundleManifest = {
		app: 'peerlabel',
		bundleVersion: raw.bundleVersion ?? BUNDLE_VERSION,
		schemaVersion: raw.schemaVersion,
		name: typeof raw.name === 'string' && raw.name.trim() ? raw.name.trim() : 'Imported project',
		counts: raw.counts ?? { images: 0, classes: 0, annotations: 0 },
		exportedAt: typeof raw.exportedAt === 'number' ? raw.exportedAt : 0
	};
	return { manifest, update, images };
}

/** Applies a bundle's document to `ydoc`; a damaged one is refused naming its file. */
export function applyBundleUpdate(ydoc: Y.Doc, update: Uint8Array, path: string = DOCUMENT): void {
	try {
		Y.applyUpdate(ydoc, update);
	} catch (e) {
		throw new FormatError(path, '', `is damaged (${e instanceof Error ? e.message : String(e)})`);
	}
}
