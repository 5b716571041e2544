import type { BlobPeer, DownloadSink } from './blob-peer';

/** No connected peer could give verified bytes of the image. `reasons` says what each peer answered. */
export class BlobUnavailableError extends Error {
	constructor(
		readonly hash: string,
		readonly reasons: Record<string, string>
	) {
		super(unavailableMessage(hash, reasons, (peer) => peer));
		this.name = 'BlobUnavailableError';
	}

	/** The message with each peer called by `name` (its display name, say) rather than its id. */
	describe(name: (peerId: string) => string): string {
		return unavailableMessage(this.hash, this.reasons, name);
	}
}

function unavailableMessage(hash: string, reasons: Record<string, string>, name: (peerId: string) => string): string {
	const why = Object.entries(reasons).map(([peer, reason]) => `${name(peer)}: ${reason}`);
	return `No connected peer can send image ${hash.slice(0, 12)}…` + (why.length ? ` (${why.join('; ')})` : ' (no peer is connected)');
}

export interface TransferContext {
	peers(): BlobPeer[];
	/** Calls `listener` when a peer joins or leaves; returns the unsubscribe. */
	onPeersChanged(listener: () => void): () => void;
	sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string>;
	/** A peer that answered "busy" is asked again after this long. */
	busyRetryMs: number;
}

/** After this many failed verifications of bytes from several peers, all of them are distrusted. */
const MIXED_FAILURES_TOLERATED = 2;
/** A peer that answers "busy" this many times in one transfer is given up on. */
const BUSY_ANSWERS_TOLERATED = 30;
/**
 * Progress is reported each time another 1/PROGRESS_STEPS of the blob has arrived, and at its end, not
 * for every frame: each report redraws the UI on the receiving page (a 36 MB image in 128 KiB frames
 * would make 283), whose main thread also takes the frames in.
 */
export const PROGRESS_STEPS = 100;

/**
 * One blob being fetched: finds a peer that has it, receives the bytes, moves to another peer at the
 * offset reached when the sender leaves, fails or stalls, and returns the bytes only once their
 * SHA-256 matches. Its size is the image record's: a peer announcing another size is refused before
 * anything is allocated, and no more than that size is ever allocated or written.
 */
export class BlobTransfer implements DownloadSink {
	private bytes: Uint8Array<ArrayBuffer> | null = null;
	private received = 0;
	/** `received` when progress was last reported. */
	private reported = 0;
	/** The peer sending now. */
	private source: string | undefined;
	private contributors = new Set<BlobPeer>();
	private mixedFailures = 0;
	private readonly answers = new Map<BlobPeer, 'pending' | 'yes' | 'no'>();
	private readonly holders: BlobPeer[] = []; // peers that said they have it, in the order they answered
	private readonly excluded = new Set<BlobPeer>();
	private readonly reasons: Record<string, string> = {};
	/** Peers that answered "busy": when to ask again, and how often they did. */
	private readonly busyUntil = new Map<BlobPeer, number>();
	private readonly busyAnswers = new Map<BlobPeer, number>();
	private wakers: (() => void)[] = [];

	constructor(
		readonly hash: string,
		/** The image record's size of the blob. */
		readonly size: number,
		private readonly context: TransferContext,
		private readonly signal: AbortSignal,
		private readonly onProgress: (received: number, total: number, source: string | undefined) => void
	) {}

	async run(): Promise<Uint8Array<ArrayBuffer>> {
		const wake = () => this.wake();
		const unsubscribe = this.context.onPeersChanged(wake);
		this.signal.addEventListener('abort', wake);
		try {
			return await this.receive();
		} finally {
			unsubscribe();
			this.signal.removeEventListener('abort', wake);
		}
	}

	// ---- DownloadSink ----

	begin(size: number): string | null {
		if (size !== this.size) return this.wrongSize(size);
		if (!this.bytes) {
			this.bytes = new Uint8Array(size);
			this.onProgress(0, size, this.source);
		}
		return null;
	}

	write(offset: number, bytes: Uint8Array): void {
		if (!this.bytes || offset + bytes.byteLength > this.bytes.byteLength) return; // the peer checks; never write past
		this.bytes.set(bytes, offset);
		this.received = offset + bytes.byteLength;
		if (this.received === this.size || this.received - this.reported >= this.size / PROGRESS_STEPS) {
			this.reported = this.received;
			this.onProgress(this.received, this.size, this.source);
		}
	}

