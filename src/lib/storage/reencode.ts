import * as Y from 'yjs';
import { splitUpdate } from '$lib/model/update-parts';

/**
 * Rewrites a project's stored document as its current state, in parts of at most CHUNK_BYTES.
 *
 * The stored updates keep every value a record ever had: an edit replaces a record, but the update that
 * wrote the old value is still stored (compaction merges updates, it cannot drop what they hold). A
 * document re-encoded from its state keeps only what is current (Yjs replaces deleted content by its
 * length), as y-indexeddb's own trim would, but that trim writes one update as large as the document,
 * which loads in one long task. Here the state is cut in parts (update-parts.ts) that load in slices.
 *
 * Runs in a worker (reencode.worker.ts), never on the page's main thread: applying and encoding a large
 * project takes seconds. Safe against other tabs: the rewrite replaces exactly the keys it read, in one
 * transaction that first checks they are still the same (another tab's compaction may have merged some:
 * then it leaves everything as it is and tries again on the next open).
 */

const UPDATES = 'updates';
/** Rewritten only when that saves at least this share of the stored bytes (a rewrite costs a worker some seconds). */
export const REENCODE_MIN_GAIN = 0.05;
/** Smaller documents load in a moment whatever their history: left as they are. */
export const REENCODE_MIN_BYTES = 256 * 1024;

export interface ReencodeOutcome {
	rewritten: boolean;
	/** Stored bytes before and after (after = before when nothing was rewritten). */
	before: number;
	after: number;
	parts: number;
}

/**
 * The state `updates` make, as parts of at most `maxBytes`, when that is at least REENCODE_MIN_GAIN
 * smaller than `updates`, or when one of them is larger than a part (2,000 images added at once: the
 * loader applies the stored updates in slices, and one that large would be one long task); null
 * otherwise. Pure: the same updates give the same parts.
 */
export function reencodeUpdates(updates: readonly Uint8Array[], maxBytes: number): Uint8Array[] | null {
	const before = updates.reduce((sum, u) => sum + u.byteLength, 0);
	if (before < REENCODE_MIN_BYTES) return null;
	const doc = new Y.Doc();
	for (const u of updates) Y.applyUpdate(doc, u);
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	const oversized = updates.some((u) => u.byteLength > maxBytes);
	if (state.byteLength > before * (1 - REENCODE_MIN_GAIN) && !oversized) return null;
	return splitUpdate(state, maxBytes);
}

function request<T>(r: IDBRequest<T>): Promise<T> {
	return new Promise((resolve, reject) => {
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
}

/** Keys for `n` parts that replace the keys up to `lastKey`: in (lastKey - 1, lastKey], the last one `lastKey` itself. */
export function partKeys(lastKey: number, n: number): number[] {
	return Array.from({ length: n }, (_, i) => lastKey - (n - 1 - i) / n);
}

/** Rewrites the stored document of database `name` when that pays (see the top of this file). */
export async function reencodeStored(name: string, maxBytes: number): Promise<ReencodeOutcome> {
	const database = await new Promise<IDBDatabase>((resolve, reject) => {
		const r = indexedDB.open(name);
		r.onsuccess = () => resolve(r.result);
		r.onerror = () => reject(r.error);
	});
	try {
		if (!database.objectStoreNames.contains(UPDATES)) return { rewritten: false, before: 0, after: 0, parts: 0 };
		const read = database.transaction(UPDATES, 'readonly').objectStore(UPDATES);
		const [keys, updates] = await Promise.all([request(read.getAllKeys()), request(read.getAll())]);
		const before = (updates as Uint8Array[]).reduce((sum, u) => sum + u.byteLength, 0);
		const unchanged = { rewritten: false, before, after: before, parts: keys.length };
		const parts = keys.length ? reencodeUpdates(updates as Uint8Array[], maxBytes) : null;
		if (!parts) return unchanged;
		const first = keys[0] as number;
		const last = keys[keys.length - 1] as number;
		const range = IDBKeyRange.bound(first, last);
		const tx = database.transaction(UPDATES, 'readwrite');
		const store = tx.objectStore(UPDATES);
		const done = new Promise<void>((resolve, reject) => {
			tx.oncomplete = () => resolve();
			tx.onabort = tx.onerror = () => reject(tx.error);
		});
		const now = await request(store.getAllKeys(range));
		if (now.length !== keys.length || now.some((k, i) => k !== keys[i])) {
			tx.abort();
			await done.catch(() => {});
			return unchanged;
		}
		store.delete(range);
		partKeys(last, parts.length).forEach((key, i) => store.put(parts[i], key));
		await done;
		return { rewritten: true, before, after: parts.reduce((sum, p) => sum + p.byteLength, 0), parts: parts.length };
	} finally {
		database.close();
	}
}
