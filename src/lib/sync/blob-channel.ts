/**
 * What the blob exchange needs of a data channel: the parts of RTCDataChannel it uses, so that an
 * RTCDataChannel fits and tests can pass an in-memory one. The channel must be ordered and reliable.
 */
export interface BlobChannel {
	readonly readyState: RTCDataChannelState;
	readonly bufferedAmount: number;
	bufferedAmountLowThreshold: number;
	binaryType: BinaryType;
	send(data: string | ArrayBuffer): void;
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

export interface BlobExchangeOptions {
	/** Largest message sent, header included. Default 64 KiB; Chromium's limit is 256 KiB. */
	chunkBytes?: number;
	/** Sending pauses while the channel buffers more than this. Default 1 MiB; Chromium closes a channel past 16 MiB. */
	highWaterBytes?: number;
	/** A peer that sends nothing for this long on a request it owes an answer or bytes has failed. Default 15 s. */
	replyTimeoutMs?: number;
	/** Largest blob accepted from a peer, so a bad peer cannot make this device allocate without bound. Default 1 GiB. */
	maxBlobBytes?: number;
	/** Blobs served at once to one peer; more are answered "busy". Default 16. */
	maxServesPerPeer?: number;
}

export const DEFAULT_OPTIONS: Required<BlobExchangeOptions> = {
	chunkBytes: 64 * 1024,
	highWaterBytes: 1024 * 1024,
	replyTimeoutMs: 15_000,
	maxBlobBytes: 1024 * 1024 * 1024,
	maxServesPerPeer: 16
};
