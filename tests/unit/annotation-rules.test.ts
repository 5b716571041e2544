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
