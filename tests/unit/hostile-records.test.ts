import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc, SCHEMA_VERSION, type AnnotationRecord } from '$lib/model';
import { formats } from '$lib/formats/registry';
import { exportSelection } from '$lib/formats/project-dataset';
import { MAX_SHAPE_VERTICES } from '$lib/shapes/limits';
import { encodeAnnotation } from '$lib/model/record-codec';
import { PACKED_ANNOTATIONS } from '$lib/model/annotation-store';

/**
 * The read boundary (model/checked-records.ts): what a peer with the room key, or a damaged stored
 * document, can put into the Y maps must never be indexed, drawn, exported or migrated, nor throw.
 * Each case below was a reproduced way to lose a project.
 */

function victim() {
	const doc = new ProjectDoc(new Y.Doc(), { id: 'alice', name: 'Alice' });
	doc.initialize({ name: 'Streets' });
	const car = doc.addClass({ name: 'car' });
	if (!car.ok) throw new Error(car.reason);
	const added = doc.addImages([{ name: 'a.jpg', hash: 'a'.repeat(64), width: 640, height: 480, mime: 'image/jpeg', size: 10 }]);
	if (!added.ok) throw new Error(added.reason);
	const image = added.value[0];
	const box = doc.createAnnotation({ imageId: image.id, classId: car.value.id, type: 'box', geometry: { x: 10, y: 10, width: 50, height: 40 } });
	if (!box.ok) throw new Error(box.reason);
	return { doc, car: car.value, image, box: box.value };
}

/** A hostile peer: a replica of the victim's document that writes raw values into its maps. */
function attacker(doc: ProjectDoc) {
	const ydoc = new Y.Doc();
	Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(doc.ydoc));
	return {
		ydoc,
		/** Writes raw values and returns the update the victim receives. */
		write(map: string, entries: Record<string, unknown>): Uint8Array {
			const before = Y.encodeStateVector(ydoc);
			ydoc.transact(() => {
				for (const [k, v] of Object.entries(entries)) ydoc.getMap(map).set(k, v);
			});
			return Y.encodeStateAsUpdate(ydoc, before);
		}
	};
}

function validAnnotation(imageId: string, classId: string, id: string): AnnotationRecord {
	return { id, imageId, classId, type: 'box', geometry: { x: 100, y: 100, width: 20, height: 20 }, attributes: {}, z: 5, author: 'mallory', createdAt: 1, updatedAt: 1 };
}

/** Every export format over the document, as the app runs them. */
function exportEverything(doc: ProjectDoc) {
	const { dataset } = exportSelection(doc);
	for (const f of formats) if (f.id !== 'datumaro') f.write(dataset, { includeImages: false }); // Datumaro is read only
	return dataset;
}

