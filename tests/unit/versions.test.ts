import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffVersions } from '$lib/formats/version-diff';
import { ProjectDoc, SCHEMA_VERSION, type DocChange } from '$lib/model';

const HASH = 'a'.repeat(64);

function project() {
	const doc = new ProjectDoc(new Y.Doc(), { id: 'u1', name: 'Ada' });
	doc.initialize({ name: 'P' });
	const car = doc.addClass({ name: 'car' });
	const person = doc.addClass({ name: 'person' });
	const tree = doc.addClass({ name: 'tree' });
	const images = doc.addImages([
		{ name: 'a.jpg', hash: 'h1', width: 200, height: 100, mime: 'image/jpeg', size: 1 },
		{ name: 'b.jpg', hash: 'h2', width: 200, height: 100, mime: 'image/jpeg', size: 1 }
	]);
	if (!car.ok || !person.ok || !tree.ok || !images.ok) throw new Error('setup');
	return { doc, car: car.value, person: person.value, tree: tree.value, images: images.value };
}

const box = (x: number) => ({ x, y: 10, width: 20, height: 20 });

describe('frozen versions', () => {
	it('records a version that peers receive, and refuses a blank or repeated name', () => {
		const { doc } = project();
		const changes: DocChange[] = [];
		doc.onChange((c) => changes.push(c));
		const v = doc.recordVersion({ name: ' v1 ', hash: HASH, counts: doc.counts() });
		expect(v.ok && v.value).toMatchObject({ name: 'v1', author: 'u1', authorName: 'Ada', hash: HASH, counts: { images: 2, classes: 3, annotations: 0 } });
		expect(changes.at(-1)?.versions).toBe(true);
		expect(doc.recordVersion({ name: 'V1', hash: HASH, counts: doc.counts() })).toEqual({ ok: false, reason: 'A version named “V1” already exists' });
		expect(doc.recordVersion({ name: '  ', hash: HASH, counts: doc.counts() }).ok).toBe(false);
		expect(doc.recordVersion({ name: 'v2', hash: 'not-a-hash', counts: doc.counts() }).ok).toBe(false);

		const peer = new ProjectDoc(new Y.Doc());
		Y.applyUpdate(peer.ydoc, Y.encodeStateAsUpdate(doc.ydoc));
		expect(peer.versions().map((x) => x.name)).toEqual(['v1']);
	});

	it('reopens a snapshot as a read-only document of that moment', () => {
		const { doc, car, images } = project();
		doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box(10) });
		const snapshot = doc.snapshot();
		doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box(50) });
		const frozen = ProjectDoc.fromSnapshot(snapshot, 'v1');
		expect(frozen.counts()).toEqual({ images: 2, classes: 3, annotations: 1 });
		expect(frozen.readOnlyReason).toMatch(/frozen version “v1”/);
		expect(frozen.addClass({ name: 'bus' }).ok).toBe(false);
		expect(doc.annotationCount).toBe(2);
	});

	it('opens a v3 document (no versions map) and lists no versions', () => {
		const old = new Y.Doc();
		old.getMap('meta').set('schemaVersion', 3);
		old.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		const doc = new ProjectDoc(old);
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.versions()).toEqual([]);
		expect(doc.recordVersion({ name: 'first', hash: HASH, counts: doc.counts() }).ok).toBe(true);
	});
});

describe('diff between versions', () => {
	it('counts a known edit script per class', () => {
		const { doc, car, person, tree, images } = project();
		const [a, b] = images;
		const made = doc.createAnnotations([
			{ imageId: a.id, classId: car.id, type: 'box', geometry: box(0) },
			{ imageId: a.id, classId: car.id, type: 'box', geometry: box(30) },
			{ imageId: a.id, classId: person.id, type: 'box', geometry: box(60) },
			{ imageId: b.id, classId: person.id, type: 'box', geometry: box(0) },
			{ imageId: b.id, classId: tree.id, type: 'box', geometry: box(30) }
		]);
		const ids = made.map((r) => (r.ok ? r.value.id : ''));
		const v1 = ProjectDoc.fromSnapshot(doc.snapshot(), 'v1');

		// Edit script: add two boxes (car, tree), delete one person, change one car to person,
		// move the tree box, reorder one (z: not a difference), add a class, rename one.
		doc.createAnnotations([
			{ imageId: b.id, classId: car.id, type: 'box', geometry: box(100) },
			{ imageId: b.id, classId: tree.id, type: 'box', geometry: box(140) }
		]);
		doc.deleteAnnotations([ids[3]]);
		doc.updateAnnotation(ids[1], { classId: person.id });
		doc.updateAnnotation(ids[4], { geometry: box(35) });
		doc.stepZ(ids[0], 1);
		doc.addClass({ name: 'bus' });
		doc.updateClass(tree.id, { name: 'plant' });
		const v2 = ProjectDoc.fromSnapshot(doc.snapshot(), 'v2');

		const diff = diffVersions(v1, v2);
		expect(diff.annotations).toEqual({ added: 2, removed: 1, changed: 2, geometry: 1, class: 1, attributes: 0 });
		expect(diff.perClass.map(({ name, added, removed, changed }) => ({ name, added, removed, changed }))).toEqual([
			{ name: 'car', added: 1, removed: 0, changed: 0 },
			{ name: 'person', added: 0, removed: 1, changed: 1 },
			{ name: 'plant', added: 1, removed: 0, changed: 1 }
		]);
		expect(diff.classes).toEqual({ added: ['bus'], removed: [], renamed: [{ from: 'tree', to: 'plant' }] });
		expect(diff.images).toEqual({ added: [], removed: [] });

		// The other way round: what was added is removed.
		const back = diffVersions(v2, v1);
		expect(back.annotations).toMatchObject({ added: 1, removed: 2, changed: 2 });
		expect(back.classes.removed).toEqual(['bus']);
		expect(diffVersions(v2, v2).perClass).toEqual([]);
	});
});
