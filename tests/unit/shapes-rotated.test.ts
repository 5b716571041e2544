import { describe, expect, it } from 'vitest';
import type { AnnotationRecord } from '$lib/model';
import { normalizeAngle } from '$lib/geometry/rotation';
import { cuboidKind, type CuboidGeometry } from '$lib/shapes/cuboid/kind';
import { createCuboidTool } from '$lib/shapes/cuboid/view';
import { ellipseKind, type EllipseGeometry } from '$lib/shapes/ellipse/kind';
import { createEllipseTool } from '$lib/shapes/ellipse/view';
import { rotatedBoxCorners, rotatedBoxKind, type RotatedBoxGeometry } from '$lib/shapes/rotatedBox/kind';
import { createRotatedBoxTool } from '$lib/shapes/rotatedBox/view';
import { isShapeType, shapeKind } from '$lib/shapes/registry';
import { DRAWABLE_TYPES, shapeViews } from '$lib/shapes/views';
import { createSelectTool } from '$lib/editor/tools/select-tool';
import { at, fakeContext } from './support/fake-tool-context';

const image = { width: 200, height: 100 };

/** Geometry with every number rounded to 1e-6, for exact comparisons after trigonometry. */
function rounded<G>(g: G): G {
	return JSON.parse(JSON.stringify(g, (_k, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 + 0 : v)));
}

function valid<G>(v: { ok: true; geometry: G } | { ok: false; reason: string }): G {
	if (!v.ok) throw new Error(v.reason);
	return v.geometry;
}

describe('angles', () => {
	it('normalises to (-180, 180]', () => {
		expect(normalizeAngle(180)).toBe(180);
		expect(normalizeAngle(-180)).toBe(180);
		expect(normalizeAngle(270)).toBe(-90);
		expect(normalizeAngle(-450)).toBe(-90);
		expect(normalizeAngle(30)).toBe(30);
		expect(normalizeAngle(-0)).toBe(0);
	});
});

