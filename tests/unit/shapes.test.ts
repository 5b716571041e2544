import { describe, expect, it } from 'vitest';
import { boxKind } from '$lib/shapes/box/kind';
import { insertedVertexHandle, polygonKind } from '$lib/shapes/polygon/kind';
import { SHAPE_TYPES, isShapeType, shapeKind } from '$lib/shapes/registry';

const image = { width: 200, height: 100 };
const square = { points: [10, 10, 50, 10, 50, 50, 10, 50] };

describe('bounding box', () => {
	it('normalises a box drawn right-to-left and clamps it to the image', () => {
		expect(boxKind.validate({ x: 250, y: 90, width: -100, height: -30 }, image)).toEqual({
			ok: true,
			geometry: { x: 150, y: 60, width: 50, height: 30 }
		});
	});

	it('refuses a box outside the image, thinner than a pixel, or not made of numbers', () => {
		expect(boxKind.validate({ x: 300, y: 10, width: 20, height: 20 }, image).ok).toBe(false);
		expect(boxKind.validate({ x: 10, y: 10, width: 0.5, height: 20 }, image).ok).toBe(false);
		expect(boxKind.validate({ x: '10', y: 10, width: 5, height: 20 }, image).ok).toBe(false);
		expect(boxKind.validate(null, image).ok).toBe(false);
	});

	it('resizes from any grip, flipping when dragged past the opposite side', () => {
		const g = { x: 10, y: 10, width: 40, height: 20 };
		expect(boxKind.handles(g).map((h) => h.id)).toEqual(['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w']);
		expect(boxKind.dragHandle(g, 'se', { x: 70, y: 50 })).toEqual({ x: 10, y: 10, width: 60, height: 40 });
		expect(boxKind.dragHandle(g, 'n', { x: 999, y: 40 })).toEqual({ x: 10, y: 30, width: 40, height: 10 });
		expect(boxKind.dragHandle(g, 'w', { x: 60, y: 0 })).toEqual({ x: 50, y: 10, width: 10, height: 20 });
	});

	it('hit-tests inside and within the tolerance of its outline only', () => {
		const g = { x: 10, y: 10, width: 40, height: 20 };
		expect(boxKind.hitTest(g, { x: 30, y: 20 }, 0)).toBe(true);
		expect(boxKind.hitTest(g, { x: 52, y: 20 }, 3)).toBe(true);
		expect(boxKind.hitTest(g, { x: 55, y: 20 }, 3)).toBe(false);
	});
});

describe('polygon', () => {
	it('drops repeated and closing points and clamps to the image', () => {
		const r = polygonKind.validate({ points: [-5, 10, 50, 10, 50, 10, 50, 150, -5, 10] }, image);
		expect(r).toEqual({ ok: true, geometry: { points: [0, 10, 50, 10, 50, 100] } });
	});

	it('refuses fewer than 3 distinct points, a zero-area ring, odd or non-numeric coordinates', () => {
		expect(polygonKind.validate({ points: [1, 1, 5, 5, 1, 1] }, image).ok).toBe(false);
		expect(polygonKind.validate({ points: [0, 0, 10, 0, 20, 0] }, image).ok).toBe(false);
		expect(polygonKind.validate({ points: [0, 0, 10, 0, 20] }, image).ok).toBe(false);
		expect(polygonKind.validate({ points: [0, 0, 10, 0, 20, NaN] }, image).ok).toBe(false);
	});

	it('moves a vertex, inserts one by dragging an edge midpoint, and removes one', () => {
		expect(polygonKind.dragHandle(square, 'v:2', { x: 60, y: 70 }).points).toEqual([10, 10, 50, 10, 60, 70, 10, 50]);
		const inserted = polygonKind.dragHandle(square, 'm:0', { x: 30, y: 0 });
		expect(inserted.points).toEqual([10, 10, 30, 0, 50, 10, 50, 50, 10, 50]);
		expect(insertedVertexHandle('m:0')).toBe('v:1');
		expect(polygonKind.removeVertex(square, 'v:0')?.points).toEqual([50, 10, 50, 50, 10, 50]);
		expect(polygonKind.removeVertex(square, 'm:0')).toBeNull();
	});

	it('hit-tests its area and its outline, not its bounding box corners', () => {
		const triangle = { points: [0, 0, 100, 0, 0, 100] };
		expect(polygonKind.hitTest(triangle, { x: 10, y: 10 }, 0)).toBe(true);
		expect(polygonKind.hitTest(triangle, { x: 90, y: 90 }, 2)).toBe(false);
		expect(polygonKind.hitTest(triangle, { x: 51, y: 51 }, 2)).toBe(true);
		expect(polygonKind.area(triangle)).toBe(5000);
	});
});

describe('registry', () => {
	it('knows every type by its stored name', () => {
		expect([...SHAPE_TYPES].sort()).toEqual(
			['box', 'cuboid', 'ellipse', 'keypoint', 'mask', 'polygon', 'polyline', 'rotatedBox', 'skeleton', 'tag'].sort()
		);
		for (const t of SHAPE_TYPES) expect(shapeKind(t).type).toBe(t);
		expect(isShapeType('toString')).toBe(false);
		expect(isShapeType('hexagon')).toBe(false);
	});
});
