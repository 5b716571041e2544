import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc, type ClassRecord } from '$lib/model';
import { SCHEMA_VERSION } from '$lib/model/schema';
import { encodeMask } from '$lib/shapes/mask/rle';
import { countsOf, type Dataset } from '$lib/formats/dataset';
import { datasetFromProject, describePlan, planImport } from '$lib/formats/project-dataset';
import { openBundleDocument, peerlabelCodec, readNativeBundle, writeNativeBundle } from '$lib/formats/native';
import { sha256HexSync } from '$lib/formats/native/sha256';
import { isFormatError } from '$lib/formats/errors';
import { detectFormat } from '$lib/formats/registry';
import { createHash } from 'node:crypto';

function must<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
	if (!r.ok) throw new Error(r.reason);
	return r.value;
}

/** A project with two images, a class with attributes, a skeleton class and one annotation of every type. */
function richProject(): { doc: ProjectDoc; car: ClassRecord; person: ClassRecord } {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'Rich' });
	const car = must(
		doc.addClass({
			name: 'car',
			color: '#112233',
			text: true,
			instanceId: true,
			direction: true,
			attributes: [
				{ id: 'sColor', name: 'colour', kind: 'select', options: ['red', 'blue'], min: null, max: null, default: null, required: false },
				{ id: 'sParked', name: 'parked', kind: 'checkbox', options: [], min: null, max: null, default: null, required: false }
			]
		})
	);
	const person = must(
		doc.addClass({
			name: 'person',
			skeleton: { points: [{ name: 'head', x: 0.5, y: 0 }, { name: 'l', x: 0, y: 1 }, { name: 'r', x: 1, y: 1 }], edges: [[0, 1], [0, 2]] }
		})
	);
	const [a, b] = must(
		doc.addImages([
			{ name: 'a.jpg', hash: 'a'.repeat(64), width: 200, height: 100, mime: 'image/jpeg', size: 10 },
			{ name: 'sub/b.png', hash: 'b'.repeat(64), width: 64, height: 48, mime: 'image/png', size: 10 }
		])
	);
	const bits = new Uint8Array(10 * 8);
	for (let i = 0; i < 30; i++) bits[i + 20] = 1;
	const shapes: [string, unknown][] = [
		['box', { x: 10, y: 10, width: 30, height: 20 }],
		['rotatedBox', { cx: 100, cy: 50, width: 40, height: 20, angle: 30 }],
		['polygon', { points: [10, 10, 90, 10, 90, 90, 10, 90], holes: [[30, 30, 60, 30, 60, 60]] }],
		['polyline', { points: [0, 0, 50, 50, 100, 20] }],
		['ellipse', { cx: 60, cy: 50, rx: 20, ry: 10, angle: -45 }],
		['keypoint', { x: 5.5, y: 7.25 }],
		['cuboid', { points: [10, 10, 50, 10, 50, 50, 10, 50, 20, 5, 60, 5, 60, 45, 20, 45] }],
		['mask', { x: 4, y: 3, width: 10, height: 8, rle: encodeMask(bits, 10, 8) }]
	];
	for (const [type, geometry] of shapes)
		must(doc.createAnnotation({ imageId: a.id, classId: car.id, type: type as never, geometry, attributes: { sColor: 'red', sParked: true } }));
	must(doc.updateAnnotation([...doc.annotationIds(a.id)][0], { text: 'plate 12', instanceId: 7, direction: { angle: 90 } }));
	must(doc.createAnnotation({ imageId: b.id, classId: person.id, type: 'skeleton', geometry: { points: [30, 5, 10, 40, 50, 40], visibility: [2, 1, 0] } }));
	must(doc.createAnnotation({ imageId: b.id, classId: car.id, type: 'tag', geometry: {} }));
	doc.review.setStage([b.id], 'done');
	return { doc, car, person };
}

const recordsOf = (doc: ProjectDoc) =>
	JSON.stringify({ settings: doc.settings, classes: doc.classes(), images: doc.images(), annotations: [...doc.allAnnotations()].sort((x, y) => (x.id < y.id ? -1 : 1)) });

function emptyProject(): ProjectDoc {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'Target' });
	return doc;
}

