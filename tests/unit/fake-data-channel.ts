/**
 * An in-memory RTCDataChannel pair that behaves like Chromium's where the blob protocol depends on
 * it: ordered asynchronous delivery, a bufferedAmount that grows on send and drains a little per
 * task, 'bufferedamountlow' when it falls to the threshold, send() that throws for a message above
 * 256 KiB or a buffer past 16 MiB, and close() that closes both ends.
 */
export const MAX_MESSAGE_SIZE = 256 * 1024;
export const MAX_BUFFERED_AMOUNT = 16 * 1024 * 1024;

const utf8 = new TextEncoder();

export class FakeDataChannel extends EventTarget {
	readyState: RTCDataChannelState = 'open';
	bufferedAmount = 0;
	bufferedAmountLowThreshold = 0;
	binaryType: BinaryType = 'blob';
	/** Bytes delivered per task: the "network speed". */
	bytesPerTask = 256 * 1024;

	/** What was sent, for assertions. */
	readonly sentText: string[] = [];
	sentBinaryMessages = 0;
	sentBinaryBytes = 0;
	maxBufferedAmount = 0;
	maxMessageBytes = 0;
	/** For each binary message: its size, and the bytes buffered once it was sent. */
	readonly binarySends: { size: number; buffered: number }[] = [];

	remote!: FakeDataChannel;
	private queue: { data: string | ArrayBuffer; size: number }[] = [];
	private draining = false;

	send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer>): void {
		if (this.readyState !== 'open') throw new DOMException('The channel is not open', 'InvalidStateError');
		const size = typeof data === 'string' ? utf8.encode(data).byteLength : data.byteLength;
		if (size > MAX_MESSAGE_SIZE) throw new TypeError(`Message of ${size} bytes exceeds maxMessageSize`);
		if (this.bufferedAmount + size > MAX_BUFFERED_AMOUNT) throw new DOMException('Send queue is full', 'OperationError');
		if (typeof data === 'string') this.sentText.push(data);
		else {
			this.sentBinaryMessages++;
			this.sentBinaryBytes += size;
		}
		this.bufferedAmount += size;
		if (typeof data !== 'string') this.binarySends.push({ size, buffered: this.bufferedAmount });
		this.maxBufferedAmount = Math.max(this.maxBufferedAmount, this.bufferedAmount);
		this.maxMessageBytes = Math.max(this.maxMessageBytes, size);
		// Copied at once, as Chromium does (a view's bytes only): the sender may reuse its buffer.
		const copy = typeof data === 'string' ? data : ArrayBuffer.isView(data) ? data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) : data.slice(0);
		this.queue.push({ data: copy, size });
		this.scheduleDrain();
	}

	close(): void {
		for (const end of [this, this.remote]) {
			if (end.readyState === 'closed') continue;
			end.readyState = 'closed';
			end.queue = [];
			end.bufferedAmount = 0;
			setImmediate(() => end.dispatchEvent(new Event('close')));
		}
	}

	private scheduleDrain(): void {
		if (this.draining) return;
		this.draining = true;
		setImmediate(() => this.drain());
	}

	private drain(): void {
		this.draining = false;
		if (this.readyState !== 'open') return;
		const before = this.bufferedAmount;
		let budget = this.bytesPerTask;
		while (this.queue.length && budget > 0) {
			const { data, size } = this.queue.shift()!;
			budget -= size;
			this.bufferedAmount -= size;
			this.remote.deliver(data);
		}
		if (before > this.bufferedAmountLowThreshold && this.bufferedAmount <= this.bufferedAmountLowThreshold)
			this.dispatchEvent(new Event('bufferedamountlow'));
		if (this.queue.length) this.scheduleDrain();
	}

	private deliver(data: string | ArrayBuffer): void {
		if (this.readyState !== 'open') return;
		const payload = typeof data === 'string' || this.binaryType === 'arraybuffer' ? data : new Blob([data]);
		this.dispatchEvent(new MessageEvent('message', { data: payload }));
	}
}

export function channelPair(): [FakeDataChannel, FakeDataChannel] {
	const a = new FakeDataChannel();
	const b = new FakeDataChannel();
	a.remote = b;
	b.remote = a;
	return [a, b];
}
