import { describe, expect, it } from 'vitest';
import { FRAME_BYTES, FramedChannel, HIGH_WATER_BYTES, MAX_MESSAGE_BYTES, type ChannelHooks, type RawChannel } from '../../src/lib/sync/framed-channel';
import { channelPair, MAX_MESSAGE_SIZE } from './fake-data-channel';

/** Two framed ends over the in-memory channel pair (Chromium's limits: 256 KiB messages, 16 MiB buffer). */
function framedPair() {
	const [rawA, rawB] = channelPair();
	const a = new FramedChannel(rawA as unknown as RawChannel);
	const b = new FramedChannel(rawB as unknown as RawChannel);
	const received: Uint8Array[] = [];
	b.onmessage = (ev) => received.push(new Uint8Array(ev.data as ArrayBuffer));
	const arrived = (count: number) =>
		new Promise<void>((resolve) => {
			const check = () => (received.length >= count ? resolve() : setTimeout(check, 1));
			check();
		});
	return { a, b, rawA, received, arrived };
}

function randomBytes(n: number, seed: number): Uint8Array {
	const out = new Uint8Array(n);
	let x = seed;
	for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
	return out;
}

describe('FramedChannel', () => {
	it('delivers a message far over the browser’s size limit whole, in frames below it', async () => {
		const framed = framedPair();
		const { a, rawA, received, arrived } = framed;
		const big = randomBytes(12 * 1024 * 1024, 1); // a large project's sync
		expect(big.byteLength).toBeGreaterThan(MAX_MESSAGE_SIZE);
		const progress: [number, number][] = [];
		framed.b.onprogress = (received, total) => progress.push([received, total]);
		a.send(big);
		await arrived(1);
		// Progress rose to the whole message, which the receiver knew from the first frame.
		expect(progress.length).toBeGreaterThan(10);
		expect(progress.every(([, total]) => total === big.byteLength)).toBe(true);
		expect(progress.at(-1)![0]).toBe(big.byteLength);
		expect(received).toHaveLength(1);
		// (toEqual on 20 MB is element by element: far too slow)
		expect(Buffer.from(received[0]).equals(Buffer.from(big))).toBe(true);
		expect(rawA.maxMessageBytes).toBeLessThanOrEqual(FRAME_BYTES);
		// Never more queued in the browser than the high-water mark (plus the frame that crossed it).
		expect(rawA.maxBufferedAmount).toBeLessThanOrEqual(HIGH_WATER_BYTES + FRAME_BYTES);
	});

	it('keeps the order and boundaries of small and large messages sent together', async () => {
		const { a, received, arrived } = framedPair();
		const sent = [randomBytes(10, 2), randomBytes(3 * FRAME_BYTES + 7, 3), randomBytes(0, 4), randomBytes(FRAME_BYTES - 1, 5), randomBytes(FRAME_BYTES, 6)];
		for (const m of sent) a.send(m);
		await arrived(sent.length);
		expect(received).toEqual(sent);
	});

	it('sends a view of a larger buffer as just its bytes', async () => {
		const { a, received, arrived } = framedPair();
		const whole = randomBytes(1000, 7);
		a.send(whole.subarray(100, 300));
		await arrived(1);
		expect(received[0]).toEqual(whole.subarray(100, 300));
	});

	it('refuses to send on a closed channel, as the browser does', () => {
		const { a } = framedPair();
		a.close();
		expect(() => a.send(new Uint8Array(4))).toThrow(/not open/);
	});

	it('takes a message of exactly the largest announced size, and closes on one byte more', async () => {
		expect(MAX_MESSAGE_BYTES).toBe(512 * 1024 * 1024);
		const [rawA, rawB] = channelPair();
		const limit = 3 * FRAME_BYTES;
		const a = new FramedChannel(rawA as unknown as RawChannel);
		const b = new FramedChannel(rawB as unknown as RawChannel, FRAME_BYTES, HIGH_WATER_BYTES, limit);
		const received: number[] = [];
		b.onmessage = (ev) => received.push((ev.data as ArrayBuffer).byteLength);
		a.send(randomBytes(limit, 8));
		a.send(randomBytes(limit + 1, 9));
		a.send(randomBytes(10, 10));
		await new Promise((r) => setTimeout(r, 50));
		expect(received).toEqual([limit]);
		expect(rawB.readyState).toBe('closed');
	});

	it('closes on frames that do not add up to the length their first frame announced', async () => {
		const frame = (kind: number, ...body: number[]) => new Uint8Array([kind, ...body]).buffer;
		const cases = [
			[frame(3, 0, 0, 0, 2, 1, 2), frame(1, 3)], // more bytes than announced
			[frame(3, 0, 0, 0, 9, 1, 2), frame(2, 3)], // ends short
			[frame(2, 1)] // a last frame with no first
		];
		for (const frames of cases) {
			const [rawA, rawB] = channelPair();
			const b = new FramedChannel(rawB as unknown as RawChannel);
			const received: ArrayBuffer[] = [];
			b.onmessage = (ev) => received.push(ev.data as ArrayBuffer);
			rawA.binaryType = 'arraybuffer';
			for (const f of frames) rawA.send(f);
			await new Promise((r) => setTimeout(r, 10));
			expect(received).toEqual([]);
			expect(rawB.readyState).toBe('closed');
		}
	});

	it('lets its hooks hold or split what is sent, see what is delivered, and know when it closes', async () => {
		const framed = framedPair();
		const { a, b, received, arrived } = framed;
		const seen: number[] = [];
		let closed = 0;
		const hooks: ChannelHooks = {
			// 1: held; 2: split in two messages; anything else as it is
			outbound: (_c, m) => (m[0] === 1 ? [] : m[0] === 2 ? [m.subarray(0, 1), m.subarray(1)] : [m]),
			inbound: (_c, m, deliver) => (seen.push(m[0]), m[0] !== 9 && deliver()),
			closed: () => closed++
		};
		a.hooks = hooks;
		b.hooks = hooks;
		a.send(new Uint8Array([1, 1]));
		a.send(new Uint8Array([2, 7, 7]));
		a.send(new Uint8Array([9]));
		a.sendNow(new Uint8Array([1, 5])); // past the hooks
		await arrived(3);
		expect(received).toEqual([new Uint8Array([2]), new Uint8Array([7, 7]), new Uint8Array([1, 5])]);
		expect(seen).toEqual([2, 7, 9, 1]); // 9 seen, kept from the user
		expect(b.bytesReceived).toBe(4 * 1 + 1 + 2 + 1 + 2); // a header byte per frame
		a.close();
		await new Promise((r) => setTimeout(r, 5));
		expect(closed).toBe(2);
	});
});