describe('the read boundary', () => {
	it('keeps a null annotation out without losing the valid records of the same update, and the project reopens', () => {
		const { doc, car, image, box } = victim();
		const mallory = attacker(doc);
		const update = mallory.write('annotations', { bad: null, good: validAnnotation(image.id, car.id, 'good') });
		expect(() => Y.applyUpdate(doc.ydoc, update, 'peer')).not.toThrow();
		expect(doc.getAnnotation('good')).toMatchObject({ id: 'good', imageId: image.id });
		expect(doc.annotationsOf(image.id).map((a) => a.id).sort()).toEqual([box.id, 'good'].sort());
		expect(doc.problems()).toEqual([expect.objectContaining({ map: 'annotations', key: 'bad', reason: 'the annotation is not a record' })]);
		// Reopening the stored document (all its updates) works and shows the same.
		const reopened = new ProjectDoc(new Y.Doc());
		Y.applyUpdate(reopened.ydoc, Y.encodeStateAsUpdate(doc.ydoc));
		reopened.migrate();
		expect(reopened.annotationCount).toBe(2);
		expect(reopened.problems().map((p) => p.key)).toEqual(['bad']);
	});

	it('lists each malformed record with what is wrong and who wrote it, and exports only what is readable', () => {
		const { doc, car, image, box } = victim();
		const mallory = attacker(doc);
		const a = (patch: object) => ({ ...validAnnotation(image.id, car.id, 'x'), ...patch });
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', {
			unknownType: a({ type: 'hexagon' }),
			nullGeometry: a({ geometry: null }),
			nullAttributes: a({ attributes: null }),
			nanBox: a({ geometry: { x: NaN, y: 0, width: 10, height: 10 } }),
			badText: a({ text: 42 }),
			badProposal: a({ proposal: { model: 'm', score: 7 } }),
			arrayRecord: [1, 2, 3]
		}));
		Y.applyUpdate(doc.ydoc, mallory.write('images', {
			numberName: { id: 'numberName', name: 12, hash: 'b'.repeat(64), width: 10, height: 10, mime: 'image/png', size: 1, status: 'new', addedAt: 1 },
			notObject: 'image',
			hugeSide: { id: 'hugeSide', name: 'h.png', hash: 'c'.repeat(64), width: 1e12, height: 10, mime: 'image/png', size: 1, status: 'new', addedAt: 1 }
		}));
		Y.applyUpdate(doc.ydoc, mallory.write('classes', {
			nullClass: null,
			styleColor: { ...car, id: 'styleColor', name: 'evil', color: 'red; position: fixed; background-image: url(http://127.0.0.1:9/x)' }
		}));
		const problems = new Map(doc.problems().map((p) => [`${p.map}/${p.key}`, p]));
		expect([...problems.keys()].sort()).toEqual(
			['annotations/unknownType', 'annotations/nullGeometry', 'annotations/nullAttributes', 'annotations/nanBox', 'annotations/badText', 'annotations/badProposal', 'annotations/arrayRecord', 'images/numberName', 'images/notObject', 'images/hugeSide', 'classes/nullClass', 'classes/styleColor'].sort()
		);
		expect(problems.get('annotations/unknownType')).toMatchObject({ reason: 'its shape type “hexagon” is unknown', author: 'mallory', client: mallory.ydoc.clientID });
		expect(problems.get('classes/styleColor')?.reason).toBe('its colour is not of the form #rrggbb');
		// Nothing of it is read: the project looks as it did, and every exporter runs.
		expect(doc.annotationCount).toBe(1);
		expect(doc.imageCount).toBe(1);
		expect(doc.classes().map((c) => c.name)).toEqual(['car']);
		const dataset = exportEverything(doc);
		expect(dataset.annotations).toHaveLength(1);
		expect(dataset.annotations[0].geometry).toEqual(box.geometry);
	});

	it('indexes a record by its map key, whatever id it claims', () => {
		const { doc, car, image, box } = victim();
		const mallory = attacker(doc);
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { realKey: validAnnotation(image.id, car.id, box.id) }));
		expect(doc.getAnnotation('realKey')?.id).toBe('realKey');
		expect(doc.getAnnotation(box.id)?.geometry).toEqual(box.geometry);
		expect(doc.annotationsOf(image.id).map((a) => a.id).sort()).toEqual([box.id, 'realKey'].sort());
		// Deleting it through the model deletes the record under that key.
		doc.deleteAnnotations(['realKey']);
		expect(mallory.ydoc.getMap('annotations').has('realKey')).toBe(true); // not synced back in this test
		expect(doc.ydoc.getMap('annotations').has('realKey')).toBe(false);
	});

	it('takes a record that turns unreadable out of the view, and back when it is mended', () => {
		const { doc, car, image, box } = victim();
		const mallory = attacker(doc);
		const seen: string[] = [];
		doc.onChange((c) => c.annotations.forEach((v, id) => seen.push(`${v.action}:${id === box.id ? 'box' : id}`)));
		const packed = (record: AnnotationRecord) => {
			const bytes = encodeAnnotation(record);
			if (!bytes.ok) throw new Error(bytes.reason);
			return bytes.value;
		};
		// Cut short: the bytes end inside the geometry.
		Y.applyUpdate(doc.ydoc, mallory.write(PACKED_ANNOTATIONS, { [box.id]: packed(box).slice(0, 12) }));
		expect(doc.getAnnotation(box.id)).toBeUndefined();
		expect(doc.annotationsOf(image.id)).toEqual([]);
		expect(doc.problems()).toEqual([expect.objectContaining({ map: 'annotations', key: box.id, client: mallory.ydoc.clientID })]);
		Y.applyUpdate(doc.ydoc, mallory.write(PACKED_ANNOTATIONS, { [box.id]: packed({ ...box, classId: car.id, z: 9 }) }));
		expect(doc.getAnnotation(box.id)?.z).toBe(9);
		expect(seen).toEqual(['delete:box', 'add:box']);
		expect(doc.problems()).toEqual([]);
	});

	it('clamps a peer’s geometry to its image as a write would, and shows an annotation only once its image arrives', () => {
		const { doc, car, image } = victim();
		const mallory = attacker(doc);
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { out: { ...validAnnotation(image.id, car.id, 'out'), geometry: { x: 600, y: 400, width: 500, height: 500 } } }));
		expect(doc.getAnnotation('out')?.geometry).toEqual({ x: 600, y: 400, width: 40, height: 80 });
		// An annotation whose image is not there yet waits, unseen, then appears with it.
		const later = { id: 'later', name: 'later.jpg', hash: 'd'.repeat(64), width: 110, height: 300, mime: 'image/jpeg', size: 1, status: 'new', addedAt: 2 };
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { early: validAnnotation('later', car.id, 'early') }));
		expect(doc.getAnnotation('early')).toBeUndefined();
		expect(doc.problems()).toEqual([]);
		Y.applyUpdate(doc.ydoc, mallory.write('images', { later }));
		expect(doc.getAnnotation('early')?.geometry).toEqual({ x: 100, y: 100, width: 10, height: 20 });
		expect(doc.annotationsOf('later').map((a) => a.id)).toEqual(['early']);
	});

	it(`refuses a shape of more than ${MAX_SHAPE_VERTICES} points from a peer, and at exactly that many keeps it`, () => {
		const { doc, car, image } = victim();
		const mallory = attacker(doc);
		const ring = (n: number) => Array.from({ length: n }, (_, i) => [320 + 200 * Math.cos((2 * Math.PI * i) / n), 240 + 200 * Math.sin((2 * Math.PI * i) / n)]).flat();
		const polygon = (id: string, n: number) => ({ ...validAnnotation(image.id, car.id, id), type: 'polygon', geometry: { points: ring(n) } });
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { atCap: polygon('atCap', MAX_SHAPE_VERTICES), overCap: polygon('overCap', MAX_SHAPE_VERTICES + 1) }));
		expect(doc.getAnnotation('atCap')).toBeDefined();
		expect(doc.getAnnotation('overCap')).toBeUndefined();
		expect(doc.problems()[0]).toMatchObject({ key: 'overCap', reason: `A shape has at most 50,000 points (this one has 50,001)` });
		// A person's write is held to the same cap.
		const mine = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'polygon', geometry: { points: ring(MAX_SHAPE_VERTICES + 1) } });
		expect(mine.ok).toBe(false);
	});

	it('refuses a record over 4 MiB, and keeps one just under it', () => {
		const { doc, car, image } = victim();
		const mallory = attacker(doc);
		const padded = (id: string, chars: number) => ({ ...validAnnotation(image.id, car.id, id), padding: 'x'.repeat(chars) });
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { under: padded('under', 4 * 1024 * 1024 - 2000), over: padded('over', 4 * 1024 * 1024) }));
		expect(doc.getAnnotation('under')).toBeDefined();
		expect(doc.problems()).toEqual([expect.objectContaining({ key: 'over', reason: 'it is larger than 4 MiB' })]);
	});

	it('refuses a mask larger than its image before decoding it', () => {
		const { doc, car, image } = victim();
		const mallory = attacker(doc);
		// 180 bytes of RLE claiming 60,000 × 60,000 pixels: decoding it took 3.5 GB.
		const bomb = { ...validAnnotation(image.id, car.id, 'bomb'), type: 'mask', geometry: { x: 0, y: 0, width: 60000, height: 60000, rle: '0' } };
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { bomb }));
		expect(doc.problems()[0]).toMatchObject({ key: 'bomb', reason: 'A mask of 60000 × 60000 px does not fit its 640 × 480 px image' });
	});

	it('lets a person delete a record kept out, and only such a record', () => {
		const { doc, box } = victim();
		const mallory = attacker(doc);
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { bad: { nonsense: true } }));
		expect(doc.deleteProblem('annotations', box.id).ok).toBe(false);
		expect(doc.deleteProblem('annotations', 'bad').ok).toBe(true);
		expect(doc.problems()).toEqual([]);
		expect(doc.ydoc.getMap('annotations').has('bad')).toBe(false);
		expect(doc.getAnnotation(box.id)).toBeDefined();
	});

	it('keeps delivering changes when one listener throws', () => {
		const { doc, car, image } = victim();
		const mallory = attacker(doc);
		const heard: number[] = [];
		doc.onChange(() => {
			throw new Error('a broken view');
		});
		doc.onChange((c) => heard.push(c.annotations.size));
		const errors = console.error;
		console.error = () => {};
		try {
			expect(() => Y.applyUpdate(doc.ydoc, mallory.write('annotations', { one: validAnnotation(image.id, car.id, 'one') }))).not.toThrow();
		} finally {
			console.error = errors;
		}
		expect(heard).toEqual([1]);
	});
});

