import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc, SCHEMA_VERSION, type AnnotationRecord } from '$lib/model';
import { LEGACY_ANNOTATIONS, PACKED_ANNOTATIONS } from '$lib/model/annotation-store';
import { encodeAnnotation, RECORD_LAYOUT_VERSION } from '$lib/model/record-codec';
import { CLASS_DEFAULTS } from '$lib/model/records';
import { MAX_RECORD_BYTES } from '$lib/model/limits';

/**
 * Schema v7 (issue 14): annotations are packed records (record-codec.ts) in the map `a`. A v6 document
 * migrates to it; a v6 peer's offline work in the old map is moved in when it arrives; peers that
 * migrate at once agree; what a hostile peer writes as bytes is kept out like any unreadable record.
 */

const image = { id: 'i1', name: 'a.jpg', hash: 'h1', width: 1920, height: 1080, mime: 'image/jpeg', size: 1, status: 'in_progress', addedAt: 1 };
const skeletonClass = { ...CLASS_DEFAULTS, id: 'c2', name: 'person', color: '#00ff00', hotkey: null, order: 1, skeleton: { points: [{ name: 'head', x: 0.5, y: 0 }, { name: 'foot', x: 0.5, y: 1 }], edges: [[0, 1]] } };

function annotation(id: string, patch: Partial<AnnotationRecord>): AnnotationRecord {
	return { id, imageId: 'i1', classId: 'c1', type: 'box', geometry: { x: 10.25, y: 20.5, width: 100.75, height: 50 }, attributes: {}, z: 1, author: 'u1', createdAt: 1000, updatedAt: 1000, ...patch } as AnnotationRecord;
}

/** One record of every kind and optional field, as a v6 app stored them (JSON values in `annotations`). */
const V6_RECORDS: AnnotationRecord[] = [
	annotation('box', {}),
	annotation('poly', { type: 'polygon', geometry: { points: [100.12, 100.5, 300.33, 100, 300, 250.75, 100, 250], holes: [[150, 150, 200, 150, 200, 200]], parts: [{ points: [400, 400, 500, 400, 450, 480] }] }, attributes: { occluded: true, kind: 'sedan', n: 3, tags: ['a', 'b'] } }),
	annotation('line', { type: 'polyline', geometry: { points: [0, 0, 10.001, 10.002, 20, 0] }, text: 'lane 1' }),
	annotation('pt', { type: 'keypoint', geometry: { x: 5.5, y: 6.25 }, instanceId: 7, direction: { angle: 90.5 } }),
	annotation('rot', { type: 'rotatedBox', geometry: { cx: 500, cy: 500, width: 80, height: 40, angle: 30 }, locked: true }),
	annotation('ell', { type: 'ellipse', geometry: { cx: 600, cy: 300, rx: 40, ry: 20, angle: -45 }, proposal: { model: 'yolo', score: 0.87 } }),
	annotation('cub', { type: 'cuboid', geometry: { points: [100, 100, 200, 100, 200, 200, 100, 200, 120, 80, 220, 80, 220, 180, 120, 180] } }),
	annotation('sk', { type: 'skeleton', classId: 'c2', geometry: { points: [50, 50, 50, 150], visibility: [2, 1], box: { x: 40, y: 40, width: 20, height: 120 } } }),
	annotation('tag', { type: 'tag', geometry: {}, z: 0 }),
	annotation('imp', { imported: { format: 'coco', id: 1768123, fields: { caption: 'x', nested: { deep: [1, 2] } }, derived: { area: 5037.5, bbox: [10.25, 20.5, 100.75, 50] } }, updatedAt: 2000 })
];

function v6Document(records: AnnotationRecord[] = V6_RECORDS): Y.Doc {
	const ydoc = new Y.Doc();
	ydoc.transact(() => {
		ydoc.getMap('meta').set('schemaVersion', 6);
		ydoc.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		ydoc.getMap('images').set('i1', image);
		ydoc.getMap('classes').set('c1', { ...CLASS_DEFAULTS, id: 'c1', name: 'car', color: '#ff0000', hotkey: null, order: 0 });
		ydoc.getMap('classes').set('c2', skeletonClass);
		for (const r of records) ydoc.getMap(LEGACY_ANNOTATIONS).set(r.id, r);
	});
	return ydoc;
}

