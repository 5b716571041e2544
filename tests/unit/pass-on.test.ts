import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyPassingOn } from '$lib/model/pass-on';

/** A doc whose 'update' listener keeps what it is given, as storage does. */
function storedDoc() {
	const doc = new Y.Doc();
	const got: { update: Uint8Array; origin: unknown; tr: Y.Transaction }[] = [];
	doc.on('update', (update: Uint8Array, origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => void got.push({ update, origin, tr }));
	/** The doc as a reload would see it: only what the listener kept. */
	const reloaded = () => {
		const copy = new Y.Doc();
		for (const g of got) Y.applyUpdate(copy, g.update);
		return copy;
	};
	return { doc, got, reloaded };
}

function source(n: number, client = 1) {
	const doc = new Y.Doc();
	doc.clientID = client;
	for (let i = 0; i < n; i++) doc.getMap('a').set(`k${i}`, `value ${i}`);
	return doc;
}

const ORIGIN = { peer: 'p' };

describe('applyPassingOn', () => {
	it('hands the listeners the update as it came, with its origin and transaction, instead of Yjs writing it again', () => {
		const { doc, got, reloaded } = storedDoc();
		const update = Y.encodeStateAsUpdate(source(50));
		applyPassingOn(doc, update, () => Y.applyUpdate(doc, update, ORIGIN));
		expect(got).toHaveLength(1);
		expect(got[0].update).toBe(update);
		expect(got[0].origin).toBe(ORIGIN);
		expect(got[0].tr.origin).toBe(ORIGIN);
		expect(reloaded().getMap('a').toJSON()).toEqual(doc.getMap('a').toJSON());
		// The listeners are back: a later change reaches them as Yjs writes it.
		doc.getMap('a').set('later', 1);
		expect(got).toHaveLength(2);
		expect(got[1].update).not.toBe(update);
		expect(reloaded().getMap('a').get('later')).toBe(1);
	});

	it('gives nothing for an update that changes nothing, as Yjs does', () => {
		const { doc, got } = storedDoc();
		const update = Y.encodeStateAsUpdate(source(5));
		Y.applyUpdate(doc, update);
		expect(got).toHaveLength(1);
		applyPassingOn(doc, update, () => Y.applyUpdate(doc, update, ORIGIN));
		expect(got).toHaveLength(1);
	});

	it('keeps what observers write in reaction, after the update that caused it', () => {
		const { doc, got, reloaded } = storedDoc();
		doc.getMap('a').observe((e) => {
			if (e.transaction.origin === ORIGIN) doc.transact(() => doc.getMap('seen').set('count', doc.getMap('a').size), 'observer');
		});
		const update = Y.encodeStateAsUpdate(source(20));
		applyPassingOn(doc, update, () => Y.applyUpdate(doc, update, ORIGIN));
		expect(got.map((g) => g.origin)).toEqual([ORIGIN, 'observer']);
		expect(got[0].update).toBe(update);
		expect(reloaded().getMap('seen').get('count')).toBe(20);
	});

	it('leaves a doc with changes pending to Yjs, whose update carries them once they apply', () => {
		const { doc, got, reloaded } = storedDoc();
		const a = source(10, 7);
		const first = Y.encodeStateAsUpdate(a);
		a.getMap('a').set('second', 2);
		const second = Y.diffUpdate(Y.encodeStateAsUpdate(a), Y.encodeStateVectorFromUpdate(first));
		Y.applyUpdate(doc, second); // waits for the first
		expect(doc.store.pendingStructs).not.toBeNull();
		applyPassingOn(doc, first, () => Y.applyUpdate(doc, first, ORIGIN));
		expect(doc.getMap('a').get('second')).toBe(2);
		expect(got.at(-1)!.update).not.toBe(first);
		expect(reloaded().getMap('a').toJSON()).toEqual(doc.getMap('a').toJSON());
	});

	it('puts the listeners back when applying throws', () => {
		const { doc, got } = storedDoc();
		const update = Y.encodeStateAsUpdate(source(3));
		expect(() =>
			applyPassingOn(doc, update, () => {
				Y.applyUpdate(doc, update, ORIGIN);
				throw new Error('after');
			})
		).toThrow('after');
		doc.getMap('a').set('x', 1);
		expect(got).toHaveLength(2);
	});
});
