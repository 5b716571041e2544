import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { exportSelection } from '$lib/formats/project-dataset';
import { ProjectDoc, SCHEMA_VERSION } from '$lib/model';
import { summarizeProject } from '$lib/storage/project-summary';
import { defaultLabelMap, detectionsToProposals, mergeLabelMap, SKIP, textRegionsToProposals } from '$lib/ui/editor/prelabel';
import { PACKED_ANNOTATIONS } from '$lib/model/annotation-store';
import { RECORD_LAYOUT_VERSION } from '$lib/model/record-codec';

function project() {
	const doc = new ProjectDoc(new Y.Doc(), { id: 'u1', name: 'Ada' });
	doc.initialize({ name: 'P' });
	const car = doc.addClass({ name: 'car' });
	const person = doc.addClass({ name: 'person', shapeTypes: ['box'] });
	const images = doc.addImages([
		{ name: 'a.jpg', hash: 'h1', width: 200, height: 100, mime: 'image/jpeg', size: 1 },
		{ name: 'b.jpg', hash: 'h2', width: 200, height: 100, mime: 'image/jpeg', size: 1 }
	]);
	if (!car.ok || !person.ok || !images.ok) throw new Error('setup');
	return { doc, car: car.value, person: person.value, images: images.value };
}

const box = (x: number) => ({ x, y: 10, width: 20, height: 20 });
const model = (score: number) => ({ model: 'yolov8n', score });

function withProposals() {
	const p = project();
	const [a] = p.images;
	const results = p.doc.addProposals(a.id, [
		{ classId: p.car.id, type: 'box', geometry: box(0), proposal: model(0.9) },
		{ classId: p.car.id, type: 'polygon', geometry: { points: [50, 10, 90, 10, 70, 60] }, proposal: model(0.6) },
		{ classId: p.person.id, type: 'box', geometry: box(120), proposal: model(0.4) }
	]);
	const ids = results.map((r) => (r.ok ? r.value.id : ''));
	return { ...p, ids };
}

describe('schema v5: model proposals', () => {
	it('migrates a v4 document to the current version without touching its records', () => {
		const old = new Y.Doc();
		old.getMap('meta').set('schemaVersion', 4);
		old.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		const record = { id: 'a1', imageId: 'i1', classId: 'c1', type: 'box', geometry: box(0), attributes: {}, z: 1, author: 'x', createdAt: 1, updatedAt: 1 };
		old.getMap('images').set('i1', { id: 'i1', name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 1, status: 'new', addedAt: 1 });
		old.getMap('annotations').set('a1', record);
		const doc = new ProjectDoc(old);
		doc.migrate();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.getAnnotation('a1')).toEqual(record);
	});

	it('opens a v5 document read-only in an app that only knows v4', () => {
		// What a v4 app does with a v5 document holding proposals: the same check migrate() makes for any
		// newer schema, whose records carry fields the older app does not know.
		const { doc: v5 } = withProposals();
		const ydoc = new Y.Doc();
		Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(v5.ydoc));
		ydoc.getMap('meta').set('schemaVersion', SCHEMA_VERSION + 1);
		// A record in a packed layout this app does not know (a newer field, say).
		const [key, bytes] = [...ydoc.getMap(PACKED_ANNOTATIONS).entries()][0] as [string, Uint8Array];
		ydoc.getMap(PACKED_ANNOTATIONS).set(key, Uint8Array.of(RECORD_LAYOUT_VERSION + 1, ...bytes.subarray(1)));
		const doc = new ProjectDoc(ydoc);
		doc.migrate();
		expect(doc.readOnlyReason).toMatch(/holds 1 record this app cannot read, saved by a newer version/);
	});

	it('adds proposals in one undoable transaction, marked with model and score, without touching the image stage', () => {
		const { doc, ids, images } = withProposals();
		expect(ids.every(Boolean)).toBe(true);
		expect(doc.proposalsOf(images[0].id).map((a) => a.proposal)).toEqual([model(0.9), model(0.6), model(0.4)]);
		expect(doc.review.stageOf(images[0].id).stage).toBe('annotate');
		expect(doc.undo()).toBe(true);
		expect(doc.annotationsOf(images[0].id)).toHaveLength(0);
	});

	it('validates proposals as any write: a degenerate shape or a class that refuses the type is left out with a reason', () => {
		const { doc, car, person, images } = project();
		const results = doc.addProposals(images[0].id, [
			{ classId: car.id, type: 'box', geometry: box(0), proposal: model(0.8) },
			{ classId: car.id, type: 'polygon', geometry: { points: [1, 1, 2, 2] }, proposal: model(0.8) },
			{ classId: person.id, type: 'polygon', geometry: { points: [50, 10, 90, 10, 70, 60] }, proposal: model(0.8) },
			{ classId: car.id, type: 'box', geometry: box(40), proposal: model(1.5) }
		]);
		expect(results.map((r) => r.ok)).toEqual([true, false, false, false]);
		expect(results[2].ok || results[2].reason).toMatch(/cannot be drawn as polygon/);
		expect(results[3].ok || results[3].reason).toMatch(/score from 0 to 1/);
		expect(doc.annotationsOf(images[0].id)).toHaveLength(1);
	});

	it('accepting removes the mark, and undoes in one step', () => {
		const { doc, ids, images } = withProposals();
		expect(doc.acceptProposals([ids[0]])).toEqual({ ok: true, value: 1 });
		expect(doc.getAnnotation(ids[0])?.proposal).toBeUndefined();
		expect('proposal' in doc.getAnnotation(ids[0])!).toBe(false);
		expect(doc.getAnnotation(ids[1])?.proposal).toEqual(model(0.6));
		expect(doc.review.stageOf(images[0].id).stage).toBe('annotate'); // a stage moves by review only
		expect(doc.undo()).toBe(true);
		expect(doc.getAnnotation(ids[0])?.proposal).toEqual(model(0.9));
		expect(doc.review.stageOf(images[0].id).stage).toBe('annotate');
	});

	it('rejecting deletes proposals only: a person’s shape among the ids stays', () => {
		const { doc, ids, car, images } = withProposals();
		const mine = doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box(160) });
		if (!mine.ok) throw new Error(mine.reason);
		expect(doc.rejectProposals([ids[1], mine.value.id])).toEqual({ ok: true, value: 1 });
		expect(doc.getAnnotation(ids[1])).toBeUndefined();
		expect(doc.getAnnotation(mine.value.id)).toBeDefined();
		expect(doc.undo()).toBe(true);
		expect(doc.getAnnotation(ids[1])?.proposal).toEqual(model(0.6));
	});

	it('accept-all accepts every proposal of one image, not another image’s, as one undo step', () => {
		const { doc, ids, car, images } = withProposals();
		const [other] = doc.addProposals(images[1].id, [{ classId: car.id, type: 'box', geometry: box(0), proposal: model(0.7) }]);
		if (!other.ok) throw new Error(other.reason);
		expect(doc.acceptAllProposals(images[0].id)).toEqual({ ok: true, value: 3 });
		expect(doc.proposalsOf(images[0].id)).toHaveLength(0);
		expect(doc.getAnnotation(other.value.id)?.proposal).toEqual(model(0.7));
		expect(doc.undo()).toBe(true);
		expect(doc.proposalsOf(images[0].id).map((a) => a.id)).toEqual(ids);
	});

	it('counts proposals awaiting review per image in the library summary', () => {
		const { doc, ids, images } = withProposals();
		doc.acceptProposals([ids[0]]);
		const summary = summarizeProject('p', doc);
		expect(summary.images.find((i) => i.id === images[0].id)?.proposals).toBe(2);
		expect(summary.images.find((i) => i.id === images[1].id)?.proposals ?? 0).toBe(0);
	});

	it('exports leave unaccepted proposals out unless asked', () => {
		const { doc, ids } = withProposals();
		doc.acceptProposals([ids[0]]);
		expect(exportSelection(doc).dataset.annotations.map((a) => a.geometry)).toEqual([box(0)]);
		expect(exportSelection(doc, { includeProposals: true }).dataset.annotations).toHaveLength(3);
	});

	it('a read-only document refuses every proposal write', () => {
		const { doc, ids, images } = withProposals();
		doc.readOnlyReason = 'frozen';
		expect(doc.acceptProposals(ids)).toEqual({ ok: false, reason: 'frozen' });
		expect(doc.rejectProposals(ids)).toEqual({ ok: false, reason: 'frozen' });
		expect(doc.proposalsOf(images[0].id)).toHaveLength(3);
	});
});

