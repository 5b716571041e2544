import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { partKeys, reencodeUpdates, REENCODE_MIN_BYTES } from '$lib/storage/reencode';

/**
 * A stored document keeps every value its records ever had; rewritten from its state (reencode.ts) it
 * keeps only what is current, in parts that load in slices. These check the pure part: what the worker
 * writes in place of the stored updates.
 */

const PART = 64 * 1024;

/** A document whose records were each written `versions` times, and the updates that made it. */
function history(records: number, versions: number) {
	const doc = new Y.Doc();
	const updates: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => updates.push(u));
	const map = doc.getMap<unknown>('a');
	for (let v = 0; v < versions; v++)
		for (let i = 0; i < records; i += 500)
			doc.transact(() => {
				for (let k = i; k < Math.min(records, i + 500); k++) map.set(`r${k}`, { v, name: `record ${k}`, pad: 'x'.repeat(40) });
			});
	return { doc, updates };
}

const bytesOf = (list: Uint8Array[]) => list.reduce((sum, u) => sum + u.byteLength, 0);

describe('re-encoding a stored document', () => {
	it('keeps only the current values, in parts of at most the bound that rebuild the same document', () => {
		const { doc, updates } = history(5000, 3);
		const parts = reencodeUpdates(updates, PART);
		expect(parts).not.toBeNull();
		expect(bytesOf(parts!)).toBeLessThan(bytesOf(updates) * 0.5);
		expect(parts!.length).toBeGreaterThan(1);
		for (const p of parts!) expect(p.byteLength).toBeLessThanOrEqual(PART);
		const loaded = new Y.Doc();
		for (const p of parts!) {
			Y.applyUpdate(loaded, p);
			expect((loaded.store as unknown as { pendingStructs: unknown }).pendingStructs).toBeNull();
		}
		expect(loaded.getMap('a').toJSON()).toEqual(doc.getMap('a').toJSON());
		expect(Y.encodeStateVector(loaded)).toEqual(Y.encodeStateVector(doc));
		// The same updates give the same parts: two tabs rewriting at once write the same bytes.
		expect(reencodeUpdates(updates, PART)).toEqual(parts);
	});

	it('leaves a document without history as it is, and a small one whatever its history; cuts an update larger than a part', () => {
		const { doc } = history(5000, 1);
		const whole = Y.encodeStateAsUpdate(doc);
		const inParts = reencodeUpdates([whole], PART);
		expect(whole.byteLength).toBeGreaterThan(PART);
		expect(inParts!.length).toBeGreaterThan(1);
		for (const p of inParts!) expect(p.byteLength).toBeLessThanOrEqual(PART);
		expect(reencodeUpdates(inParts!, PART)).toBeNull(); // no history, every update within a part
		const small = history(50, 20);
		expect(bytesOf(small.updates)).toBeLessThan(REENCODE_MIN_BYTES);
		expect(reencodeUpdates(small.updates, PART)).toBeNull();
	});

	it('numbers the parts in place of the keys they replace, the last under the last key read', () => {
		expect(partKeys(10, 1)).toEqual([10]);
		const keys = partKeys(10, 4);
		expect(keys).toEqual([9.25, 9.5, 9.75, 10]);
		for (let i = 1; i < keys.length; i++) expect(keys[i]).toBeGreaterThan(keys[i - 1]);
		expect(keys[0]).toBeGreaterThan(9); // all between the key before the last one read and the next key written
	});
});
