import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { BufferWatch, SIGNALING_LIMITS, TokenBucket } from '../../src/server/signaling-limits.js';
import { Client, client, closeAll, signalingServer } from './support/signaling-clients';

const L = SIGNALING_LIMITS;
afterEach(closeAll);

/** Drops noted by the server, in order. */
function drops() {
	const seen: { reason: string; bufferedAmount: number }[] = [];
	const waiters: (() => void)[] = [];
	return {
		seen,
		onDrop: (d: { reason: string; bufferedAmount: number }) => {
			seen.push(d);
			for (const w of waiters.splice(0)) w();
		},
		next: async () => {
			while (!seen.length) await new Promise<void>((r) => waiters.push(r));
			return seen[0];
		}
	};
}

/** Resolves once the server has handled everything `c` sent before. */
async function roundTrip(c: Client) {
	c.send({ type: 'ping' });
	await c.until((m) => m.type === 'pong');
}

describe('signaling limits: topics', () => {
	it(`subscribes a connection to ${L.maxTopicsPerConnection} topics and no more, and says so`, async () => {
		const url = await signalingServer();
		const names = Array.from({ length: L.maxTopicsPerConnection + 1 }, (_, i) => `room-${i}`);
		const alice = await Client.open(url);
		alice.send({ type: 'subscribe', topics: names });
		const refusal = await alice.next();
		expect(refusal).toMatchObject({ type: 'error', topics: [names.at(-1)] });
		expect(refusal.message).toContain(`at most ${L.maxTopicsPerConnection} per connection`);
		const last = names[L.maxTopicsPerConnection - 1];
		const over = names[L.maxTopicsPerConnection];
		const bob = await client(url, [last, over]);
		bob.send({ type: 'publish', topic: over, data: 'not for alice' });
		bob.send({ type: 'publish', topic: last, data: 'for alice' });
		// Bob's messages are handled in order: had the one over the cap reached her, it would come first.
		expect(await alice.next()).toMatchObject({ topic: last, data: 'for alice' });
		// Nor may she publish into the room she was refused.
		alice.send({ type: 'publish', topic: over, data: 'from alice' });
		alice.send({ type: 'publish', topic: last, data: 'from alice' });
		expect(await bob.until((m) => m.data === 'from alice')).toMatchObject({ topic: last });
	});

	it('counts topics across subscribe messages, and frees a place on unsubscribe', async () => {
		const url = await signalingServer();
		const names = Array.from({ length: L.maxTopicsPerConnection }, (_, i) => `room-${i}`);
		const alice = await client(url, names);
		alice.send({ type: 'subscribe', topics: ['extra'] });
		expect(await alice.next()).toMatchObject({ type: 'error', topics: ['extra'] });
		alice.send({ type: 'unsubscribe', topics: ['room-0'] });
		alice.send({ type: 'subscribe', topics: ['extra'] });
		await roundTrip(alice); // no refusal before the pong
		const bob = await client(url, ['extra']);
		bob.send({ type: 'publish', topic: 'extra', data: 'hi' });
		expect(await alice.next()).toMatchObject({ topic: 'extra', data: 'hi' });
	});

	it(`takes topic names of ${L.maxTopicLength} characters, not one more`, async () => {
		const url = await signalingServer();
		const longest = 'a'.repeat(L.maxTopicLength);
		const tooLong = 'b'.repeat(L.maxTopicLength + 1);
		const alice = await Client.open(url);
		alice.send({ type: 'subscribe', topics: [longest, tooLong] });
		expect(await alice.next()).toMatchObject({ type: 'error', topics: [tooLong.slice(0, 64)] });
		const bob = await client(url, [longest, tooLong]);
		bob.send({ type: 'publish', topic: tooLong, data: 2 });
		bob.send({ type: 'publish', topic: longest, data: 1 });
		expect(await alice.next()).toMatchObject({ topic: longest, data: 1 });
	});
});

describe('signaling limits: message size and rate', () => {
	it(`relays a message of exactly ${L.maxMessageBytes} bytes and closes on one byte more`, async () => {
		const url = await signalingServer();
		const alice = await client(url, ['room']);
		const bob = await client(url, ['room']);
		const sized = (bytes: number) => {
			const m = { type: 'publish', topic: 'room', data: '' };
			m.data = 'x'.repeat(bytes - JSON.stringify(m).length);
			return m;
		};
		alice.send(sized(L.maxMessageBytes));
		expect(JSON.stringify(await bob.next())).toHaveLength(L.maxMessageBytes);
		const closed = alice.closed();
		alice.send(sized(L.maxMessageBytes + 1));
		expect((await closed).code).toBe(1009); // message too big
	});

	it(`takes a burst of ${L.messageBurst} messages at once`, async () => {
		const url = await signalingServer();
		const alice = await client(url, ['room']); // subscribe and ping: 2 messages
		for (let i = 0; i < L.messageBurst - 3; i++) alice.send({ type: 'publish', topic: 'room', data: i });
		await roundTrip(alice); // the burst's last message: answered, not dropped
		expect(alice.socket.readyState).toBe(WebSocket.OPEN);
	});

	it('drops a client that floods, while a polite one in the same room still gets its messages through', async () => {
		const seen = drops();
		const url = await signalingServer({ onDrop: seen.onDrop });
		const polite = await client(url, ['room']);
		const listener = await client(url, ['room']);
		const flooder = await client(url, ['room']);
		const closed = flooder.closed();
		for (let i = 0; i < 20 * L.messageBurst; i++) flooder.send({ type: 'publish', topic: 'room', data: 'flood' });
		const { code, reason } = await closed;
		expect(code).toBe(1008);
		expect(reason).toBe(`sent over ${L.messagesPerSecond} messages a second`);
		expect(seen.seen.map((d) => d.reason)).toEqual([reason]);
		polite.send({ type: 'publish', topic: 'room', data: 'hello' });
		const hello = await listener.until((m) => m.data !== 'flood');
		expect(hello).toMatchObject({ data: 'hello' });
		// Only what came within its budget was relayed (its burst, and what refilled while it flooded).
		expect(hello.skipped).toBeGreaterThanOrEqual(L.messageBurst - 2);
		expect(hello.skipped).toBeLessThan(2 * L.messageBurst);
	});
});

