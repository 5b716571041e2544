import type { BlobChannel, BlobExchangeDeps, BlobExchangeOptions } from './blob-channel';
import { BlobOutbox } from './blob-outbox';
import {
	decodeControl,
	decodeDataFrame,
	FRAME_HEADER_BYTES,
	type AskerMessage,
	type ControlMessage,
	type DataFrame,
	type HolderMessage
} from './blob-protocol';
import { BlobSliceReader } from './blob-slice-reader';

export type AskAnswer = { has: true; size: number } | { has: false; reason: string } | { has: false; busy: true };

export type DownloadOutcome =
	| { kind: 'complete' }
	| { kind: 'closed' } // the peer left
	| { kind: 'refused'; reason: string } // it does not have, or will not serve, the blob
	| { kind: 'failed'; reason: string } // error reply, silence, a stall, or bytes that break the protocol
	| { kind: 'busy' } // it serves as much as it will now: another peer, or this one later
	| { kind: 'aborted' };

export interface DownloadSink {
	/** The size the holder announces, before any byte: null to go on, else why it is refused. */
	begin(size: number): string | null;
	/** Bytes at `offset`, never past the size accepted by `begin`. */
	write(offset: number, bytes: Uint8Array): void;
}

/** A served blob is read in slices of at least this: each read costs a round trip to the blob store. */
const READ_SLICE_BYTES = 1024 * 1024;

interface PendingRequest {
	reply(message: HolderMessage): void;
	data(frame: DataFrame): void;
	closed(): void;
}

/** A blob being sent to the peer, for its request `id`. Null reader while canServe/read are pending. */
interface Serve {
	id: number;
	reader: BlobSliceReader | null;
}

/**
 * One peer's blob channel, both ways: it serves this device's blobs to the peer and fetches the
 * peer's blobs for this device. What it serves is bounded: at most `maxServesPerPeer` requests of
 * the peer in hand (lookups and blobs being sent), and none when `mayServe` says this device is
 * serving enough in all; the rest are answered "busy".
 */
export class BlobPeer {
	private readonly outbox: BlobOutbox;
	private readonly serves = new Map<number, Serve>();
	private readonly requests = new Map<number, PendingRequest>();
	private nextId = 1;
	/** `ask` lookups of the peer in progress. */
	private asking = 0;
	private closed = false;
	private readonly listeners: [string, (event: Event) => void][];

	constructor(
		readonly id: string,
		private readonly channel: BlobChannel,
		private readonly deps: BlobExchangeDeps,
		private readonly options: Required<BlobExchangeOptions>,
		private readonly onClose: (peer: BlobPeer) => void,
		/** False while this device handles as many requests as it will, all peers together. */
		private readonly mayServe: () => boolean
	) {
		channel.binaryType = 'arraybuffer';
		this.outbox = new BlobOutbox(
			channel,
			options.chunkBytes,
			options.highWaterBytes,
			(id) => this.serves.delete(id),
			() => this.close()
		);
		this.listeners = [
			['message', (e) => this.receive((e as MessageEvent).data)],
			['open', () => this.outbox.flush()],
			['bufferedamountlow', () => this.outbox.flush()],
			['close', () => this.close()]
		];
		for (const [type, listener] of this.listeners) channel.addEventListener(type, listener);
		if (channel.readyState === 'closing' || channel.readyState === 'closed') queueMicrotask(() => this.close());
	}

	get isOpen(): boolean {
		return !this.closed;
	}

	/** Requests of this peer being handled: lookups and blobs being sent. */
	get inHand(): number {
		return this.closed ? 0 : this.asking + this.serves.size;
	}

	/** Stops using the channel: requests to this peer end as 'closed', blobs being served to it stop. */
	close(): void {
		if (this.closed) return;
		this.closed = true;
		for (const [type, listener] of this.listeners) this.channel.removeEventListener(type, listener);
		for (const serve of this.serves.values()) serve.reader?.close();
		this.serves.clear();
		this.outbox.clear();
		const pending = [...this.requests.values()];
		this.requests.clear();
		for (const request of pending) request.closed();
		this.onClose(this);
	}

	// ---- asking this peer ----

	/** Whether the peer has the blob and will serve it, and its size. */
	ask(hash: string): Promise<AskAnswer> {
		return new Promise((resolve) => {
			if (this.closed) return resolve({ has: false, reason: 'left' });
			const id = this.nextId++;
			const done = (answer: AskAnswer) => {
				clearTimeout(timer);
				this.requests.delete(id);
				resolve(answer);
			};
			const timer = setTimeout(() => {
				this.send({ t: 'cancel', id });
				done({ has: false, reason: 'did not answer' });
			}, this.options.replyTimeoutMs);
			this.requests.set(id, {
				reply: (m) =>
					done(
						m.t === 'size'
							? { has: true, size: m.size }
							: m.t === 'busy'
								? { has: false, busy: true }
								: { has: false, reason: m.t === 'no' ? m.reason : m.message }
					),
				data: () => {},
				closed: () => done({ has: false, reason: 'left' })
			});
			this.send({ t: 'ask', id, hash });
		});
	}

