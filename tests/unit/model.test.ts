import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLASS_DEFAULTS, ProjectDoc, SCHEMA_VERSION, type AnnotationRecord } from '$lib/model';

function project(ydoc = new Y.Doc(), actor = { id: 'alice', name: 'Alice' }) {
	const doc = new ProjectDoc(ydoc, actor);
	return doc;
}

function seeded() {
	const doc = project();
	doc.initialize({ name: 'Streets' });
	const car = doc.addClass({ name: 'car' });
	const person = doc.addClass({ name: 'person' });
	if (!car.ok || !person.ok) throw new Error('classes');
	const images = doc.addImages([{ name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 10 }]);
	if (!images.ok) throw new Error('images');
	return { doc, car: car.value, person: person.value, image: images.value[0] };
}

/** Sends every update of each doc to the others, as peers connected by a network would. */
function connect(a: Y.Doc, b: Y.Doc) {
	a.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(b, u, 'net'));
	b.on('update', (u: Uint8Array, origin: unknown) => origin !== 'net' && Y.applyUpdate(a, u, 'net'));
	Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'net');
	Y.applyUpdate(a, Y.encodeStateAsUpdate(b), 'net');
}

describe('project document', () => {
	it('creates a box and a polygon clamped to the image, with z-order on top', () => {
		const { doc, car, image } = seeded();
		const box = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: -5, y: 10, width: 50, height: 20 } });
		expect(box.ok && box.value.geometry).toEqual({ x: 0, y: 10, width: 45, height: 20 });
		const poly = doc.createAnnotation({
			imageId: image.id,
			classId: car.id,
			type: 'polygon',
			geometry: { points: [10, 10, 700, 10, 700, 500, 10, 10] }
		});
		expect(poly.ok && poly.value.geometry).toEqual({ points: [10, 10, 640, 10, 640, 480] });
		expect(doc.annotationsOf(image.id).map((a) => a.type)).toEqual(['box', 'polygon']);
		expect(doc.review.stageOf(image.id).stage).toBe('annotate');
	});

	it('refuses degenerate geometry with a reason and stores nothing', () => {
		const { doc, car, image } = seeded();
		const flat = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 5, y: 5, width: 0, height: 30 } });
		expect(flat).toMatchObject({ ok: false, reason: expect.stringMatching(/at least/) });
		const line = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'polygon', geometry: { points: [0, 0, 10, 10, 20, 20] } });
		expect(line).toMatchObject({ ok: false, reason: expect.stringMatching(/no area/) });
		const nan = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: NaN, y: 5, width: 10, height: 30 } });
		expect(nan.ok).toBe(false);
		expect(doc.annotationCount).toBe(0);
	});

	it('resolves concurrent edits of one record identically on both replicas', () => {
		const { doc: a, car, person, image } = seeded();
		const b = project(new Y.Doc(), { id: 'bob', name: 'Bob' });
		Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc));
		const box = a.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 10, height: 10 } });
		if (!box.ok) throw new Error(box.reason);
		Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc));
		a.updateAnnotation(box.value.id, { classId: person.id });
		b.updateAnnotation(box.value.id, { geometry: { x: 100, y: 100, width: 20, height: 20 } });
		connect(a.ydoc, b.ydoc);
		expect(a.getAnnotation(box.value.id)).toEqual(b.getAnnotation(box.value.id));
	});
});

describe('what a caller keeps', () => {
	it('is not shared with the document: a tool that reuses its point array changes no stored shape', () => {
		const { doc, car, image } = seeded();
		const points = [10, 10, 100, 10, 100, 80];
		const made = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'polygon', geometry: { points } });
		if (!made.ok) throw new Error(made.reason);
		points[0] = 50;
		points.length = 0;
		expect(doc.getAnnotation(made.value.id)?.geometry).toEqual({ points: [10, 10, 100, 10, 100, 80] });
		const moved = [20, 20, 110, 20, 110, 90];
		doc.updateAnnotation(made.value.id, { geometry: { points: moved } });
		moved.fill(0);
		expect(doc.getAnnotation(made.value.id)?.geometry).toEqual({ points: [20, 20, 110, 20, 110, 90] });
	});
});

