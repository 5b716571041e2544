import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { applyInSlices, planChunks } from '$lib/storage/chunked-load';

const ROOT = join(__dirname, '../..');

/**
 * src/lib/storage/chunked-load.ts relies on y-indexeddb's internals (`_dbref` read by its first
 * fetch, `_storeUpdate` skipping updates of its own origin, the trim scheduled only from
 * `_storeUpdate`, the empty document written by its first fetch). They were reviewed for this exact
 * file: any other version must be reviewed again (and tests/e2e/document-load.spec.ts run) before
 * this hash is updated.
 */
const REVIEWED = {
	version: '9.0.12',
	sha256: 'a0149aeaf093c394a1d4e93b940bbd2a7bd6f22dc470d87bbfddc0ec12d2abbf'
};

describe('y-indexeddb, whose internals the chunked load relies on', () => {
	it('is pinned to the reviewed version', () => {
		const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
		expect(pkg.dependencies['y-indexeddb']).toBe(REVIEWED.version);
		const installed = JSON.parse(readFileSync(join(ROOT, 'node_modules/y-indexeddb/package.json'), 'utf8'));
		expect(installed.version).toBe(REVIEWED.version);
		// What the app bundles (the package's "import"/"module" entry).
		expect(installed.exports['.'].import).toBe('./src/y-indexeddb.js');
	});

	it('is the very source that was reviewed', () => {
		const source = readFileSync(join(ROOT, 'node_modules/y-indexeddb/src/y-indexeddb.js'), 'utf8');
		// The lines the chunked load depends on, for a readable failure…
		expect(source).toContain('idb.getAll(updatesStore, idb.createIDBKeyRangeLowerBound(idbPersistence._dbref, false))');
		expect(source).toContain('const beforeApplyUpdatesCallback = (updatesStore) => idb.addAutoKey(updatesStore, Y.encodeStateAsUpdate(doc))');
		expect(source).toContain('if (this.db && origin !== this) {');
		expect(source).toContain('doc.on(\'update\', this._storeUpdate)');
		expect(source.match(/storeState\(/g)).toEqual(['storeState(']); // its one caller: _storeUpdate's timer
		// …and the whole file, for everything else.
		expect(createHash('sha256').update(source).digest('hex')).toBe(REVIEWED.sha256);
	});
});

describe('applyInSlices', () => {
	function history(): Uint8Array[] {
		const a = new Y.Doc();
		const b = new Y.Doc();
		const updates: Uint8Array[] = [];
		a.on('update', (u: Uint8Array) => updates.push(u));
		b.on('update', (u: Uint8Array) => updates.push(u));
		for (let i = 0; i < 400; i++) {
			const doc = i % 3 ? a : b;
			doc.transact(() => {
				for (let k = 0; k < 20; k++) doc.getMap('records').set(`r${(i * 7 + k) % 900}`, { i, k, text: 'x'.repeat(50) });
				if (i % 5 === 0) doc.getMap('records').delete(`r${i % 900}`);
			});
			// Exchange now and then, so that later updates depend on the other replica's.
			if (i % 10 === 9) {
				Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)), 'sync');
				Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), 'sync');
			}
		}
		return updates;
	}

	it('loads the same document as applying every update at once, with the given origin', async () => {
		const updates = history();
		const whole = new Y.Doc();
		Y.transact(whole, () => updates.forEach((u) => Y.applyUpdate(whole, u)), 'whole', false);

		const sliced = new Y.Doc();
		const origins = new Set<unknown>();
		sliced.on('afterTransaction', (tr: Y.Transaction) => origins.add(tr.origin));
		const origin = {};
		await applyInSlices(sliced, updates, origin);
		expect(Y.encodeStateVector(sliced)).toEqual(Y.encodeStateVector(whole));
		expect(sliced.getMap('records').toJSON()).toEqual(whole.getMap('records').toJSON());
		expect([...origins]).toEqual([origin]);
	});

	it('loads updates stored out of causal order (another tab’s, say) once their dependencies arrive', async () => {
		const updates = history();
		const whole = new Y.Doc();
		updates.forEach((u) => Y.applyUpdate(whole, u));
		const shuffled = [...updates.slice(200), ...updates.slice(0, 200)];
		const sliced = new Y.Doc();
		await applyInSlices(sliced, shuffled, 'load');
		expect(sliced.getMap('records').toJSON()).toEqual(whole.getMap('records').toJSON());
		expect(Y.encodeStateVector(sliced)).toEqual(Y.encodeStateVector(whole));
	});

	it('stops when the document is no longer wanted', async () => {
		const updates = history();
		await expect(applyInSlices(new Y.Doc(), updates, 'load', () => false)).rejects.toThrow(/closed/);
	});
});

describe('compaction plan', () => {
	it('merges runs of consecutive small updates up to the chunk size, never across a large one', () => {
		const keys = [1, 2, 3, 4, 7, 8, 9, 10, 11];
		const sizes = [100, 200, 300, 500, 2000, 100, 100, 100, 900];
		expect(planChunks(keys, sizes, 1000)).toEqual([
			{ first: 1, last: 3 }, // 600 bytes; adding 500 would pass 1000
			{ first: 8, last: 10 } // 4 and 7 stand alone (alone, or over the limit); 11 would pass it
		]);
	});

	it('leaves nothing to do for a single update or an empty store', () => {
		expect(planChunks([5], [10], 1000)).toEqual([]);
		expect(planChunks([], [], 1000)).toEqual([]);
	});
});
