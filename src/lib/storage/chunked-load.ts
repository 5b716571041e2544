import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { SaveTracker, type SaveState } from './save-state';
import { reencodeInWorker } from './reencode-client';
import type { ReencodeOutcome } from './reencode';

/**
 * Loads and stores a y-indexeddb document without blocking the main thread for seconds.
 *
 * y-indexeddb (pinned to 9.0.12: this module relies on its internals, see
 * tests/unit/chunked-load.test.ts) applies every stored update inside one Y.transact: for a large
 * project, one task of seconds. Here we read the stored updates ourselves, in one read-only
 * transaction, and let y-indexeddb fetch only what was written after that read (its `_dbref`). It
 * syncs on the still-empty document, so what it writes first is the empty state, as always; then we
 * apply what we read in slices of a few milliseconds, yielding to the event loop between them.
 *
 * Why nothing is lost or written twice (each point against y-indexeddb 9.0.12's source):
 * - Its fetch reads keys >= `_dbref`; we set it, before the database opens, past the last key we
 *   read. Keys are autoIncrement and never reused, so whatever another tab writes after our read
 *   (an edit, or the full state a trim writes) has a larger key and is applied by y-indexeddb.
 * - Its first write, `encodeStateAsUpdate(doc)` before applying, runs while the document is empty
 *   (we apply nothing before `whenSynced`): it writes the empty state, exactly as it does today.
 * - Our applies have the persistence as origin, which its `_storeUpdate` never stores; during the
 *   load we also take its listener off, which only spares Yjs encoding every slice as an update
 *   event nobody keeps (nothing else can change the document: no one else holds it yet).
 * - Its trim (`storeState`: write the full state, delete the older keys) is only ever scheduled by
 *   `_storeUpdate`, which we replace: a trim would leave one update as large as the document, loaded
 *   in one long task again. We store each update as it does, and past COMPACT_AT stored updates merge
 *   runs of consecutive small ones into chunks of at most CHUNK_BYTES, each in one transaction that
 *   reads, merges and replaces exactly the keys it covers (see `compact`).
 *
 * When a change is in IndexedDB (see `flush`, called when the page is hidden or left), each path against
 * y-indexeddb 9.0.12 and this file:
 * - An edit: `_storeUpdate` runs in the document's update event and creates its transaction there and
 *   then; nothing waits for a timer. But IndexedDB commits a transaction by itself only after the page
 *   has received its requests' results (the page could still add requests): a page killed during that
 *   round trip has its transaction aborted, and y-indexeddb's last edit is lost (without `commit()`,
 *   the move written on pagehide in tests/e2e/crash.spec.ts was lost in 2 runs of 3). We call
 *   `commit()` right after the write, so that the commit no longer depends on the page surviving.
 * - y-indexeddb's trim (debounced 1 s): never scheduled, see above.
 * - Compaction (1 s after a pause, then chunk by chunk): stores nothing new, and each chunk replaces
 *   exactly what it read in one transaction; a page dying mid-way leaves either the small updates or
 *   their merge. Nothing to flush.
 * - Changes the browser refused (a full disk), offered again every few seconds: offered at once by
 *   `flush`.
 * - y-indexeddb's own first write and its edits before the database opens: none, `loadDocument`
 *   returns the document only after y-indexeddb has synced.
 */

const UPDATES = 'updates';
const CUSTOM = 'custom';

/** Time one slice of applying may take before the page gets the main thread back. */
const SLICE_MS = 25;
/** Stored updates past which small ones are merged (y-indexeddb trims at the same count). */
export const COMPACT_AT = 500;
/**
 * The largest update compaction makes: applying one takes a few tens of milliseconds. 256 KiB since
 * annotations are packed (schema v7): 512 KiB held ~4,500 of them, 100-200 ms to apply and check here.
 */
export const CHUNK_BYTES = 256 * 1024;
/** Compaction waits for a pause in editing, as y-indexeddb's trim does. */
const COMPACT_DELAY_MS = 1000;
/** How often changes the browser refused to store (a full disk) are offered again. */
const RETRY_UNSAVED_MS = 3000;

/** A rewrite of the stored document as its state waits this long after a load (see reencode.ts). */
export const REENCODE_DELAY_MS = 3000;

export class ChunkedIndexeddbPersistence extends IndexeddbPersistence {
	private compactTimer: ReturnType<typeof setTimeout> | null = null;
	private reencodeTimer: ReturnType<typeof setTimeout> | null = null;
	/** What the latest rewrite did (null: none ran, or it could not run here). */
	reencoded: ReencodeOutcome | null = null;
	private compacting: Promise<void> | null = null;
	/** Changes the browser refused to store, kept in memory and offered again until it takes them. */
	private unsaved: Uint8Array[] = [];
	private retryTimer: ReturnType<typeof setTimeout> | null = null;
	private retrying: Promise<boolean> | null = null;
	private readonly saveListeners = new Set<(error: DOMException | null) => void>();
	private readonly tracker = new SaveTracker();
	private readonly writeDone = () => this.tracker.finished();

