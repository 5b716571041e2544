import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { checkNewShape } from '$lib/model/annotation-rules';

/** The one set of rules a new annotation follows, whether drawn, proposed or imported. */
function classes() {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'rules' });
	const any = doc.addClass({ name: 'thing' });
	const boxes = doc.addClass({ name: 'car', shapeTypes: ['box'] });
	if (!any.ok || !boxes.ok) throw new Error('classes');
	return { any: any.value, boxes: boxes.value };
}
const image = { width: 640, height: 480 };

describe('checkNewShape', () => {
	it('refuses an unknown shape type and one the class does not allow', () => {
		const { any, boxes } = classes();
		expect(checkNewShape({ type: 'blob', geometry: {} }, any, image, 'as-is')).toEqual({ ok: false, reason: 'Unknown shape type “blob”' });
		const polygon = { type: 'polygon', geometry: { points: [0, 0, 10, 0, 10, 10] } };
		expect(checkNewShape(polygon, boxes, image, 'as-is')).toEqual({ ok: false, reason: 'Class “car” cannot be drawn as polygon' });
		expect(checkNewShape(polygon, any, image, 'as-is').ok).toBe(true);
	});

	it('validates the geometry against the image, clamping it, unless it was checked already', () => {
		const { boxes } = classes();
		const outside = { type: 'box', geometry: { x: 600, y: 10, width: 100, height: 20 } };
		const clamped = checkNewShape(outside, boxes, image, 'as-is');
		expect(clamped.ok && clamped.value.geometry).toEqual({ x: 600, y: 10, width: 40, height: 20 });
		const degenerate = { type: 'box', geometry: { x: 1, y: 1, width: 0, height: 0 } };
		expect(checkNewShape(degenerate, boxes, image, 'as-is').ok).toBe(false);
		// A plan's geometry was validated against the same image: taken as it is.
		const taken = checkNewShape(degenerate, boxes, image, 'checked');
		expect(taken.ok && taken.value.geometry).toBe(degenerate.geometry);
	});

	it("copies the geometry when asked (a tool may reuse its arrays), and checks the class's attributes", () => {
		const { any } = classes();
		const input = { type: 'polygon', geometry: { points: [0, 0, 10, 0, 10, 10] } };
		const copied = checkNewShape(input, any, image, 'copy');
		expect(copied.ok && copied.value.geometry).toEqual(input.geometry);
		expect(copied.ok && (copied.value.geometry as { points: number[] }).points).not.toBe(input.geometry.points);
		expect(checkNewShape({ ...input, attributes: { nope: 1 } }, any, image, 'copy').ok).toBe(false);
	});
});

describe('the same rules for a change (updateAnnotation)', () => {
	function project() {
		const doc = new ProjectDoc(new Y.Doc());
		doc.initialize({ name: 'change' });
		const cls = doc.addClass({
			name: 'thing',
			attributes: [{ id: 'sKind', name: 'kind', kind: 'select', options: ['a', 'b'], min: null, max: null, default: null, required: false }]
		});
		const boxes = doc.addClass({ name: 'car', shapeTypes: ['box'] });
		const img = doc.addImages([{ name: 'i.png', hash: 'c'.repeat(64), width: 640, height: 480, mime: 'image/png', size: 1 }]);
		if (!cls.ok || !boxes.ok || !img.ok) throw new Error('project');
		const shape = doc.createAnnotation({ imageId: img.value[0].id, classId: cls.value.id, type: 'polygon', geometry: { points: [0, 0, 100, 0, 100, 100] }, attributes: { sKind: 'a' } });
		if (!shape.ok) throw new Error(shape.reason);
		return { doc, cls: cls.value, boxes: boxes.value, id: shape.value.id };
	}

	it('a move is clamped to the image as a drawing is; a change to a class that does not allow the shape is refused', () => {
		const { doc, boxes, id } = project();
		const moved = doc.updateAnnotation(id, { geometry: { points: [600, 0, 700, 0, 700, 100] } });
		expect(moved.ok && moved.value.geometry).toEqual({ points: [600, 0, 640, 0, 640, 100] });
		expect(doc.updateAnnotation(id, { classId: boxes.id })).toEqual({ ok: false, reason: 'Class “car” cannot be drawn as polygon' });
	});

	it('only the rules the patch touches: a class narrowed since, or a spec changed since, does not lock a shape in place', () => {
		const { doc, cls, id } = project();
		// The class now allows boxes only, and its select lost the value the shape holds.
		expect(doc.updateClass(cls.id, { shapeTypes: ['box'], attributes: [{ ...cls.attributes[0], options: ['b'] }] }).ok).toBe(true);
		const moved = doc.updateAnnotation(id, { geometry: { points: [10, 10, 110, 10, 110, 110] } });
		expect(moved.ok).toBe(true);
		expect(moved.ok && moved.value.attributes).toEqual({ sKind: 'a' });
		// Values given are checked against the class as it is now.
		expect(doc.updateAnnotation(id, { attributes: { sKind: 'a' } }).ok).toBe(false);
		expect(doc.updateAnnotation(id, { attributes: { sKind: 'b' } }).ok).toBe(true);
	});
});
