import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { readSyncMessage, writeSyncStep1 } from 'y-protocols/sync';
import { JoinCoordinator, type JoinClock, type JoinDoc, type JoinLink, type JoinSplit } from '$lib/sync/join-coordinator';
import { splitState } from '$lib/model/update-parts';
import { applyPassingOn } from '$lib/model/pass-on';
import { inParts, readAnnouncement } from '$lib/sync/join-parts';

/**
 * Peers that talk as y-webrtc does (step 1 on connect, answer step 1 with step 2, pass every update
 * on to the other peers but the one it came from) through a JoinCoordinator each, over in-memory
 * links whose messages are delivered one at a time when the test pumps them.
 */

const SPLIT = { above: 20_000, partBytes: 4_000, firstPartBytes: 1_000 };
/**
 * Whether the peers write a large answer straight from their document and pass a join's parts on as
 * they came (as the app does), or split Yjs' answer and let Yjs write each part again.
 */
const mode = { fromStore: true };

function joinDoc(doc: Y.Doc, fromStore = mode.fromStore): JoinDoc {
	return {
		stateVector: () => Y.encodeStateVector(doc),
		missing: (sv) => Y.encodeStateAsUpdate(doc, sv),
		...(fromStore
			? {
					missingInParts: (sv: Uint8Array, split: JoinSplit) => splitState(doc, Y.decodeStateVector(sv), split.partBytes, split.above, split.firstPartBytes),
					applyPassingOn: (update: Uint8Array, apply: () => void) => applyPassingOn(doc, update, apply)
				}
			: {})
	};
}

class Link implements JoinLink {
	bytesReceived = 0;
	closed = false;
	remote!: Link;
	/** Bytes of document changes (step 2, update) that arrived here. */
	changeBytes = 0;
	constructor(
		readonly owner: Peer,
		readonly net: Net
	) {}
	sendNow(message: Uint8Array): void {
		if (this.closed) throw new Error('closed');
		this.net.queue.push({ to: this.remote, message: message.slice() });
	}
}

class Net {
	queue: { to: Link; message: Uint8Array }[] = [];
	/** Messages from these peers are lost (a peer that went silent). */
	mute = new Set<Peer>();
	pump(limit = Infinity) {
		for (let n = 0; n < limit && this.queue.length; n++) {
			const { to, message } = this.queue.shift()!;
			if (to.closed || this.mute.has(to.remote.owner)) continue;
			to.bytesReceived += message.byteLength;
			to.owner.receive(to, message);
		}
	}
}

class FakeClock implements JoinClock {
	t = 0;
	private fns: (() => void)[] = [];
	now = () => this.t;
	every(_ms: number, fn: () => void) {
		this.fns.push(fn);
		return () => {};
	}
	tick(ms: number) {
		this.t += ms;
		for (const fn of this.fns) fn();
	}
}

class Peer {
	readonly doc = new Y.Doc();
	readonly links: Link[] = [];
	readonly join: JoinCoordinator<Link>;
	/** True whenever an update left something pending here. */
	everPending = false;
	constructor(
		readonly name: string,
		readonly clock: FakeClock
	) {
		this.join = new JoinCoordinator<Link>(
			joinDoc(this.doc),
			{ silentMs: 10_000, stalledMs: 30_000, seenFreshMs: 60_000 },
			clock,
			SPLIT
		);
		this.doc.on('update', (update: Uint8Array, origin: unknown) => {
			const from = origin instanceof Link ? origin : null;
			for (const link of this.links) {
				if (link === from || (from && !this.join.forwardsTo(link))) continue;
				this.send(link, syncMessage(2, update));
			}
		});
		this.doc.on('afterTransaction', () => {
			if ((this.doc.store as unknown as { pendingStructs: unknown }).pendingStructs) this.everPending = true;
		});
	}
	send(link: Link, message: Uint8Array) {
		if (link.closed) return;
		for (const m of this.join.outbound(link, message)) link.sendNow(m);
	}
	receive(link: Link, message: Uint8Array) {
		if (message[0] === 0 && message[1] !== 0) link.changeBytes += message.byteLength;
		this.join.inbound(link, message, () => {
			if (message[0] !== 0) throw new Error('y-webrtc would not know this message');
			const encoder = encoding.createEncoder();
			encoding.writeVarUint(encoder, 0);
			const type = readSyncMessage(decoding.createDecoder(message.subarray(1)), encoder, this.doc, link);
			if (type === 0) this.send(link, encoding.toUint8Array(encoder));
		});
	}
	/** Bytes of document changes this peer received over all its links. */
	get changeBytes() {
		return this.links.reduce((sum, l) => sum + l.changeBytes, 0);
	}
}

