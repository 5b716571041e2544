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
 *
 * With `thumbnailStored`, the bytes are stored first, so that the image opens at once, and the
 * thumbnail is made after and stored on its own, then `thumbnailStored` is called: decoding a large
 * image takes longer than the rest (a 4000x3000 PNG: 150-800 ms here, more than hashing and storing
 * its 36 MB together). Without it, bytes and thumbnail are stored in one transaction.
 */
export async function storeReceivedImage(
	projectId: string,
	image: { hash: string; mime: string; name: string },
	bytes: Uint8Array<ArrayBuffer>,
	thumbnailStored?: () => void
): Promise<Blob> {
	const blob = new Blob([bytes], { type: image.mime });
	const label = `the image “${image.name}”`;
	if (!thumbnailStored) {
		await storeImageBlob(projectId, { hash: image.hash, blob, mime: image.mime, thumbnail: await thumbnailOf(blob) }, label);
		return blob;
	}
	await storeImageBlob(projectId, { hash: image.hash, blob, mime: image.mime, thumbnail: null }, label);
	void thumbnailOf(blob)
		.then(async (thumbnail) => {
			if (thumbnail && (await storeThumbnail(image.hash, thumbnail))) thumbnailStored();
		})
		.catch(() => {}); // not stored (a full disk, say): the library shows a placeholder, as for an image it cannot decode
	return blob;
}

/** A thumbnail of the image, or null where this browser cannot decode it (the library shows a placeholder). */
async function thumbnailOf(blob: Blob): Promise<Blob | null> {
	try {
		const bitmap = await createImageBitmap(blob);
		try {
			return await makeThumbnail(bitmap);
		} finally {
			bitmap.close();
		}
	} catch {
		return null;
	}
}

/** Stores the thumbnail of stored bytes; false when the bytes are gone meanwhile (the project was deleted). */
async function storeThumbnail(hash: string, thumbnail: Blob): Promise<boolean> {
	const tx = (await db()).transaction(['blobs', 'thumbnails'], 'readwrite');
	const stored = (await tx.objectStore('blobs').getKey(hash)) !== undefined;
	if (stored) await tx.objectStore('thumbnails').put({ hash, blob: thumbnail });
	await tx.done;
	return stored;
}
