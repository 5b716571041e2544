import { describe, expect, it } from 'vitest';
import { newAttributeSpec } from '$lib/model/attributes';
import { ProjectDoc, type AttributeSpec, type ClassRecord } from '$lib/model';

const box = { x: 10, y: 10, width: 30, height: 20 };

function seeded() {
	const doc = new ProjectDoc(undefined, { id: 'alice', name: 'Alice' });
	doc.initialize({ name: 'Streets' });
	const add = (input: Partial<ClassRecord> & { name: string }) => {
		const r = doc.addClass(input);
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	};
	const images = doc.addImages([
		{ name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 10 },
		{ name: 'b.jpg', hash: 'h2', width: 640, height: 480, mime: 'image/jpeg', size: 10 }
	]);
	if (!images.ok) throw new Error(images.reason);
	return { doc, add, images: images.value };
}

function spec(name: string, kind: AttributeSpec['kind'], extra: Partial<AttributeSpec> = {}): AttributeSpec {
	return { ...newAttributeSpec(name, kind), ...extra };
}

describe('class management', () => {
	it('deletes a class with all its annotations, reports how many, and leaves other classes alone', () => {
		const { doc, add, images } = seeded();
		const car = add({ name: 'car' });
		const tree = add({ name: 'tree' });
		for (const image of images) doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: box });
		doc.createAnnotation({ imageId: images[0].id, classId: tree.id, type: 'box', geometry: box });
		expect(doc.countAnnotationsOfClass(car.id)).toBe(2);
		expect(doc.deleteClass(car.id)).toEqual({ ok: true, value: 2 });
		expect(doc.getClass(car.id)).toBeUndefined();
		expect(doc.annotationCount).toBe(1);
		expect(doc.annotationsOf(images[0].id).map((a) => a.classId)).toEqual([tree.id]);
		// A class edit is not the user's undo history: undo does not bring the annotations back.
		doc.undo();
		expect(doc.countAnnotationsOfClass(car.id)).toBe(0);
	});

	it('merges one class into another, mapping attribute values by name', () => {
		const { doc, add, images } = seeded();
		const fromColour = spec('colour', 'select', { options: ['red', 'blue'] });
		const fromSpeed = spec('speed', 'number');
		const intoColour = spec('Colour', 'select', { options: ['blue', 'red', 'green'] });
		const intoSize = spec('size', 'text', { default: 'M' });
		const van = add({ name: 'van', attributes: [fromColour, fromSpeed] });
		const car = add({ name: 'car', attributes: [intoColour, intoSize] });
		const a = doc.createAnnotation({
			imageId: images[0].id,
			classId: van.id,
			type: 'box',
			geometry: box,
			attributes: { [fromColour.id]: 'red', [fromSpeed.id]: 30 }
		});
		if (!a.ok) throw new Error(a.reason);
		doc.createAnnotation({ imageId: images[1].id, classId: car.id, type: 'box', geometry: box });
		expect(doc.mergeClasses(van.id, car.id)).toEqual({ ok: true, value: 1 });
		expect(doc.getClass(van.id)).toBeUndefined();
		expect(doc.countAnnotationsOfClass(car.id)).toBe(2);
		expect(doc.getAnnotation(a.value.id)).toMatchObject({ classId: car.id, attributes: { [intoColour.id]: 'red', [intoSize.id]: 'M' } });
	});

	it('refuses to merge into a class that cannot take the shapes', () => {
		const { doc, add, images } = seeded();
		const van = add({ name: 'van' });
		const road = add({ name: 'road', shapeTypes: ['polygon'] });
		doc.createAnnotation({ imageId: images[0].id, classId: van.id, type: 'box', geometry: box });
		expect(doc.mergeClasses(van.id, road.id)).toMatchObject({ ok: false });
		expect(doc.getClass(van.id)).toBeDefined();
	});

	it('reorders classes by rewriting their order', () => {
		const { doc, add } = seeded();
		const [a, b, c] = ['a', 'b', 'c'].map((name) => add({ name }));
		doc.reorderClass(c.id, 0);
		expect(doc.classes().map((x) => x.name)).toEqual(['c', 'a', 'b']);
		expect(doc.classes().map((x) => x.order)).toEqual([0, 1, 2]);
		doc.reorderClass(c.id, 5);
		expect(doc.classes().map((x) => x.id)).toEqual([a.id, b.id, c.id]);
	});

	it('keeps hotkeys unique and refuses an unknown shape type', () => {
		const { doc, add } = seeded();
		const car = add({ name: 'car' });
		const tree = add({ name: 'tree' });
		expect(doc.updateClass(tree.id, { hotkey: car.hotkey })).toEqual({ ok: false, reason: `Hotkey ${car.hotkey} is taken by “car”` });
		expect(doc.updateClass(tree.id, { hotkey: null }).ok).toBe(true);
		expect(doc.updateClass(tree.id, { hotkey: '0' }).ok).toBe(false);
		expect(doc.updateClass(tree.id, { shapeTypes: ['circle' as 'box'] }).ok).toBe(false);
	});

	it('moves attribute values by name when an annotation changes class', () => {
		const { doc, add, images } = seeded();
		const occludedA = spec('occluded', 'checkbox');
		const occludedB = spec('occluded', 'checkbox');
		const car = add({ name: 'car', attributes: [occludedA] });
		const bus = add({ name: 'bus', attributes: [occludedB, spec('line', 'text', { default: '42' })] });
		const a = doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box, attributes: { [occludedA.id]: true } });
		if (!a.ok) throw new Error(a.reason);
		const moved = doc.updateAnnotation(a.value.id, { classId: bus.id });
		expect(moved.ok && moved.value.attributes).toEqual({ [occludedB.id]: true, [bus.attributes[1].id]: '42' });
	});
});

