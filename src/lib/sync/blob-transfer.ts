import type { BlobPeer, DownloadSink } from './blob-peer';

/** No connected peer could give verified bytes of the image. `reasons` says what each peer answered. */
export class BlobUnavailableError extends Error {
	constructor(
		readonly hash: string,
		readonly reasons: Record<string, string>
	) {
		const why = Object.entries(reasons).map(([peer, reason]) => `${peer}: ${reason}`);
		super(
			`No connected peer can send image ${hash.slice(0, 12)}…` +
				(why.length ? ` (${why.join('; ')})` : ' (no peer is connected)')
		);
		this.name = 'BlobUnavailableError';
	}
}

export interface TransferContext {
	peers(): BlobPeer[];
	/** Calls `listener` when a peer joins or leaves; returns the unsubscribe. */
	onPeersChanged(listener: () => void): () => void;
	sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string>;
	maxBlobBytes: number;
}

/** After this many failed verifications of bytes from several peers, all of them are distrusted. */
const MIXED_FAILURES_TOLERATED = 2;

/**
 * One blob being fetched: finds a peer that has it, receives the bytes, moves to another peer at the
 * offset reached when the sender leaves or fails, and returns the bytes only once their SHA-256 matches.
 */
export class BlobTransfer implements DownloadSink {
	private bytes: Uint8Array<ArrayBuffer> | null = null;
	private received = 0;
	/** The peer sending now. */
	private source: string | undefined;
	private contributors = new Set<BlobPeer>();
	private mixedFailures = 0;
	private readonly answers = new Map<BlobPeer, 'pending' | 'yes' | 'no'>();
	private readonly holders: BlobPeer[] = []; // peers that said they have it, in the order they answered
	private readonly excluded = new Set<BlobPeer>();
	private readonly reasons: Record<string, string> = {};
	private wakers: (() => void)[] = [];

	constructor(
		readonly hash: string,
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

	begin(size: number): 'continue' | 'restart' | 'reject' {
		if (size > this.context.maxBlobBytes) return 'reject';
		if (this.bytes && this.bytes.byteLength === size) return 'continue';
		if (this.received > 0) return 'restart';
		this.bytes = new Uint8Array(size);
		this.onProgress(0, size, this.source);
		return 'continue';
	}

	write(offset: number, bytes: Uint8Array): void {
		this.bytes!.set(bytes, offset);
		this.received = offset + bytes.byteLength;
		this.onProgress(this.received, this.bytes!.byteLength, this.source);
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
				case 'restart':
					this.startOver();
					break;
				case 'refused':
				case 'failed':
					this.exclude(peer, outcome.reason);
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
		return (await this.context.sha256Hex(this.bytes!)) === this.hash;
	}

	private distrustAfterBadBytes(): void {
		const peers = [...this.contributors];
		// Bytes from several peers: any of them may be at fault. Try again from 0 before blaming all.
		if (peers.length > 1 && ++this.mixedFailures <= MIXED_FAILURES_TOLERATED) return;
		for (const p of peers) this.exclude(p, 'sent bytes that do not match the image hash');
	}

	private startOver(): void {
		this.bytes = null;
		this.received = 0;
		this.contributors = new Set();
	}

	private exclude(peer: BlobPeer, reason: string): void {
		this.excluded.add(peer);
		this.reasons[peer.id] = reason;
	}

	/** A connected peer that has the blob, asking peers as needed; null when none has it. */
	private async pickSource(): Promise<BlobPeer | null> {
		for (;;) {
			this.signal.throwIfAborted();
			const connected = this.context.peers();
			const holder = this.holders.find((p) => p.isOpen && !this.excluded.has(p));
			if (holder) return holder;
			for (const peer of connected) if (!this.answers.has(peer) && !this.excluded.has(peer)) this.ask(peer);
			if (!connected.some((p) => this.answers.get(p) === 'pending')) return null;
			await new Promise<void>((resolve) => this.wakers.push(resolve));
		}
	}

	private ask(peer: BlobPeer): void {
		this.answers.set(peer, 'pending');
		void peer.ask(this.hash).then((answer) => {
			if (answer.has) {
				this.answers.set(peer, 'yes');
				this.holders.push(peer);
			} else {
				this.answers.set(peer, 'no');
				this.reasons[peer.id] = answer.reason;
			}
			this.wake();
		});
	}

	private wake(): void {
		const wakers = this.wakers;
		this.wakers = [];
		for (const w of wakers) w();
	}
}
