import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc, type AnnotationRecord } from '$lib/model';
import type { Dataset } from '$lib/formats/dataset';
import { planImport, type ImportPlan } from '$lib/formats/project-dataset';
import { packPlannedImport } from '$lib/model/import-records';
import { importBasisOf, planAndPack } from '$lib/storage/exchange/plan';
import { runImport, type ExchangeDeps } from '$lib/storage/exchange/run';
import type { FromWorker } from '$lib/storage/exchange/protocol';
import { zipFiles } from '$lib/storage/exchange/zip';
import { cocoFormat } from '$lib/formats/coco';

/**
 * An import planned and packed in the exchange worker (`planAndPack`) stores exactly what the page's own
 * path stores, and the page refuses packed records that what a peer changed since has made wrong.
 */

const ACTOR = { id: 'Actor0000000000000001', name: 'Ann' };

function must<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
	if (!r.ok) throw new Error(r.reason);
	return r.value;
}

/** Two replicas of one project: two images (one with an annotation at z 1), a class with an attribute. */
function twins(): [ProjectDoc, ProjectDoc] {
	const seed = new ProjectDoc(new Y.Doc(), ACTOR);
	seed.initialize({ name: 'P' });
	const car = must(seed.addClass({ name: 'car', attributes: [{ id: 'sCol', name: 'colour', kind: 'select', options: ['red', 'blue'], min: null, max: null, default: null, required: false }] }));
	const [a] = must(
		seed.addImages([
			{ name: 'a.jpg', hash: 'a'.repeat(64), width: 200, height: 100, mime: 'image/jpeg', size: 1 },
			{ name: 'b.jpg', hash: 'b'.repeat(64), width: 64, height: 48, mime: 'image/jpeg', size: 1 }
		])
	);
	must(seed.createAnnotation({ imageId: a.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } }));
	const update = Y.encodeStateAsUpdate(seed.ydoc);
	return [0, 1].map(() => {
		const y = new Y.Doc();
		Y.applyUpdate(y, update);
		return new ProjectDoc(y, ACTOR);
	}) as [ProjectDoc, ProjectDoc];
}

const dataset: Dataset = {
	classes: [{ name: 'car' }, { name: 'person' }],
	images: [
		{ name: 'a.jpg', width: 200, height: 100 },
		{ name: 'b.jpg', width: 64, height: 48 }
	],
	annotations: [
		{ image: 'a.jpg', className: 'car', type: 'box', geometry: { x: 10.123456, y: 20.5, width: 30.25, height: 40 }, attributes: { colour: 'blue' } },
		{ image: 'a.jpg', className: 'person', type: 'polygon', geometry: { points: [1, 1, 50.0004, 1, 50, 60.33] } },
		{ image: 'b.jpg', className: 'car', type: 'keypoint', geometry: { x: 3.14159, y: 2.71828 }, text: 'plate' },
		{ image: 'b.jpg', className: 'person', type: 'tag', geometry: {} }
	]
} as unknown as Dataset;

const withoutTimes = ({ createdAt, updatedAt, ...rest }: AnnotationRecord) => (void createdAt, void updatedAt, rest);
const annotationsOf = (doc: ProjectDoc) => [...doc.allAnnotations()].map(withoutTimes).sort((x, y) => (x.id < y.id ? -1 : 1));

function packedPlan(doc: ProjectDoc, plan: ImportPlan): ImportPlan {
	const packed = must(packPlannedImport(plan, importBasisOf(doc, ACTOR.id), Date.now()));
	return { ...plan, annotations: [], packed };
}

