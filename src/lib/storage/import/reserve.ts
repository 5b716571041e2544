import { db, isQuotaError } from '../db';

/**
 * Room set aside while an import runs. When the disk fills up in the middle of an import, the
 * browser refuses every write, even the few bytes that record the images already stored in the
 * project document. Freeing this reserve at that moment makes room for those records, so no image
 * whose bytes were stored goes missing from the project.
 */
const RESERVE_KEY = '~import-reserve'; // never a SHA-256 hex key
export const RESERVE_BYTES = 512 * 1024;

/** Sets the reserve aside; false when there is no room even for it (storage is already full). */
export async function setAsideReserve(bytes = RESERVE_BYTES): Promise<boolean> {
	try {
		// Random bytes: nothing along the way may compress them away.
		const chunk = crypto.getRandomValues(new Uint8Array(Math.min(bytes, 65536)));
		const blob = new Blob(Array.from({ length: Math.ceil(bytes / chunk.length) }, () => chunk));
		const tx = (await db()).transaction('blobs', 'readwrite');
		tx.done.catch(() => {});
		tx.store.put({ hash: RESERVE_KEY, blob, mime: 'application/octet-stream', size: blob.size }).catch(() => {});
		await tx.done;
		return true;
	} catch (e) {
		if (isQuotaError(e)) return false;
		throw e;
	}
}

/** Frees the reserve (no-op when there is none). */
export async function releaseReserve(): Promise<void> {
	const tx = (await db()).transaction('blobs', 'readwrite');
	tx.store.delete(RESERVE_KEY).catch(() => {});
	await tx.done;
}