	/** `startRef`: the first key y-indexeddb's own fetch reads; the keys before it are ours to apply. */
	constructor(name: string, doc: Y.Doc, startRef: number) {
		super(name, doc);
		// y-indexeddb reads `_dbref` once its database has opened, which is always after this
		// constructor has returned (an IndexedDB open completes in a later task).
		this._dbref = startRef;
		doc.off('update', this._storeUpdate);
		this._storeUpdate = (update: Uint8Array, origin: unknown) => {
			if (!this.db || origin === this) return;
			if (this.unsaved.length || this.retrying) {
				// Earlier changes are still waiting for room: keep this one with them, in order.
				this.unsaved.push(update);
				void this.retryUnsaved();
				return;
			}
			const tx = this.db.transaction(UPDATES, 'readwrite');
			tx.objectStore(UPDATES).add(update);
			tx.oncomplete = this.writeDone;
			tx.onabort = () => {
				this.refused(update, tx.error);
				this.tracker.finished();
			};
			tx.commit();
			this.tracker.started();
			if (++this._dbsize >= COMPACT_AT) this.scheduleCompaction();
		};
		doc.on('update', this._storeUpdate);
	}

	/** Whether every change is committed to IndexedDB (see SaveState). */
	get saveState(): SaveState {
		return this.tracker.state;
	}

	/** Calls `listener` whenever the save state changes. */
	onSaveState(listener: (state: SaveState) => void): () => void {
		return this.tracker.onChange(listener);
	}

	/**
	 * Hands IndexedDB, now, whatever is not in it yet: for when the page is hidden or left and may be
	 * killed without another chance. Only refused changes can be waiting (see the comment at the top).
	 */
	flush(): void {
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = null;
		if (this.unsaved.length) void this.retryUnsaved();
	}

	/** True while some changes are only in memory because the browser refused to store them. */
	get hasUnsavedChanges(): boolean {
		return this.unsaved.length > 0;
	}

	/**
	 * Calls `listener` with the error when the browser refuses to store changes (a full disk, most
	 * often), and with null once everything refused has been stored after all.
	 */
	onSaveProblem(listener: (error: DOMException | null) => void): () => void {
		this.saveListeners.add(listener);
		return () => this.saveListeners.delete(listener);
	}

	private refused(update: Uint8Array, error: DOMException | null): void {
		if (this._destroyed) return;
		this.unsaved.push(update);
		this.tracker.setRefused(true);
		for (const l of this.saveListeners) l(error);
		this.scheduleRetry();
	}

	private scheduleRetry(): void {
		if (this.retryTimer || this._destroyed) return;
		this.retryTimer = setTimeout(() => {
			this.retryTimer = null;
			this.retryUnsaved();
		}, RETRY_UNSAVED_MS);
	}

	/** Offers every refused change again, merged into one update, in one transaction. */
	retryUnsaved(): Promise<boolean> {
		if (this.retrying) return this.retrying;
		const database = this.db;
		if (!database || !this.unsaved.length) return Promise.resolve(!this.unsaved.length);
		const merged = this.unsaved.length === 1 ? this.unsaved[0] : Y.mergeUpdates(this.unsaved);
		this.unsaved = []; // changes made while this is written wait here, after it
		this.retrying = new Promise<boolean>((resolve) => {
			const tx = database.transaction(UPDATES, 'readwrite');
			tx.objectStore(UPDATES).add(merged);
			tx.oncomplete = () => {
				this.retrying = null;
				this._dbsize++;
				if (this.unsaved.length) void this.retryUnsaved();
				else {
					this.tracker.setRefused(false);
					for (const l of this.saveListeners) l(null);
				}
				this.tracker.finished();
				resolve(true);
			};
			tx.onabort = () => {
				this.retrying = null;
				this.unsaved.unshift(merged);
				for (const l of this.saveListeners) l(tx.error);
				this.scheduleRetry();
				this.tracker.finished();
				resolve(false);
			};
			tx.commit();
			this.tracker.started();
		});
		return this.retrying;
	}

	scheduleCompaction(delay = COMPACT_DELAY_MS): void {
		if (this.compactTimer) clearTimeout(this.compactTimer);
		this.compactTimer = setTimeout(() => {
			this.compactTimer = null;
			this.compacting ??= this.compact().finally(() => (this.compacting = null));
		}, delay);
	}

