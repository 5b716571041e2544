import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { seededRandom } from '$lib/geometry/random';
import { splitState, splitUpdate } from '$lib/model/update-parts';

/**
 * Several devices edit one map (set, overwrite, delete; nested maps) and one array (inserts at random
 * places, deletes) and exchange updates now and then, so items of one client refer to items of others:
 * the order in which parts are applied then matters.
 */
function editedTogether(seed: number, devices = 4, rounds = 30): Y.Doc {
	const rand = seededRandom(seed);
	const docs = Array.from({ length: devices }, (_, i) => {
		const doc = new Y.Doc();
		doc.clientID = 1000 + i * 7919; // fixed: the split order depends on client ids
		return doc;
	});
	const pick = (n: number) => Math.floor(rand() * n);
	for (let round = 0; round < rounds; round++) {
		for (const doc of docs) {
			const map = doc.getMap('m');
			const list = doc.getArray<string>('a');
			for (let op = 0; op < 8; op++) {
				const r = rand();
				if (r < 0.35) map.set(`k${pick(40)}`, `v${round}-${op}-${'x'.repeat(pick(30))}`);
				else if (r < 0.45) map.delete(`k${pick(40)}`);
				else if (r < 0.55) {
					const inner = new Y.Map<number>();
					map.set(`n${pick(10)}`, inner);
					inner.set('x', pick(1000));
				} else if (r < 0.65) {
					const inner = map.get(`n${pick(10)}`);
					if (inner instanceof Y.Map) inner.set(`y${pick(5)}`, pick(1000));
				} else if (r < 0.9 || list.length === 0) list.insert(pick(list.length + 1), [`e${round}-${op}`]);
				else {
					const at = pick(list.length);
					list.delete(at, Math.min(1 + pick(3), list.length - at));
				}
			}
		}
		// Some pairs exchange what they have.
		for (let k = 0; k < 2; k++) {
			const [a, b] = [docs[pick(devices)], docs[pick(devices)]];
			Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
		}
	}
	const all = new Y.Doc();
	for (const doc of docs) Y.applyUpdate(all, Y.encodeStateAsUpdate(doc));
	return all;
}

const pending = (doc: Y.Doc) => {
	const store = doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
	return { structs: store.pendingStructs, ds: store.pendingDs };
};

/** Applies the parts in order; true when none of them left anything pending. */
function applyAll(receiver: Y.Doc, parts: Uint8Array[]): boolean {
	let clean = true;
	for (const part of parts) {
		Y.applyUpdate(receiver, part);
		if (pending(receiver).structs !== null) clean = false;
	}
	return clean && pending(receiver).ds === null;
}

const same = (a: Y.Doc, b: Y.Doc) => {
	expect(Y.encodeStateVector(b)).toEqual(Y.encodeStateVector(a));
	expect(b.getMap('m').toJSON()).toEqual(a.getMap('m').toJSON());
	expect(b.getArray('a').toJSON()).toEqual(a.getArray('a').toJSON());
	// Deletions arrived too: the delete sets match.
	expect(Y.equalDeleteSets(Y.createDeleteSetFromStructStore(b.store), Y.createDeleteSetFromStructStore(a.store))).toBe(true);
};

