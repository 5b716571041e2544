import { describe, expect, it } from 'vitest';
import { BlobUnavailableError } from '$lib/sync/blob-exchange';
import { MAX_QUEUED_CONTROLS } from '$lib/sync/blob-outbox';
import type { ControlMessage } from '$lib/sync/blob-protocol';
import { channelPair } from './fake-data-channel';
import { connect, connectScripted, Device, expectSameBytes, image, MB, ScriptedPeer, settle } from './support/blob-devices';

/**
 * The blob exchange against broken and hostile peers, over the real protocol: peers that lie about
 * a blob's size, send past it, stop sending without leaving, or ask for more than this device serves.
 */

const GIB = 1024 * 1024 * 1024;
const HASH = 'a'.repeat(64);

/** A peer that says it has every blob, announcing `size` bytes for it, and then acts as `onGet` says. */
function holderScript(size: (asked: 'ask' | 'get') => number, onGet: (id: number, offset: number, peer: ScriptedPeer) => void = () => {}) {
	return (m: ControlMessage, peer: ScriptedPeer) => {
		if (m.t === 'ask') peer.send({ t: 'size', id: m.id, size: size('ask') });
		if (m.t !== 'get') return;
		peer.send({ t: 'size', id: m.id, size: size('get') });
		onGet(m.id, m.offset, peer);
	};
}

describe('a blob whose announced size differs from the image record', () => {
	it('is refused at the peer that announces it, and fetched from one that has the recorded size', async () => {
		const img = await image(300_000, 41);
		const asker = new Device('asker');
		const liar = connectScripted(asker, 'liar', holderScript(() => GIB));
		connect(asker, new Device('honest').hold(img.hash, img.bytes));

		expectSameBytes(await asker.exchange.fetch(img.hash, img.size), img);
		expect(liar.received.map((m) => m.t)).toEqual(['ask']); // never asked for its bytes
		expect(asker.offsetsAskedOf('honest')).toEqual([0]);
	});

	it('is refused before anything is allocated when the lie comes with the bytes, and the peer is named', async () => {
		const img = await image(100_000, 42);
		const asker = new Device('asker');
		connectScripted(
			asker,
			'liar',
			holderScript((asked) => (asked === 'ask' ? img.size : GIB))
		);
		// Measured as each message is handled (the listener runs right after the exchange's), before any GC.
		const before = process.memoryUsage().arrayBuffers;
		let peak = before;
		asker.channels.get('liar')!.addEventListener('message', () => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)));
		const failure = asker.exchange.fetch(img.hash, img.size);
		await expect(failure).rejects.toBeInstanceOf(BlobUnavailableError);
		await expect(failure).rejects.toThrow(`liar: announced ${GIB} bytes, but the image record says ${img.size}`);
		expect(peak - before).toBeLessThan(64 * MB);
	});

	it('never allocates more than the size an image record claims', async () => {
		const asker = new Device('asker', { maxBlobBytes: 10 * MB });
		await expect(asker.exchange.fetch(HASH, 10 * MB + 1)).rejects.toThrow(/size of 10485761 bytes: images of 0 to 10485760 bytes/);
		await expect(asker.exchange.fetch(HASH, -1)).rejects.toThrow(RangeError);
		await expect(asker.exchange.fetch(HASH, 1.5)).rejects.toThrow(RangeError);
	});

	it('refuses bytes past the size the peer announced', async () => {
		const img = await image(50_000, 43);
		const asker = new Device('asker');
		const extra = new Uint8Array(img.size + 1);
		extra.set(img.bytes);
		const liar = connectScripted(
			asker,
			'liar',
			holderScript(
				() => img.size,
				(id, offset, peer) => peer.sendBytes(id, offset, extra)
			)
		);
		await expect(asker.exchange.fetch(img.hash, img.size)).rejects.toThrow(`liar: sent bytes past the ${img.size} it announced`);
		await settle();
		const get = liar.received.find((m) => m.t === 'get')!;
		expect(liar.cancelled(get.id)).toBe(true);
	});
});