	/**
	 * Rewrites the stored document as its current state, in a worker, `delay` after now: what edits
	 * replaced is dropped, in chunks of at most CHUNK_BYTES (reencode.ts). Nothing happens if the
	 * persistence is destroyed first, or if it would not save at least REENCODE_MIN_GAIN of the bytes.
	 */
	scheduleReencode(delay = REENCODE_DELAY_MS): void {
		if (this.reencodeTimer) clearTimeout(this.reencodeTimer);
		this.reencodeTimer = setTimeout(async () => {
			this.reencodeTimer = null;
			if (this._destroyed) return;
			const outcome = await reencodeInWorker(this.name, CHUNK_BYTES);
			this.reencoded = outcome;
			if (outcome?.rewritten && this.db && !this._destroyed) this._dbsize = await countUpdates(this.db);
		}, delay);
	}

	/** Merges runs of small stored updates into bounded chunks, one transaction per chunk. */
	async compact(): Promise<void> {
		const database = this.db;
		if (!database || this._destroyed) return;
		const { keys, sizes } = await readKeysAndSizes(database);
		for (const run of planChunks(keys, sizes, CHUNK_BYTES)) {
			if (this._destroyed) return;
			await mergeRange(database, run.first, run.last);
			await yieldToEventLoop();
		}
		if (!this._destroyed) this._dbsize = await countUpdates(database);
	}

	override destroy(): Promise<void> {
		if (this.compactTimer) clearTimeout(this.compactTimer);
		if (this.retryTimer) clearTimeout(this.retryTimer);
		if (this.reencodeTimer) clearTimeout(this.reencodeTimer);
		this.compactTimer = this.retryTimer = this.reencodeTimer = null;
		this.saveListeners.clear();
		this.tracker.clear();
		return super.destroy();
	}
}

/** Runs of consecutive keys whose updates together stay within `limit` bytes: each becomes one update. */
export function planChunks(keys: readonly number[], sizes: readonly number[], limit: number): { first: number; last: number }[] {
	const runs: { first: number; last: number }[] = [];
	let start = 0;
	let bytes = 0;
	const close = (end: number) => {
		if (end - start >= 2) runs.push({ first: keys[start], last: keys[end - 1] });
	};
	for (let i = 0; i < keys.length; i++) {
		if (bytes + sizes[i] > limit) {
			close(i);
			start = i;
			bytes = 0;
		}
		bytes += sizes[i];
	}
	close(keys.length);
	return runs;
}

function countUpdates(database: IDBDatabase): Promise<number> {
	return new Promise((resolve, reject) => {
		const request = database.transaction(UPDATES, 'readonly').objectStore(UPDATES).count();
		request.onsuccess = () => resolve(request.result);
		request.onerror = () => reject(request.error);
	});
}

function readKeysAndSizes(database: IDBDatabase): Promise<{ keys: number[]; sizes: number[] }> {
	return new Promise((resolve, reject) => {
		const tx = database.transaction(UPDATES, 'readonly');
		const store = tx.objectStore(UPDATES);
		const values = store.getAll();
		const keys = store.getAllKeys();
		tx.oncomplete = () =>
			resolve({ keys: keys.result as number[], sizes: (values.result as Uint8Array[]).map((u) => u.byteLength) });
		tx.onabort = tx.onerror = () => reject(tx.error);
	});
}

/**
 * Replaces the updates stored under keys first…last by their merge, stored under `first` so that
 * the order of the store is kept. Reading, merging and writing happen in one transaction: whatever
 * another tab did to those keys meanwhile, exactly what is read is replaced.
 */
function mergeRange(database: IDBDatabase, first: number, last: number): Promise<void> {
	return new Promise((resolve, reject) => {
		const tx = database.transaction(UPDATES, 'readwrite');
		const store = tx.objectStore(UPDATES);
		const range = IDBKeyRange.bound(first, last);
		const values = store.getAll(range);
		values.onsuccess = () => {
			const updates = values.result as Uint8Array[];
			if (updates.length < 2) return;
			const merged = Y.mergeUpdates(updates);
			store.delete(range);
			store.put(merged, first);
		};
		tx.oncomplete = () => resolve();
		tx.onabort = tx.onerror = () => reject(tx.error);
	});
}

interface StoredUpdates {
	updates: Uint8Array[];
	/** The largest key read, or -1 when the store is empty. */
	lastKey: number;
}

/** Opens the document's database as y-indexeddb does (same stores when it creates it). */
function openDatabase(name: string): Promise<IDBDatabase> {
	return new Promise((resolve, reject) => {
		const request = indexedDB.open(name);
		request.onupgradeneeded = () => {
			request.result.createObjectStore(UPDATES, { autoIncrement: true });
			request.result.createObjectStore(CUSTOM);
		};
		request.onsuccess = () => {
			const database = request.result;
			database.onversionchange = () => database.close();
			resolve(database);
		};
		request.onerror = () => reject(request.error);
	});
}

