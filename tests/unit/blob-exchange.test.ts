import { describe, expect, it } from 'vitest';
import { BlobUnavailableError, type BlobChannel } from '$lib/sync/blob-exchange';
import { GENTLE_START_BYTES } from '$lib/sync/blob-outbox';
import { decodeDataFrame, encodeDataFrame, encodeDataFrameInPlace, FRAME_HEADER_BYTES } from '$lib/sync/blob-protocol';
import { PROGRESS_STEPS } from '$lib/sync/blob-transfer';
import { channelPair } from './fake-data-channel';
import { connect, Device, expectSameBytes, image, MB, randomBytes, settle } from './support/blob-devices';

// An RTCDataChannel is a BlobChannel: the lead passes real channels.
const realChannelFits = (channel: RTCDataChannel): BlobChannel => channel;
void realChannelFits;

describe('blob exchange', () => {
	it('moves a multi-megabyte image byte-identical, in small messages, within the high-water mark', async () => {
		const img = await image(8 * MB + 12_345, 1);
		const [asker, holder] = [new Device('asker'), new Device('holder').hold(img.hash, img.bytes)];
		connect(asker, holder);
		const progress: number[] = [];
		const bytes = await asker.exchange.fetch(img.hash, img.size, { onProgress: (received, total) => progress.push(received / total) });

		expectSameBytes(bytes, img);
		const channel = holder.channels.get('asker')!;
		expect(channel.maxBufferedAmount).toBeGreaterThan(0);
		expect(channel.maxBufferedAmount).toBeLessThanOrEqual(256 * 1024); // the default high-water mark
		expect(channel.maxMessageBytes).toBeLessThanOrEqual(128 * 1024); // the default chunk size
		expect(progress.at(-1)).toBe(1);
		expect(progress).toEqual([...progress].sort((p, q) => p - q));
		// 65 frames of 128 KiB: at most one report per percent received (each redraws the page), plus the start at 0.
		expect(progress.length).toBeGreaterThan(50);
		expect(progress.length).toBeLessThanOrEqual(PROGRESS_STEPS + 1);
	});

	it('starts gently after a pause: half-size frames and half the buffer for the first 4 MiB, then the full ones', async () => {
		const [first, second] = await Promise.all([image(7 * MB, 3), image(5 * MB, 4)]);
		const [asker, holder] = [new Device('asker'), new Device('holder').hold(first.hash, first.bytes).hold(second.hash, second.bytes)];
		connect(asker, holder);
		const channel = holder.channels.get('asker')!;
		expectSameBytes(await asker.exchange.fetch(first.hash, first.size), first);
		const firstSends = channel.binarySends.length;
		expectSameBytes(await asker.exchange.fetch(second.hash, second.size), second);
		for (const sends of [channel.binarySends.slice(0, firstSends), channel.binarySends.slice(firstSends)]) {
			let payload = 0;
			const gentle: { size: number; buffered: number }[] = [];
			const full: { size: number; buffered: number }[] = [];
			for (const send of sends) {
				(payload < GENTLE_START_BYTES ? gentle : full).push(send);
				payload += send.size - FRAME_HEADER_BYTES;
			}
			expect(gentle.reduce((n, s) => n + s.size - FRAME_HEADER_BYTES, 0)).toBeGreaterThanOrEqual(GENTLE_START_BYTES);
			expect(Math.max(...gentle.map((s) => s.size))).toBe(64 * 1024);
			expect(Math.max(...gentle.map((s) => s.buffered))).toBeLessThanOrEqual(128 * 1024);
			expect(Math.max(...full.map((s) => s.size))).toBe(128 * 1024);
			expect(Math.max(...full.map((s) => s.buffered))).toBeGreaterThan(128 * 1024);
			expect(Math.max(...full.map((s) => s.buffered))).toBeLessThanOrEqual(256 * 1024);
		}
	});

	it('keeps to a smaller high-water mark and chunk size when asked', async () => {
		const img = await image(3 * MB, 2);
		const options = { chunkBytes: 16 * 1024, highWaterBytes: 96 * 1024 };
		const [asker, holder] = [new Device('asker', options), new Device('holder', options).hold(img.hash, img.bytes)];
		connect(asker, holder);
		expectSameBytes(await asker.exchange.fetch(img.hash, img.size), img);
		expect(holder.channels.get('asker')!.maxBufferedAmount).toBeLessThanOrEqual(96 * 1024);
		expect(holder.channels.get('asker')!.maxMessageBytes).toBeLessThanOrEqual(16 * 1024);
	});

	it('never sends bytes of a blob the holder’s project does not reference', async () => {
		const img = await image(200_000, 3);
		const [asker, holder] = [new Device('asker'), new Device('holder').hold(img.hash, img.bytes, { referenced: false })];
		connect(asker, holder);
		const failure = asker.exchange.fetch(img.hash, img.size);
		await expect(failure).rejects.toThrow(BlobUnavailableError);
		await expect(failure).rejects.toThrow(/holder: not available/);
		await settle();
		expect(holder.channels.get('asker')!.sentBinaryMessages).toBe(0);
	});

	it.each(['its channel closes', 'it is removed'])(
		'resumes from another peer at the offset reached when the sender leaves half way (%s)',
		async (how) => {
			const img = await image(4 * MB, 4);
			const asker = new Device('asker');
			const first = new Device('first').hold(img.hash, img.bytes);
			const second = new Device('second').hold(img.hash, img.bytes);
			connect(asker, first); // asked first, so it answers first
			connect(asker, second);
			let leftAt = -1;
			const bytes = await asker.exchange.fetch(img.hash, img.size, {
				onProgress: (received) => {
					if (leftAt >= 0 || received < 2 * MB) return;
					leftAt = received;
					if (how === 'it is removed') asker.exchange.removePeer('first');
					else first.channels.get('asker')!.close();
				}
			});

			expectSameBytes(bytes, img);
			expect(asker.offsetsAskedOf('first')).toEqual([0]);
			expect(asker.offsetsAskedOf('second')).toEqual([leftAt]);
			expect(leftAt).toBeGreaterThan(0);
			expect(asker.exchange.peers).toEqual(['second']);
		}
	);

	it('drops bytes that fail SHA-256 and fetches them again from another peer, from the start', async () => {
		const img = await image(1 * MB, 5);
		const asker = new Device('asker');
		const corrupt = new Device('corrupt').hold(img.hash, randomBytes(img.bytes.byteLength, 99));
		const honest = new Device('honest').hold(img.hash, img.bytes);
		connect(asker, corrupt);
		connect(asker, honest);

		expectSameBytes(await asker.exchange.fetch(img.hash, img.size), img);
		expect(asker.offsetsAskedOf('corrupt')).toEqual([0]);
		expect(asker.offsetsAskedOf('honest')).toEqual([0]);
	});

	it('never returns bytes that fail verification, even when no other peer has the blob', async () => {
		const img = await image(300_000, 6);
		const asker = new Device('asker');
		connect(asker, new Device('corrupt').hold(img.hash, randomBytes(img.bytes.byteLength, 98)));
		await expect(asker.exchange.fetch(img.hash, img.size)).rejects.toThrow(/corrupt: sent bytes that do not match/);
	});

	it('says clearly when no connected peer has the blob', async () => {
		const img = await image(1000, 7);
		const asker = new Device('asker');
		await expect(asker.exchange.fetch(img.hash, img.size)).rejects.toThrow(/no peer is connected/);
		connect(asker, new Device('a'));
		connect(asker, new Device('b'));
		const failure = asker.exchange.fetch(img.hash, img.size);
		await expect(failure).rejects.toBeInstanceOf(BlobUnavailableError);
		await expect(failure).rejects.toThrow(/a: not available; b: not available/);
	});

	it('gives up on a peer that never answers and uses one that does', async () => {
		const img = await image(100_000, 8);
		const asker = new Device('asker', { replyTimeoutMs: 50 });
		const [toSilent] = channelPair(); // nobody listens at the other end
		asker.exchange.addPeer('silent', toSilent);
		await expect(asker.exchange.fetch(img.hash, img.size)).rejects.toThrow(/silent: did not answer/);
		connect(asker, new Device('holder').hold(img.hash, img.bytes));
		expectSameBytes(await asker.exchange.fetch(img.hash, img.size), img);
	});

	it('stops the transfer when aborted, and the holder stops sending', async () => {
		const img = await image(8 * MB, 9);
		const [asker, holder] = [new Device('asker'), new Device('holder').hold(img.hash, img.bytes)];
		connect(asker, holder);
		const controller = new AbortController();
		const fetching = asker.exchange.fetch(img.hash, img.size, {
			signal: controller.signal,
			onProgress: (received) => received >= 1 * MB && controller.abort()
		});
		await expect(fetching).rejects.toThrow(/abort/i);
		await settle();
		expect(asker.sentTo('holder').map((m) => m.t)).toEqual(['ask', 'get', 'cancel']);
		expect(holder.channels.get('asker')!.sentBinaryBytes).toBeLessThan(4 * MB);
	});

	it('shares one transfer between concurrent fetches of the same blob', async () => {
		const img = await image(2 * MB, 10);
		const [asker, holder] = [new Device('asker'), new Device('holder').hold(img.hash, img.bytes)];
		connect(asker, holder);
		const abandoned = new AbortController();
		const fetches = [
			asker.exchange.fetch(img.hash, img.size),
			asker.exchange.fetch(img.hash, img.size),
			asker.exchange.fetch(img.hash, img.size, { signal: abandoned.signal })
		];
		abandoned.abort();
		await expect(fetches[2]).rejects.toThrow(/abort/i);
		const [a, b] = await Promise.all(fetches.slice(0, 2));
		expectSameBytes(a, img);
		expect(b).toBe(a);
		expect(asker.offsetsAskedOf('holder')).toEqual([0]);
	});

	it('runs several transfers on one channel in both directions at once', async () => {
		const [x, y, z] = await Promise.all([image(2 * MB, 11), image(3 * MB, 12), image(1 * MB + 7, 13)]);
		const alice = new Device('alice').hold(z.hash, z.bytes);
		const bob = new Device('bob').hold(x.hash, x.bytes).hold(y.hash, y.bytes);
		connect(alice, bob);
		const [gotX, gotY, gotZ] = await Promise.all([
			alice.exchange.fetch(x.hash, x.size),
			alice.exchange.fetch(y.hash, y.size),
			bob.exchange.fetch(z.hash, z.size)
		]);
		expectSameBytes(gotX, x);
		expectSameBytes(gotY, y);
		expectSameBytes(gotZ, z);
		expect(bob.channels.get('alice')!.maxBufferedAmount).toBeLessThanOrEqual(256 * 1024);
		expect(alice.channels.get('bob')!.maxBufferedAmount).toBeLessThanOrEqual(256 * 1024);
	});

	it('fetches every image of a project, reporting failures without stopping', async () => {
		const images = await Promise.all([1, 2, 3, 4, 5].map((seed) => image(150_000 * seed, 20 + seed)));
		const [missing, unstorable] = [images[1], images[3]];
		const asker = new Device('asker');
		const holder = new Device('holder');
		for (const img of images) if (img !== missing) holder.hold(img.hash, img.bytes);
		connect(asker, holder);
		const stored = new Map<string, Uint8Array>();
		const progress: { fetched: number; failed: number; total: number }[] = [];

		const result = await asker.exchange.fetchAll(
			images,
			{
				concurrency: 2,
				store: async (hash, bytes) => {
					if (hash === unstorable.hash) throw new Error('storage is full');
					stored.set(hash, bytes);
				},
				onProgress: (p) => progress.push(p)
			}
		);

		expect(result.fetched.sort()).toEqual([images[0], images[2], images[4]].map((i) => i.hash).sort());
		expect(result.failed.map((f) => f.hash).sort()).toEqual([missing.hash, unstorable.hash].sort());
		expect(result.failed.find((f) => f.hash === missing.hash)!.error).toBeInstanceOf(BlobUnavailableError);
		expect(result.failed.find((f) => f.hash === unstorable.hash)!.error.message).toBe('storage is full');
		for (const img of [images[0], images[2], images[4]]) expectSameBytes(stored.get(img.hash), img);
		expect(progress.at(-1)).toEqual({ fetched: 3, failed: 2, total: 5 });
	});

	it('rejects pending fetches when destroyed, and refuses hashes that are not SHA-256', async () => {
		const img = await image(4 * MB, 30);
		const [asker, holder] = [new Device('asker'), new Device('holder').hold(img.hash, img.bytes)];
		connect(asker, holder);
		const fetching = asker.exchange.fetch(img.hash, img.size, { onProgress: (received) => received > 0 && asker.exchange.destroy() });
		await expect(fetching).rejects.toThrow(/destroyed/);
		expect(asker.exchange.peers).toEqual([]);
		await expect(holder.exchange.fetch('../etc/passwd', 10)).rejects.toThrow(TypeError);
	});
});

describe('blob data frames', () => {
	it('a frame written over the bytes before its payload reads as the copied one, without copying the payload', () => {
		const slice = randomBytes(64 * 1024, 40); // a slice read from the blob store
		for (const at of [FRAME_HEADER_BYTES, 1000]) {
			const payload = slice.subarray(at, at + 30_000);
			const expected = payload.slice();
			const copied = new Uint8Array(encodeDataFrame(7, 123_456_789, payload));
			const inPlace = encodeDataFrameInPlace(7, 123_456_789, payload);
			expect(inPlace.buffer).toBe(slice.buffer); // a view: the channel copies it on send
			expect(inPlace).toEqual(copied);
			const decoded = decodeDataFrame(inPlace.slice().buffer)!;
			expect([decoded.id, decoded.offset]).toEqual([7, 123_456_789]);
			expect(decoded.payload).toEqual(expected); // only the bytes before the payload were written
		}
	});

	it('refuses to write a frame in place with less than a header of room before the payload', () => {
		const slice = randomBytes(1024, 41);
		const before = slice.slice();
		expect(() => encodeDataFrameInPlace(1, 0, slice.subarray(FRAME_HEADER_BYTES - 1))).toThrow(RangeError);
		expect(slice).toEqual(before);
	});
});

