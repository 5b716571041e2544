/**
 * Moves image bytes between peers over a data channel of their own (not the Yjs one). Each peer is
 * both a holder that serves the blobs its project references and an asker that fetches the blobs it
 * lacks. See blob-protocol.ts for the messages, blob-peer.ts for one channel and blob-transfer.ts
 * for how a fetch picks its sources, resumes and verifies.
 */
import { DEFAULT_OPTIONS, type BlobChannel, type BlobExchangeDeps, type BlobExchangeOptions } from './blob-channel';
import { BlobPeer } from './blob-peer';
import { FRAME_HEADER_BYTES, HASH_PATTERN } from './blob-protocol';
import { BlobTransfer, BlobUnavailableError } from './blob-transfer';

export { BlobUnavailableError };
export type { BlobChannel, BlobExchangeDeps, BlobExchangeOptions };

/** Chromium refuses messages above this. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Chromium closes a channel whose send buffer passes this. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export interface FetchOptions {
	signal?: AbortSignal;
	/** `source`: the id of the peer sending now (it changes when a transfer resumes from another). */
	onProgress?(received: number, total: number, source?: string): void;
}

/** An image to fetch: its hash and the size its record gives (the only size accepted from peers). */
export interface BlobWanted {
	hash: string;
	size: number;
}

export interface FetchAllOptions {
	/** Keeps the verified bytes (in IndexedDB, say); a failure here counts as that blob failing. */
	store(hash: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
	/** Blobs fetched at once. Default 4. */
	concurrency?: number;
	signal?: AbortSignal;
	onProgress?(progress: { fetched: number; failed: number; total: number }): void;
}

export interface FetchAllResult {
	fetched: string[];
	failed: { hash: string; error: Error }[];
}

interface SharedTransfer {
	promise: Promise<Uint8Array<ArrayBuffer>>;
	controller: AbortController;
	callers: Set<FetchOptions>;
	progress: [number, number, string | undefined] | null;
}

export class BlobExchange {
	private readonly options: Required<BlobExchangeOptions>;
	private readonly connected = new Map<string, BlobPeer>();
	private readonly transfers = new Map<string, SharedTransfer>();
	private readonly peerListeners = new Set<() => void>();
	private destroyed = false;

	constructor(
		private readonly deps: BlobExchangeDeps,
		options: BlobExchangeOptions = {}
	) {
		this.options = { ...DEFAULT_OPTIONS, ...options };
		const { chunkBytes, highWaterBytes } = this.options;
		if (chunkBytes <= FRAME_HEADER_BYTES || chunkBytes > MAX_MESSAGE_BYTES)
			throw new RangeError(`chunkBytes must be between ${FRAME_HEADER_BYTES + 1} and ${MAX_MESSAGE_BYTES}`);
		if (highWaterBytes < 2 * chunkBytes || highWaterBytes > MAX_BUFFERED_BYTES / 2)
			throw new RangeError(`highWaterBytes must be between 2 × chunkBytes and ${MAX_BUFFERED_BYTES / 2}`);
	}

	get peers(): string[] {
		return [...this.connected.keys()];
	}

	/**
	 * Starts exchanging blobs with a peer over its blob channel (open or still opening; ordered and
	 * reliable). A peer added again under the same id replaces the earlier channel.
	 */
	addPeer(peerId: string, channel: BlobChannel): void {
		if (this.destroyed) throw new Error('The blob exchange was destroyed');
		this.removePeer(peerId);
		const peer = new BlobPeer(
			peerId,
			channel,
			this.deps,
			this.options,
			(closed) => {
				if (this.connected.get(closed.id) !== closed) return;
				this.connected.delete(closed.id);
				this.peersChanged();
			},
			() => this.requestsInHand() < this.options.maxServesTotal
		);
		this.connected.set(peerId, peer);
		this.peersChanged();
	}

	/** The peer left: fetches from it move on to other peers, and nothing more is served to it. */
	removePeer(peerId: string): void {
		this.connected.get(peerId)?.close();
	}

