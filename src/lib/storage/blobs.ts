import { db, isQuotaError, StorageFullError } from './db';
import { makeThumbnail } from './thumbnail';

/** SHA-256 of some bytes as lowercase hex: the identity of an image's content. */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
	let hex = '';
	for (const b of digest) hex += b.toString(16).padStart(2, '0');
	return hex;
}

/**
 * Stores an image's bytes and thumbnail for a project in one transaction: either all of it is stored
 * or none. Bytes already stored (by this or another project) are not written again.
 */
export async function storeImageBlob(
	projectId: string,
	entry: { hash: string; blob: Blob; mime: string; thumbnail: Blob | null },
	label: string
): Promise<void> {
	const database = await db();
	const tx = database.transaction(['blobs', 'thumbnails', 'blobRefs'], 'readwrite');
	tx.done.catch(() => {}); // its failure is handled below, whichever step sees it first
	try {
		const blobs = tx.objectStore('blobs');
		if (!(await blobs.getKey(entry.hash)))
			await blobs.put({ hash: entry.hash, blob: entry.blob, mime: entry.mime, size: entry.blob.size });
		if (entry.thumbnail) await tx.objectStore('thumbnails').put({ hash: entry.hash, blob: entry.thumbnail });
		await tx.objectStore('blobRefs').put({ projectId, hash: entry.hash });
		await tx.done;
	} catch (e) {
		try {
			tx.abort();
		} catch {
			// already finished: the browser aborted it (a full disk does that)
		}
		if (isQuotaError(e) || isQuotaError(tx.error)) throw new StorageFullError(label);
		throw e;
	}
}

export async function getImageBlob(hash: string): Promise<Blob | undefined> {
	return (await (await db()).get('blobs', hash))?.blob;
}

/** Several thumbnails in one read transaction (a screenful of the library at once). */
export async function getThumbnails(hashes: readonly string[]): Promise<Map<string, Blob>> {
	const store = (await db()).transaction('thumbnails').store;
	const found = await Promise.all(hashes.map((h) => store.get(h)));
	const out = new Map<string, Blob>();
	found.forEach((entry, i) => entry && out.set(hashes[i], entry.blob));
	return out;
}

/** Every image hash whose bytes this device holds (keys only: one read, whatever the count). */
export async function storedBlobHashes(): Promise<Set<string>> {
	return new Set(await (await db()).getAllKeys('blobs'));
}

export async function hasImageBlob(hash: string): Promise<boolean> {
	return (await (await db()).getKey('blobs', hash)) !== undefined;
}

/** Forgets every blob reference of a project and deletes the blobs no other project references. */
export async function releaseProjectBlobs(projectId: string): Promise<number> {
	const database = await db();
	const tx = database.transaction(['blobs', 'thumbnails', 'blobRefs'], 'readwrite');
	const refs = tx.objectStore('blobRefs');
	const hashes = (await refs.index('byProject').getAll(projectId)).map((r) => r.hash);
	let deleted = 0;
	for (const hash of hashes) {
		await refs.delete([projectId, hash]);
		if ((await refs.index('byHash').count(hash)) === 0) {
			await tx.objectStore('blobs').delete(hash);
			await tx.objectStore('thumbnails').delete(hash);
			deleted++;
		}
	}
	await tx.done;
	return deleted;
}

/**
 * Stores image bytes received from a peer (already verified against their SHA-256) with a new
 * thumbnail, under the project that references them.
 */
export async function storeReceivedImage(projectId: string, image: { hash: string; mime: string; name: string }, bytes: Uint8Array<ArrayBuffer>): Promise<Blob> {
	const blob = new Blob([bytes], { type: image.mime });
	let thumbnail: Blob | null = null;
	try {
		const bitmap = await createImageBitmap(blob);
		try {
			thumbnail = await makeThumbnail(bitmap);
		} finally {
			bitmap.close();
		}
	} catch {
		// not decodable here: the library shows a placeholder; the bytes are still the image's
	}
	await storeImageBlob(projectId, { hash: image.hash, blob, mime: image.mime, thumbnail }, `the image “${image.name}”`);
	return blob;
}
