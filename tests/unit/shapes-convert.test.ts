import { describe, expect, it } from 'vitest';
import { signedArea } from '$lib/geometry';
import { boxOf, extentOf, orientedBoxOf, outlinePartsOf, polygonsOf, rotatedBoxOf } from '$lib/shapes/convert';
import { ellipsePolygon } from '$lib/shapes/ellipse/kind';
import { encodeMask } from '$lib/shapes/mask/rle';
import { minAreaRect, rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';

const close = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 9));

describe('rotated box corners', () => {
	it('at 30° are the box turned clockwise about its centre', () => {
		// Centre (100, 50), 40 × 20: the top-left corner (-20, -10) turned by 30° (cos = √3/2, sin = 1/2)
		// is (-20·√3/2 + 10·1/2, -20·1/2 - 10·√3/2) = (-12.3205, -18.6603) from the centre.
		const c = rotatedBoxCorners({ cx: 100, cy: 50, width: 40, height: 20, angle: 30 });
		const r3 = Math.sqrt(3);
		close(c, [100 - 10 * r3 + 5, 50 - 10 - 5 * r3, 100 + 10 * r3 + 5, 50 + 10 - 5 * r3, 100 + 10 * r3 - 5, 50 + 10 + 5 * r3, 100 - 10 * r3 - 5, 50 - 10 + 5 * r3]);
		expect(Math.abs(signedArea(c))).toBeCloseTo(800, 9);
	});
});

describe('ellipse as a polygon', () => {
	it('has 64 points on the outline and an area within 1 % of πab', () => {
		const g = { cx: 100, cy: 80, rx: 40, ry: 10, angle: 30 };
		const p = ellipsePolygon(g);
		expect(p).toHaveLength(128);
		const area = Math.abs(signedArea(p));
		expect(Math.abs(area - Math.PI * 40 * 10) / (Math.PI * 40 * 10)).toBeLessThan(0.01);
		expect(area).toBeLessThan(Math.PI * 40 * 10); // inscribed: never more
		// The first point is the end of the turned +x axis.
		close(p.slice(0, 2), [100 + 40 * Math.cos(Math.PI / 6), 80 + 40 * Math.sin(Math.PI / 6)]);
		// A quarter of the way round (point 16), the end of the turned +y axis: evenly spaced all round.
		close(p.slice(32, 34), [100 - 10 * Math.sin(Math.PI / 6), 80 + 10 * Math.cos(Math.PI / 6)]);
	});

	it('takes the number of points', () => {
		expect(ellipsePolygon({ cx: 0, cy: 0, rx: 1, ry: 1, angle: 0 }, 4)).toHaveLength(8);
	});
});

describe('axis-aligned extent', () => {
	it("of a mask is its crop's box", () => {
		const bits = new Uint8Array([1, 0, 0, 0, 1, 1]); // 3 × 2
		const r = extentOf({ type: 'mask', geometry: { x: 10, y: 20, width: 3, height: 2, rle: encodeMask(bits, 3, 2) } });
		expect(r).toEqual({ minX: 10, minY: 20, maxX: 13, maxY: 22 });
	});

	it("of a skeleton is the box of its labeled points only", () => {
		// The middle point is not labeled, and far away: it does not count.
		const r = extentOf({ type: 'skeleton', geometry: { points: [10, 20, 500, 500, 30, 60], visibility: [2, 0, 1] } });
		expect(r).toEqual({ minX: 10, minY: 20, maxX: 30, maxY: 60 });
	});

	it('of a rotated box at 90° swaps its sides', () => {
		const r = extentOf({ type: 'rotatedBox', geometry: { cx: 100, cy: 50, width: 40, height: 20, angle: 90 } })!;
		close([r.minX, r.minY, r.maxX, r.maxY], [90, 30, 110, 70]);
	});

	it('is none for a tag or a keypoint', () => {
		expect(extentOf({ type: 'tag', geometry: {} })).toBeNull();
		expect(extentOf({ type: 'keypoint', geometry: { x: 1, y: 2 } })).toBeNull();
	});
});