describe('image tags', () => {
	function tagged(mode: 'single' | 'multi') {
		const s = seeded();
		s.doc.setTagMode(mode);
		const day = s.add({ name: 'day', shapeTypes: ['tag'] });
		const night = s.add({ name: 'night', shapeTypes: ['tag'] });
		return { ...s, day, night, image: s.images[0] };
	}
	const tagsOf = (doc: ProjectDoc, imageId: string) =>
		doc
			.annotationsOf(imageId)
			.filter((a) => a.type === 'tag')
			.map((a) => doc.getClass(a.classId)!.name)
			.sort();

	it('in single mode, a new tag replaces the other in one undo step', () => {
		const { doc, day, night, image } = tagged('single');
		expect(doc.setTag(image.id, day.id, true).ok).toBe(true);
		expect(doc.setTag(image.id, night.id, true).ok).toBe(true);
		expect(tagsOf(doc, image.id)).toEqual(['night']);
		doc.undo();
		expect(tagsOf(doc, image.id)).toEqual(['day']);
		doc.redo();
		expect(tagsOf(doc, image.id)).toEqual(['night']);
	});

	it('in multi mode, tags toggle independently and never double', () => {
		const { doc, day, night, image } = tagged('multi');
		doc.setTag(image.id, day.id, true);
		doc.setTag(image.id, night.id, true);
		doc.setTag(image.id, night.id, true);
		expect(tagsOf(doc, image.id)).toEqual(['day', 'night']);
		doc.setTag(image.id, day.id, false);
		expect(tagsOf(doc, image.id)).toEqual(['night']);
		doc.undo();
		expect(tagsOf(doc, image.id)).toEqual(['day', 'night']);
	});

	it('refuses to tag with a class that is not a tag class', () => {
		const { doc, add, image } = tagged('multi');
		const car = add({ name: 'car', shapeTypes: ['box'] });
		expect(doc.setTag(image.id, car.id, true)).toMatchObject({ ok: false, reason: 'Class “car” is not an image tag' });
	});

	it('merging two tag classes keeps one tag per image', () => {
		const { doc, day, night, image, images } = tagged('multi');
		doc.setTag(image.id, day.id, true);
		doc.setTag(image.id, night.id, true);
		doc.setTag(images[1].id, night.id, true);
		expect(doc.mergeClasses(night.id, day.id)).toEqual({ ok: true, value: 1 });
		expect(tagsOf(doc, image.id)).toEqual(['day']);
		expect(tagsOf(doc, images[1].id)).toEqual(['day']);
	});
});

describe('tags and required attributes outside the model', () => {
	it('the editor’s shape store leaves tags off the canvas', async () => {
		const { ShapeStore } = await import('$lib/editor/shape-store');
		const { doc, add, images } = seeded();
		const car = add({ name: 'car' });
		const day = add({ name: 'day', shapeTypes: ['tag'] });
		doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box });
		doc.setTag(images[0].id, day.id, true);
		const store = new ShapeStore(doc, images[0].id);
		expect(store.size).toBe(1);
		expect(store.hitTest({ x: 0, y: 0 }, 5)).toBeNull();
	});

	it('the library summary counts the annotations that miss a required attribute', async () => {
		const { summarizeProject } = await import('$lib/storage/project-summary');
		const { doc, add, images } = seeded();
		const colour = { ...newAttributeSpec('colour', 'select'), options: ['red'], required: true };
		const car = add({ name: 'car', attributes: [colour] });
		doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box });
		doc.createAnnotation({ imageId: images[0].id, classId: car.id, type: 'box', geometry: box, attributes: { [colour.id]: 'red' } });
		expect(summarizeProject('p', doc).images.map((i) => i.missingRequired)).toEqual([1, 0]);
	});
});