describe('rotated box', () => {
	const upright: RotatedBoxGeometry = { cx: 100, cy: 50, width: 40, height: 20, angle: 0 };
	const turned: RotatedBoxGeometry = { cx: 100, cy: 50, width: 40, height: 20, angle: 90 };

	it('accepts a box on the image and normalises its angle and sign of size', () => {
		expect(valid(rotatedBoxKind.validate({ ...upright, angle: 390 }, image))).toEqual({ ...upright, angle: 30 });
		expect(valid(rotatedBoxKind.validate({ ...upright, width: -40 }, image))).toEqual(upright);
	});

	it('refuses missing, non-numeric and thinner-than-a-pixel boxes', () => {
		expect(rotatedBoxKind.validate(null, image).ok).toBe(false);
		expect(rotatedBoxKind.validate({ ...upright, angle: '0' }, image).ok).toBe(false);
		expect(rotatedBoxKind.validate({ ...upright, width: Infinity }, image).ok).toBe(false);
		const thin = rotatedBoxKind.validate({ ...upright, height: 0.5 }, image);
		expect(thin.ok).toBe(false);
		expect(!thin.ok && thin.reason).toMatch(/at least 1 px/);
		// A centre on the image's edge leaves no room: shrinking it would leave nothing.
		expect(rotatedBoxKind.validate({ ...upright, cx: 0 }, image).ok).toBe(false);
	});

	it('clamps the centre into the image and shrinks a box about its centre until its corners are inside', () => {
		// Its right side pokes 10 px out: it shrinks about its centre, keeping its proportions.
		expect(valid(rotatedBoxKind.validate({ cx: 190, cy: 50, width: 40, height: 20, angle: 0 }, image))).toEqual({
			cx: 190,
			cy: 50,
			width: 20,
			height: 10,
			angle: 0
		});
		// A centre off the image is clamped onto its edge, which leaves no room at all.
		const off = rotatedBoxKind.validate({ cx: 250, cy: 50, width: 40, height: 20, angle: 0 }, image);
		expect(!off.ok && off.reason).toMatch(/inside the image/);
	});

	it('shrinks a turned box that pokes out of the image, keeping its centre, angle and shape', () => {
		const g = valid(rotatedBoxKind.validate({ cx: 100, cy: 50, width: 160, height: 20, angle: 45 }, image));
		expect(g).toMatchObject({ cx: 100, cy: 50, angle: 45 });
		expect(g.width / g.height).toBeCloseTo(8);
		const c = rotatedBoxCorners(g);
		for (let i = 0; i < 8; i += 2) {
			expect(c[i]).toBeGreaterThanOrEqual(-1e-9);
			expect(c[i + 1]).toBeGreaterThanOrEqual(-1e-9);
			expect(c[i + 1]).toBeLessThanOrEqual(100 + 1e-9);
		}
		// One pair of corners touches the top and bottom edges: the largest box that fits.
		expect(Math.min(c[1], c[3], c[5], c[7])).toBeCloseTo(0);
	});

	it('has corner, side and rotate handles turned with the box', () => {
		const hs = rotatedBoxKind.handles(turned);
		expect(hs.map((h) => h.id)).toEqual(['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w', 'rotate']);
		const byId = Object.fromEntries(hs.map((h) => [h.id, rounded(h)]));
		// Turned 90° clockwise: the box's top edge faces right, so its 'n' grip is right of the centre.
		expect(byId.n).toMatchObject({ x: 110, y: 50, role: 'side', cursor: 'e-resize' });
		expect(byId.ne).toMatchObject({ x: 110, y: 70, role: 'corner' });
		expect(byId.rotate).toMatchObject({ x: 110 + 24, y: 50, role: 'rotate' });
	});

	it('turns about its centre when the rotate handle is dragged', () => {
		expect(rotatedBoxKind.dragHandle(upright, 'rotate', { x: 150, y: 50 }).angle).toBeCloseTo(90);
		expect(rotatedBoxKind.dragHandle(upright, 'rotate', { x: 150, y: 0 }).angle).toBeCloseTo(45);
		expect(rotatedBoxKind.dragHandle(upright, 'rotate', { x: 50, y: 50 }).angle).toBeCloseTo(-90);
		expect(rotatedBoxKind.dragHandle(upright, 'rotate', { x: 100, y: 90 }).angle).toBeCloseTo(180);
		const turned45 = rotatedBoxKind.dragHandle(upright, 'rotate', { x: 150, y: 0 });
		expect(turned45).toMatchObject({ cx: 100, cy: 50, width: 40, height: 20 });
	});

	it('resizes in its own frame, the opposite side or corner staying put', () => {
		// Upright: like a box. Dragging 'e' from x=120 to x=140 widens it by 20 to the right.
		expect(rounded(rotatedBoxKind.dragHandle(upright, 'e', { x: 140, y: 999 }))).toEqual({ ...upright, cx: 110, width: 60 });
		// Turned 90°: its 'e' grip faces down (y=70); dragging it to y=90 adds 20 along the box's own x axis.
		expect(rounded(rotatedBoxKind.dragHandle(turned, 'e', { x: 0, y: 90 }))).toEqual({ ...turned, cy: 60, width: 60 });
		// Corner: 'se' of the turned box is at (90, 70); 'nw' at (110, 30) stays.
		const g = rotatedBoxKind.dragHandle(turned, 'se', { x: 80, y: 80 });
		const before = rounded(rotatedBoxCorners(turned));
		const after = rounded(rotatedBoxCorners(g));
		expect(after.slice(0, 2)).toEqual(before.slice(0, 2));
		expect(rounded(g)).toEqual({ cx: 95, cy: 55, width: 50, height: 30, angle: 90 });
	});

	it('hit-tests inside the turned rectangle, near its outline, and not in the corners of its bounds', () => {
		const diamond: RotatedBoxGeometry = { cx: 100, cy: 50, width: 40, height: 40, angle: 45 };
		const top = { x: 100, y: 50 - 20 * Math.SQRT2 }; // a corner after turning
		expect(rotatedBoxKind.hitTest(diamond, { x: top.x, y: top.y + 1 }, 0)).toBe(true);
		expect(rotatedBoxKind.hitTest(diamond, { x: top.x, y: top.y - 2 }, 3)).toBe(true);
		expect(rotatedBoxKind.hitTest(diamond, { x: top.x, y: top.y - 6 }, 3)).toBe(false);
		const b = rotatedBoxKind.bounds(diamond);
		expect(rotatedBoxKind.hitTest(diamond, { x: b.minX + 2, y: b.minY + 2 }, 1)).toBe(false);
	});

	it('moves, measures and describes itself with its angle', () => {
		expect(rotatedBoxKind.translate(turned, 5, -5)).toEqual({ ...turned, cx: 105, cy: 45 });
		expect(rotatedBoxKind.area(turned)).toBe(800);
		expect(rotatedBoxKind.describe({ ...turned, width: 120, height: 40, angle: 30.4 })).toBe('120×40 · 30°');
		expect(rounded(rotatedBoxKind.bounds(turned))).toEqual({ minX: 90, minY: 30, maxX: 110, maxY: 70 });
		expect(rotatedBoxKind.removeVertex(turned, 'n')).toBeNull();
	});
});