	private wrongSize(size: number): string {
		return `announced ${size} bytes, but the image record says ${this.size}`;
	}

	// ---- the fetch ----

	private async receive(): Promise<Uint8Array<ArrayBuffer>> {
		for (;;) {
			const peer = await this.pickSource();
			if (!peer) throw new BlobUnavailableError(this.hash, this.reasons);
			this.contributors.add(peer);
			this.source = peer.id;
			const outcome = await peer.download(this.hash, this.received, this, this.signal);
			switch (outcome.kind) {
				case 'complete':
					if (await this.verified()) return this.bytes!;
					this.distrustAfterBadBytes();
					this.startOver();
					break;
				case 'refused':
				case 'failed':
					this.exclude(peer, outcome.reason); // the next peer goes on from the offset reached
					break;
				case 'busy':
					this.wasBusy(peer);
					break;
				case 'closed':
					this.reasons[peer.id] = 'left during the transfer'; // the next peer goes on from the offset reached
					break;
				case 'aborted':
					break; // thrown by pickSource
			}
		}
	}

	private async verified(): Promise<boolean> {
		return this.received === this.size && (await this.context.sha256Hex(this.bytes!)) === this.hash;
	}

	private distrustAfterBadBytes(): void {
		const peers = [...this.contributors];
		// Bytes from several peers: any of them may be at fault. Try again from 0 before blaming all.
		if (peers.length > 1 && ++this.mixedFailures <= MIXED_FAILURES_TOLERATED) return;
		for (const p of peers) this.exclude(p, 'sent bytes that do not match the image hash');
	}

	private startOver(): void {
		this.received = this.reported = 0;
		this.contributors = new Set();
	}

	private exclude(peer: BlobPeer, reason: string): void {
		this.excluded.add(peer);
		this.reasons[peer.id] = reason;
	}

	private wasBusy(peer: BlobPeer): void {
		const times = (this.busyAnswers.get(peer) ?? 0) + 1;
		this.busyAnswers.set(peer, times);
		if (times >= BUSY_ANSWERS_TOLERATED) this.exclude(peer, 'busy with other transfers');
		else this.busyUntil.set(peer, Date.now() + this.context.busyRetryMs);
	}

	private usable(peer: BlobPeer, now: number): boolean {
		return peer.isOpen && !this.excluded.has(peer) && !((this.busyUntil.get(peer) ?? 0) > now);
	}

	/** A connected peer that has the blob, asking peers as needed; null when none has it. */
	private async pickSource(): Promise<BlobPeer | null> {
		for (;;) {
			this.signal.throwIfAborted();
			const now = Date.now();
			const holder = this.holders.find((p) => this.usable(p, now));
			if (holder) return holder;
			const connected = this.context.peers();
			for (const peer of connected) if (!this.answers.has(peer) && this.usable(peer, now)) this.ask(peer);
			const resting = connected.filter((p) => !this.excluded.has(p) && (this.busyUntil.get(p) ?? 0) > now);
			if (!resting.length && !connected.some((p) => this.answers.get(p) === 'pending')) return null;
			const nextTry = Math.min(...resting.map((p) => this.busyUntil.get(p)!));
			await this.sleep(resting.length ? nextTry - now : null);
		}
	}

	private ask(peer: BlobPeer): void {
		this.answers.set(peer, 'pending');
		void peer.ask(this.hash).then((answer) => {
			if (answer.has && answer.size === this.size) {
				this.answers.set(peer, 'yes');
				this.holders.push(peer);
			} else if (answer.has) {
				this.answers.set(peer, 'no');
				this.exclude(peer, this.wrongSize(answer.size));
			} else if ('busy' in answer) {
				this.answers.delete(peer); // asked again once it has rested
				this.wasBusy(peer);
			} else {
				this.answers.set(peer, 'no');
				this.reasons[peer.id] = answer.reason;
			}
			this.wake();
		});
	}

	/** Until a peer answers, joins or leaves, or `ms` have passed (null: no limit). */
	private sleep(ms: number | null): Promise<void> {
		return new Promise<void>((resolve) => {
			const timer = ms === null ? undefined : setTimeout(() => this.wake(), Math.max(0, ms));
			this.wakers.push(() => {
				clearTimeout(timer);
				resolve();
			});
		});
	}

	private wake(): void {
		const wakers = this.wakers;
		this.wakers = [];
		for (const w of wakers) w();
	}
}