describe('undo', () => {
	it('undoes and redoes only local edits, never one that arrived from another replica', () => {
		const { doc: a, car, person, image } = seeded();
		const b = project(new Y.Doc(), { id: 'bob', name: 'Bob' });
		connect(a.ydoc, b.ydoc);
		const mine = a.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 10, height: 10 } });
		const theirs = b.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 50, y: 50, width: 10, height: 10 } });
		if (!mine.ok || !theirs.ok) throw new Error('create');
		expect(a.annotationCount).toBe(2);
		// Bob edits Alice's box after her; Alice's undo of her creation removes it, but never Bob's box.
		expect(a.undo()).toBe(true);
		expect(a.getAnnotation(theirs.value.id)).toBeDefined();
		expect(a.getAnnotation(mine.value.id)).toBeUndefined();
		expect(b.getAnnotation(mine.value.id)).toBeUndefined();
		expect(a.undo()).toBe(false); // nothing of Alice's left to undo; Bob's box stays
		expect(a.getAnnotation(theirs.value.id)).toBeDefined();
		expect(a.redo()).toBe(true);
		expect(b.getAnnotation(mine.value.id)?.geometry).toEqual({ x: 1, y: 1, width: 10, height: 10 });
		// A remote change of the same record after a local one is not reverted by undo.
		a.updateAnnotation(mine.value.id, { classId: person.id });
		b.updateAnnotation(mine.value.id, { geometry: { x: 5, y: 5, width: 30, height: 30 } });
		a.undo();
		expect(a.getAnnotation(mine.value.id)?.geometry).toEqual({ x: 5, y: 5, width: 30, height: 30 });
		expect(a.getAnnotation(mine.value.id)).toEqual(b.getAnnotation(mine.value.id));
	});
});

describe('migration', () => {
	it('brings a schema-1 document (point objects, no z) up to the current schema', () => {
		const old = new Y.Doc();
		old.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		old.getMap('classes').set('c1', { id: 'c1', name: 'car', color: '#ff0000', hotkey: '1', shapeTypes: [], description: '', order: 0 });
		old.getMap('images').set('i1', { id: 'i1', name: 'x.png', hash: 'h', width: 100, height: 100, mime: 'image/png', size: 1, status: 'new', addedAt: 1 });
		const base = { imageId: 'i1', classId: 'c1', attributes: {}, author: 'x', updatedAt: 1 };
		old.getMap('annotations').set('p', { ...base, id: 'p', type: 'polygon', createdAt: 2, geometry: { points: [{ x: 1, y: 2 }, { x: 30, y: 2 }, { x: 30, y: 40 }] } });
		old.getMap('annotations').set('b', { ...base, id: 'b', type: 'box', createdAt: 1, geometry: { x: 1, y: 1, width: 5, height: 5 } });
		const doc = project(old);
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		const p = doc.getAnnotation('p') as AnnotationRecord;
		expect(p.geometry).toEqual({ points: [1, 2, 30, 2, 30, 40] });
		expect(doc.annotationsOf('i1').map((a) => a.id)).toEqual(['b', 'p']);
		expect(doc.readOnlyReason).toBeNull();
		// v2 → v3: the class gains the sub-annotation fields, keeping its own values.
		expect(doc.getClass('c1')).toMatchObject({ name: 'car', hotkey: '1', attributes: [], text: false, skeleton: null, maskMode: 'instance' });
	});

	it('migrates a v2 class without touching one that already has the v3 fields', () => {
		const old = new Y.Doc();
		old.getMap('meta').set('schemaVersion', 2);
		old.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		old.getMap('classes').set('c1', { id: 'c1', name: 'car', color: '#ff0000', hotkey: null, shapeTypes: ['box'], description: 'd', order: 0 });
		const doc = project(old);
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		expect(doc.getClass('c1')).toEqual({ ...CLASS_DEFAULTS, id: 'c1', name: 'car', color: '#ff0000', hotkey: null, shapeTypes: ['box'], description: 'd', order: 0 });
	});

	it('keeps a document from a newer app read-only while it holds what this app cannot read', () => {
		const ydoc = new Y.Doc();
		ydoc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1);
		ydoc.getMap('meta').set('settings', { name: 'Future', description: '', createdAt: 1 });
		ydoc.getMap('reviews').set('r1', { stage: 2 }); // a map this version does not know
		const doc = project(ydoc);
		doc.migrate();
		expect(doc.readOnlyReason).toMatch(/newer version/);
		expect(doc.addClass({ name: 'x' }).ok).toBe(false);
		// Once what it could not read is gone, it is writable again without reopening.
		ydoc.getMap('reviews').delete('r1');
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.addClass({ name: 'x' }).ok).toBe(true);
	});
});