describe('ellipse', () => {
	const oval: EllipseGeometry = { cx: 100, cy: 50, rx: 30, ry: 10, angle: 0 };
	const turned: EllipseGeometry = { ...oval, angle: 90 };

	it('accepts, normalises, refuses', () => {
		expect(valid(ellipseKind.validate({ ...oval, rx: -30, angle: -270 }, image))).toEqual({ ...oval, angle: 90 });
		expect(ellipseKind.validate({ ...oval, ry: 0.4 }, image).ok).toBe(false);
		expect(ellipseKind.validate({ ...oval, cx: NaN }, image).ok).toBe(false);
		expect(ellipseKind.validate([], image).ok).toBe(false);
	});

	it('clamps the centre and shrinks so that its bounding box lies on the image', () => {
		expect(ellipseKind.validate({ cx: 20, cy: 150, rx: 30, ry: 10, angle: 0 }, image).ok).toBe(false);
		const shrunk = valid(ellipseKind.validate({ cx: 20, cy: 50, rx: 40, ry: 10, angle: 0 }, image));
		expect(rounded(shrunk)).toEqual({ cx: 20, cy: 50, rx: 20, ry: 5, angle: 0 });
		const b = ellipseKind.bounds(valid(ellipseKind.validate({ cx: 100, cy: 50, rx: 80, ry: 10, angle: 60 }, image)));
		expect(b.minY).toBeGreaterThanOrEqual(-1e-9);
		expect(b.maxY).toBeLessThanOrEqual(100 + 1e-9);
	});

	it('has four axis-end handles and a rotate handle', () => {
		const byId = Object.fromEntries(ellipseKind.handles(turned).map((h) => [h.id, rounded(h)]));
		expect(Object.keys(byId)).toEqual(['n', 'e', 's', 'w', 'rotate']);
		expect(byId.e).toMatchObject({ x: 100, y: 80, role: 'side' });
		expect(byId.n).toMatchObject({ x: 110, y: 50 });
		expect(byId.rotate).toMatchObject({ x: 134, y: 50, role: 'rotate' });
	});

	it('changes one radius when an axis end is dragged, the opposite end staying put', () => {
		expect(rounded(ellipseKind.dragHandle(oval, 'e', { x: 150, y: 0 }))).toEqual({ ...oval, cx: 110, rx: 40 });
		expect(rounded(ellipseKind.dragHandle(oval, 'n', { x: 0, y: 20 }))).toEqual({ ...oval, cy: 40, ry: 20 });
		// Turned 90°: 'e' is at (100, 80); the 'w' end at (100, 20) stays.
		expect(rounded(ellipseKind.dragHandle(turned, 'e', { x: 100, y: 90 }))).toEqual({ ...turned, cy: 55, rx: 35 });
		expect(ellipseKind.dragHandle(oval, 'rotate', { x: 100 - 10, y: 50 - 10 }).angle).toBeCloseTo(-45);
	});

	it('hit-tests inside and near its outline in its own frame', () => {
		expect(ellipseKind.hitTest(turned, { x: 100, y: 78 }, 0)).toBe(true); // near the far end of the turned long axis
		expect(ellipseKind.hitTest(turned, { x: 120, y: 50 }, 0)).toBe(false);
		expect(ellipseKind.hitTest(turned, { x: 112, y: 50 }, 3)).toBe(true);
		expect(ellipseKind.hitTest(turned, { x: 100, y: 83 }, 2)).toBe(false);
	});

	it('moves, measures and describes itself', () => {
		expect(ellipseKind.translate(oval, 1, 2)).toEqual({ ...oval, cx: 101, cy: 52 });
		expect(ellipseKind.area(oval)).toBeCloseTo(Math.PI * 300);
		expect(ellipseKind.describe(oval)).toBe('60×20 · 0°');
		expect(ellipseKind.describe({ ...oval, ry: 30, angle: -45 })).toBe('⌀60 · -45°');
		expect(rounded(ellipseKind.bounds(turned))).toEqual({ minX: 90, minY: 20, maxX: 110, maxY: 80 });
	});
});