describe('an import packed in the exchange worker', () => {
	it('stores the same records as the page packing them itself, and the importing page reads them as a peer would', () => {
		const [here, packedHere] = twins();
		const plan = planImport(here, dataset, { mode: 'existing' });
		if (!plan.ok) throw new Error(plan.errors.join('; '));
		const worker = packedPlan(packedHere, plan.plan);
		expect(worker.packed!.ids).toHaveLength(4);
		expect(must(here.importDataset(plan.plan))).toEqual({ classes: 1, images: 0, annotations: 4 });
		expect(must(packedHere.importDataset(worker))).toEqual({ classes: 1, images: 0, annotations: 4 });
		expect(annotationsOf(packedHere)).toEqual(annotationsOf(here));
		expect(annotationsOf(packedHere)).toHaveLength(5);
		// Rounded to 1/1000 px as stored, above the project's box (z 1), annotated images in progress.
		const box = annotationsOf(packedHere).find((a) => a.type === 'box' && a.attributes.sCol === 'blue')!;
		expect(box.geometry).toEqual({ x: 10.123, y: 20.5, width: 30.25, height: 40 });
		expect(box.z).toBe(2);
		expect(packedHere.problems()).toEqual([]);
		expect(packedHere.images().map((i) => packedHere.review.stageOf(i.id).stage)).toEqual(['annotate', 'annotate']);
		// A peer receives the same.
		const peer = new ProjectDoc(new Y.Doc(), { id: 'Other000000000000001', name: 'B' });
		Y.applyUpdate(peer.ydoc, Y.encodeStateAsUpdate(packedHere.ydoc));
		expect(annotationsOf(peer)).toEqual(annotationsOf(packedHere));
	});

	it('refuses, writing nothing, what a peer changed since the plan: a class rule, a deleted image, a taken id', () => {
		const cases: [string, (doc: ProjectDoc, plan: ImportPlan) => void, RegExp][] = [
			['class', (doc) => must(doc.updateClass(doc.classes()[0].id, { shapeTypes: ['box'] })), /class “car” changed while the import was prepared; read the files again/],
			// The model has no image deletion yet; a peer's document may still lack one (a replica's own edit).
			['image', (doc) => doc.ydoc.getMap('images').delete(doc.images().find((i) => i.name === 'b.jpg')!.id), /image the import annotates was deleted/],
			// The same prepared import written twice.
			['id', (doc, plan) => must(doc.importDataset(plan)), /An imported annotation's id is taken; read the files again/],
			['member', () => {}, /prepared for another member/]
		];
		for (const [what, change, reason] of cases) {
			const [doc] = twins();
			const plan = planImport(doc, dataset, { mode: 'existing' });
			if (!plan.ok) throw new Error(plan.errors.join('; '));
			const worker = packedPlan(doc, plan.plan);
			if (what === 'member') worker.packed = { ...worker.packed!, author: 'Someone0000000000001' };
			change(doc, worker);
			const before = doc.annotationCount;
			// Written twice: the second time its new class exists, so only the annotations are offered again.
			const written = doc.importDataset(what === 'id' ? { ...worker, classes: [] } : worker);
			expect(written.ok, what).toBe(false);
			expect(written.ok ? '' : written.reason, what).toMatch(reason);
			expect(doc.annotationCount, what).toBe(before);
			expect(doc.classes().map((c) => c.name).sort(), what).toEqual(what === 'id' ? ['car', 'person'] : ['car']);
		}
	});

	it('a colour or name change of a class between plan and write does not refuse it', () => {
		const [doc] = twins();
		const plan = planImport(doc, dataset, { mode: 'existing' });
		if (!plan.ok) throw new Error(plan.errors.join('; '));
		const worker = packedPlan(doc, plan.plan);
		must(doc.updateClass(doc.classes()[0].id, { color: '#00ff00', name: 'auto' }));
		expect(doc.importDataset(worker).ok).toBe(true);
	});

	it('refuses damaged packed records (a worker answer is not trusted blindly)', () => {
		const [doc] = twins();
		const plan = planImport(doc, dataset, { mode: 'existing' });
		if (!plan.ok) throw new Error(plan.errors.join('; '));
		const worker = packedPlan(doc, plan.plan);
		// A record naming a class whose rules were not compared.
		const unchecked = { ...worker, packed: { ...worker.packed!, classBasis: worker.packed!.classBasis.slice(1) } };
		expect(doc.importDataset(unchecked)).toEqual({ ok: false, reason: 'The prepared import is damaged: a record names a class it was not checked against' });
		const short = { ...worker, packed: { ...worker.packed!, bytes: worker.packed!.bytes.subarray(1) } };
		expect(doc.importDataset(short)).toEqual({ ok: false, reason: 'The prepared import is damaged: its records are incomplete' });
		const garbled = { ...worker, packed: { ...worker.packed!, bytes: worker.packed!.bytes.map(() => 0xff) } };
		expect(doc.importDataset(garbled).ok).toBe(true);
		// Bytes that do not read are kept out of the way by the read boundary and listed, as a peer's are.
		expect(doc.problems().filter((p) => p.map === 'annotations')).toHaveLength(4);
		expect(doc.annotationCount).toBe(1);
	});

	it('a record the checks refuse is named when the files are read, before anything can be written', () => {
		const [doc] = twins();
		const bad = { ...dataset, annotations: [...dataset.annotations, { image: 'a.jpg', className: 'car', type: 'box', geometry: { x: 1, y: 1, width: 2, height: 2 }, instanceId: 1.5 }] } as unknown as Dataset;
		const planned = planAndPack(bad, [], ['a read warning'], 'existing', importBasisOf(doc, ACTOR.id));
		expect(planned.ok).toBe(false);
		if (planned.ok) return;
		expect(planned.errors).toHaveLength(1);
		expect(planned.errors[0]).toMatch(/instance id/i);
		expect(planned.warnings[0]).toBe('a read warning');
	});

	it('the worker answers a read with a plan and packed records when the page sends its project', async () => {
		const [doc, other] = twins();
		const files = cocoFormat.write(dataset as Dataset, { includeImages: false }).files;
		const zip = await zipFiles(files, () => {}, () => false);
		const messages: FromWorker[] = [];
		const deps: ExchangeDeps = { getBlob: async () => undefined, hash: async () => '0'.repeat(64), imageSize: async () => ({ width: 1, height: 1 }) };
		await runImport(1, { files: [{ name: 'coco.zip', file: zip! }], formatId: null, target: 'existing', basis: importBasisOf(doc, ACTOR.id) }, deps, (m) => messages.push(m), () => false);
		const read = messages.at(-1)!;
		if (read.type !== 'read' || read.outcome.kind !== 'planned' || !read.outcome.planned.ok) throw new Error(JSON.stringify(read));
		const plan = read.outcome.planned.plan;
		expect(plan.annotations).toEqual([]);
		expect(plan.summary).toMatchObject({ matchedImages: 2, newClasses: 1, annotations: 4 });
		expect(must(doc.importDataset(plan)).annotations).toBe(4);
		const direct = planImport(other, cocoFormat.read(files).dataset, { mode: 'existing' });
		if (!direct.ok) throw new Error(direct.errors.join('; '));
		must(other.importDataset(direct.plan));
		const shapes = (d: ProjectDoc) => [...d.allAnnotations()].map((a) => [a.type, JSON.stringify(a.geometry), a.z]).sort();
		expect(shapes(doc)).toEqual(shapes(other));
	});
});
