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
 * Everything sent on one blob channel goes through here, so that the channel never buffers more
 * than the high-water mark: control messages first, then one data frame of each stream in turn.
 * A data frame is sent as a view of the reader's slice (the channel copies it on send).
 * Sending resumes on 'bufferedamountlow' and whenever a stream has read more bytes.
 */
export class BlobOutbox {
	private readonly controls: string[] = [];
	private readonly streams: Stream[] = [];
	private turn = 0;
	private readonly payloadBytes: number;

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
		// Half the high-water mark: when the event fires there is room for at least one more frame.
		channel.bufferedAmountLowThreshold = Math.floor(highWaterBytes / 2);
	}

	sendControl(message: ControlMessage): void {
		if (this.controls.length >= MAX_QUEUED_CONTROLS) return this.onBroken();
		this.controls.push(encodeControl(message));
		this.flush();
	}

	/** Sends the reader's bytes as data frames of request `id`, until it is done or removed. */
	addStream(id: number, reader: BlobSliceReader): void {
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
				const bytes = Math.min(this.payloadBytes, reader.available);
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
		return this.channel.bufferedAmount + bytes <= this.highWaterBytes;
	}
}
