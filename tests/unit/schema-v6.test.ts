import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { SCHEMA_VERSION } from '$lib/model/schema';
import { checkAnnotationRecord, checkClassRecord, checkSettings, importedProblem } from '$lib/model/record-check';
import { MAX_IMPORTED_BYTES, MAX_JSON_DEPTH, MAX_NAME_CHARS } from '$lib/model/limits';

/** Schema v6: polygon parts, what records keep from their imported file, a class's supercategory. */

const polygon = { points: [0, 0, 10, 0, 10, 10], parts: [{ points: [20, 20, 30, 20, 30, 30] }] };
const annotation = (extra: object = {}) => ({ id: 'a1', imageId: 'i1', classId: 'c1', type: 'polygon', geometry: polygon, attributes: {}, z: 1, author: 'x', createdAt: 1, updatedAt: 1, ...extra });
const cls = (extra: object = {}) => ({ id: 'c1', name: 'car', color: '#112233', hotkey: null, shapeTypes: [], description: '', order: 0, attributes: [], text: false, instanceId: false, direction: false, skeleton: null, maskMode: 'instance', ...extra });

function nested(depth: number): unknown {
	let v: unknown = 1;
	for (let i = 0; i < depth; i++) v = [v];
	return v;
}

describe('schema v6', () => {
	it('migrates a v5 document without touching its records', () => {
		const old = new Y.Doc();
		old.getMap('meta').set('schemaVersion', 5);
		old.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		old.getMap('images').set('i1', { id: 'i1', name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 1, status: 'new', addedAt: 1 });
		old.getMap('classes').set('c1', cls());
		const record = annotation({ geometry: { points: [0, 0, 10, 0, 10, 10] } });
		old.getMap('annotations').set('a1', record);
		const doc = new ProjectDoc(old);
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.getAnnotation('a1')).toEqual(record);
	});

	it('reads what a record keeps from its file, and keeps a malformed or oversized one out', () => {
		const imported = { format: 'coco', id: 1768123, fields: { caption: 'x' }, derived: { area: 12.5, bbox: [1, 2, 3, 4] } };
		expect(checkAnnotationRecord('a1', annotation({ imported }), { width: 640, height: 480 })).toMatchObject({ ok: true });
		expect(importedProblem({ format: 'coco', id: 'frame_000001' })).toBeNull();
		expect(importedProblem({ id: 3 })).toMatch(/malformed/);
		expect(importedProblem({ format: 'coco', id: { nested: 1 } })).toMatch(/id/);
		expect(importedProblem({ format: 'coco', id: 1.5 })).toMatch(/id/);
		expect(importedProblem({ format: 'coco', fields: [1, 2] })).toMatch(/malformed/);
		expect(importedProblem({ format: 'coco', fields: { n: Infinity } })).toMatch(/malformed/);
		expect(importedProblem({ format: 'coco', extra: 1 })).toMatch(/malformed/);
		// Nested exactly as deep as allowed (the fields object is one level), then one more.
		expect(importedProblem({ format: 'coco', fields: { v: nested(MAX_JSON_DEPTH - 2) } })).toBeNull();
		expect(importedProblem({ format: 'coco', fields: { v: nested(MAX_JSON_DEPTH) } })).toMatch(/malformed/);
		expect(importedProblem({ format: 'coco', fields: { v: 'x'.repeat(MAX_IMPORTED_BYTES - 100) } })).toBeNull();
		expect(importedProblem({ format: 'coco', fields: { v: 'x'.repeat(MAX_IMPORTED_BYTES) } })).toMatch(/larger than 64 KiB/);
		const bad = checkAnnotationRecord('a1', annotation({ imported: { format: 'coco', fields: 'text' } }), { width: 640, height: 480 });
		expect(bad).toMatchObject({ ok: false });
	});

	it('a class keeps a supercategory of up to the name limit', () => {
		expect(checkClassRecord('c1', cls({ supercategory: 's'.repeat(MAX_NAME_CHARS) }))).toMatchObject({ ok: true });
		expect(checkClassRecord('c1', cls({ supercategory: 's'.repeat(MAX_NAME_CHARS + 1) }))).toMatchObject({ ok: false });
		expect(checkClassRecord('c1', cls({ supercategory: 7 }))).toMatchObject({ ok: false });
		const doc = new ProjectDoc(new Y.Doc());
		doc.initialize({ name: 'p' });
		const made = doc.addClass({ name: 'dog', supercategory: '  animal ' });
		expect(made.ok && made.value.supercategory).toBe('animal');
		if (!made.ok) return;
		expect(doc.updateClass(made.value.id, { supercategory: 's'.repeat(MAX_NAME_CHARS + 1) }).ok).toBe(false);
		expect(doc.updateClass(made.value.id, { supercategory: '' }).ok).toBe(true);
		expect('supercategory' in doc.getClass(made.value.id)!).toBe(false);
	});

	it("the dataset's own fields live in the settings, bounded", () => {
		const settings = { name: 'p', description: '', createdAt: 1 };
		expect(checkSettings({ ...settings, imported: { coco: { info: { year: 2017 }, licenses: [] } } })).toMatchObject({ ok: true });
		expect(checkSettings({ ...settings, imported: { coco: 'x' } })).toMatchObject({ ok: false });
		expect(checkSettings({ ...settings, imported: { coco: { big: 'x'.repeat(1024 * 1024) } } })).toMatchObject({ ok: false });
	});

	it('drops what a format derived from the geometry when the geometry changes, not when the class does', () => {
		const doc = new ProjectDoc(new Y.Doc());
		doc.initialize({ name: 'p' });
		const added = doc.addImages([{ name: 'a.jpg', hash: 'h', width: 100, height: 100, mime: 'image/jpeg', size: 1 }]);
		const a = doc.addClass({ name: 'a' });
		const b = doc.addClass({ name: 'b' });
		if (!added.ok || !a.ok || !b.ok) throw new Error('setup');
		const imported = { format: 'coco', id: 7, fields: { note: 'n' }, derived: { area: 99 } };
		const plan = { classes: [], images: [], annotations: [{ id: 'x1', imageId: added.value[0].id, classId: a.value.id, type: 'polygon' as const, geometry: polygon, attributes: {}, imported }] };
		expect(doc.importDataset(plan).ok).toBe(true);
		expect(doc.getAnnotation('x1')!.imported).toEqual(imported);
		expect(doc.getAnnotation('x1')!.geometry).toEqual(polygon);
		expect(doc.updateAnnotation('x1', { classId: b.value.id }).ok).toBe(true);
		expect(doc.getAnnotation('x1')!.imported).toEqual(imported);
		expect(doc.updateAnnotation('x1', { geometry: { points: [1, 1, 11, 1, 11, 11] } }).ok).toBe(true);
		expect(doc.getAnnotation('x1')!.imported).toEqual({ format: 'coco', id: 7, fields: { note: 'n' } });
	});

	it('refuses an import whose kept fields the document would keep out', () => {
		const doc = new ProjectDoc(new Y.Doc());
		doc.initialize({ name: 'p' });
		const added = doc.addImages([{ name: 'a.jpg', hash: 'h', width: 100, height: 100, mime: 'image/jpeg', size: 1 }]);
		const a = doc.addClass({ name: 'a' });
		if (!added.ok || !a.ok) throw new Error('setup');
		const imported = { format: 'coco', fields: { v: 'x'.repeat(MAX_IMPORTED_BYTES) } };
		const plan = { classes: [], images: [], annotations: [{ id: 'x1', imageId: added.value[0].id, classId: a.value.id, type: 'polygon' as const, geometry: polygon, attributes: {}, imported }] };
		const r = doc.importDataset(plan);
		expect(r.ok).toBe(false);
		expect(!r.ok && r.reason).toMatch(/larger than 64 KiB/);
		expect(doc.getAnnotation('x1')).toBeUndefined();
	});

	it('a newer version whose geometry carries a field this one does not know is read-only until that record is gone', () => {
		const ydoc = new Y.Doc();
		ydoc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1);
		ydoc.getMap('meta').set('settings', { name: 'Newer', description: '', createdAt: 1 });
		ydoc.getMap('images').set('i1', { id: 'i1', name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 1, status: 'new', addedAt: 1 });
		ydoc.getMap('classes').set('c1', cls());
		// Editing it here would drop `curves` (validate keeps the fields it knows): the lock prevents that.
		ydoc.getMap('annotations').set('a1', annotation({ geometry: { ...polygon, curves: [0.5, 0.5] } }));
		ydoc.getMap('annotations').set('a2', annotation({ id: 'a2', geometry: polygon }));
		const doc = new ProjectDoc(ydoc);
		doc.migrate();
		expect(doc.readOnlyReason).toMatch(/holds 1 record this app cannot read/);
		ydoc.getMap('annotations').delete('a1');
		expect(doc.readOnlyReason).toBeNull();
	});
});
