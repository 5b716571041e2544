/**
 * A data channel that carries messages of any size. Browsers drop (or refuse) a data-channel message
 * over the SCTP maxMessageSize (256 KiB in Chromium), and y-webrtc sends a whole document's sync as
 * one message: a peer joining a large project would receive nothing. This wrapper splits each binary
 * message into frames below the limit and joins them on the other side; a channel is ordered and
 * reliable, so frames of one message arrive together and in order.
 *
 * It also keeps its own queue so that a burst (a 30 MB sync) never overfills the browser's send
 * buffer: Chromium closes a channel whose buffered amount passes 16 MiB.
 *
 * It stands in for the RTCDataChannel that simple-peer (inside y-webrtc) holds, so it offers the
 * members simple-peer uses and passes everything else to the real channel.
 */

/**
 * Frame header: the first byte says where the frame sits in its message. The first frame of a split
 * message also carries the message's length (4 bytes, big-endian), so the receiver can show progress
 * and fill one buffer without joining copies at the end.
 */
const WHOLE = 0;
const MORE = 1;
const LAST = 2;
const FIRST = 3;
const LENGTH_BYTES = 4;

export const FRAME_BYTES = 64 * 1024;
/**
 * The largest message a peer may announce: its buffer is allocated when the first frame arrives. Far
 * above a large project's whole sync (~30 MB at 100,000 annotations); a peer announcing more, or sending
 * frames that do not add up to what it announced, is broken or hostile: the channel is closed.
 */
export const MAX_MESSAGE_BYTES = 512 * 1024 * 1024;
/**
 * Stop handing frames to the browser above this many buffered bytes. Two frames: with 256 KiB or more
 * buffered, Chromium's channel between two pages often stalls for 1-2 s before its first 4 MiB arrive
 * (docs/benchmarks.md, "Image transfer"), which a join of a large project paid (4 MiB: 5.4-5.9 s, 128 KiB:
 * 4.7-5.4 s in the same hour).
 */
export const HIGH_WATER_BYTES = 128 * 1024;

/** What the wrapper needs of a channel (RTCDataChannel has it; unit tests pass a fake). */
export interface RawChannel extends EventTarget {
	readonly label: string;
	readonly readyState: RTCDataChannelState;
	readonly bufferedAmount: number;
	bufferedAmountLowThreshold: number;
	binaryType: BinaryType;
	send(data: ArrayBufferView<ArrayBuffer> | ArrayBuffer | string): void;
	close(): void;
	onopen: ((ev: Event) => unknown) | null;
	onclose: ((ev: Event) => unknown) | null;
	onerror: ((ev: Event) => unknown) | null;
	onbufferedamountlow: ((ev: Event) => unknown) | null;
}

/** Decides, per whole message received, whether it is handed on now, later or never (edit-gate.ts). */
export interface InboundGate {
	receive(message: ArrayBuffer, deliver: (message: ArrayBuffer) => void): void;
}

/**
 * Sees every whole message this channel sends (and may hold or split it into several) and every one it
 * delivers after its gate (join-coordinator.ts: one peer answers a join, in parts).
 */
export interface ChannelHooks {
	outbound(channel: FramedChannel, message: Uint8Array): Uint8Array[];
	inbound(channel: FramedChannel, message: Uint8Array, deliver: () => void): void;
	closed(channel: FramedChannel): void;
}

export class FramedChannel {
	/** The channel whose message is being handled right now (its handlers run synchronously). */
	static delivering: FramedChannel | null = null;

	/** Set by the user of the channel (simple-peer): called once per whole message. */
	onmessage: ((ev: { data: ArrayBuffer | string }) => unknown) | null = null;
	/** Whole messages received: a link that says it is open but carries nothing shows here. */
	received = 0;
	/** Every whole message passes here before `onmessage`, when set. */
	gate: InboundGate | null = null;
	/** Every whole message sent, and every one the gate lets through, passes here when set. */
	hooks: ChannelHooks | null = null;
	/** Bytes received so far, frames of unfinished messages included. */
	bytesReceived = 0;
	/** Called as the frames of a split message arrive (bytes so far, bytes in all), and once at its end. */
	onprogress: ((received: number, total: number) => void) | null = null;
	private readonly queue: Uint8Array<ArrayBuffer>[] = [];
	private queuedBytes = 0;
	/** The split message being received, and how much of it has arrived. */
	private incoming: Uint8Array | null = null;
	private incomingBytes = 0;

	constructor(
		readonly raw: RawChannel,
		private readonly frameBytes = FRAME_BYTES,
		private readonly highWater = HIGH_WATER_BYTES,
		private readonly maxMessageBytes = MAX_MESSAGE_BYTES
	) {
		raw.binaryType = 'arraybuffer';
		raw.addEventListener('message', (ev) => this.receive((ev as MessageEvent<ArrayBuffer | string>).data));
		raw.addEventListener('bufferedamountlow', () => this.pump());
		raw.addEventListener('close', () => this.hooks?.closed(this));
	}