describe('cuboid', () => {
	const box: CuboidGeometry = { points: [10, 20, 50, 20, 50, 60, 10, 60, 30, 10, 70, 10, 70, 50, 30, 50] };

	it('accepts 8 corners on the image, clamping those outside', () => {
		expect(valid(cuboidKind.validate(box, image))).toEqual(box);
		const out = box.points.slice();
		out[10] = 250; // back top-right x
		expect(valid(cuboidKind.validate({ points: out }, image)).points[10]).toBe(200);
	});

	it('refuses the wrong number of corners, non-numbers, and flat faces', () => {
		expect(cuboidKind.validate({ points: box.points.slice(0, 14) }, image).ok).toBe(false);
		expect(cuboidKind.validate({ points: [...box.points.slice(0, 15), 'x'] }, image).ok).toBe(false);
		const flatFront = [10, 20, 50, 20, 50, 20, 10, 20, ...box.points.slice(8)];
		const r = cuboidKind.validate({ points: flatFront }, image);
		expect(!r.ok && r.reason).toMatch(/front face/);
		const flatBack = [...box.points.slice(0, 8), 30, 10, 30, 10, 30, 10, 30, 10];
		const r2 = cuboidKind.validate({ points: flatBack }, image);
		expect(!r2.ok && r2.reason).toMatch(/back face/);
		// Entirely off the image: every corner clamps onto one edge.
		expect(cuboidKind.validate({ points: box.points.map((v, i) => (i % 2 ? v : v + 500)) }, image).ok).toBe(false);
	});

	it('has a handle on each of its 8 corners, each dragged on its own', () => {
		const hs = cuboidKind.handles(box);
		expect(hs.map((h) => h.id)).toEqual(['v:0', 'v:1', 'v:2', 'v:3', 'v:4', 'v:5', 'v:6', 'v:7']);
		expect(hs[5]).toMatchObject({ x: 70, y: 10 });
		const moved = cuboidKind.dragHandle(box, 'v:5', { x: 80, y: 5 });
		expect(moved.points).toEqual([...box.points.slice(0, 10), 80, 5, ...box.points.slice(12)]);
		expect(cuboidKind.removeVertex(box, 'v:5')).toBeNull();
	});

	it('hit-tests either face and every edge', () => {
		expect(cuboidKind.hitTest(box, { x: 20, y: 40 }, 0)).toBe(true); // front face
		expect(cuboidKind.hitTest(box, { x: 65, y: 15 }, 0)).toBe(true); // back face only
		expect(cuboidKind.hitTest(box, { x: 60, y: 15 }, 1)).toBe(true); // on the edge joining the top-right corners
		expect(cuboidKind.hitTest(box, { x: 15, y: 12 }, 1)).toBe(false); // beside it, inside the bounds
	});

	it('moves, measures and describes itself', () => {
		expect(cuboidKind.translate(box, 1, -1).points.slice(0, 4)).toEqual([11, 19, 51, 19]);
		// Silhouette: the 40×40 front face swept 20 right and 10 up.
		expect(cuboidKind.area(box)).toBe(40 * 40 + 20 * 40 + 10 * 40);
		expect(cuboidKind.bounds(box)).toEqual({ minX: 10, minY: 10, maxX: 70, maxY: 60 });
		expect(cuboidKind.describe(box)).toBe('front 40×40');
	});
});