describe('outline parts and polygons', () => {
	const twoParts = {
		points: [0, 0, 10, 0, 10, 10, 0, 10],
		holes: [[2, 2, 4, 2, 4, 4]],
		parts: [{ points: [50, 50, 60, 50, 60, 70], holes: [[55, 55, 58, 56, 59, 60]] }]
	};

	it('keep each part of a polygon with its own holes, the first part first', () => {
		expect(outlinePartsOf({ type: 'polygon', geometry: twoParts })).toEqual([
			{ points: twoParts.points, holes: twoParts.holes },
			{ points: twoParts.parts[0].points, holes: twoParts.parts[0].holes }
		]);
		// The polygons are the parts' outer rings: a hole is never taken for another piece.
		expect(polygonsOf({ type: 'polygon', geometry: twoParts })).toEqual([twoParts.points, twoParts.parts[0].points]);
	});

	it('give a box its four corners, clockwise from the top-left, as one part', () => {
		expect(outlinePartsOf({ type: 'box', geometry: { x: 1, y: 2, width: 3, height: 4 } })).toEqual([{ points: [1, 2, 4, 2, 4, 6, 1, 6] }]);
		expect(polygonsOf({ type: 'box', geometry: { x: 1, y: 2, width: 3, height: 4 } })).toEqual([[1, 2, 4, 2, 4, 6, 1, 6]]);
	});

	it('are none for what is not a closed outline', () => {
		expect(outlinePartsOf({ type: 'polyline', geometry: { points: [0, 0, 5, 5] } })).toBeNull();
		expect(polygonsOf({ type: 'tag', geometry: {} })).toBeNull();
	});

	it('a multi-part polygon has the extent, box and oriented box of every part', () => {
		const s = { type: 'polygon' as const, geometry: twoParts };
		expect(extentOf(s)).toEqual({ minX: 0, minY: 0, maxX: 60, maxY: 70 });
		expect(boxOf(s)).toEqual({ minX: 0, minY: 0, maxX: 60, maxY: 70 });
		// Two unit squares on a diagonal: the least rectangle around both lies along the diagonal.
		const diagonal = { points: [0, 0, 1, 0, 1, 1, 0, 1], parts: [{ points: [10, 10, 11, 10, 11, 11, 10, 11] }] };
		const r = orientedBoxOf({ type: 'polygon', geometry: diagonal })!;
		close([r.cx, r.cy, Math.abs(r.angle)], [5.5, 5.5, 45]);
		close([Math.max(r.width, r.height), Math.min(r.width, r.height)], [11 * Math.SQRT2, Math.SQRT2]);
	});
});

describe('as a rotated box', () => {
	it('a box is one at angle 0 and an ellipse is its turned box', () => {
		expect(rotatedBoxOf({ type: 'box', geometry: { x: 10, y: 20, width: 30, height: 40 } })).toEqual({ cx: 25, cy: 40, width: 30, height: 40, angle: 0 });
		expect(rotatedBoxOf({ type: 'ellipse', geometry: { cx: 5, cy: 6, rx: 3, ry: 2, angle: 30 } })).toEqual({ cx: 5, cy: 6, width: 6, height: 4, angle: 30 });
		expect(rotatedBoxOf({ type: 'tag', geometry: {} })).toBeNull();
	});
});

describe('minimum-area rectangle', () => {
	it("of a turned box's corners and points inside it is that box", () => {
		const g = { cx: 100, cy: 50, width: 40, height: 20, angle: 30 };
		const r = minAreaRect([...rotatedBoxCorners(g), 100, 50, 105, 52, 95, 48])!;
		close([r.cx, r.cy, r.width, r.height, r.angle], [100, 50, 40, 20, 30]);
	});

	it('of a box turned by 60° is reported at -30° with its sides swapped (angle kept within ±45°)', () => {
		const r = minAreaRect(rotatedBoxCorners({ cx: 10, cy: 10, width: 8, height: 2, angle: 60 }))!;
		close([r.cx, r.cy, r.width, r.height, r.angle], [10, 10, 2, 8, -30]);
	});

	it('of a triangle lies on one of its sides, the least turned of equal ones, with twice its area', () => {
		// On the side from (1, 1) to (50, 1): 49 × 39. The side from (1, 1) to (20, 40) gives as much, turned.
		const r = minAreaRect([1, 1, 50, 1, 20, 40])!;
		close([r.cx, r.cy, r.width, r.height, r.angle], [25.5, 20.5, 49, 39, 0]);
	});

	it('is none for no points', () => {
		expect(minAreaRect([])).toBeNull();
	});
});

describe('as an oriented box', () => {
	it("a mask's is the rectangle around its pixels, not its pixel centres", () => {
		// An L of 3 pixels in a 2 × 2 crop at (10, 20): its pixels cover x 10…12, y 20…22.
		const bits = new Uint8Array([1, 0, 1, 1]);
		const r = orientedBoxOf({ type: 'mask', geometry: { x: 10, y: 20, width: 2, height: 2, rle: encodeMask(bits, 2, 2) } })!;
		close([r.cx, r.cy, r.width, r.height, r.angle], [11, 21, 2, 2, 0]);
	});

	it("a polygon's is its minimum-area rectangle", () => {
		const g = { cx: 50, cy: 40, width: 30, height: 10, angle: -20 };
		const r = orientedBoxOf({ type: 'polygon', geometry: { points: rotatedBoxCorners(g) } })!;
		close([r.cx, r.cy, r.width, r.height, r.angle], [50, 40, 30, 10, -20]);
	});

	it("a skeleton's counts its labeled points only, and a straight line has none", () => {
		const r = orientedBoxOf({ type: 'skeleton', geometry: { points: [0, 0, 99, 99, 4, 0, 4, 2, 0, 2], visibility: [2, 0, 2, 1, 2] } })!;
		close([r.cx, r.cy, r.width, r.height], [2, 1, 4, 2]);
		expect(orientedBoxOf({ type: 'polyline', geometry: { points: [0, 0, 5, 5, 10, 10] } })).toBeNull();
		expect(orientedBoxOf({ type: 'tag', geometry: {} })).toBeNull();
	});
});

describe('box with area', () => {
	it('is the extent, or none for a line along an axis', () => {
		expect(boxOf({ type: 'polyline', geometry: { points: [0, 5, 10, 5] } })).toBeNull();
		expect(boxOf({ type: 'polyline', geometry: { points: [0, 5, 10, 6] } })).toEqual({ minX: 0, minY: 5, maxX: 10, maxY: 6 });
	});
});