/** Two documents hold the same annotations, field for field (coordinates to 1/1000 px). */
function expectSameRecords(actual: ProjectDoc, expected: AnnotationRecord[]) {
	expect(actual.annotationCount).toBe(expected.length);
	for (const r of expected) expect(actual.getAnnotation(r.id), r.id).toEqual(r);
}

const packed = (r: AnnotationRecord) => {
	const bytes = encodeAnnotation(r);
	if (!bytes.ok) throw new Error(bytes.reason);
	return bytes.value;
};

describe('schema v7: packed annotations', () => {
	it('migrates a v6 document: every record moves into `a`, read back as it was', () => {
		const ydoc = v6Document();
		const doc = new ProjectDoc(ydoc);
		expectSameRecords(doc, V6_RECORDS); // readable before the migration too
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		expect(ydoc.getMap(LEGACY_ANNOTATIONS).size).toBe(0);
		expect(ydoc.getMap(PACKED_ANNOTATIONS).size).toBe(V6_RECORDS.length);
		expect([...ydoc.getMap(PACKED_ANNOTATIONS).values()].every((v) => v instanceof Uint8Array)).toBe(true);
		expectSameRecords(doc, V6_RECORDS);
		expect(doc.problems()).toEqual([]);
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.migrationSkipped).toBe(0);
		// Reopened from what it stores: the same.
		const reopened = new ProjectDoc(new Y.Doc());
		Y.applyUpdate(reopened.ydoc, Y.encodeStateAsUpdate(ydoc));
		reopened.migrate();
		expectSameRecords(reopened, V6_RECORDS);
	});

	it('migrates a v5 document in one go: every step up to v7, records packed', () => {
		const ydoc = v6Document(V6_RECORDS.filter((r) => r.type !== 'skeleton' && !r.imported && !(r.geometry as { parts?: unknown }).parts));
		ydoc.getMap('meta').set('schemaVersion', 5);
		const doc = new ProjectDoc(ydoc);
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		expect(ydoc.getMap(LEGACY_ANNOTATIONS).size).toBe(0);
		expect(ydoc.getMap(PACKED_ANNOTATIONS).size).toBe(doc.annotationCount);
		expect(doc.annotationCount).toBeGreaterThan(5);
		expect(doc.problems()).toEqual([]);
	});

	it('a migrated document is a third of the size of its v6 form', () => {
		const many = Array.from({ length: 2000 }, (_, k) =>
			k % 10 < 7
				? annotation(`b${k}`.padStart(16, '0'), { geometry: { x: (k * 7) % 1800, y: (k * 3) % 1000, width: 40.25, height: 30.5 }, z: k })
				: annotation(`p${k}`.padStart(16, '0'), { type: 'polygon', geometry: { points: Array.from({ length: 12 }, (_, j) => [300 + (k % 900) + Math.round(80 * Math.cos(j / 2)) + 0.25, 300 + Math.round(60 * Math.sin(j / 2)) + 0.5]).flat() }, z: k })
		);
		const v6 = v6Document(many);
		const v6Bytes = Y.encodeStateAsUpdate(v6).byteLength;
		const fresh = new ProjectDoc(new Y.Doc());
		fresh.initialize({ name: 'New' });
		Y.applyUpdate(fresh.ydoc, Y.encodeStateAsUpdate(v6));
		fresh.migrate();
		// A peer joining the migrated project gets the packed records (and the old ones' tombstones).
		expect(Y.encodeStateAsUpdate(fresh.ydoc).byteLength).toBeLessThan(v6Bytes * 0.6);
		expect(fresh.annotationCount).toBe(2000);
	});

	it('two peers migrating the same v6 document at once agree, byte for byte', () => {
		const source = v6Document();
		const [a, b] = [0, 1].map(() => {
			const y = new Y.Doc();
			Y.applyUpdate(y, Y.encodeStateAsUpdate(source));
			const d = new ProjectDoc(y);
			d.migrate();
			return d;
		});
		Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(b.ydoc));
		Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc));
		const values = (d: ProjectDoc) => JSON.stringify([...d.ydoc.getMap(PACKED_ANNOTATIONS).entries()].sort().map(([k, v]) => [k, [...(v as Uint8Array)]]));
		expect(values(a)).toBe(values(b));
		expectSameRecords(a, V6_RECORDS);
		expectSameRecords(b, V6_RECORDS);
	});

	it('a v6 peer’s offline work merges into the migrated project: new records, newer edits, and older edits lose', async () => {
		const source = v6Document();
		const v6peer = new Y.Doc();
		Y.applyUpdate(v6peer, Y.encodeStateAsUpdate(source));
		const y7 = new Y.Doc();
		Y.applyUpdate(y7, Y.encodeStateAsUpdate(source));
		const doc = new ProjectDoc(y7, { id: 'u7', name: 'Seven' });
		doc.migrate();
		// Meanwhile, offline, the v6 app (writing JSON records in `annotations`) adds one and edits two.
		const legacy = v6peer.getMap(LEGACY_ANNOTATIONS);
		legacy.set('new6', annotation('new6', { createdAt: 5000, updatedAt: 5000 }));
		legacy.set('box', annotation('box', { classId: 'c1', z: 42, updatedAt: 9_000_000_000_000 }));
		legacy.set('pt', { ...V6_RECORDS[3], z: 17, updatedAt: 3000 });
		// And on v7, later than the v6 edit of `pt`:
		expect(doc.updateAnnotation('pt', { z: 99 }).ok).toBe(true);
		Y.applyUpdate(y7, Y.encodeStateAsUpdate(v6peer));
		// Readable at once (a key only the old map holds is read from there)…
		expect(doc.getAnnotation('new6')).toBeDefined();
		// …and moved in right after the update was applied.
		await Promise.resolve();
		expect(y7.getMap(LEGACY_ANNOTATIONS).size).toBe(0);
		expect(doc.getAnnotation('new6')?.createdAt).toBe(5000);
		expect(doc.getAnnotation('box')?.z).toBe(42);
		expect(doc.getAnnotation('pt')?.z).toBe(99);
		expect(doc.problems()).toEqual([]);
		expect(doc.annotationCount).toBe(V6_RECORDS.length + 1);
	});

	it('a new record is stored as bytes only; undo and redo restore them', () => {
		const doc = new ProjectDoc(v6Document([]));
		doc.migrate();
		const made = doc.createAnnotation({ imageId: 'i1', classId: 'c1', type: 'box', geometry: { x: 1, y: 2, width: 30, height: 40 } });
		if (!made.ok) throw new Error(made.reason);
		expect(doc.ydoc.getMap(LEGACY_ANNOTATIONS).size).toBe(0);
		const bytes = doc.ydoc.getMap(PACKED_ANNOTATIONS).get(made.value.id) as Uint8Array;
		expect(bytes).toBeInstanceOf(Uint8Array);
		expect(bytes.byteLength).toBeLessThan(60);
		expect(doc.updateAnnotation(made.value.id, { geometry: { x: 5, y: 2, width: 30, height: 40 } }).ok).toBe(true);
		doc.undo();
		expect(doc.getAnnotation(made.value.id)?.geometry).toEqual({ x: 1, y: 2, width: 30, height: 40 });
		doc.redo();
		expect(doc.getAnnotation(made.value.id)?.geometry).toEqual({ x: 5, y: 2, width: 30, height: 40 });
	});

	it('refuses a shape that would fall under a threshold once stored to 1/1000 px, on write as every reader would', () => {
		const doc = new ProjectDoc(v6Document([]));
		doc.migrate();
		// Area 1.00006 px² as drawn; 0.9995 px² once 2.0014 and 0.99936 are kept to 1/1000 px.
		const tiny = { imageId: 'i1', classId: 'c1', type: 'polygon' as const, geometry: { points: [10, 10, 12.0014, 10, 10, 10.99936] } };
		const refused = doc.createAnnotation(tiny);
		expect(refused.ok).toBe(false);
		expect(doc.annotationCount).toBe(0);
		// Just above the threshold after rounding: stored, and read back as stored.
		const kept = doc.createAnnotation({ ...tiny, geometry: { points: [10, 10, 12.0016, 10, 10, 10.9996] } });
		expect(kept.ok).toBe(true);
		if (kept.ok) expect(doc.getAnnotation(kept.value.id)?.geometry).toEqual({ points: [10, 10, 12.002, 10, 10, 11] });
	});

	it('keeps what a peer writes as bytes out when it cannot be read, lists it, and lets a person delete it', () => {
		const doc = new ProjectDoc(v6Document([V6_RECORDS[0]]));
		doc.migrate();
		const mallory = new Y.Doc();
		Y.applyUpdate(mallory, Y.encodeStateAsUpdate(doc.ydoc));
		const before = Y.encodeStateVector(mallory);
		const map = mallory.getMap(PACKED_ANNOTATIONS);
		const good = packed(annotation('out', { geometry: { x: 1900, y: 1000, width: 500, height: 500 } }));
		mallory.transact(() => {
			map.set('junk', Uint8Array.of(1, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255));
			map.set('text', 'not bytes');
			map.set('empty', new Uint8Array(0));
			map.set('newer', Uint8Array.of(RECORD_LAYOUT_VERSION + 1, ...good.subarray(1)));
			map.set('tooSmall', packed(annotation('tooSmall', { geometry: { x: 1, y: 1, width: 0.5, height: 10 } })));
			map.set('out', good);
			map.set('huge', new Uint8Array(MAX_RECORD_BYTES + 1));
		});
		expect(() => Y.applyUpdate(doc.ydoc, Y.encodeStateAsUpdate(mallory, before))).not.toThrow();
		const problems = new Map(doc.problems().map((p) => [p.key, p]));
		expect([...problems.keys()].sort()).toEqual(['empty', 'huge', 'junk', 'newer', 'text', 'tooSmall']);
		expect(problems.get('huge')?.reason).toMatch(/larger than 4 MiB/);
		expect(problems.get('newer')?.reason).toMatch(/newer version/);
		expect(problems.get('text')?.reason).toMatch(/not bytes/);
		expect(problems.get('junk')).toMatchObject({ map: 'annotations', client: mallory.clientID });
		// Readable bytes are checked like any record: clamped to the image.
		expect(doc.getAnnotation('out')?.geometry).toEqual({ x: 1900, y: 1000, width: 20, height: 80 });
		expect(doc.annotationCount).toBe(2);
		for (const key of problems.keys()) expect(doc.deleteProblem('annotations', key).ok).toBe(true);
		expect(doc.problems()).toEqual([]);
		expect(doc.ydoc.getMap(PACKED_ANNOTATIONS).size).toBe(2);
	});

	it('a newer schema whose packed records this version cannot read is read-only until they are gone', () => {
		const doc = new ProjectDoc(v6Document([V6_RECORDS[0]]));
		doc.migrate();
		const bytes = doc.ydoc.getMap(PACKED_ANNOTATIONS).get('box') as Uint8Array;
		doc.ydoc.transact(() => {
			doc.ydoc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1);
			doc.ydoc.getMap(PACKED_ANNOTATIONS).set('next', Uint8Array.of(RECORD_LAYOUT_VERSION + 1, ...bytes.subarray(1)));
		});
		expect(doc.readOnlyReason).toMatch(/holds 1 record this app cannot read/);
		expect(doc.deleteProblem('annotations', 'next').ok).toBe(true);
		expect(doc.readOnlyReason).toBeNull();
	});
});
