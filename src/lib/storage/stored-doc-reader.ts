import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { projectDocDbName } from './projects';

/**
 * A project's document read from what y-indexeddb stored, for a worker that counts over it (the
 * dataset statistics) while the page keeps its own copy: nothing of the page's memory is copied or
 * encoded on its main thread. Read again, it applies only the stored updates it has not applied yet:
 * those under a key it has not seen, or under a key whose bytes changed (a compaction merges a run of
 * updates into its first key; the rewrite after an open stores its parts under new keys). Applying an
 * update twice changes nothing (Yjs), so a doubt costs time, never correctness. Read-only: the worker's
 * copy is never written back.
 */
export class StoredDocReader {
	readonly doc: ProjectDoc;
	/** Byte length of each stored update applied, by key. */
	private seen = new Map<IDBValidKey, number>();

	constructor(readonly projectId: string) {
		this.doc = new ProjectDoc(new Y.Doc());
		this.doc.readOnlyReason = 'A copy for counting';
	}

	/** Brings the copy up to what is stored now; says how long reading and applying took, and how much was new. */
	async refresh(): Promise<{ readMs: number; applyMs: number; applied: number; appliedBytes: number }> {
		const start = performance.now();
		const { keys, updates } = await readAll(projectDocDbName(this.projectId));
		const read = performance.now();
		const fresh: Uint8Array[] = [];
		const seen = new Map<IDBValidKey, number>();
		keys.forEach((key, i) => {
			const bytes = updates[i];
			if (!(bytes instanceof Uint8Array)) return; // not y-indexeddb's: left out, never thrown on
			seen.set(key, bytes.byteLength);
			if (this.seen.get(key) !== bytes.byteLength) fresh.push(bytes);
		});
		this.seen = seen;
		let appliedBytes = 0;
		if (fresh.length)
			this.doc.ydoc.transact(() => {
				for (const u of fresh) {
					appliedBytes += u.byteLength;
					Y.applyUpdate(this.doc.ydoc, u);
				}
			});
		// A project stored by an older app is counted as this one reads it (the page migrates its own copy).
		this.doc.migrate();
		return { readMs: read - start, applyMs: performance.now() - read, applied: fresh.length, appliedBytes };
	}

	destroy(): void {
		this.doc.destroy();
		this.doc.ydoc.destroy();
	}
}

/** Every stored update with its key, in one read-only transaction (one consistent state). */
function readAll(name: string): Promise<{ keys: IDBValidKey[]; updates: unknown[] }> {
	return new Promise((resolve, reject) => {
		const open = indexedDB.open(name);
		// A project with no stored document yet: nothing to create here (the page's y-indexeddb does it).
		open.onupgradeneeded = () => open.transaction?.abort();
		open.onerror = () => reject(open.error ?? new Error(`The project's document (${name}) could not be read`));
		open.onsuccess = () => {
			const database = open.result;
			const finish = (error?: unknown) => {
				database.close();
				if (error) reject(error);
			};
			if (!database.objectStoreNames.contains('updates')) {
				finish();
				return resolve({ keys: [], updates: [] });
			}
			const tx = database.transaction('updates', 'readonly');
			const store = tx.objectStore('updates');
			const keys = store.getAllKeys();
			const values = store.getAll();
			tx.oncomplete = () => {
				finish();
				resolve({ keys: keys.result, updates: values.result });
			};
			tx.onabort = tx.onerror = () => finish(tx.error);
		};
	});
}