function syncMessage(type: number, update: Uint8Array) {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	encoding.writeVarUint(encoder, type);
	encoding.writeVarUint8Array(encoder, update);
	return encoding.toUint8Array(encoder);
}

function stepOne(doc: Y.Doc) {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	writeSyncStep1(encoder, doc);
	return encoding.toUint8Array(encoder);
}

/** Both ends open: each sends its step 1 (y-webrtc's 'connect'). */
function connect(net: Net, a: Peer, b: Peer) {
	const ab = new Link(a, net);
	const ba = new Link(b, net);
	ab.remote = ba;
	ba.remote = ab;
	a.links.push(ab);
	b.links.push(ba);
	a.send(ab, stepOne(a.doc));
	b.send(ba, stepOne(b.doc));
	return ab;
}

function disconnect(a: Peer, b: Peer) {
	const ab = a.links.find((l) => l.remote.owner === b)!;
	for (const [end, owner] of [
		[ab, a],
		[ab.remote, b]
	] as const) {
		end.closed = true;
		owner.links.splice(owner.links.indexOf(end), 1);
		owner.join.closed(end);
	}
}

/** A project of `n` annotations as one device made them. */
function project(n: number, seed = 1): Uint8Array {
	const doc = new Y.Doc();
	doc.clientID = seed;
	const map = doc.getMap('a');
	for (let i = 0; i < n; i++) map.set(`annotation-${i}`, `label ${i % 7}, geometry ${'0123456789'.repeat(8)}`);
	return Y.encodeStateAsUpdate(doc);
}

/** Peers by name; those named in `holders` have the project. */
function setup(names: string[], holders: string[], n = 600) {
	const clock = new FakeClock();
	const net = new Net();
	const peers = names.map((name) => new Peer(name, clock));
	const whole = project(n);
	for (const p of peers) if (holders.includes(p.name)) Y.applyUpdate(p.doc, whole);
	return { clock, net, peers, whole };
}

const annotations = (p: Peer) => p.doc.getMap('a').size;

