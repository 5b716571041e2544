import { describe, expect, it } from 'vitest';
import { cycleVisibility, skeletonKind, type SkeletonGeometry } from '$lib/shapes/skeleton/kind';

const image = { width: 200, height: 100 };
/** Two labeled points and one not labeled, inside a person's box that reaches past them. */
const person: SkeletonGeometry = { points: [50, 30, 0, 0, 70, 60], visibility: [2, 0, 1], box: { x: 40, y: 20, width: 50, height: 70 } };

describe("skeleton: the object's box", () => {
	it('is kept as read when it lies in the image, and absent stays absent', () => {
		expect(skeletonKind.validate(person, image)).toEqual({ ok: true, geometry: person });
		const none = skeletonKind.validate({ points: [50, 30], visibility: [2] }, image);
		expect(none.ok && 'box' in none.geometry).toBe(false);
	});

	it('is clamped to the image', () => {
		const r = skeletonKind.validate({ ...person, box: { x: -10, y: 50, width: 300, height: 80 } }, image);
		expect(r.ok && r.geometry.box).toEqual({ x: 0, y: 50, width: 200, height: 50 });
	});

	it('is dropped (the skeleton kept) when nothing of it is left inside: exactly at the edge, zero or negative size', () => {
		const at = (box: object) => {
			const r = skeletonKind.validate({ ...person, box }, image);
			expect(r.ok).toBe(true);
			return r.ok ? r.geometry.box : 'refused';
		};
		expect(at({ x: 200, y: 10, width: 20, height: 20 })).toBeUndefined();
		expect(at({ x: 10, y: 10, width: 0, height: 20 })).toBeUndefined();
		expect(at({ x: 10, y: 10, width: 20, height: -5 })).toBeUndefined();
		// One pixel inside the right edge is still a box.
		expect(at({ x: 199, y: 10, width: 20, height: 20 })).toEqual({ x: 199, y: 10, width: 1, height: 20 });
	});

	it('refuses a box that is not four finite numbers', () => {
		for (const box of [null, 'box', { x: 1, y: 2, width: 3 }, { x: 1, y: 2, width: Infinity, height: 4 }, { x: '1', y: 2, width: 3, height: 4 }]) {
			const r = skeletonKind.validate({ ...person, box }, image);
			expect(r.ok, JSON.stringify(box)).toBe(false);
			if (!r.ok) expect(r.reason).toMatch(/box needs finite numbers/);
		}
	});

	it('moves with the skeleton', () => {
		const moved = skeletonKind.translate(person, 5, -3);
		expect(moved.box).toEqual({ x: 45, y: 17, width: 50, height: 70 });
		expect(moved.points).toEqual([55, 27, 5, -3, 75, 57]);
	});

	it("is part of the object's extent: bounds, hit test and area cover it", () => {
		expect(skeletonKind.bounds(person)).toEqual({ minX: 40, minY: 20, maxX: 90, maxY: 90 });
		expect(skeletonKind.hitTest(person, { x: 85, y: 85 }, 0)).toBe(true);
		expect(skeletonKind.hitTest(person, { x: 95, y: 85 }, 0)).toBe(false);
		expect(skeletonKind.area(person)).toBe(50 * 70);
		// A point outside the box widens the extent.
		expect(skeletonKind.bounds({ ...person, points: [10, 30, 0, 0, 70, 60] })).toEqual({ minX: 10, minY: 20, maxX: 90, maxY: 90 });
		const { box: _, ...bare } = person;
		expect(skeletonKind.bounds(bare)).toEqual({ minX: 50, minY: 30, maxX: 70, maxY: 60 });
	});

	it('survives point edits and is named in the description', () => {
		expect(skeletonKind.dragHandle(person, 'v:0', { x: 60, y: 40 }).box).toEqual(person.box);
		expect(skeletonKind.removeVertex(person, 'v:0')?.box).toEqual(person.box);
		expect(cycleVisibility(person, 1).box).toEqual(person.box);
		expect(skeletonKind.describe(person)).toBe('2/3 points, box 50 × 70');
		expect(skeletonKind.describe({ points: [1, 1], visibility: [2] })).toBe('1/1 points');
	});
});
