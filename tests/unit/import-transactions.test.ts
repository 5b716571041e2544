import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { IMPORT_TRANSACTION_BYTES } from '$lib/model/import-records';
import { encodeMask } from '$lib/shapes/mask/rle';

/**
 * Issue 14 item 3: a large import is written in bounded transactions, so what it stores (and what peers
 * receive) is many updates of about 256 KiB that load in slices, not one update of the whole import.
 */
function project(imageCount = 3) {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'big import' });
	const cls = doc.addClass({ name: 'car' });
	if (!cls.ok) throw new Error(cls.reason);
	return { doc, classId: cls.value.id, imageCount };
}

/** `n` 12-vertex polygons spread over new images, as planned by planImport. */
function plan(classId: string, n: number, imageCount: number) {
	const images = Array.from({ length: imageCount }, (_, i) => ({ id: `img${i}`, name: `${i}.jpg`, hash: `h${i}`, width: 4000, height: 3000, mime: 'image/jpeg', size: 1, status: 'new' as const, addedAt: i }));
	const annotations = Array.from({ length: n }, (_, k) => {
		const cx = 200 + (k % 3000),
			cy = 200 + (k % 2000);
		const points = Array.from({ length: 12 }, (_, j) => [cx + 150 * Math.cos((j / 12) * 2 * Math.PI), cy + 120 * Math.sin((j / 12) * 2 * Math.PI)]).flat();
		return { id: `a${k}`, imageId: images[k % imageCount].id, classId, type: 'polygon' as const, geometry: { points }, attributes: {} };
	});
	return { classes: [], images, annotations };
}

function recordUpdates(doc: ProjectDoc): Uint8Array[] {
	const updates: Uint8Array[] = [];
	doc.ydoc.on('update', (u: Uint8Array) => updates.push(u));
	return updates;
}

describe('an import in bounded transactions', () => {
	it('stores a large import as updates of about 256 KiB, images first; a peer applying them in order never sees an annotation without its image', () => {
		const { doc, classId, imageCount } = project();
		const before = Y.encodeStateAsUpdate(doc.ydoc);
		const updates = recordUpdates(doc);
		const written = doc.importDataset(plan(classId, 8000, imageCount));
		expect(written).toMatchObject({ ok: true, value: { annotations: 8000, images: 3 } });
		const total = updates.reduce((s, u) => s + u.byteLength, 0);
		expect(updates.length).toBeGreaterThanOrEqual(Math.floor(total / IMPORT_TRANSACTION_BYTES));
		for (const u of updates) expect(u.byteLength).toBeLessThanOrEqual(IMPORT_TRANSACTION_BYTES * 1.1);

		const peer = new ProjectDoc(new Y.Doc());
		Y.applyUpdate(peer.ydoc, before);
		for (const u of updates) {
			Y.applyUpdate(peer.ydoc, u);
			expect(peer.problems()).toEqual([]);
			const seen = peer.images().reduce((s, im) => s + peer.annotationsOf(im.id).length, 0);
			expect(seen).toBe(peer.annotationCount);
		}
		expect(peer.images()).toHaveLength(3);
		expect(peer.images().every((im) => peer.review.stageOf(im.id).stage === 'annotate')).toBe(true);
		expect(peer.images().reduce((s, im) => s + peer.annotationsOf(im.id).length, 0)).toBe(8000);
	});

	it('a small import is one update of its records; a record over the bound still goes, alone', () => {
		const { doc, classId } = project(1);
		const updates = recordUpdates(doc);
		expect(doc.importDataset(plan(classId, 1, 1)).ok).toBe(true);
		// Classes and images, then the one annotation (new images start in progress: no third update).
		expect(updates).toHaveLength(2);
		const big = plan(classId, 1, 1);
		big.images = [];
		// A checkerboard mask: one run per pixel, 750,000 runs.
		const bits = Uint8Array.from({ length: 1000 * 750 }, (_, k) => ((k % 1000) + Math.floor(k / 1000)) % 2);
		big.annotations = [{ ...big.annotations[0], id: 'huge', imageId: 'img0', type: 'mask' as 'polygon', geometry: { x: 10, y: 10, width: 1000, height: 750, rle: encodeMask(bits, 1000, 750) } as never }];
		updates.length = 0;
		expect(doc.importDataset(big).ok).toBe(true);
		// No new class or image: the one oversized annotation is the one update.
		expect(updates.length).toBe(1);
		expect(updates[0].byteLength).toBeGreaterThan(IMPORT_TRANSACTION_BYTES);
		expect(doc.getAnnotation('huge')).toBeDefined();
	});
});