describe('datasetFromProject', () => {
	it('writes classes, images and annotations by name, with attributes by name', () => {
		const { doc } = richProject();
		const d = datasetFromProject(doc);
		expect(countsOf(d)).toEqual({ images: 2, classes: 2, annotations: 10 });
		expect(d.images.map((i) => [i.name, i.width, i.height, i.bytes])).toEqual([
			['a.jpg', 200, 100, undefined],
			['sub/b.png', 64, 48, undefined]
		]);
		expect(d.classes[0]).toMatchObject({ name: 'car', color: '#112233', skeleton: null });
		expect(d.classes[0].attributes!.map((s) => s.name)).toEqual(['colour', 'parked']);
		expect(d.classes[1].skeleton!.points.map((p) => p.name)).toEqual(['head', 'l', 'r']);
		const box = d.annotations[0];
		expect(box).toMatchObject({ image: 'a.jpg', className: 'car', type: 'box', attributes: { colour: 'red', parked: true }, text: 'plate 12', instanceId: 7, direction: { angle: 90 } });
		expect(box.geometry).toEqual({ x: 10, y: 10, width: 30, height: 20 });
	});

	it('filters by stage, class and image', () => {
		const { doc, person } = richProject();
		const done = datasetFromProject(doc, { stages: ['done'] });
		expect(done.images.map((i) => i.name)).toEqual(['sub/b.png']);
		expect(done.annotations.map((a) => a.type)).toEqual(['skeleton', 'tag']);
		const people = datasetFromProject(doc, { classIds: [person.id] });
		expect(people.classes.map((c) => c.name)).toEqual(['person']);
		expect(people.images).toHaveLength(2);
		expect(people.annotations.map((a) => a.type)).toEqual(['skeleton']);
		const first = datasetFromProject(doc, { imageIds: [doc.images()[0].id] });
		expect(first.images.map((i) => i.name)).toEqual(['a.jpg']);
		expect(first.annotations).toHaveLength(8);
	});
});

