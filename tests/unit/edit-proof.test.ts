import { describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import { writeSyncStep1, writeSyncStep2, writeUpdate } from 'y-protocols/sync';
import { EditGate, messageKind } from '$lib/sync/edit-gate';
import { EditProof, type EditKeys } from '$lib/sync/edit-proof';
import { editSecretId, proofKey } from '$lib/sync/edit-keys';
import { newProjectKey } from '$lib/sync/invite';
import { channelPair as rawPair, type FakeDataChannel } from './fake-data-channel';

/** Data channels as the app sets them up: binary messages arrive as ArrayBuffers. */
function channelPair(): [FakeDataChannel, FakeDataChannel] {
	const pair = rawPair();
	for (const c of pair) c.binaryType = 'arraybuffer';
	return pair;
}

/** y-webrtc's messages, as it writes them. */
function message(write: (e: encoding.Encoder) => void): ArrayBuffer {
	const e = encoding.createEncoder();
	write(e);
	return encoding.toUint8Array(e).slice().buffer;
}
const doc = new Y.Doc();
doc.getMap('m').set('a', 1);
const step1 = message((e) => (encoding.writeVarUint(e, 0), writeSyncStep1(e, doc)));
const step2 = message((e) => (encoding.writeVarUint(e, 0), writeSyncStep2(e, doc)));
const update = message((e) => (encoding.writeVarUint(e, 0), writeUpdate(e, Y.encodeStateAsUpdate(doc))));
const awareness = message((e) => (encoding.writeVarUint(e, 1), encoding.writeVarUint8Array(e, new Uint8Array([0]))));
const queryAwareness = message((e) => encoding.writeVarUint(e, 3));
const bcPeer = message((e) => (encoding.writeVarUint(e, 4), encoding.writeUint8(e, 1), encoding.writeVarString(e, 'x')));

function gateLog(gate: EditGate) {
	const delivered: ArrayBuffer[] = [];
	return { delivered, receive: (m: ArrayBuffer) => gate.receive(m, (x) => delivered.push(x)) };
}

describe('the edit gate', () => {
	it('reads the kind of every y-webrtc message', () => {
		expect([step1, step2, update, awareness, queryAwareness, bcPeer].map((m) => messageKind(new Uint8Array(m)))).toEqual([
			'step1',
			'step2',
			'update',
			'awareness',
			'query-awareness',
			'bc-peer-id'
		]);
		expect(messageKind(new Uint8Array([0, 7]))).toBe('unknown');
		expect(messageKind(new Uint8Array([0x80]))).toBe('unknown'); // a varuint cut short
	});

	it('lets requests and presence of an unproven peer through, holds its changes, and applies them in order once proven', async () => {
		const gate = new EditGate(true);
		const { delivered, receive } = gateLog(gate);
		for (const m of [step1, update, awareness, step2, queryAwareness, bcPeer]) receive(m);
		expect(delivered).toEqual([step1, awareness, queryAwareness]);
		expect(gate.prove()).toBe(false);
		await gate.drained(); // one per task (edit-gate.test.ts)
		expect(delivered).toEqual([step1, awareness, queryAwareness, update, step2]);
		receive(update);
		expect(delivered.at(-1)).toBe(update);
	});

	it('drops the changes of a peer that cannot prove edit rights, held and later ones', () => {
		const gate = new EditGate(true);
		const { delivered, receive } = gateLog(gate);
		receive(step2);
		gate.refuse();
		receive(update);
		receive(step1);
		receive(awareness);
		expect(delivered).toEqual([step1, awareness]);
		expect(gate.prove()).toBe(false); // settled once
		receive(update);
		expect(delivered).toEqual([step1, awareness]);
	});

	it('holds at most its bound, then drops what it held and says changes were missed', () => {
		const bytes = update.byteLength;
		const gate = new EditGate(true, { messages: 3, bytes: 3 * bytes });
		const { delivered, receive } = gateLog(gate);
		for (let i = 0; i < 3; i++) receive(update); // exactly at the bound: kept
		expect(gate.missed).toBe(false);
		receive(update); // one over
		expect(gate.missed).toBe(true);
		receive(step2);
		expect(gate.prove()).toBe(true);
		expect(delivered).toEqual([step2]);
	});

	it('is open on a viewer: it applies what editors send (it cannot check their proofs)', () => {
		const { delivered, receive } = gateLog(new EditGate(false));
		for (const m of [step2, update, bcPeer]) receive(m);
		expect(delivered).toEqual([step2, update]);
	});
});

async function keys(secret: string, retired: string[] = []): Promise<EditKeys> {
	const prepare = async (s: string) => ({ id: await editSecretId(s), key: await proofKey(s) });
	return { current: await prepare(secret), retired: await Promise.all(retired.map(prepare)) };
}

interface Side {
	gate: EditGate;
	retired: boolean;
	proven: boolean;
}

/** Two devices on one connection, each with its keys (null: a viewer). */
async function connect(aKeys: EditKeys | null, bKeys: EditKeys | null): Promise<[Side, Side]> {
	const [a, b] = channelPair();
	const side = (channel: FakeDataChannel, own: EditKeys | null, local: string, remote: string): Side => {
		const s: Side = { gate: new EditGate(own !== null), retired: false, proven: false };
		new EditProof(channel, own, s.gate, () => ({ local, remote }), {
			onProven: () => (s.proven = true),
			onRetired: () => (s.retired = true)
		});
		return s;
	};
	const sides: [Side, Side] = [side(a, aKeys, 'sha-256 aa', 'sha-256 bb'), side(b, bKeys, 'sha-256 bb', 'sha-256 aa')];
	await settled(sides);
	return sides;
}

async function settled(sides: Side[]) {
	for (let i = 0; i < 200 && sides.some((s) => s.gate.state === 'waiting'); i++) await new Promise((r) => setTimeout(r, 1));
}

describe('the edit proof on a connection', () => {
	it('two editors with the same secret prove it to each other', async () => {
		const secret = newProjectKey();
		const [a, b] = await connect(await keys(secret), await keys(secret));
		expect([a.gate.state, b.gate.state]).toEqual(['proven', 'proven']);
		expect([a.retired, b.retired]).toEqual([false, false]);
	});

	it('editors with different secrets refuse each other', async () => {
		const [a, b] = await connect(await keys(newProjectKey()), await keys(newProjectKey()));
		expect([a.gate.state, b.gate.state]).toEqual(['refused', 'refused']);
	});

	it('an editor refuses a viewer; the viewer applies the editor', async () => {
		const [editor, viewer] = await connect(await keys(newProjectKey()), null);
		expect([editor.gate.state, viewer.gate.state]).toEqual(['refused', 'open']);
	});

	it('an old edit secret is told it was replaced by an editor who kept it, and applies that editor', async () => {
		const old = newProjectKey();
		const [editor, stale] = await connect(await keys(newProjectKey(), [old]), await keys(old));
		expect(editor.gate.state).toBe('refused'); // the stale device's changes do not apply
		expect(stale.gate.state).toBe('proven');
		expect(stale.retired).toBe(true);
	});

	it('a proof replayed from another connection, or reflected back, or our own nonce sent back, is refused', async () => {
		const secret = newProjectKey();
		const own = await keys(secret);
		// Record what an honest editor sends on one connection.
		const [rec, peer] = channelPair();
		const recorded: ArrayBuffer[] = [];
		peer.addEventListener('message', (ev) => recorded.push((ev as MessageEvent).data));
		new EditProof(rec, own, new EditGate(true), () => ({ local: 'sha-256 aa', remote: 'sha-256 bb' }), { onProven() {}, onRetired() {} });
		const [victimEnd, mallory] = channelPair();
		const malloryGot: ArrayBuffer[] = [];
		mallory.addEventListener('message', (ev) => malloryGot.push((ev as MessageEvent).data));
		const victim = new EditGate(true);
		new EditProof(victimEnd, own, victim, () => ({ local: 'sha-256 aa', remote: 'sha-256 bb' }), { onProven() {}, onRetired() {} });
		await new Promise((r) => setTimeout(r, 5));
		// Mallory (no secret) answers the victim with a nonce of her own, gets the victim's proof for it
		// and sends it back, then replays the recorded session's nonce-and-proof.
		mallory.send(recorded[0]); // a NONCE with the right secret id (ids are public on the wire)
		await new Promise((r) => setTimeout(r, 5));
		const victimsProof = malloryGot.find((m) => new Uint8Array(m)[0] === 2)!;
		expect(victimsProof).toBeDefined();
		mallory.send(victimsProof); // reflected
		await new Promise((r) => setTimeout(r, 5));
		expect(victim.state).toBe('refused');

		// Replayed: a proof made for the recorded connection's nonces.
		const [end2, mallory2] = channelPair();
		const victim2 = new EditGate(true);
		new EditProof(end2, own, victim2, () => ({ local: 'sha-256 aa', remote: 'sha-256 bb' }), { onProven() {}, onRetired() {} });
		mallory2.send(recorded[0]);
		const honest = new EditGate(true);
		// An honest editor's proof to that recorded nonce, made on another connection.
		const [h1, h2] = channelPair();
		const fromHonest: ArrayBuffer[] = [];
		h2.addEventListener('message', (ev) => fromHonest.push((ev as MessageEvent).data));
		new EditProof(h1, own, honest, () => ({ local: 'sha-256 aa', remote: 'sha-256 bb' }), { onProven() {}, onRetired() {} });
		h2.send(recorded[0]);
		await new Promise((r) => setTimeout(r, 5));
		mallory2.send(fromHonest.find((m) => new Uint8Array(m)[0] === 2)!);
		await new Promise((r) => setTimeout(r, 5));
		expect(victim2.state).toBe('refused');

		// Our own nonce sent back.
		const [end3, mallory3] = channelPair();
		const victim3 = new EditGate(true);
		const got3: ArrayBuffer[] = [];
		mallory3.addEventListener('message', (ev) => got3.push((ev as MessageEvent).data));
		new EditProof(end3, own, victim3, () => ({ local: 'sha-256 aa', remote: 'sha-256 aa' }), { onProven() {}, onRetired() {} });
		await new Promise((r) => setTimeout(r, 5));
		mallory3.send(got3[0]);
		await new Promise((r) => setTimeout(r, 5));
		expect(victim3.state).toBe('refused');
	});
});