describe('registry', () => {
	it('knows the three types, each with a drawing tool and its key', () => {
		for (const t of ['rotatedBox', 'ellipse', 'cuboid']) expect(isShapeType(t)).toBe(true);
		expect(DRAWABLE_TYPES).toEqual(expect.arrayContaining(['rotatedBox', 'ellipse', 'cuboid']));
		expect([shapeViews.rotatedBox.toolKey, shapeViews.ellipse.toolKey, shapeViews.cuboid.toolKey]).toEqual(['r', 'e', 'c']);
		const keys = DRAWABLE_TYPES.map((t) => shapeViews[t].toolKey);
		expect(new Set(keys).size).toBe(keys.length);
		expect(shapeKind('cuboid').label).toBe('Cuboid');
	});
});

describe('rotated box tool', () => {
	it('draws an upright box by dragging, clamped to the image', () => {
		const { ctx, created } = fakeContext();
		const tool = createRotatedBoxTool(ctx);
		tool.down(at(10, 20));
		tool.move(at(60, 60), true);
		tool.up(at(110, 70));
		expect(created).toEqual([{ type: 'rotatedBox', geometry: { cx: 60, cy: 45, width: 100, height: 50, angle: 0 } }]);
		tool.down(at(900, 700));
		tool.up(at(1100, 900));
		expect(created[1].geometry).toEqual({ cx: 950, cy: 750, width: 100, height: 100, angle: 0 });
	});

	it('draws by click, click and cancels on Escape', () => {
		const { ctx, created } = fakeContext();
		const tool = createRotatedBoxTool(ctx);
		tool.down(at(100, 100));
		tool.up(at(101, 100));
		expect(tool.busy()).toBe(true);
		tool.down(at(50, 80));
		tool.up(at(50, 80));
		expect(created).toEqual([{ type: 'rotatedBox', geometry: { cx: 75, cy: 90, width: 50, height: 20, angle: 0 } }]);
		tool.down(at(10, 10));
		expect(tool.key('escape')).toBe(true);
		expect(tool.busy()).toBe(false);
	});
});

describe('ellipse tool', () => {
	it('draws the ellipse in the dragged box, and a circle with Shift', () => {
		const { ctx, created } = fakeContext();
		const tool = createEllipseTool(ctx);
		tool.down(at(100, 100));
		tool.move(at(150, 120), true);
		tool.up(at(200, 140));
		expect(created[0]).toEqual({ type: 'ellipse', geometry: { cx: 150, cy: 120, rx: 50, ry: 20, angle: 0 } });
		// Dragged up-left with Shift: the circle on the longer side, towards the pointer.
		tool.down(at(300, 300));
		tool.move(at(250, 280, { shift: true }), true);
		tool.up(at(200, 260, { shift: true }));
		expect(created[1]).toEqual({ type: 'ellipse', geometry: { cx: 250, cy: 250, rx: 50, ry: 50, angle: 0 } });
	});

	it('draws by click, click', () => {
		const { ctx, created } = fakeContext();
		const tool = createEllipseTool(ctx);
		tool.down(at(10, 10));
		tool.up(at(10, 10));
		tool.down(at(30, 50));
		tool.up(at(30, 50));
		expect(created).toEqual([{ type: 'ellipse', geometry: { cx: 20, cy: 30, rx: 10, ry: 20, angle: 0 } }]);
	});
});