describe('planImport and importDataset', () => {
	const base = (): Dataset => ({
		images: [{ name: 'train/a.jpg', width: 200, height: 100 }],
		classes: [{ name: 'Car' }, { name: 'bike', color: '#00ff00' }],
		annotations: [
			{ image: 'train/a.jpg', className: 'Car', type: 'box', geometry: { x: 1, y: 2, width: 10, height: 10 }, attributes: { Colour: 'blue', wheels: 4 }, source: 'in.json › annotations[0]' },
			{ image: 'train/a.jpg', className: 'bike', type: 'box', geometry: { x: 5, y: 5, width: 10, height: 10 }, attributes: { wheels: 2, electric: true }, source: 'in.json › annotations[1]' },
			{ image: 'train/a.jpg', className: 'truck', type: 'keypoint', geometry: { x: 3, y: 4 }, source: 'in.json › annotations[2]' }
		]
	});

	it('matches images by basename and classes by name (case-insensitive), creates the others', () => {
		const { doc, car } = richProject();
		const before = doc.classes().length;
		const planned = planImport(doc, base(), { mode: 'existing' });
		if (!planned.ok) throw new Error(planned.errors.join('\n'));
		const { plan } = planned;
		expect(plan.summary).toEqual({ matchedImages: 1, newImages: 0, newClasses: 2, matchedClasses: 1, annotations: 3 });
		expect(plan.classes.map((c) => [c.name, c.color])).toEqual([
			['bike', '#00ff00'],
			['truck', expect.stringMatching(/^#[0-9a-f]{6}$/)]
		]);
		// Existing class: known attribute mapped by name to its spec id, unknown one dropped with a warning.
		expect(plan.annotations[0].attributes).toEqual({ sColor: 'blue' });
		expect(plan.warnings).toContain('Class “car” has no attribute “wheels”: its values were dropped');
		// New class: unknown attributes become specs of the kind their values have.
		const bike = plan.classes[0];
		expect(bike.attributes.map((s) => [s.name, s.kind])).toEqual([
			['wheels', 'number'],
			['electric', 'checkbox']
		]);
		expect(plan.annotations[1].attributes).toEqual({ [bike.attributes[0].id]: 2, [bike.attributes[1].id]: true });
		expect(describePlan(plan)).toBe('1 image matched, 2 new classes, 3 annotations; 1 warning');

		const written = doc.importDataset(plan);
		expect(written.ok).toBe(true);
		expect(doc.classes()).toHaveLength(before + 2);
		const a = doc.images().find((i) => i.name === 'a.jpg')!;
		expect(doc.annotationsOf(a.id).slice(-3).map((x) => x.classId)).toEqual([car.id, bike.id, plan.classes[1].id]);
	});

	it('keeps every optional field of an annotation (text, instance id, direction, lock, proposal), never the source', () => {
		const { doc, car } = richProject();
		const image = doc.images()[0];
		const written = doc.importDataset({
			classes: [],
			images: [],
			annotations: [
				{ id: 'imported000000a1', imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 }, attributes: {}, text: 'AB-12', instanceId: 3, direction: { angle: 45 }, locked: true, proposal: { model: 'yolo', score: 0.8 }, source: 'in.json › annotations[0]' },
				{ id: 'imported000000a2', imageId: image.id, classId: car.id, type: 'box', geometry: { x: 9, y: 9, width: 5, height: 5 }, attributes: {} }
			]
		});
		expect(written.ok).toBe(true);
		const first = doc.getAnnotation('imported000000a1')!;
		expect(first).toMatchObject({ text: 'AB-12', instanceId: 3, direction: { angle: 45 }, locked: true, proposal: { model: 'yolo', score: 0.8 } });
		expect(first).not.toHaveProperty('source');
		// Absent fields stay absent (no undefined keys in a 100,000-record document).
		expect(Object.keys(doc.getAnnotation('imported000000a2')!).sort()).toEqual(['attributes', 'author', 'classId', 'createdAt', 'geometry', 'id', 'imageId', 'type', 'updatedAt', 'z']);
	});

	it('validates the geometry of a plan it did not make (planImport marks its own plans as checked)', () => {
		const { doc, car } = richProject();
		const image = doc.images()[0];
		const box = (id: string, width: number) => ({ id, imageId: image.id, classId: car.id, type: 'box' as const, geometry: { x: 1, y: 1, width, height: 5 }, attributes: {} });
		const handMade = doc.importDataset({ classes: [], images: [], annotations: [box('imported000000b1', 5), box('imported000000b2', 0)] });
		expect(handMade).toMatchObject({ ok: false, reason: expect.stringContaining('imported000000b2') });
		expect(doc.getAnnotation('imported000000b1')).toBeUndefined();
		const planned = planImport(doc, { images: [], classes: [{ name: 'car' }], annotations: [{ image: image.name, className: 'car', type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } }] }, { mode: 'existing' });
		expect(planned.ok && planned.plan.geometryChecked).toBe(true);
	});

	it('refuses invalid geometry and unknown images, naming the source, and plans nothing', () => {
		const doc = emptyProject();
		const d = base();
		d.annotations[0].geometry = { x: 1, y: 2, width: 0, height: 10 };
		d.annotations.push({ image: 'ghost.jpg', className: 'car', type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 }, source: 'in.json › annotations[3]' });
		const planned = planImport(doc, { ...d, images: [] }, { mode: 'existing' });
		expect(planned.ok).toBe(false);
		if (planned.ok) return;
		expect(planned.errors[0]).toMatch(/^in\.json › annotations\[0\]: its image “train\/a\.jpg” is neither in the project nor in the input/);
		expect(planned.errors.at(-1)).toMatch(/^in\.json › annotations\[3\]: its image “ghost\.jpg”/);
		const withImage = emptyProject();
		must(withImage.addImages([{ name: 'a.jpg', hash: 'x', width: 200, height: 100, mime: 'image/jpeg', size: 1 }]));
		const bad = planImport(withImage, d, { mode: 'existing' });
		expect(bad.ok).toBe(false);
		if (!bad.ok) expect(bad.errors.some((e) => /^in\.json › annotations\[0\]: .+/.test(e))).toBe(true);
	});

	it('adds images whose files the input carries', () => {
		const doc = emptyProject();
		const d = base();
		d.images[0].bytes = new Uint8Array([1, 2, 3]);
		const planned = planImport(doc, d, { mode: 'new', files: new Map([['train/a.jpg', { hash: 'f'.repeat(64), mime: 'image/jpeg', size: 3 }]]) });
		if (!planned.ok) throw new Error(planned.errors.join('\n'));
		expect(planned.plan.summary.newImages).toBe(1);
		expect(planned.plan.newImageFiles[0].record).toMatchObject({ name: 'train/a.jpg', hash: 'f'.repeat(64), width: 200, height: 100 });
		must(doc.importDataset(planned.plan));
		expect(doc.images().map((i) => [i.name, doc.review.stageOf(i.id).stage])).toEqual([['train/a.jpg', 'annotate']]);
		expect(doc.annotationCount).toBe(3);
	});

	it('writes in a few bounded transactions, off the undo stack; a failing plan writes nothing', () => {
		const { doc } = richProject();
		const planned = planImport(doc, base(), { mode: 'existing' });
		if (!planned.ok) throw new Error('plan failed');
		let updates = 0;
		doc.ydoc.on('update', () => updates++);
		const before = doc.annotationCount;
		const undoSteps = doc.undoManager.undoStack.length;
		must(doc.importDataset(planned.plan));
		// The annotations (one transaction: far under the bound), then the project images' statuses.
		expect(updates).toBe(2);
		expect(doc.annotationCount).toBe(before + 3);
		expect(doc.undoManager.undoStack.length).toBe(undoSteps);
		const snapshot = recordsOf(doc);
		const again = planImport(doc, base(), { mode: 'existing' });
		if (!again.ok) throw new Error('plan failed');
		// A tampered plan (its last annotation degenerate): nothing of it is written.
		again.plan.annotations[2].geometry = { x: Number.NaN, y: 0 } as never;
		updates = 0;
		const result = doc.importDataset(again.plan);
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.reason).toMatch(/^in\.json › annotations\[2\]: /);
		expect(updates).toBe(0);
		expect(recordsOf(doc)).toBe(snapshot);
	});
});