describe('no lock-out by version', () => {
	it('a bare newer version number from a peer freezes nobody', () => {
		const { doc, car, image } = victim();
		const mallory = attacker(doc);
		Y.applyUpdate(doc.ydoc, mallory.write('meta', { schemaVersion: 999 }));
		doc.migrate();
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } }).ok).toBe(true);
		// Records in a layout this version cannot read do lock it, and say how many.
		Y.applyUpdate(doc.ydoc, mallory.write('images', { [image.id]: { ...image, focus: 'new-field' } }));
		expect(doc.readOnlyReason).toMatch(/holds 1 record this app cannot read, saved by a newer version of Peerlabel \(schema 999; this app knows \d+\)/);
	});

	it('a schema-1 marker with a malformed record migrates the rest, skips that one and lists it', () => {
		const { doc, car, image, box } = victim();
		const mallory = attacker(doc);
		Y.applyUpdate(doc.ydoc, mallory.write('meta', { schemaVersion: 1 }));
		Y.applyUpdate(doc.ydoc, mallory.write('annotations', { broken: { id: 'broken', imageId: 7 }, nothing: null }));
		Y.applyUpdate(doc.ydoc, mallory.write('classes', { notAClass: 'x' }));
		expect(() => doc.migrate()).not.toThrow();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
		// Counted per step: 1→2 and 6→7 each skip `broken` and `nothing`, 2→3 skips `notAClass`.
		expect(doc.migrationSkipped).toBe(5);
		expect(doc.getAnnotation(box.id)?.geometry).toEqual(box.geometry);
		expect(doc.getClass(car.id)?.name).toBe('car');
		expect(doc.problems().map((p) => p.key).sort()).toEqual(['broken', 'notAClass', 'nothing']);
		expect(doc.readOnlyReason).toBeNull();
		expect(doc.annotationsOf(image.id)).toHaveLength(1);
	});

	it('a version that is not a whole number is read as the first and migrated, never thrown on', () => {
		const { doc } = victim();
		const mallory = attacker(doc);
		Y.applyUpdate(doc.ydoc, mallory.write('meta', { schemaVersion: 4.5 }));
		expect(() => doc.migrate()).not.toThrow();
		expect(doc.schemaVersion).toBe(SCHEMA_VERSION);
	});
});

describe('writes hold the same limits', () => {
	it('refuses a class colour that is not #rrggbb', () => {
		const { doc, car } = victim();
		expect(doc.addClass({ name: 'bus', color: 'red; position: fixed' })).toEqual({ ok: false, reason: 'A colour is written #rrggbb' });
		expect(doc.updateClass(car.id, { color: 'url(x)' }).ok).toBe(false);
		expect(doc.updateClass(car.id, { color: '#A0b1C2' }).ok).toBe(true);
	});

	it('refuses text over 10,000 characters, and takes exactly 10,000', () => {
		const { doc, box } = victim();
		expect(doc.updateAnnotation(box.id, { text: 'x'.repeat(10_001) }).ok).toBe(false);
		expect(doc.updateAnnotation(box.id, { text: 'x'.repeat(10_000) }).ok).toBe(true);
	});
});