describe('cuboid tool', () => {
	it('drags the front face, then the back face follows the pointer until a click fixes it', () => {
		const { ctx, created } = fakeContext();
		const tool = createCuboidTool(ctx);
		tool.down(at(100, 100));
		tool.move(at(150, 150), true);
		tool.up(at(200, 180));
		expect(created).toHaveLength(0);
		expect(tool.busy()).toBe(true);
		tool.move(at(230, 160), false);
		tool.down(at(230, 160));
		tool.up(at(230, 160));
		expect(created).toEqual([
			{
				type: 'cuboid',
				geometry: { points: [100, 100, 200, 100, 200, 180, 100, 180, 130, 80, 230, 80, 230, 160, 130, 160] }
			}
		]);
		expect(tool.busy()).toBe(false);
	});

	it('uses a default offset when the back face is fixed at once', () => {
		const { ctx, created } = fakeContext();
		const tool = createCuboidTool(ctx);
		tool.down(at(100, 100));
		tool.up(at(200, 180));
		tool.down(at(200, 180));
		tool.up(at(200, 180));
		const pts = (created[0].geometry as CuboidGeometry).points;
		expect(pts.slice(8, 10)).toEqual([125, 80]); // a quarter of the face, right and up
	});

	it('cancels on Escape while placing the back face', () => {
		const { ctx, created } = fakeContext();
		const tool = createCuboidTool(ctx);
		tool.down(at(100, 100));
		tool.up(at(200, 180));
		expect(tool.key('escape')).toBe(true);
		expect(tool.busy()).toBe(false);
		tool.down(at(300, 300));
		tool.up(at(300, 300));
		expect(created).toHaveLength(0);
	});

	it('refuses a flat front face with a hint instead of asking for a back face', () => {
		const { ctx, created, hints } = fakeContext();
		const tool = createCuboidTool(ctx);
		tool.down(at(100, 100));
		tool.up(at(200, 100));
		expect(tool.busy()).toBe(false);
		expect(created).toHaveLength(0);
		expect(hints[0]).toMatch(/front face/);
	});
});

describe('select tool over a rotated box', () => {
	function record(geometry: RotatedBoxGeometry): AnnotationRecord {
		return {
			id: 'r1',
			imageId: 'i',
			classId: 'c',
			type: 'rotatedBox',
			geometry,
			attributes: {},
			z: 1,
			author: 'u',
			createdAt: 0,
			updatedAt: 0
		} as AnnotationRecord;
	}

	it('turns it with the rotate handle, showing the angle as a hint, and writes once on release', () => {
		const g: RotatedBoxGeometry = { cx: 500, cy: 400, width: 120, height: 40, angle: 0 };
		const { ctx, updated, hints } = fakeContext([record(g)]);
		ctx.select('r1');
		const tool = createSelectTool(ctx);
		const handle = rotatedBoxKind.handles(g).find((h) => h.role === 'rotate')!;
		tool.down(at(handle.x, handle.y));
		tool.move(at(600, 300), true); // up-right of the centre at 45°
		expect(hints.at(-1)).toBe('120×40 · 45°');
		tool.up(at(600, 300));
		expect(updated).toHaveLength(1);
		expect((updated[0].geometry as RotatedBoxGeometry).angle).toBeCloseTo(45);
	});

	it('snaps the angle to 15° steps while Shift is held', () => {
		const g: RotatedBoxGeometry = { cx: 500, cy: 400, width: 120, height: 40, angle: 0 };
		const { ctx, updated, hints } = fakeContext([record(g)]);
		ctx.select('r1');
		const tool = createSelectTool(ctx);
		const handle = rotatedBoxKind.handles(g).find((h) => h.role === 'rotate')!;
		tool.down(at(handle.x, handle.y, { shift: true }));
		const p = { x: 500 + 100 * Math.sin((40 * Math.PI) / 180), y: 400 - 100 * Math.cos((40 * Math.PI) / 180) };
		tool.move(at(p.x, p.y, { shift: true }), true);
		expect(hints.at(-1)).toBe('120×40 · 45°');
		tool.up(at(p.x, p.y, { shift: true }));
		expect((updated[0].geometry as RotatedBoxGeometry).angle).toBe(45);
	});
});