	get label() {
		return this.raw.label;
	}
	get readyState() {
		return this.raw.readyState;
	}
	/** What is waiting to be sent, ours and the browser's: simple-peer's backpressure reads it. */
	get bufferedAmount() {
		return this.raw.bufferedAmount + this.queuedBytes;
	}
	get bufferedAmountLowThreshold() {
		return this.raw.bufferedAmountLowThreshold;
	}
	set bufferedAmountLowThreshold(value: number) {
		this.raw.bufferedAmountLowThreshold = value;
	}
	get binaryType(): BinaryType {
		return 'arraybuffer';
	}
	set binaryType(_value: BinaryType) {
		// always arraybuffer: frames are joined as bytes
	}
	set onopen(fn: RawChannel['onopen']) {
		this.raw.onopen = fn;
	}
	set onclose(fn: RawChannel['onclose']) {
		this.raw.onclose = fn;
	}
	set onerror(fn: RawChannel['onerror']) {
		this.raw.onerror = fn;
	}
	set onbufferedamountlow(fn: RawChannel['onbufferedamountlow']) {
		this.raw.onbufferedamountlow = fn;
	}

	send(data: ArrayBufferView | ArrayBuffer | string): void {
		if (this.raw.readyState !== 'open') throw new DOMException('The data channel is not open', 'InvalidStateError');
		if (typeof data === 'string') {
			this.enqueue(frame(WHOLE, new TextEncoder().encode(data)));
			return;
		}
		const bytes = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
		if (!this.hooks) return this.sendNow(bytes);
		for (const message of this.hooks.outbound(this, bytes)) this.sendNow(message);
	}

	/** Sends one whole message as it is, past the hooks. */
	sendNow(bytes: Uint8Array): void {
		if (this.raw.readyState !== 'open') throw new DOMException('The data channel is not open', 'InvalidStateError');
		const body = this.frameBytes - 1;
		if (bytes.byteLength <= body) {
			this.enqueue(frame(WHOLE, bytes));
			return;
		}
		const first = new Uint8Array(1 + LENGTH_BYTES + body - LENGTH_BYTES);
		first[0] = FIRST;
		new DataView(first.buffer).setUint32(1, bytes.byteLength);
		first.set(bytes.subarray(0, body - LENGTH_BYTES), 1 + LENGTH_BYTES);
		this.enqueue(first);
		for (let at = body - LENGTH_BYTES; at < bytes.byteLength; at += body) {
			const end = Math.min(at + body, bytes.byteLength);
			this.enqueue(frame(end === bytes.byteLength ? LAST : MORE, bytes.subarray(at, end)));
		}
	}

	close(): void {
		this.queue.length = 0;
		this.queuedBytes = 0;
		this.raw.close();
	}

	private enqueue(f: Uint8Array<ArrayBuffer>) {
		this.queue.push(f);
		this.queuedBytes += f.byteLength;
		this.pump();
	}

	private pump() {
		if (this.raw.bufferedAmountLowThreshold > this.highWater / 2) this.raw.bufferedAmountLowThreshold = this.highWater / 2;
		while (this.queue.length && this.raw.readyState === 'open' && this.raw.bufferedAmount < this.highWater) {
			const next = this.queue.shift()!;
			this.queuedBytes -= next.byteLength;
			this.raw.send(next);
		}
	}

	private receive(data: ArrayBuffer | string) {
		if (typeof data === 'string') return; // never sent by a FramedChannel
		this.bytesReceived += data.byteLength;
		const bytes = new Uint8Array(data);
		const kind = bytes[0];
		if (kind === WHOLE) {
			this.deliver(bytes.subarray(1));
			return;
		}
		if (kind === FIRST && bytes.byteLength > 1 + LENGTH_BYTES) {
			const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
			if (length > this.maxMessageBytes) return this.refuse();
			this.incoming = new Uint8Array(length);
			this.incomingBytes = 0;
			this.append(bytes.subarray(1 + LENGTH_BYTES));
			return;
		}
		// A frame of a message whose start never came, or of an unknown kind: not from a FramedChannel.
		if (!this.incoming || (kind !== MORE && kind !== LAST)) return this.refuse();
		this.append(bytes.subarray(1));
		if (kind !== LAST || !this.incoming) return;
		if (this.incomingBytes !== this.incoming.byteLength) return this.refuse();
		const whole = this.incoming;
		this.incoming = null;
		this.deliver(whole);
	}

	/** A peer that does not frame as announced: nothing more is read from it. */
	private refuse() {
		this.incoming = null;
		this.close();
	}

	private append(body: Uint8Array) {
		if (this.incomingBytes + body.byteLength > this.incoming!.byteLength) return this.refuse();
		this.incoming!.set(body, this.incomingBytes);
		this.incomingBytes += body.byteLength;
		this.onprogress?.(this.incomingBytes, this.incoming!.byteLength);
	}

	private deliver(bytes: Uint8Array) {
		this.received++;
		const copy = (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer;
		if (this.gate) this.gate.receive(copy, this.handOver);
		else this.handOver(copy);
	}

	/** Marks this channel as the source while its user handles the message (no-echo.ts reads it). */
	private readonly handOver = (message: ArrayBuffer) => {
		// The hooks may deliver it later (join-coordinator.ts): the mark goes with the delivery.
		const deliver = () => {
			const outer = FramedChannel.delivering;
			FramedChannel.delivering = this;
			try {
				this.onmessage?.({ data: message });
			} finally {
				FramedChannel.delivering = outer;
			}
		};
		if (this.hooks) this.hooks.inbound(this, new Uint8Array(message), deliver);
		else deliver();
	};
}

function frame(kind: number, body: Uint8Array): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(body.byteLength + 1);
	out[0] = kind;
	out.set(body, 1);
	return out;
}