	/**
	 * The verified bytes of `hash`, `size` bytes long (the image record's size: a peer announcing
	 * another is refused), from whichever connected peer has them. Moves to another peer at the offset
	 * reached when the sender leaves, fails or stalls; bytes that fail SHA-256 are dropped and fetched
	 * again from another peer. Rejects with BlobUnavailableError when no connected peer can send
	 * verified bytes. Concurrent fetches of one blob share one transfer and the same bytes (do not
	 * modify them); aborting one fetch stops the transfer only when no other fetch wants it.
	 */
	fetch(hash: string, size: number, options: FetchOptions = {}): Promise<Uint8Array<ArrayBuffer>> {
		const { signal } = options;
		if (!HASH_PATTERN.test(hash)) return Promise.reject(new TypeError(`Not a SHA-256 hex hash: ${hash}`));
		if (!Number.isSafeInteger(size) || size < 0 || size > this.options.maxBlobBytes)
			return Promise.reject(new RangeError(`The image record gives a size of ${size} bytes: images of 0 to ${this.options.maxBlobBytes} bytes can be fetched`));
		if (this.destroyed) return Promise.reject(new Error('The blob exchange was destroyed'));
		if (signal?.aborted) return Promise.reject(signal.reason);
		const key = `${hash}:${size}`;
		const shared = this.transfers.get(key) ?? this.startTransfer(key, hash, size);
		shared.callers.add(options);
		if (shared.progress) options.onProgress?.(...shared.progress);
		return new Promise((resolve, reject) => {
			const leave = () => {
				shared.callers.delete(options);
				if (shared.callers.size === 0) this.stopTransfer(key, shared, signal!.reason);
				reject(signal!.reason);
			};
			signal?.addEventListener('abort', leave, { once: true });
			shared.promise.then(resolve, reject).finally(() => signal?.removeEventListener('abort', leave));
		});
	}

	/**
	 * Fetches and stores many blobs ("make available offline"), a few at a time. Never stops at a
	 * failure: the result lists what was stored and what failed, and why. After an abort the blobs
	 * not yet stored are listed as failed with the abort reason.
	 */
	async fetchAll(blobs: Iterable<BlobWanted>, options: FetchAllOptions): Promise<FetchAllResult> {
		const { store, concurrency = 4, signal, onProgress } = options;
		const queue = [...new Map([...blobs].map((b) => [b.hash, b.size])).entries()];
		const total = queue.length;
		const result: FetchAllResult = { fetched: [], failed: [] };
		const fetchOne = async ([hash, size]: [string, number]) => {
			try {
				signal?.throwIfAborted();
				await store(hash, await this.fetch(hash, size, { signal }));
				result.fetched.push(hash);
			} catch (e) {
				result.failed.push({ hash, error: e instanceof Error ? e : new Error(String(e)) });
			}
			onProgress?.({ fetched: result.fetched.length, failed: result.failed.length, total });
		};
		const worker = async () => {
			for (let next = queue.shift(); next !== undefined; next = queue.shift()) await fetchOne(next);
		};
		await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, total)) }, worker));
		return result;
	}

	/** Stops everything: fetches reject, peers are dropped (their channels are left to their owner). */
	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		for (const [key, shared] of this.transfers) this.stopTransfer(key, shared, new Error('The blob exchange was destroyed'));
		for (const peer of [...this.connected.values()]) peer.close();
	}

	/** Requests of all peers this device is handling now. */
	private requestsInHand(): number {
		let n = 0;
		for (const peer of this.connected.values()) n += peer.inHand;
		return n;
	}

	private startTransfer(key: string, hash: string, size: number): SharedTransfer {
		const controller = new AbortController();
		const shared: SharedTransfer = { controller, callers: new Set(), progress: null, promise: Promise.resolve(new Uint8Array()) };
		const context = {
			peers: () => [...this.connected.values()],
			onPeersChanged: (listener: () => void) => {
				this.peerListeners.add(listener);
				return () => void this.peerListeners.delete(listener);
			},
			sha256Hex: (bytes: Uint8Array<ArrayBuffer>) => this.deps.sha256Hex(bytes),
			busyRetryMs: this.options.busyRetryMs
		};
		const transfer = new BlobTransfer(hash, size, context, controller.signal, (received, total, source) => {
			shared.progress = [received, total, source];
			for (const caller of shared.callers) reportProgress(caller, received, total, source);
		});
		shared.promise = transfer.run().finally(() => {
			if (this.transfers.get(key) === shared) this.transfers.delete(key);
		});
		shared.promise.catch(() => {}); // every caller gets the rejection; this copy has no reader
		this.transfers.set(key, shared);
		return shared;
	}

	private stopTransfer(key: string, shared: SharedTransfer, reason: unknown): void {
		if (this.transfers.get(key) === shared) this.transfers.delete(key);
		shared.controller.abort(reason);
	}

	private peersChanged(): void {
		for (const listener of [...this.peerListeners]) listener();
	}
}

/** A throwing progress callback is reported, but does not break the transfer other fetches share. */
function reportProgress(caller: FetchOptions, received: number, total: number, source: string | undefined): void {
	try {
		caller.onProgress?.(received, total, source);
	} catch (e) {
		queueMicrotask(() => {
			throw e;
		});
	}
}
