import { describe, expect, it } from 'vitest';
import {
	checkAttributeValue,
	missingRequired,
	newAttributeSpec,
	validateAttributeSpecs
} from '$lib/model/attributes';
import { ProjectDoc, type AttributeSpec } from '$lib/model';
import { tagKind } from '$lib/shapes/tag/kind';

function spec(name: string, kind: AttributeSpec['kind'], extra: Partial<AttributeSpec> = {}): AttributeSpec {
	return { ...newAttributeSpec(name, kind), ...extra };
}

const colour = spec('colour', 'select', { options: ['red', 'blue'], required: true });
const speed = spec('speed', 'number', { min: 0, max: 200, default: 50 });
const flags = spec('flags', 'multiselect', { options: ['occluded', 'truncated', 'blurred'] });
const parked = spec('parked', 'checkbox', { required: true });
const plate = spec('plate', 'text', { required: true });

function seeded() {
	const doc = new ProjectDoc(undefined, { id: 'alice', name: 'Alice' });
	doc.initialize({ name: 'Streets' });
	const car = doc.addClass({ name: 'car', attributes: [colour, speed, flags, parked, plate] });
	const images = doc.addImages([{ name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 10 }]);
	if (!car.ok || !images.ok) throw new Error('seed');
	return { doc, car: car.value, image: images.value[0] };
}

describe('attribute specs', () => {
	it('accepts a well-formed list and trims names and options', () => {
		const r = validateAttributeSpecs([{ ...colour, name: ' colour ', options: [' red', 'blue '] }, speed]);
		expect(r.ok && r.value.map((s) => [s.name, s.options])).toEqual([
			['colour', ['red', 'blue']],
			['speed', []]
		]);
	});

	it('refuses empty or duplicate names', () => {
		expect(validateAttributeSpecs([spec('  ', 'text')])).toMatchObject({ ok: false, reason: 'Every attribute needs a name' });
		expect(validateAttributeSpecs([spec('Size', 'text'), spec('size', 'number')])).toMatchObject({ ok: false });
	});

	it('refuses a select without options or with an option twice', () => {
		expect(validateAttributeSpecs([spec('colour', 'select')])).toMatchObject({ ok: false, reason: expect.stringContaining('at least one option') });
		expect(validateAttributeSpecs([spec('colour', 'multiselect', { options: ['a', 'a'] })])).toMatchObject({ ok: false });
	});

	it('refuses a number range whose minimum is above its maximum', () => {
		expect(validateAttributeSpecs([spec('n', 'number', { min: 5, max: 1 })])).toMatchObject({ ok: false, reason: expect.stringContaining('minimum') });
		expect(validateAttributeSpecs([spec('n', 'number', { min: 5, max: 5 })]).ok).toBe(true);
	});

	it('refuses a default the spec itself would refuse', () => {
		expect(validateAttributeSpecs([spec('n', 'number', { min: 0, max: 10, default: 11 })]).ok).toBe(false);
		expect(validateAttributeSpecs([spec('c', 'select', { options: ['a'], default: 'b' })]).ok).toBe(false);
		expect(validateAttributeSpecs([spec('c', 'select', { options: ['a'], default: 'a' })]).ok).toBe(true);
	});
});

describe('attribute values', () => {
	it('coerces numbers typed as text and keeps them in range', () => {
		expect(checkAttributeValue(speed, '120')).toEqual({ ok: true, value: 120 });
		expect(checkAttributeValue(speed, 250)).toMatchObject({ ok: false, reason: 'must be at most 200' });
		expect(checkAttributeValue(speed, -1)).toMatchObject({ ok: false, reason: 'must be at least 0' });
		expect(checkAttributeValue(speed, 'fast').ok).toBe(false);
	});

	it('takes a select value only from its options, a multiselect only a subset, in option order', () => {
		expect(checkAttributeValue(colour, 'red')).toEqual({ ok: true, value: 'red' });
		expect(checkAttributeValue(colour, 'green').ok).toBe(false);
		expect(checkAttributeValue(flags, ['blurred', 'occluded'])).toEqual({ ok: true, value: ['occluded', 'blurred'] });
		expect(checkAttributeValue(flags, ['occluded', 'wet']).ok).toBe(false);
	});

	it('takes booleans for checkboxes and strings for text', () => {
		expect(checkAttributeValue(parked, true)).toEqual({ ok: true, value: true });
		expect(checkAttributeValue(parked, 'false')).toEqual({ ok: true, value: false });
		expect(checkAttributeValue(parked, 'maybe').ok).toBe(false);
		expect(checkAttributeValue(plate, 'AB 123')).toEqual({ ok: true, value: 'AB 123' });
		expect(checkAttributeValue(plate, ['x']).ok).toBe(false);
	});
});