describe('splitUpdate', () => {
	it('gives an update no larger than the limit back as it is', () => {
		const source = editedTogether(1, 2, 2);
		const update = Y.encodeStateAsUpdate(source);
		expect(splitUpdate(update, update.byteLength)).toEqual([update]);
		expect(splitUpdate(update, update.byteLength - 1).length).toBeGreaterThan(1);
	});

	for (const seed of [3, 17, 42, 99]) {
		it(`splits concurrent edits (seed ${seed}) into parts that apply in order with nothing pending`, () => {
			const source = editedTogether(seed);
			const update = Y.encodeStateAsUpdate(source);
			const maxBytes = 600;
			const parts = splitUpdate(update, maxBytes);
			expect(parts.length).toBeGreaterThan(10);
			for (const part of parts) {
				if (part.byteLength > maxBytes) expect(Y.decodeUpdate(part).structs).toHaveLength(1);
			}
			const receiver = new Y.Doc();
			expect(applyAll(receiver, parts)).toBe(true);
			same(source, receiver);
		});
	}

	it('splits what a receiver lacks, against its state vector', () => {
		const source = editedTogether(7);
		const receiver = new Y.Doc();
		// The receiver has an older state of the same project.
		const older = editedTogether(7, 4, 12);
		Y.applyUpdate(receiver, Y.encodeStateAsUpdate(older));
		const parts = splitUpdate(Y.encodeStateAsUpdate(source, Y.encodeStateVector(receiver)), 500);
		expect(parts.length).toBeGreaterThan(3);
		expect(applyAll(receiver, parts)).toBe(true);
		same(source, receiver);
	});

	it('gives a struct larger than the limit a part of its own', () => {
		const source = new Y.Doc();
		source.getMap('m').set('small', 'a');
		source.getMap('m').set('big', 'b'.repeat(5000));
		source.getMap('m').set('after', 'c');
		const parts = splitUpdate(Y.encodeStateAsUpdate(source), 1000);
		const big = parts.filter((p) => p.byteLength > 1000);
		expect(big).toHaveLength(1);
		expect(Y.decodeUpdate(big[0]).structs).toHaveLength(1);
		const receiver = new Y.Doc();
		expect(applyAll(receiver, parts)).toBe(true);
		expect(receiver.getMap('m').toJSON()).toEqual({ small: 'a', big: 'b'.repeat(5000), after: 'c' });
	});

	it('splits a delete set larger than the limit, after every struct', () => {
		const source = new Y.Doc();
		const list = source.getArray<number>('a');
		list.insert(0, Array.from({ length: 3000 }, (_, i) => i));
		// Every other element deleted: 1,500 ranges.
		source.transact(() => {
			for (let i = 1499; i >= 0; i--) list.delete(i * 2, 1);
		});
		const parts = splitUpdate(Y.encodeStateAsUpdate(source), 800);
		for (const part of parts) expect(part.byteLength).toBeLessThanOrEqual(800);
		const withDeletes = parts.filter((p) => Y.decodeUpdate(p).ds.clients.size > 0);
		expect(withDeletes.length).toBeGreaterThan(1);
		expect(parts.slice(parts.indexOf(withDeletes[0])).every((p) => Y.decodeUpdate(p).structs.length === 0 || p === withDeletes[0])).toBe(true);
		const receiver = new Y.Doc();
		expect(applyAll(receiver, parts)).toBe(true);
		expect(receiver.getArray('a').toJSON()).toEqual(list.toJSON());
	});

	it('ends on references that go round in a circle (not from a real document)', () => {
		// Client 1's item says it follows client 2's, and client 2's that it follows client 1's.
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 2);
		for (const [client, other] of [
			[2, 1],
			[1, 2]
		]) {
			encoding.writeVarUint(encoder, 1); // one struct
			encoding.writeVarUint(encoder, client);
			encoding.writeVarUint(encoder, 0); // first clock
			encoding.writeUint8(encoder, 0x80 | 8); // origin set, ContentAny
			encoding.writeVarUint(encoder, other);
			encoding.writeVarUint(encoder, 0);
			encoding.writeVarUint(encoder, 1);
			encoding.writeAny(encoder, 'x'.repeat(40));
		}
		encoding.writeVarUint(encoder, 0);
		const parts = splitUpdate(encoding.toUint8Array(encoder), 60);
		expect(parts.flatMap((p) => Y.decodeUpdate(p).structs.map((s) => s.id.client)).sort()).toEqual([1, 2]);
	});
});