/** Updates read per request: each request's result is decoded in a task of its own, so keep them small. */
const READ_BATCH = 8;

/** Every stored update with the last key, from one read-only transaction: one consistent snapshot. */
export async function readStoredUpdates(name: string): Promise<StoredUpdates> {
	const database = await openDatabase(name);
	try {
		return await new Promise<StoredUpdates>((resolve, reject) => {
			const tx = database.transaction(UPDATES, 'readonly');
			const store = tx.objectStore(UPDATES);
			const updates: Uint8Array[] = [];
			let keys: number[] = [];
			const request = store.getAllKeys();
			request.onsuccess = () => {
				keys = request.result as number[];
				const batches: Uint8Array[][] = [];
				for (let i = 0; i < keys.length; i += READ_BATCH) {
					const range = IDBKeyRange.bound(keys[i], keys[Math.min(i + READ_BATCH, keys.length) - 1]);
					const batch = store.getAll(range);
					batch.onsuccess = () => (batches[i / READ_BATCH] = batch.result as Uint8Array[]);
				}
				tx.oncomplete = () => {
					for (const b of batches) updates.push(...b);
					if (updates.length !== keys.length) return reject(new Error(`${name}: ${keys.length} keys for ${updates.length} updates`));
					resolve({ updates, lastKey: keys.length ? keys[keys.length - 1] : -1 });
				};
			};
			tx.onabort = tx.onerror = () => reject(tx.error);
		});
	} finally {
		database.close();
	}
}

/** Lets the browser handle input and paint before the next slice. */
export function yieldToEventLoop(): Promise<void> {
	const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
	if (typeof scheduler?.yield === 'function') return scheduler.yield();
	return behindOtherTasks();
}

/**
 * The next task, queued behind the tasks already waiting (timers, the page's own work), unlike
 * `scheduler.yield`, whose continuations go first; a message, not a timer, so a hidden tab is not slowed.
 */
export function behindOtherTasks(): Promise<void> {
	return new Promise((resolve) => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(null);
	});
}

/**
 * Applies `updates` to `doc` in slices of about SLICE_MS, each slice one transaction of `origin`,
 * yielding between slices. A slice stops early before an update its measured pace says would
 * overrun; an update is never split, so one larger than a slice's worth still takes one task.
 */
export async function applyInSlices(doc: Y.Doc, updates: readonly Uint8Array[], origin: unknown, stillWanted: () => boolean = () => true): Promise<void> {
	let next = 0;
	let msPerByte = 0; // learnt from the slices so far
	while (next < updates.length) {
		if (!stillWanted()) throw new Error('The document was closed while it was loading');
		const start = performance.now();
		let bytes = 0;
		Y.transact(
			doc,
			() => {
				do {
					bytes += updates[next].byteLength;
					Y.applyUpdate(doc, updates[next++], origin);
					const spent = performance.now() - start;
					msPerByte = Math.max(msPerByte * 0.5, spent / bytes);
					if (spent >= SLICE_MS) break;
					if (next < updates.length && spent + updates[next].byteLength * msPerByte > SLICE_MS * 1.5) break;
				} while (next < updates.length);
			},
			origin,
			false
		);
		// What the document's observers did at the end of the transaction (checking the records) is part of
		// the slice too: the pace learnt from it keeps the next slices within their time.
		msPerByte = Math.max(msPerByte, (performance.now() - start) / bytes);
		if (next < updates.length) await yieldToEventLoop();
	}
}

/**
 * Opens a project's document with y-indexeddb, loading what is stored without long tasks.
 * Resolves once everything stored (up to the moment y-indexeddb syncs) is in `doc`.
 * `doc` must be new and empty.
 */
export async function loadDocument(name: string, doc: Y.Doc): Promise<ChunkedIndexeddbPersistence> {
	if (Y.encodeStateVector(doc).byteLength > 1) throw new Error('loadDocument needs an empty document');
	const { updates, lastKey } = await readStoredUpdates(name);
	const persistence = new ChunkedIndexeddbPersistence(name, doc, lastKey + 1);
	try {
		await persistence.whenSynced;
		// Same decision as _storeUpdate (origin === persistence: not stored), without encoding each slice.
		doc.off('update', persistence._storeUpdate);
		try {
			await applyInSlices(doc, updates, persistence, () => !persistence._destroyed);
		} finally {
			if (!persistence._destroyed) doc.on('update', persistence._storeUpdate);
		}
		// Many small updates stored: merge them into chunks soon.
		if (persistence._dbsize >= COMPACT_AT) persistence.scheduleCompaction();
	} catch (e) {
		await persistence.destroy();
		throw e;
	}
	return persistence;
}