describe('pre-labeling: model labels to project classes', () => {
	it('maps labels to classes of the same name, case-insensitively; the rest are skipped', () => {
		const { car, person } = project();
		expect(defaultLabelMap(['Car', 'PERSON', 'dog'], [car, person])).toEqual({ Car: car.id, PERSON: person.id, dog: SKIP });
	});

	it('keeps a stored mapping, but not to a class since deleted, and maps labels it lacks by name', () => {
		const { car, person } = project();
		const stored = { car: person.id, person: 'gone', truck: SKIP };
		expect(mergeLabelMap(stored, ['car', 'person', 'bus'], [car, person])).toEqual({ car: person.id, person: person.id, bus: SKIP });
	});

	it('turns detections into box proposals of the mapped classes, skipping unmapped labels, and the document validates them', () => {
		const { doc, car, images } = project();
		const map = { car: car.id, dog: SKIP };
		const proposals = detectionsToProposals(
			[
				{ box: [10, 20, 60, 80], classIndex: 0, score: 0.8 },
				{ box: [0, 0, 5, 5], classIndex: 1, score: 0.9 },
				{ box: [100, 10, 100.5, 50], classIndex: 0, score: 0.7 }
			],
			['car', 'dog'],
			map,
			'yolov8n'
		);
		expect(proposals.map((p) => p.geometry)).toEqual([
			{ x: 10, y: 20, width: 50, height: 60 },
			{ x: 100, y: 10, width: 0.5, height: 40 }
		]);
		const results = doc.addProposals(images[0].id, proposals);
		// A box narrower than a pixel is refused by the model, as a drawn one would be.
		expect(results.map((r) => r.ok)).toEqual([true, false]);
		expect(doc.proposalsOf(images[0].id)[0].proposal).toEqual({ model: 'yolov8n', score: 0.8 });
	});

	it('turns text regions into 4-point polygons carrying their text', () => {
		const { doc, car, images } = project();
		doc.updateClass(car.id, { text: true });
		const proposals = textRegionsToProposals(
			[
				{ quad: [[10, 10], [90, 10], [90, 30], [10, 30]], text: 'EXIT', score: 0.97 },
				{ quad: [[10, 50], [90, 50], [90, 70], [10, 70]], text: ' ', score: 0.2 }
			],
			car.id,
			'ppocrv4'
		);
		const [r] = doc.addProposals(images[0].id, proposals);
		expect(r.ok && r.value).toMatchObject({ type: 'polygon', geometry: { points: [10, 10, 90, 10, 90, 30, 10, 30] }, text: 'EXIT', proposal: { model: 'ppocrv4', score: 0.97 } });
		expect(proposals).toHaveLength(1);
	});
});