describe('splitState', () => {
	for (const seed of [3, 42]) {
		it(`writes a document (seed ${seed}) in parts that apply in order with nothing pending, as splitting Yjs' whole update does`, () => {
			const source = editedTogether(seed);
			const parts = splitState(source, new Map(), 600)!;
			expect(parts.length).toBeGreaterThan(10);
			for (const part of parts) if (part.byteLength > 600) expect(Y.decodeUpdate(part).structs).toHaveLength(1);
			const receiver = new Y.Doc();
			expect(applyAll(receiver, parts)).toBe(true);
			same(source, receiver);
			// The same bytes in all as Yjs' update split.
			const total = (list: Uint8Array[]) => list.reduce((sum, p) => sum + p.byteLength, 0);
			expect(total(parts)).toBe(total(splitUpdate(Y.encodeStateAsUpdate(source), 600)));
		});
	}

	it('writes only what a receiver lacks, from inside a struct when it has the start of one', () => {
		const source = editedTogether(7);
		const receiver = new Y.Doc();
		Y.applyUpdate(receiver, Y.encodeStateAsUpdate(editedTogether(7, 4, 12)));
		// Text typed in two goes is one struct at the source; the receiver has only the first go.
		const text = new Y.Doc();
		text.clientID = 5;
		text.getText('t').insert(0, 'abc');
		Y.applyUpdate(receiver, Y.encodeStateAsUpdate(text));
		text.getText('t').insert(3, 'def'.repeat(300));
		Y.applyUpdate(source, Y.encodeStateAsUpdate(text));
		expect(source.store.clients.get(5)).toHaveLength(1);
		const parts = splitState(source, Y.decodeStateVector(Y.encodeStateVector(receiver)), 500)!;
		expect(parts.length).toBeGreaterThan(3);
		expect(applyAll(receiver, parts)).toBe(true);
		same(source, receiver);
		expect(receiver.getText('t').toString()).toBe('abc' + 'def'.repeat(300));
	});

	it('starts with small parts, each next one up to twice as large, up to the limit', () => {
		const source = new Y.Doc();
		for (let i = 0; i < 2000; i++) source.getMap('m').set(`key-${i}`, `value ${i} `.repeat(3));
		const parts = splitState(source, new Map(), 4000, 0, 500)!;
		const limits = parts.map((_, i) => Math.min(4000, 500 * 2 ** i));
		parts.forEach((p, i) => expect(p.byteLength).toBeLessThanOrEqual(limits[i]));
		// Filled near each limit (a struct is about 40 bytes).
		parts.slice(0, -1).forEach((p, i) => expect(p.byteLength).toBeGreaterThan(limits[i] - 100));
		expect(parts.slice(4, -1).every((p) => p.byteLength > 3900)).toBe(true);
		const receiver = new Y.Doc();
		expect(applyAll(receiver, parts)).toBe(true);
		expect(receiver.getMap('m').toJSON()).toEqual(source.getMap('m').toJSON());
	});

	it('leaves an answer of at most `above` bytes to Yjs, and one that holds changes not yet applied', () => {
		const source = editedTogether(11, 2, 4);
		const all = splitState(source, new Map(), 300)!;
		const bytes = all.reduce((sum, p) => sum + p.byteLength, 0);
		expect(splitState(source, new Map(), 300, bytes)).toBeNull();
		expect(splitState(source, new Map(), 300, Math.floor(bytes / 2))).not.toBeNull();
		// Nothing missing at all.
		expect(splitState(source, Y.decodeStateVector(Y.encodeStateVector(source)), 300)).toBeNull();
		// An update whose start has not arrived: Yjs keeps it pending, and merges it into its own answer.
		const later = new Y.Doc();
		later.clientID = 77;
		later.getMap('m').set('x', 1);
		later.getMap('m').set('y', 2);
		const first = Y.encodeStateAsUpdate(later);
		later.getMap('m').set('z', 3);
		Y.applyUpdate(source, Y.diffUpdate(Y.encodeStateAsUpdate(later), Y.encodeStateVectorFromUpdate(first)));
		expect(source.store.pendingStructs).not.toBeNull();
		expect(splitState(source, new Map(), 300)).toBeNull();
	});
});
