import type { BlobChannel } from './blob-channel';
import { encodeControl, encodeDataFrame, encodeDataFrameInPlace, FRAME_HEADER_BYTES, type ControlMessage } from './blob-protocol';
import type { BlobSliceReader } from './blob-slice-reader';

interface Stream {
	id: number;
	reader: BlobSliceReader;
}

const utf8 = new TextEncoder();

/**
 * Control messages waiting for room in the channel. A peer has only a few requests open at once, so
 * more means it asks faster than it reads the answers: it is dropped rather than queued for.
 */
export const MAX_QUEUED_CONTROLS = 256;

/**
 * After a pause (no stream to send), the first GENTLE_START_BYTES go in frames of half the size with half
 * the buffer: Chromium's channel between two pages often stalls for 1-2 s before its first 4 MiB arrive
 * with 256 KiB buffered from the first byte, and not with 128 KiB (docs/benchmarks.md, "Image transfer").
 */
export const GENTLE_START_BYTES = 4 * 1024 * 1024;

/**
 * Everything sent on one blob channel goes through here, so that the channel never buffers more
 * than the high-water mark: control messages first, then one data frame of each stream in turn.
 * A data frame is sent as a view of the reader's slice (the channel copies it on send). After a pause the
 * first frames are smaller, with less buffered (GENTLE_START_BYTES).
 * Sending resumes on 'bufferedamountlow' and whenever a stream has read more bytes.
 */
export class BlobOutbox {
	private readonly controls: string[] = [];
	private readonly streams: Stream[] = [];
	private turn = 0;
	private readonly payloadBytes: number;
	private readonly startPayloadBytes: number;
	/** Payload bytes sent since the outbox last had no stream to send. */
	private sentSinceIdle = 0;
	/** What the channel may buffer now: half the high-water mark at a gentle start, else all of it. */
	private limit = 0;

	constructor(
		private readonly channel: BlobChannel,
		chunkBytes: number,
		private readonly highWaterBytes: number,
		/** A stream has sent its last byte. */
		private readonly onStreamSent: (id: number) => void,
		/** The channel refused a send (it is closing or broken), or the peer does not read its answers. */
		private readonly onBroken: () => void
	) {
		this.payloadBytes = chunkBytes - FRAME_HEADER_BYTES;
		this.startPayloadBytes = Math.max(1, Math.floor(chunkBytes / 2) - FRAME_HEADER_BYTES);
		this.setLimit();
	}

	private get starting(): boolean {
		return this.sentSinceIdle < GENTLE_START_BYTES;
	}

	private setLimit(): void {
		const limit = this.starting ? Math.floor(this.highWaterBytes / 2) : this.highWaterBytes;
		if (limit === this.limit) return;
		this.limit = limit;
		// Half the limit: when the event fires there is room for at least one more frame.
		this.channel.bufferedAmountLowThreshold = Math.floor(limit / 2);
	}

	sendControl(message: ControlMessage): void {
		if (this.controls.length >= MAX_QUEUED_CONTROLS) return this.onBroken();
		this.controls.push(encodeControl(message));
		this.flush();
	}

	/** Sends the reader's bytes as data frames of request `id`, until it is done or removed. */
	addStream(id: number, reader: BlobSliceReader): void {
		if (!this.streams.length) {
			this.sentSinceIdle = 0;
			this.setLimit();
		}
		this.streams.push({ id, reader });
		this.flush();
	}

	removeStream(id: number): void {
		const at = this.streams.findIndex((s) => s.id === id);
		if (at >= 0) this.streams.splice(at, 1);
	}

	clear(): void {
		this.controls.length = 0;
		this.streams.length = 0;
	}

	flush(): void {
		if (this.channel.readyState !== 'open') return;
		try {
			while (this.controls.length) {
				if (!this.fits(utf8.encode(this.controls[0]).byteLength)) return;
				this.channel.send(this.controls.shift()!);
			}
			let waiting = 0; // streams passed over in a row for having no bytes read yet
			while (this.streams.length && waiting < this.streams.length) {
				this.turn %= this.streams.length;
				const { id, reader } = this.streams[this.turn];
				const bytes = Math.min(this.starting ? this.startPayloadBytes : this.payloadBytes, reader.available);
				if (bytes === 0) {
					waiting++;
					this.turn++;
					continue;
				}
				if (!this.fits(FRAME_HEADER_BYTES + bytes)) return;
				const offset = reader.offset;
				// The header goes over the bytes sent just before these, where there are some: no copy.
				const inPlace = reader.spent >= FRAME_HEADER_BYTES;
				const payload = reader.take(bytes);
				this.channel.send(inPlace ? encodeDataFrameInPlace(id, offset, payload) : encodeDataFrame(id, offset, payload));
				if (this.starting) {
					this.sentSinceIdle += bytes;
					this.setLimit();
				}
				waiting = 0;
				if (!reader.done) this.turn++;
				else {
					this.streams.splice(this.turn, 1);
					this.onStreamSent(id);
				}
			}
		} catch {
			this.onBroken();
		}
	}

	private fits(bytes: number): boolean {
		return this.channel.bufferedAmount + bytes <= this.limit;
	}
}