describe('signaling limits: clients that do not read', () => {
	/** Publishes messages of ~63 KiB into `topic` until the server drops someone, at most `max` of them. */
	async function fill(publisher: Client, topic: string, max: number, dropped: () => boolean) {
		const data = 'x'.repeat(L.maxMessageBytes - 1024);
		for (let sent = 0; sent < max && !dropped(); sent += 16) {
			for (let i = 0; i < 16; i++) publisher.send({ type: 'publish', topic, data });
			await roundTrip(publisher);
			publisher.received.length = 0; // its own messages come back: not the point here
		}
	}

	it(`drops a client whose unread messages pass ${L.hardBufferedBytes / 2 ** 20} MiB, without holding more`, async () => {
		const seen = drops();
		const url = await signalingServer({ onDrop: seen.onDrop });
		const reader = await client(url, ['room']);
		const publisher = await client(url, ['room']);
		const sleeper = await client(url, ['room']);
		(sleeper.socket as unknown as { _socket: { pause(): void } })._socket.pause();
		// Within the publisher's burst: the sleeper's unread bytes, and the kernel's buffers, fill first.
		await fill(publisher, 'room', L.messageBurst - 64, () => seen.seen.length > 0);
		expect(seen.seen).toHaveLength(1);
		expect(seen.seen[0].reason).toMatch(/^read too slowly: \d+ bytes were waiting$/);
		expect(seen.seen[0].bufferedAmount).toBeGreaterThan(L.hardBufferedBytes);
		expect(seen.seen[0].bufferedAmount).toBeLessThanOrEqual(L.hardBufferedBytes + L.maxMessageBytes);
		// The others are still there.
		publisher.send({ type: 'publish', topic: 'room', data: 'still here' });
		expect(await reader.until((m) => m.data === 'still here')).toBeTruthy();
	});

	it('drops a client whose unread messages stay past the soft limit for longer than its grace', async () => {
		const seen = drops();
		// The grace made short and the hard limit out of reach: only the soft limit can drop it.
		const limits = { softBufferedBytes: 1024 * 1024, softBufferedMs: 1, hardBufferedBytes: 2 ** 40 };
		const url = await signalingServer({ onDrop: seen.onDrop, limits });
		const publisher = await client(url, ['room']);
		const sleeper = await client(url, ['room']);
		(sleeper.socket as unknown as { _socket: { pause(): void } })._socket.pause();
		await fill(publisher, 'room', L.messageBurst - 64, () => seen.seen.length > 0);
		const { reason, bufferedAmount } = await seen.next();
		expect(reason).toMatch(/^read too slowly/);
		expect(bufferedAmount).toBeGreaterThan(limits.softBufferedBytes);
	});
});

describe('signaling limits: the pure parts', () => {
	it('a token bucket gives its burst at once, then one token per 1/rate seconds', () => {
		let now = 0;
		const bucket = new TokenBucket(10, 3, () => now);
		expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
		now += 99;
		expect(bucket.take()).toBe(false);
		now += 1; // 100 ms: one token
		expect([bucket.take(), bucket.take()]).toEqual([true, false]);
		now += 60_000; // never more than the burst
		expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
	});

	it('a buffer watch allows exactly its limits and the soft one for exactly its grace', () => {
		let now = 0;
		const watch = new BufferWatch({ softBufferedBytes: 100, softBufferedMs: 50, hardBufferedBytes: 1000 }, () => now);
		expect(watch.tooFull(1000)).toBe(false); // at the hard limit, over the soft one: its grace starts
		expect(watch.tooFull(1001)).toBe(true);
		now += 50;
		expect(watch.tooFull(101)).toBe(false); // exactly the grace
		now += 1;
		expect(watch.tooFull(101)).toBe(true);
		expect(watch.tooFull(100)).toBe(false); // back under: the grace starts over next time
		now += 1000;
		expect(watch.tooFull(101)).toBe(false);
	});
});
