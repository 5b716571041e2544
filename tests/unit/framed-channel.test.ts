import { describe, expect, it } from 'vitest';
import { FRAME_BYTES, FramedChannel, HIGH_WATER_BYTES, type RawChannel } from '../../src/lib/sync/framed-channel';
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
});