describe('attributes in the document', () => {
	it('gives a new annotation its class’s defaults', () => {
		const { doc, car, image } = seeded();
		const r = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 20, height: 20 } });
		expect(r.ok && r.value.attributes).toEqual({ [speed.id]: 50 });
	});

	it('refuses an invalid value with a reason, and stores a valid one', () => {
		const { doc, car, image } = seeded();
		const r = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 20, height: 20 } });
		if (!r.ok) throw new Error(r.reason);
		expect(doc.updateAnnotation(r.value.id, { attributes: { [colour.id]: 'green' } })).toEqual({
			ok: false,
			reason: 'colour must be one of red, blue'
		});
		expect(doc.updateAnnotation(r.value.id, { attributes: { [speed.id]: 'x' } }).ok).toBe(false);
		expect(doc.getAnnotation(r.value.id)!.attributes).toEqual({ [speed.id]: 50 });
		const ok = doc.updateAnnotation(r.value.id, { attributes: { [speed.id]: '80', [colour.id]: 'red' } });
		expect(ok.ok && ok.value.attributes).toEqual({ [speed.id]: 80, [colour.id]: 'red' });
	});

	it('names the required attributes an annotation lacks; an unset checkbox counts as “no”', () => {
		const { doc, car, image } = seeded();
		const r = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 20, height: 20 } });
		if (!r.ok) throw new Error(r.reason);
		expect(missingRequired(r.value, car)).toEqual(['colour', 'plate']);
		const set = doc.updateAnnotation(r.value.id, { attributes: { [colour.id]: 'blue', [plate.id]: '' } });
		expect(set.ok && missingRequired(set.value, car)).toEqual(['plate']);
	});

	it('undoes and redoes an attribute edit', () => {
		const { doc, car, image } = seeded();
		const r = doc.createAnnotation({ imageId: image.id, classId: car.id, type: 'box', geometry: { x: 1, y: 1, width: 20, height: 20 } });
		if (!r.ok) throw new Error(r.reason);
		doc.updateAnnotation(r.value.id, { attributes: { [colour.id]: 'red' } });
		expect(doc.undo()).toBe(true);
		expect(doc.getAnnotation(r.value.id)!.attributes).toEqual({ [speed.id]: 50 });
		expect(doc.redo()).toBe(true);
		expect(doc.getAnnotation(r.value.id)!.attributes).toEqual({ [colour.id]: 'red' });
	});

	it('refuses a class whose specs are invalid, keeping the old ones', () => {
		const { doc, car } = seeded();
		const r = doc.updateClass(car.id, { attributes: [spec('n', 'number', { min: 3, max: 1 })] });
		expect(r.ok).toBe(false);
		expect(doc.getClass(car.id)!.attributes.map((s) => s.name)).toEqual(['colour', 'speed', 'flags', 'parked', 'plate']);
	});
});

describe('image tag kind', () => {
	it('has an empty geometry and no place on the image', () => {
		expect(tagKind.imageLevel).toBe(true);
		expect(tagKind.validate({}, { width: 10, height: 10 })).toEqual({ ok: true, geometry: {} });
		expect(tagKind.validate({ x: 1 }, { width: 10, height: 10 }).ok).toBe(false);
		expect(tagKind.validate(null, { width: 10, height: 10 }).ok).toBe(false);
		expect(tagKind.validate([], { width: 10, height: 10 }).ok).toBe(false);
		expect(tagKind.bounds({})).toEqual({ minX: 0, minY: 0, maxX: 0, maxY: 0 });
		expect(tagKind.hitTest({}, { x: 0, y: 0 }, 100)).toBe(false);
		expect(tagKind.handles({})).toEqual([]);
		expect(tagKind.area({})).toBe(0);
		expect(tagKind.describe({})).toBe('image tag');
	});
});
