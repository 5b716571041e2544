/**
 * What the blob exchange needs of a data channel: the parts of RTCDataChannel it uses, so that an
 * RTCDataChannel fits and tests can pass an in-memory one. The channel must be ordered and reliable.
 */
export interface BlobChannel {
	readonly readyState: RTCDataChannelState;
	readonly bufferedAmount: number;
	bufferedAmountLowThreshold: number;
	binaryType: BinaryType;
	send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>): void;
	addEventListener(type: string, listener: (event: Event) => void): void;
	removeEventListener(type: string, listener: (event: Event) => void): void;
}

/** What this device offers to serve, and how it hashes; given by the caller so the engine needs no IndexedDB. */
export interface BlobExchangeDeps {
	/** True when the project references this hash and this device has the bytes. */
	canServe(hash: string): Promise<boolean>;
	/** The bytes to serve (read in slices, never whole). */
	read(hash: string): Promise<Blob | undefined>;
	/** SHA-256 as lowercase hex. */
	sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string>;
}

/**
 * A transfer that gets no new byte of the image for this long moves on to another peer that has it,
 * at the byte reached (the sender may be stuck, or keep the request alive without sending).
 */
export const STALL_TIMEOUT_MS = 15_000;

export interface BlobExchangeOptions {
	/**
	 * Largest message sent, header included. Default 128 KiB (half the messages of 64 KiB, so less work
	 * per byte on both pages: 69-83 % of the bench's ceiling against 59-79 %); Chromium's limit is 256 KiB.
	 */
	chunkBytes?: number;
	/**
	 * Sending pauses while the channel buffers more than this. Default 256 KiB (two frames): with more
	 * buffered, Chromium's channel between two pages often stalls for 1-3 s, or runs at a third of its
	 * rate (docs/benchmarks.md, also when the buffer only grows after the first MiB); Chromium closes a
	 * channel past 16 MiB.
	 */
	highWaterBytes?: number;
	/** A peer that does not answer a request for this long has failed. Default 15 s. */
	replyTimeoutMs?: number;
	/** A sender that sends no new byte for this long has stalled. Default STALL_TIMEOUT_MS. */
	stallTimeoutMs?: number;
	/** Largest blob fetched (an image record claiming more is refused before asking). Default 1 GiB. */
	maxBlobBytes?: number;
	/** Requests of one peer handled at once (lookups and blobs being sent); more are answered "busy". Default 8. */
	maxServesPerPeer?: number;
	/** Requests of all peers handled at once; more are answered "busy". Default 16. */
	maxServesTotal?: number;
	/** A peer that answered "busy" is asked again after this long. Default 2 s. */
	busyRetryMs?: number;
}

export const DEFAULT_OPTIONS: Required<BlobExchangeOptions> = {
	chunkBytes: 128 * 1024,
	highWaterBytes: 256 * 1024,
	replyTimeoutMs: 15_000,
	stallTimeoutMs: STALL_TIMEOUT_MS,
	maxBlobBytes: 1024 * 1024 * 1024,
	maxServesPerPeer: 8,
	maxServesTotal: 16,
	busyRetryMs: 2000
};