describe('a sender that stops sending without leaving', () => {
	const STALL_MS = 100;

	/** Sends the first `part` bytes of `img`, then only empty frames: it stays, keeping the request alive. */
	function stallAfter(part: number, bytes: Uint8Array) {
		return (id: number, offset: number, peer: ScriptedPeer) => {
			peer.sendBytes(id, offset, bytes.subarray(offset, part));
			const keepAlive = setInterval(() => {
				if (peer.cancelled(id) || peer.channel.readyState !== 'open') clearInterval(keepAlive);
				else peer.sendBytes(id, part, new Uint8Array(0));
			}, 5);
		};
	}

	it('is left for another peer that has the blob, which goes on at the byte reached', async () => {
		const img = await image(1 * MB, 44);
		const half = img.size / 2;
		const asker = new Device('asker', { stallTimeoutMs: STALL_MS });
		const staller = connectScripted(
			asker,
			'staller',
			holderScript(() => img.size, stallAfter(half, img.bytes))
		);
		connect(asker, new Device('honest').hold(img.hash, img.bytes));

		expectSameBytes(await asker.exchange.fetch(img.hash, img.size), img);
		expect(asker.offsetsAskedOf('honest')).toEqual([half]);
		const get = staller.received.find((m) => m.t === 'get')!;
		expect(staller.cancelled(get.id)).toBe(true);
	});

	it('with no other peer, ends in the error that no connected peer can send the image, saying why', async () => {
		const img = await image(200_000, 45);
		const asker = new Device('asker', { stallTimeoutMs: STALL_MS });
		connectScripted(asker, 'staller', holderScript(() => img.size, stallAfter(1000, img.bytes)));
		const failure = asker.exchange.fetch(img.hash, img.size);
		await expect(failure).rejects.toBeInstanceOf(BlobUnavailableError);
		await expect(failure).rejects.toThrow(/No connected peer can send image .*staller: stopped sending \(no new byte for 0\.1 s\)/);
	});
});

describe('serving blobs to peers, within bounds', () => {
	/** A peer that sends `requests` at once and never reads: what it was sent stays in hand. */
	function asking(device: Device, name: string, requests: ControlMessage[]): void {
		const peer = connectScripted(device, name, () => {});
		device.channels.get(name)!.bytesPerTask = 0;
		for (const r of requests) peer.send(r);
	}
	const gets = (hash: string, n: number, from = 1): ControlMessage[] =>
		Array.from({ length: n }, (_, i) => ({ t: 'get', id: from + i, hash, offset: 0 }));
	const answers = (device: Device, peer: string) => device.sentTo(peer).map((m) => m.t).sort();

	it('serves a peer at most maxServesPerPeer requests at once and answers the rest "busy"', async () => {
		const img = await image(4 * MB, 46);
		const holder = new Device('holder', { maxServesPerPeer: 3 }).hold(img.hash, img.bytes);
		asking(holder, 'greedy', gets(img.hash, 4));
		await settle();
		expect(answers(holder, 'greedy')).toEqual(['busy', 'size', 'size', 'size']);
		expect(holder.lookups).toBe(3);
	});

	it('serves all peers together at most maxServesTotal requests at once', async () => {
		const img = await image(4 * MB, 47);
		const holder = new Device('holder', { maxServesPerPeer: 3, maxServesTotal: 4 }).hold(img.hash, img.bytes);
		asking(holder, 'first', gets(img.hash, 3));
		await settle();
		asking(holder, 'second', gets(img.hash, 2));
		await settle();
		expect(answers(holder, 'first')).toEqual(['size', 'size', 'size']);
		expect(answers(holder, 'second')).toEqual(['busy', 'size']);
	});

	it('drops a peer that asks far faster than it reads the answers, having looked up only a few blobs', async () => {
		const holder = new Device('holder', { chunkBytes: 1024, highWaterBytes: 2048 });
		const [toFlooder, flooderEnd] = channelPair();
		toFlooder.bytesPerTask = 0; // the flooder never reads: the holder's send buffer stays full
		holder.exchange.addPeer('flooder', toFlooder);
		const flood = MAX_QUEUED_CONTROLS * 4;
		for (let id = 1; id <= flood; id++) flooderEnd.send(JSON.stringify({ t: 'ask', id, hash: HASH }));
		await settle();
		expect(holder.exchange.peers).toEqual([]);
		expect(holder.lookups).toBeLessThanOrEqual(8); // the default maxServesPerPeer
	});

	it('lets an asker answered "busy" get the blob later from the same peer', async () => {
		const [x, y, z] = await Promise.all([image(1 * MB, 48), image(1 * MB, 49), image(1 * MB, 50)]);
		const asker = new Device('asker', { busyRetryMs: 20 });
		const holder = new Device('holder', { maxServesPerPeer: 1 });
		for (const img of [x, y, z]) holder.hold(img.hash, img.bytes);
		connect(asker, holder);
		const got = await Promise.all([x, y, z].map((img) => asker.exchange.fetch(img.hash, img.size)));
		[x, y, z].forEach((img, i) => expectSameBytes(got[i], img));
		expect(holder.sentTo('asker').some((m) => m.t === 'busy')).toBe(true);
	});

	it('takes the blob from another peer while the first is busy', async () => {
		const img = await image(1 * MB, 51);
		const asker = new Device('asker', { busyRetryMs: 60_000 }); // the busy one is not asked again in this test
		const busy = connectScripted(asker, 'busy', (m, peer) => m.t !== 'cancel' && peer.send({ t: 'busy', id: m.id }));
		connect(asker, new Device('free').hold(img.hash, img.bytes));
		expectSameBytes(await asker.exchange.fetch(img.hash, img.size), img);
		expect(busy.received.map((m) => m.t)).toEqual(['ask']);
	});
});