for (const fromStore of [true, false])
describe(`a join answered by one peer, in parts (${fromStore ? 'written from the document' : "Yjs' answer split"})`, () => {
	beforeAll(() => void (mode.fromStore = fromStore));
	afterAll(() => void (mode.fromStore = true));

	it('splits a large step 2 into an announcement and parts that rebuild it, the last one a step 2', () => {
		const whole = project(600);
		const messages = inParts(syncMessage(1, whole), SPLIT.above, SPLIT.partBytes);
		const announced = readAnnouncement(messages[0])!;
		const parts = messages.slice(1);
		expect(announced).toEqual({ parts: parts.length, total: parts.reduce((s, m) => s + m.byteLength, 0) });
		expect(parts.length).toBeGreaterThan(10);
		expect(parts.slice(0, -1).every((m) => m[0] === 0 && m[1] === 2)).toBe(true);
		expect(parts.at(-1)!.subarray(0, 2)).toEqual(new Uint8Array([0, 1]));
		// A small one, or anything else, goes as it is.
		expect(inParts(syncMessage(1, whole), whole.byteLength + 10)).toHaveLength(1);
		expect(inParts(syncMessage(2, whole), SPLIT.above)).toHaveLength(1);
	});

	it('applies the parts of a join one per task, and what comes behind them after them', async () => {
		const waiting: (() => void)[] = [];
		const nextTask = () => new Promise<void>((resolve) => waiting.push(resolve));
		const runTask = async () => {
			waiting.shift()!();
			await new Promise((r) => setTimeout(r, 0));
		};
		const doc = new Y.Doc();
		const join = new JoinCoordinator<Link>(
			{ stateVector: () => Y.encodeStateVector(doc), missing: (sv) => Y.encodeStateAsUpdate(doc, sv) },
			undefined,
			new FakeClock(),
			SPLIT,
			nextTask
		);
		const link = new Link(new Peer('X', new FakeClock()), new Net());
		const [announcement, ...parts] = inParts(syncMessage(1, project(600)), SPLIT.above, SPLIT.partBytes);
		const applied: string[] = [];
		const receive = (m: Uint8Array, name: string) => join.inbound(link, m, () => applied.push(name));
		expect(join.outbound(link, stepOne(doc))).toHaveLength(1); // asked
		receive(announcement, 'announcement');
		receive(parts[0], 'part 0');
		receive(new Uint8Array([1, 0]), 'presence'); // behind the part
		receive(parts[1], 'part 1');
		expect(applied).toEqual([]);
		expect(join.incoming).not.toBeNull();
		await runTask();
		expect(applied).toEqual(['part 0']);
		await runTask();
		await runTask();
		expect(applied).toEqual(['part 0', 'presence', 'part 1']);
		join.destroy();
	});

	it('a new peer gets the project once from two teammates, in parts, with nothing pending', () => {
		const { net, peers, whole } = setup(['A', 'B', 'J'], ['A', 'B']);
		const [a, b, j] = peers;
		connect(net, a, b);
		net.pump();
		const before = a.changeBytes + b.changeBytes;
		connect(net, j, a);
		connect(net, j, b);
		let sawProgress = false;
		j.join.onprogress = () => (sawProgress ||= j.join.incoming !== null && j.join.incoming.received < j.join.incoming.total);
		net.pump();
		expect(annotations(j)).toBe(600);
		expect(sawProgress).toBe(true);
		expect(j.join.incoming).toBeNull();
		expect(j.everPending).toBe(false);
		// Once, not twice: J received about the project's size of changes.
		expect(j.changeBytes).toBeGreaterThan(whole.byteLength);
		expect(j.changeBytes).toBeLessThan(whole.byteLength * 1.3);
		// The teammates did not get the project back from J either.
		expect(a.changeBytes + b.changeBytes - before).toBeLessThan(whole.byteLength * 0.1);
	});

	it('when the answering peer leaves mid-join, another takes over from the part reached', () => {
		const { net, peers, whole } = setup(['A', 'B', 'J'], ['A', 'B']);
		const [a, b, j] = peers;
		b.doc.getMap('a').set('only-on-b', 'x'); // B has one more
		connect(net, a, b);
		net.pump();
		connect(net, j, a); // asked first: A answers
		connect(net, j, b);
		while (annotations(j) < 200) net.pump(1);
		const reached = j.changeBytes;
		expect(reached).toBeLessThan(whole.byteLength * 0.8);
		disconnect(j, a);
		net.pump();
		expect(annotations(j)).toBe(601);
		expect(j.doc.getMap('a').get('only-on-b')).toBe('x');
		expect(j.everPending).toBe(false);
		// B sent what was still missing, not the whole project again.
		expect(j.changeBytes).toBeLessThan(whole.byteLength * 1.3);
	});

	it('a silent answering peer is passed over for one that answers', () => {
		const { net, peers, clock } = setup(['A', 'B', 'J'], ['A', 'B']);
		const [a, b, j] = peers;
		net.mute.add(a);
		connect(net, j, a);
		connect(net, j, b);
		net.pump();
		expect(annotations(j)).toBe(0); // B stands by while A is asked
		clock.tick(10_000); // A was asked, nothing came: still counted from the question
		clock.tick(10_000);
		net.pump();
		expect(annotations(j)).toBe(600);
	});

	it('a slow peer with no one else to ask keeps answering: a teammate who comes later stands by until it is silent', () => {
		const { net, peers, clock } = setup(['A', 'B', 'J'], ['A', 'B']);
		const [a, b, j] = peers;
		net.mute.add(a);
		connect(net, j, a);
		net.pump();
		clock.tick(10_000);
		clock.tick(10_000);
		connect(net, j, b);
		net.pump();
		expect(annotations(j)).toBe(0); // still A's turn
		clock.tick(10_000);
		net.pump();
		expect(annotations(j)).toBe(600);
	});

	it('a peer that keeps its link busy without answering is passed over after a while', () => {
		const { net, peers, clock } = setup(['A', 'B', 'J'], ['A', 'B']);
		const [a, b, j] = peers;
		net.mute.add(a);
		const ja = connect(net, j, a);
		connect(net, j, b);
		net.pump();
		for (let t = 0; t < 2; t++) {
			ja.bytesReceived += 100; // presence, say: never an answer
			clock.tick(10_000);
		}
		net.pump();
		expect(annotations(j)).toBe(0); // not silent yet
		ja.bytesReceived += 100;
		clock.tick(10_000); // 30 s without anything applied from it
		net.pump();
		expect(annotations(j)).toBe(600);
	});

	it('takes an announcement of parts only from the peer it asked', () => {
		const { net, peers } = setup(['A', 'M', 'J'], ['A']);
		const [a, m, j] = peers;
		connect(net, j, a); // asked
		const jm = connect(net, j, m);
		const [announcement] = inParts(syncMessage(1, project(600)), SPLIT.above, SPLIT.partBytes);
		j.receive(jm, announcement); // M was not asked: nothing is shown as arriving from it
		expect(j.join.incoming).toBeNull();
		net.pump();
		expect(annotations(j)).toBe(600);
		expect(j.join.incoming).toBeNull();
	});

	it('a peer that cannot prove edit rights is passed over', () => {
		const { net, peers } = setup(['V', 'B', 'J'], ['B']);
		const [v, b, j] = peers;
		const jv = connect(net, j, v);
		connect(net, j, b);
		j.join.refused(jv); // its gate drops what it sends
		net.pump();
		expect(annotations(j)).toBe(600);
	});

	it('carries the project across a partial mesh A-J-C, to C once, after the join', () => {
		const { net, peers, whole } = setup(['A', 'J', 'C'], ['A']);
		const [a, j, c] = peers;
		connect(net, j, c); // C, another new device, knows J only
		net.pump();
		connect(net, j, a);
		net.pump();
		expect(annotations(j)).toBe(600);
		expect(annotations(c)).toBe(600);
		expect(c.everPending).toBe(false);
		expect(c.changeBytes).toBeLessThan(whole.byteLength * 1.3);
	});

	it('a teammate who already has everything gets nothing of it again', () => {
		const { net, peers, whole } = setup(['A', 'J', 'C'], ['A', 'C']);
		const [a, j, c] = peers;
		connect(net, a, c);
		net.pump();
		const before = c.changeBytes;
		connect(net, j, a);
		connect(net, c, j);
		net.pump();
		expect(annotations(j)).toBe(600);
		expect(c.changeBytes - before).toBeLessThan(whole.byteLength * 0.1);
	});

	it('answers a large step 1 itself, written from the document: Yjs writes no whole update; a small one Yjs answers', () => {
		const doc = new Y.Doc();
		Y.applyUpdate(doc, project(600));
		let wholeUpdates = 0;
		const join = new JoinCoordinator<Link>(
			{ ...joinDoc(doc, true), missing: (sv) => (wholeUpdates++, Y.encodeStateAsUpdate(doc, sv)) },
			undefined,
			new FakeClock(),
			SPLIT
		);
		const net = new Net();
		const link = new Link(new Peer('X', new FakeClock()), net);
		link.remote = link;
		let delivered = 0;
		join.inbound(link, stepOne(new Y.Doc()), () => delivered++);
		expect(delivered).toBe(0);
		expect(wholeUpdates).toBe(0);
		const [announcement, ...parts] = net.queue.map((q) => q.message);
		expect(readAnnouncement(announcement)).toEqual({ parts: parts.length, total: parts.reduce((s, m) => s + m.byteLength, 0) });
		expect(parts.length).toBeGreaterThan(10);
		expect(parts.at(-1)!.subarray(0, 2)).toEqual(new Uint8Array([0, 1]));
		const receiver = new Y.Doc();
		for (const m of parts) Y.applyUpdate(receiver, decoding.readVarUint8Array(decoding.createDecoder(m.subarray(2))));
		expect(receiver.getMap('a').toJSON()).toEqual(doc.getMap('a').toJSON());
		// A peer that lacks only a little: y-webrtc answers as usual.
		net.queue = [];
		const almost = new Y.Doc();
		Y.applyUpdate(almost, project(590));
		join.inbound(link, stepOne(almost), () => delivered++);
		expect(delivered).toBe(1);
		expect(net.queue).toHaveLength(0);
		join.destroy();
	});
});