	/**
	 * Receives the blob from `offset` to its end into `sink`. The holder has `replyTimeoutMs` to
	 * answer, then `stallTimeoutMs` for each new byte (empty frames are not progress).
	 */
	download(hash: string, offset: number, sink: DownloadSink, signal: AbortSignal): Promise<DownloadOutcome> {
		return new Promise((resolve) => {
			if (this.closed) return resolve({ kind: 'closed' });
			if (signal.aborted) return resolve({ kind: 'aborted' });
			const id = this.nextId++;
			let size = -1;
			let expected = offset;
			let lastProgress = Date.now();
			let timer: ReturnType<typeof setTimeout>;
			const limit = () => (size < 0 ? this.options.replyTimeoutMs : this.options.stallTimeoutMs);
			const watch = (delay: number) => {
				timer = setTimeout(() => {
					const quiet = Date.now() - lastProgress;
					if (quiet < limit()) return watch(limit() - quiet);
					const seconds = Math.round(limit() / 100) / 10;
					stop({ kind: 'failed', reason: size < 0 ? 'did not answer' : `stopped sending (no new byte for ${seconds} s)` });
				}, delay);
			};
			const finish = (outcome: DownloadOutcome) => {
				clearTimeout(timer);
				signal.removeEventListener('abort', onAbort);
				this.requests.delete(id);
				resolve(outcome);
			};
			const stop = (outcome: DownloadOutcome) => {
				if (this.requests.has(id)) this.send({ t: 'cancel', id });
				finish(outcome);
			};
			const onAbort = () => stop({ kind: 'aborted' });
			signal.addEventListener('abort', onAbort);
			watch(limit());
			this.requests.set(id, {
				reply: (m) => {
					if (m.t === 'no') return finish({ kind: 'refused', reason: m.reason });
					if (m.t === 'busy') return finish({ kind: 'busy' });
					if (m.t === 'err') return finish({ kind: 'failed', reason: m.message });
					if (size >= 0) return stop({ kind: 'failed', reason: 'answered twice' });
					const refusal = sink.begin(m.size);
					if (refusal !== null) return stop({ kind: 'refused', reason: refusal });
					if (offset > m.size) return stop({ kind: 'failed', reason: 'has fewer bytes than already received' });
					size = m.size;
					lastProgress = Date.now();
					if (expected === size) return finish({ kind: 'complete' });
					clearTimeout(timer);
					watch(limit()); // from now on, the stall limit
				},
				data: (frame) => {
					const bytes = frame.payload.byteLength;
					if (size < 0 || frame.offset !== expected) return stop({ kind: 'failed', reason: 'sent bytes out of place' });
					if (expected + bytes > size) return stop({ kind: 'failed', reason: `sent bytes past the ${size} it announced` });
					if (bytes === 0) return;
					sink.write(frame.offset, frame.payload);
					expected += bytes;
					lastProgress = Date.now();
					if (expected === size) finish({ kind: 'complete' });
				},
				closed: () => finish({ kind: 'closed' })
			});
			this.send({ t: 'get', id, hash, offset });
		});
	}

	// ---- receiving ----

	private receive(data: unknown): void {
		if (this.closed) return;
		if (typeof data === 'string') {
			const message = decodeControl(data);
			if (!message) return;
			if (message.t === 'ask' || message.t === 'get' || message.t === 'cancel') this.serveRequest(message);
			else this.requests.get(message.id)?.reply(message);
		} else if (data instanceof ArrayBuffer) {
			const frame = decodeDataFrame(data);
			if (frame) this.requests.get(frame.id)?.data(frame);
		}
	}

	// ---- serving this device's blobs ----

	private serveRequest(message: AskerMessage): void {
		if (message.t === 'cancel') return this.endServe(message.id);
		if (message.t === 'ask') return void this.answerAsk(message.id, message.hash);
		void this.startServe(message.id, message.hash, message.offset);
	}

	/** Whether one more request of this peer may be handled now. */
	private roomForOneMore(): boolean {
		return this.inHand < this.options.maxServesPerPeer && this.mayServe();
	}

	private async answerAsk(id: number, hash: string): Promise<void> {
		if (!this.roomForOneMore()) return this.send({ t: 'busy', id });
		this.asking++;
		const found = await this.servable(hash).finally(() => this.asking--);
		this.send(typeof found === 'string' ? { t: 'no', id, reason: found } : { t: 'size', id, size: found.size });
	}

	private async startServe(id: number, hash: string, offset: number): Promise<void> {
		this.endServe(id);
		if (!this.roomForOneMore()) return this.send({ t: 'busy', id });
		const serve: Serve = { id, reader: null };
		this.serves.set(id, serve);
		const found = await this.servable(hash);
		if (this.serves.get(id) !== serve) return; // cancelled, or the peer left, meanwhile
		if (typeof found === 'string') {
			this.serves.delete(id);
			return this.send({ t: 'no', id, reason: found });
		}
		if (offset > found.size) {
			this.serves.delete(id);
			return this.send({ t: 'err', id, message: 'offset beyond the end' });
		}
		this.send({ t: 'size', id, size: found.size });
		if (offset === found.size) return void this.serves.delete(id);
		const sliceBytes = Math.max(this.options.chunkBytes - FRAME_HEADER_BYTES, this.options.highWaterBytes, READ_SLICE_BYTES);
		serve.reader = new BlobSliceReader(found, offset, sliceBytes, () => this.sliceReady(serve));
		this.outbox.addStream(id, serve.reader);
	}

	/** The blob, or why it is not served. Never a blob the project does not reference. */
	private async servable(hash: string): Promise<Blob | string> {
		try {
			if (!(await this.deps.canServe(hash))) return 'not available';
			return (await this.deps.read(hash)) ?? 'not available';
		} catch {
			return 'could not be read';
		}
	}

	private sliceReady(serve: Serve): void {
		if (this.serves.get(serve.id) !== serve) return;
		if (serve.reader?.error) {
			this.endServe(serve.id);
			this.send({ t: 'err', id: serve.id, message: 'could not be read' });
		} else this.outbox.flush();
	}

	private endServe(id: number): void {
		const serve = this.serves.get(id);
		if (!serve) return;
		serve.reader?.close();
		this.serves.delete(id);
		this.outbox.removeStream(id);
	}

	private send(message: ControlMessage): void {
		if (!this.closed) this.outbox.sendControl(message);
	}
}
