import { ProjectDoc, type Result, type VersionRecord } from '$lib/model';
import { getImageBlob, hasImageBlob, sha256Hex, storeImageBlob } from './blobs';

/** The MIME type a version's snapshot is stored under in the content-addressed blob store. */
export const VERSION_MIME = 'application/x-peerlabel-version';

/**
 * Freezes the project as it is now: its snapshot (the whole document as one Yjs update) is stored as a
 * content-addressed blob of this project (deleted with it), then the version record is written to the
 * document, which shares it with peers. Peers that lack the blob list the version as "not on this device".
 */
export async function freezeVersion(projectId: string, doc: ProjectDoc, name: string): Promise<Result<VersionRecord>> {
	const checked = doc.checkVersionName(name);
	if (!checked.ok) return checked;
	const counts = doc.counts();
	const snapshot = doc.snapshot() as Uint8Array<ArrayBuffer>;
	const hash = await sha256Hex(snapshot);
	await storeImageBlob(projectId, { hash, blob: new Blob([snapshot], { type: VERSION_MIME }), mime: VERSION_MIME, thumbnail: null }, `the version “${checked.value}”`);
	return doc.recordVersion({ name: checked.value, hash, counts });
}

export class VersionMissingError extends Error {
	constructor(readonly hash: string) {
		super('This version is not on this device: it was frozen on another device, and versions are not transferred between peers yet.');
		this.name = 'VersionMissingError';
	}
}

/** Whether this device holds the snapshot of a version. */
export function hasVersion(hash: string): Promise<boolean> {
	return hasImageBlob(hash);
}

/**
 * A version as a read-only ProjectDoc (for the diff, and for the export pipeline, which takes a
 * ProjectDoc). Throws VersionMissingError when its snapshot is not on this device.
 */
export async function openVersion(projectId: string, hash: string, name = 'version'): Promise<ProjectDoc> {
	void projectId; // blobs are shared by content across projects; the id scopes a future fetch from peers
	const blob = await getImageBlob(hash);
	if (!blob) throw new VersionMissingError(hash);
	const bytes = new Uint8Array(await blob.arrayBuffer());
	if ((await sha256Hex(bytes)) !== hash) throw new Error('The stored snapshot of this version is damaged (its SHA-256 does not match).');
	return ProjectDoc.fromSnapshot(bytes, name);
}