describe('native bundle (peerlabel)', () => {
	it('restores a document with every annotation type exactly', () => {
		const { doc } = richProject();
		const update = Y.encodeStateAsUpdate(doc.ydoc);
		const image = { hash: 'a'.repeat(64), mime: 'image/jpeg', bytes: new Uint8Array([0xff, 0xd8, 0xff, 1]) };
		const files = writeNativeBundle({ manifest: { app: 'peerlabel', bundleVersion: 1, schemaVersion: SCHEMA_VERSION, name: 'Rich', counts: { images: 2, classes: 2, annotations: 10 }, exportedAt: 1 }, update, images: [image] });
		expect(files.map((f) => f.path)).toEqual(['project.json', 'document.yjs', `images/${'a'.repeat(64)}.jpg`]);
		expect(detectFormat(files)?.id).toBe('peerlabel');
		const read = readNativeBundle(files);
		expect(read.manifest.name).toBe('Rich');
		expect(read.images).toEqual([image]);
		const restored = openBundleDocument(read.update);
		expect(recordsOf(restored)).toBe(recordsOf(doc));
		expect(new Set([...restored.allAnnotations()].map((a) => a.type))).toEqual(
			new Set(['box', 'rotatedBox', 'polygon', 'polyline', 'ellipse', 'keypoint', 'cuboid', 'mask', 'skeleton', 'tag'])
		);
	});

	it('refuses a bundle from a newer schema with a clear message', () => {
		const files = writeNativeBundle({
			manifest: { app: 'peerlabel', bundleVersion: 1, schemaVersion: SCHEMA_VERSION + 1, name: 'Future', counts: { images: 0, classes: 0, annotations: 0 }, exportedAt: 1 },
			update: Y.encodeStateAsUpdate(new Y.Doc()),
			images: []
		});
		try {
			readNativeBundle(files);
			expect.unreachable();
		} catch (e) {
			expect(isFormatError(e)).toBe(true);
			expect(String((e as Error).message)).toMatch(/^project\.json \(schemaVersion\): this project was saved by a newer version of Peerlabel/);
		}
	});

	it('refuses a damaged document naming document.yjs, when read as a bundle and as a format', () => {
		const { doc } = richProject();
		const update = Y.encodeStateAsUpdate(doc.ydoc);
		const files = writeNativeBundle({
			manifest: { app: 'peerlabel', bundleVersion: 1, schemaVersion: SCHEMA_VERSION, name: 'Cut', counts: { images: 2, classes: 2, annotations: 10 }, exportedAt: 1 },
			update: update.subarray(0, Math.floor(update.length / 2)),
			images: []
		});
		for (const read of [() => readNativeBundle(files), () => peerlabelCodec.read(files)]) {
			try {
				read();
				expect.unreachable();
			} catch (e) {
				expect(isFormatError(e)).toBe(true);
				expect(String((e as Error).message)).toMatch(/^document\.yjs: is damaged/);
			}
		}
	});

	it('reads into a Dataset and writes one from a Dataset (images named by their SHA-256)', () => {
		const { doc } = richProject();
		const files = writeNativeBundle({
			manifest: { app: 'peerlabel', bundleVersion: 1, schemaVersion: SCHEMA_VERSION, name: 'Rich', counts: { images: 2, classes: 2, annotations: 10 }, exportedAt: 1 },
			update: Y.encodeStateAsUpdate(doc.ydoc),
			images: []
		});
		const { dataset } = peerlabelCodec.read(files);
		expect(dataset).toEqual(datasetFromProject(doc));
		dataset.images[0].bytes = new Uint8Array([1, 2, 3]);
		const written = peerlabelCodec.write(dataset, { includeImages: true });
		const sha = createHash('sha256').update(Buffer.from([1, 2, 3])).digest('hex');
		expect(sha256HexSync(new Uint8Array([1, 2, 3]))).toBe(sha);
		expect(written.files.map((f) => f.path)).toEqual(['project.json', 'document.yjs', `images/${sha}.jpg`]);
		// The same bytes under a second name: one file, both images pointing at it.
		dataset.images[1].bytes = new Uint8Array([1, 2, 3]);
		const twice = peerlabelCodec.write(dataset, { includeImages: true });
		expect(twice.files.map((f) => f.path)).toEqual(['project.json', 'document.yjs', `images/${sha}.jpg`]);
		expect(readNativeBundle(twice.files).images).toHaveLength(1);
		const again = peerlabelCodec.read(written.files).dataset;
		expect(again.annotations).toEqual(dataset.annotations);
		expect(again.classes.map((c) => c.name)).toEqual(['car', 'person']);
	});
});
