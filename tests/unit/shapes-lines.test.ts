import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Point } from '$lib/geometry';
import { ProjectDoc, type ClassRecord } from '$lib/model';
import { CLASS_DEFAULTS } from '$lib/model';
import { polygonKind, type PolygonGeometry } from '$lib/shapes/polygon/kind';
import { createPolygonTool } from '$lib/shapes/polygon/view';
import { polylineKind } from '$lib/shapes/polyline/kind';
import { createPolylineTool } from '$lib/shapes/polyline/view';
import { keypointKind } from '$lib/shapes/keypoint/kind';
import { createKeypointTool } from '$lib/shapes/keypoint/view';
import {
	cycleVisibility,
	NOT_LABELED,
	OCCLUDED,
	placeTemplate,
	skeletonKind,
	skeletonMismatch,
	VISIBLE,
	type SkeletonGeometry
} from '$lib/shapes/skeleton/kind';
import { createSkeletonTool } from '$lib/shapes/skeleton/view';
import {
	addTemplateEdge,
	addTemplatePoint,
	COCO_PERSON,
	FACE_5,
	removeTemplatePoint,
	SKELETON_PRESETS
} from '$lib/shapes/skeleton/templates';
import { createSelectTool } from '$lib/editor/tools/select-tool';
import { ShapeStore } from '$lib/editor/shape-store';
import type { Tool } from '$lib/editor/tools/tool';
import type { Overlay } from '$lib/editor/overlay';
import { at, fakeContext, shapeRecord } from './support/fake-tool-context';

const image = { width: 640, height: 480 };
const square = [100, 100, 300, 100, 300, 300, 100, 300];
const hole = [150, 150, 250, 150, 250, 250, 150, 250];

function valid<G>(r: { ok: true; geometry: G } | { ok: false; reason: string }): G {
	if (!r.ok) throw new Error(r.reason);
	return r.geometry;
}

const record = shapeRecord;

const klass = (name: string, skeleton: ClassRecord['skeleton'] = null): ClassRecord => ({
	...CLASS_DEFAULTS,
	id: name,
	name,
	color: '#ff8800',
	hotkey: null,
	order: 0,
	skeleton
});

function clickAll(tool: Tool, pts: Point[]) {
	for (const p of pts) {
		tool.down(at(p.x, p.y));
		tool.up(at(p.x, p.y));
	}
}

describe('polygon holes', () => {
	it('keeps documents without holes as they were, and drops an empty hole list', () => {
		expect(valid(polygonKind.validate({ points: square }, image))).toEqual({ points: square });
		expect(valid(polygonKind.validate({ points: square, holes: [] }, image))).toEqual({ points: square });
	});

	it('accepts a hole inside the outer ring, cleaned like a ring', () => {
		const g = valid(polygonKind.validate({ points: square, holes: [[...hole, 150, 150]] }, image));
		expect(g).toEqual({ points: square, holes: [hole] });
		expect(polygonKind.area(g)).toBe(200 * 200 - 100 * 100);
		expect(polygonKind.describe(g)).toBe('4 points, 1 hole');
	});

	it('refuses holes that are degenerate or reach outside the polygon, with a reason', () => {
		const few = polygonKind.validate({ points: square, holes: [[150, 150, 250, 150]] }, image);
		expect(few).toMatchObject({ ok: false, reason: expect.stringMatching(/hole needs at least 3/) });
		const flat = polygonKind.validate({ points: square, holes: [[150, 150, 200, 200, 250, 250]] }, image);
		expect(flat).toMatchObject({ ok: false, reason: expect.stringMatching(/hole would have no area/) });
		const outside = polygonKind.validate({ points: square, holes: [[150, 150, 350, 150, 250, 250]] }, image);
		expect(outside).toMatchObject({ ok: false, reason: 'A hole must lie inside its polygon' });
		expect(polygonKind.validate({ points: square, holes: 'x' }, image).ok).toBe(false);
	});

	it('refuses an edit that leaves the outer ring without area', () => {
		const g: PolygonGeometry = { points: [100, 100, 300, 100, 300, 300], holes: [[200, 120, 280, 120, 280, 200]] };
		const fewer = polygonKind.removeVertex(g, 'v:2')!;
		expect(polygonKind.validate(fewer, image)).toMatchObject({ ok: false, reason: expect.stringMatching(/at least 3/) });
	});

	it('is hit inside its ring but not inside a hole, and on the hole’s edge', () => {
		const g: PolygonGeometry = { points: square, holes: [hole] };
		expect(polygonKind.hitTest(g, { x: 120, y: 120 }, 2)).toBe(true);
		expect(polygonKind.hitTest(g, { x: 200, y: 200 }, 2)).toBe(false);
		expect(polygonKind.hitTest(g, { x: 151, y: 200 }, 2)).toBe(true);
		expect(polygonKind.hitTest(g, { x: 50, y: 50 }, 2)).toBe(false);
	});

	it('gives hole vertices and midpoints their own ids, and edits the right ring', () => {
		const g: PolygonGeometry = { points: square, holes: [hole] };
		const ids = polygonKind.handles(g).map((h) => h.id);
		expect(ids.slice(0, 4)).toEqual(['v:0', 'v:1', 'v:2', 'v:3']);
		expect(ids).toContain('h0:v:3');
		expect(ids).toContain('h0:m:3');
		const dragged = polygonKind.dragHandle(g, 'h0:v:0', { x: 160, y: 160 });
		expect(dragged).toEqual({ points: square, holes: [[160, 160, 250, 150, 250, 250, 150, 250]] });
		const inserted = polygonKind.dragHandle(g, 'h0:m:0', { x: 200, y: 140 });
		expect(inserted.holes![0]).toEqual([150, 150, 200, 140, 250, 150, 250, 250, 150, 250]);
		expect(polygonKind.translate(g, 10, 5).holes![0].slice(0, 2)).toEqual([160, 155]);
	});

	it('removes a hole vertex, and the whole hole once it would have fewer than 3', () => {
		const g: PolygonGeometry = { points: square, holes: [hole] };
		const three = polygonKind.removeVertex(g, 'h0:v:1')!;
		expect(three.holes).toEqual([[150, 150, 250, 250, 150, 250]]);
		expect(polygonKind.removeVertex(three, 'h0:v:0')).toEqual({ points: square });
		expect(polygonKind.removeVertex(g, 'h0:m:1')).toBeNull();
	});

	it('select tool: drags a hole vertex, and a hole midpoint inserts a vertex in that hole', () => {
		const poly = record('p', 'polygon', { points: square, holes: [hole] });
		const { ctx, updated } = fakeContext([poly]);
		ctx.select('p');
		const tool = createSelectTool(ctx);
		tool.down(at(250, 250)); // hole vertex 2
		tool.move(at(240, 240), true);
		tool.up(at(240, 240));
		expect(updated[0].geometry).toEqual({ points: square, holes: [[150, 150, 250, 150, 240, 240, 150, 250]] });
		tool.down(at(200, 250)); // midpoint of the hole's edge 2 → 3
		tool.move(at(200, 270), true);
		tool.up(at(200, 270));
		expect((updated[1].geometry as PolygonGeometry).holes![0]).toEqual([150, 150, 250, 150, 250, 250, 200, 270, 150, 250]);
	});

	it('cuts a hole with the polygon tool in hole mode, once, then draws polygons again', () => {
		const poly = record('p', 'polygon', { points: square });
		const { ctx, created, updated } = fakeContext([poly]);
		const tool = createPolygonTool(ctx, { id: 'p', as: 'hole' });
		clickAll(tool, [
			{ x: 150, y: 150 },
			{ x: 250, y: 150 },
			{ x: 250, y: 250 }
		]);
		expect(tool.key('enter')).toBe(true);
		expect(created).toHaveLength(0);
		expect(updated).toEqual([{ id: 'p', geometry: { points: square, holes: [[150, 150, 250, 150, 250, 250]] } }]);
		clickAll(tool, [
			{ x: 400, y: 400 },
			{ x: 450, y: 400 },
			{ x: 450, y: 450 }
		]);
		tool.key('enter');
		expect(created).toEqual([{ type: 'polygon', geometry: { points: [400, 400, 450, 400, 450, 450] } }]);
	});

	it('leaves hole mode on Escape with a hint', () => {
		const poly = record('p', 'polygon', { points: square });
		const { ctx, created, updated, hints } = fakeContext([poly]);
		const tool = createPolygonTool(ctx, { id: 'p', as: 'hole' });
		expect(tool.key('escape')).toBe(true);
		expect(hints).toEqual(['Hole cancelled']);
		clickAll(tool, [
			{ x: 150, y: 150 },
			{ x: 250, y: 150 },
			{ x: 250, y: 250 }
		]);
		tool.key('enter');
		expect(updated).toHaveLength(0);
		expect(created).toHaveLength(1);
	});
});

describe('polyline', () => {
	it('validates: clamped, repeated points dropped, at least 2 distinct points and 1 px long', () => {
		expect(valid(polylineKind.validate({ points: [10, 10, 10, 10, 700, 20] }, image))).toEqual({ points: [10, 10, 640, 20] });
		expect(polylineKind.validate({ points: [10, 10, 10, 10] }, image)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/at least 2 distinct/)
		});
		const dot = polylineKind.validate({ points: [10, 10, 10.5, 10] }, image);
		expect(dot).toMatchObject({ ok: false, reason: expect.stringMatching(/no length/) });
		expect(polylineKind.validate({ points: [1, 2, 3] }, image).ok).toBe(false);
	});

	it('is hit near a segment only (it is open: no closing edge, no inside)', () => {
		const g = { points: [0, 0, 100, 0, 100, 100] };
		expect(polylineKind.hitTest(g, { x: 50, y: 2 }, 3)).toBe(true);
		expect(polylineKind.hitTest(g, { x: 50, y: 50 }, 3)).toBe(false); // on the would-be closing edge
		expect(polylineKind.hitTest(g, { x: 80, y: 20 }, 3)).toBe(false);
	});

	it('has vertex and midpoint handles between consecutive points only', () => {
		const g = { points: [0, 0, 100, 0, 100, 100] };
		expect(polylineKind.handles(g).map((h) => h.id)).toEqual(['v:0', 'v:1', 'v:2', 'm:0', 'm:1']);
		expect(polylineKind.dragHandle(g, 'm:1', { x: 110, y: 50 })).toEqual({ points: [0, 0, 100, 0, 110, 50, 100, 100] });
		expect(polylineKind.removeVertex(g, 'v:0')).toEqual({ points: [100, 0, 100, 100] });
		expect(polylineKind.describe(g)).toBe('3 points');
	});

	it('tool: clicks add vertices, Enter finishes without closing, Escape cancels', () => {
		const { ctx, created } = fakeContext();
		const tool = createPolylineTool(ctx);
		clickAll(tool, [
			{ x: 10, y: 10 },
			{ x: 100, y: 10 },
			{ x: 12, y: 11 } // near the first point: a vertex, not a close
		]);
		expect(tool.key('enter')).toBe(true);
		expect(created).toEqual([{ type: 'polyline', geometry: { points: [10, 10, 100, 10, 12, 11] } }]);
		clickAll(tool, [{ x: 5, y: 5 }]);
		expect(tool.key('escape')).toBe(true);
		expect(tool.busy()).toBe(false);
		expect(created).toHaveLength(1);
	});

	it('tool: a double-click finishes without adding the repeated point', () => {
		const { ctx, created } = fakeContext();
		const tool = createPolylineTool(ctx);
		clickAll(tool, [
			{ x: 10, y: 10 },
			{ x: 100, y: 10 },
			{ x: 100, y: 10 }
		]);
		tool.doubleClick!(at(100, 10));
		expect(created).toEqual([{ type: 'polyline', geometry: { points: [10, 10, 100, 10] } }]);
	});
});

describe('keypoint', () => {
	it('validates into the image and is hit within tolerance', () => {
		expect(valid(keypointKind.validate({ x: -4, y: 900 }, image))).toEqual({ x: 0, y: 480 });
		expect(keypointKind.validate({ x: 'a', y: 1 }, image).ok).toBe(false);
		expect(keypointKind.hitTest({ x: 10, y: 10 }, { x: 13, y: 10 }, 4)).toBe(true);
		expect(keypointKind.hitTest({ x: 10, y: 10 }, { x: 15, y: 10 }, 4)).toBe(false);
		expect(keypointKind.handles({ x: 10, y: 10 })).toEqual([{ id: 'v:0', x: 10, y: 10, role: 'vertex', cursor: 'move' }]);
		expect(keypointKind.dragHandle({ x: 10, y: 10 }, 'v:0', { x: 30, y: 40 })).toEqual({ x: 30, y: 40 });
	});

	it('tool: one click places it', () => {
		const { ctx, created } = fakeContext();
		const tool = createKeypointTool(ctx);
		tool.down(at(42, 24));
		tool.up(at(42, 24));
		expect(created).toEqual([{ type: 'keypoint', geometry: { x: 42, y: 24 } }]);
	});
});

describe('skeleton templates', () => {
	it('COCO person: 17 named points in COCO order, its 19 edges 0-based and in range', () => {
		expect(COCO_PERSON.points).toHaveLength(17);
		expect(COCO_PERSON.points.map((p) => p.name).slice(0, 6)).toEqual([
			'nose',
			'left_eye',
			'right_eye',
			'left_ear',
			'right_ear',
			'left_shoulder'
		]);
		expect(COCO_PERSON.points[16].name).toBe('right_ankle');
		expect(COCO_PERSON.edges).toHaveLength(19);
		expect(COCO_PERSON.edges[0]).toEqual([15, 13]); // COCO's [16, 14]: left_ankle – left_knee
		for (const t of [COCO_PERSON, FACE_5]) {
			for (const [a, b] of t.edges) {
				expect(a).not.toBe(b);
				for (const i of [a, b]) expect(i >= 0 && i < t.points.length).toBe(true);
			}
			for (const p of t.points) expect(p.x >= 0 && p.x <= 1 && p.y >= 0 && p.y <= 1).toBe(true);
		}
		expect(SKELETON_PRESETS.map((p) => p.template)).toEqual([COCO_PERSON, FACE_5]);
	});

	it('edits a template: removing a point drops its edges and renumbers the rest; edges are not duplicated', () => {
		const t = removeTemplatePoint(FACE_5, 0);
		expect(t.points.map((p) => p.name)).toEqual(['right_eye', 'nose', 'mouth_left', 'mouth_right']);
		expect(t.edges).toEqual([
			[0, 1],
			[1, 2],
			[1, 3],
			[2, 3]
		]);
		expect(addTemplateEdge(t, 1, 0)).toBe(t);
		expect(addTemplateEdge(t, 2, 2)).toBe(t);
		expect(addTemplateEdge(t, 0, 3).edges).toContainEqual([0, 3]);
		expect(addTemplatePoint(t).points[4]).toEqual({ name: 'point_5', x: 0.5, y: 0.5 });
		expect(FACE_5.points).toHaveLength(5); // the preset itself is untouched
	});
});

describe('skeleton', () => {
	const person = klass('person', COCO_PERSON);
	const g = placeTemplate(FACE_5, { x: 100, y: 100, width: 100, height: 200 });

	it('places a template scaled into a box, every point visible', () => {
		expect(g.points.slice(0, 4)).toEqual([170, 170, 130, 170]);
		expect(g.visibility).toEqual([VISIBLE, VISIBLE, VISIBLE, VISIBLE, VISIBLE]);
		expect(valid(skeletonKind.validate(g, image))).toEqual(g);
	});

	it('validates visibility flags, point pairs and at least one labeled point', () => {
		expect(skeletonKind.validate({ points: [1, 2], visibility: [3] }, image).ok).toBe(false);
		expect(skeletonKind.validate({ points: [1, 2, 3], visibility: [2, 2] }, image).ok).toBe(false);
		expect(skeletonKind.validate({ points: [1, 2], visibility: [NOT_LABELED] }, image)).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/at least one labeled/)
		});
		expect(valid(skeletonKind.validate({ points: [-5, 900, 10, 10], visibility: [2, 0] }, image)).points).toEqual([0, 480, 10, 10]);
	});

	it('is bounded and hit by its labeled points only; not-labeled points stay handles', () => {
		const s: SkeletonGeometry = { points: [10, 10, 50, 50, 600, 400], visibility: [VISIBLE, OCCLUDED, NOT_LABELED] };
		expect(skeletonKind.bounds(s)).toEqual({ minX: 10, minY: 10, maxX: 50, maxY: 50 });
		expect(skeletonKind.hitTest(s, { x: 30, y: 30 }, 2)).toBe(true);
		expect(skeletonKind.hitTest(s, { x: 500, y: 300 }, 2)).toBe(false);
		expect(skeletonKind.handles(s).map((h) => h.id)).toEqual(['v:0', 'v:1', 'v:2']);
		expect(skeletonKind.removeVertex(s, 'v:1')!.visibility).toEqual([VISIBLE, NOT_LABELED, NOT_LABELED]);
		expect(skeletonKind.describe(s)).toBe('2/3 points');
	});

	it('cycles a point visible → occluded → not labeled → visible', () => {
		const once = cycleVisibility(g, 2);
		expect(once.visibility[2]).toBe(OCCLUDED);
		const twice = cycleVisibility(once, 2);
		expect(twice.visibility[2]).toBe(NOT_LABELED);
		expect(cycleVisibility(twice, 2).visibility).toEqual(g.visibility);
	});

	it('must match its class’s template point count', () => {
		expect(skeletonMismatch(g, FACE_5)).toBeNull();
		expect(skeletonMismatch(g, COCO_PERSON)).toMatch(/5 points but its class’s template has 17/);
		expect(skeletonMismatch(g, null)).toMatch(/no skeleton template/);
	});

	it('tool: dragging a box drops the current class’s template into it', () => {
		const { ctx, created } = fakeContext([], person);
		const tool = createSkeletonTool(ctx);
		tool.down(at(100, 100));
		tool.move(at(200, 200), true);
		tool.up(at(200, 300));
		expect(created).toEqual([{ type: 'skeleton', geometry: placeTemplate(COCO_PERSON, { x: 100, y: 100, width: 100, height: 200 }) }]);
	});

	it('tool: refuses with a hint when the class has no template', () => {
		const { ctx, created, hints } = fakeContext([], klass('car'));
		const tool = createSkeletonTool(ctx);
		tool.down(at(100, 100));
		tool.up(at(200, 300));
		expect(created).toHaveLength(0);
		expect(hints[0]).toMatch(/“car” has no skeleton template/);
		expect(tool.busy()).toBe(false);
	});

	it('select tool: O over a hovered point cycles its visibility; other keys fall through', () => {
		const s = record('s', 'skeleton', g);
		const { ctx, updated } = fakeContext([s]);
		ctx.select('s');
		const tool = createSelectTool(ctx);
		tool.move(at(130, 170), false); // over point 1 (right_eye)
		expect(tool.key('x')).toBe(false);
		expect(tool.key('o')).toBe(true);
		expect(updated).toEqual([{ id: 's', geometry: cycleVisibility(g, 1) }]);
	});

	it('the model refuses a skeleton whose point count differs from its class’s template', () => {
		const doc = new ProjectDoc(new Y.Doc(), { id: 'alice', name: 'Alice' });
		doc.initialize({ name: 'Poses' });
		const face = doc.addClass({ name: 'face', skeleton: FACE_5 });
		const car = doc.addClass({ name: 'car' });
		const img = doc.addImages([{ name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 10 }]);
		if (!face.ok || !car.ok || !img.ok) throw new Error('setup');
		const imageId = img.value[0].id;
		const person = placeTemplate(COCO_PERSON, { x: 0, y: 0, width: 50, height: 50 });
		const wrong = doc.createAnnotation({ imageId, classId: face.value.id, type: 'skeleton', geometry: person });
		expect(wrong).toMatchObject({ ok: false, reason: expect.stringMatching(/17 points but its class’s template has 5/) });
		const right = doc.createAnnotation({ imageId, classId: face.value.id, type: 'skeleton', geometry: g });
		if (!right.ok) throw new Error(right.reason);
		expect(doc.updateAnnotation(right.value.id, { geometry: { points: [1, 1], visibility: [2] } }).ok).toBe(false);
		expect(doc.updateAnnotation(right.value.id, { classId: car.value.id })).toMatchObject({
			ok: false,
			reason: expect.stringMatching(/no skeleton template/)
		});
		expect(doc.updateAnnotation(right.value.id, { geometry: cycleVisibility(g, 0) }).ok).toBe(true);
		expect(doc.createAnnotation({ imageId, classId: car.value.id, type: 'skeleton', geometry: g }).ok).toBe(false);
	});
});

describe('vertex snapping', () => {
	const snapTo = (target: Point) => (p: Point) => (Math.hypot(p.x - target.x, p.y - target.y) <= 8 ? { ...target } : p);

	it('the polygon, polyline and keypoint tools place vertices where the context snaps them', () => {
		const snap = snapTo({ x: 300, y: 100 });
		const a = fakeContext([], undefined, { snap });
		const polygon = createPolygonTool(a.ctx);
		clickAll(polygon, [
			{ x: 305, y: 103 },
			{ x: 400, y: 100 },
			{ x: 400, y: 200 }
		]);
		polygon.key('enter');
		expect(a.created[0].geometry).toEqual({ points: [300, 100, 400, 100, 400, 200] });

		const b = fakeContext([], undefined, { snap });
		const polyline = createPolylineTool(b.ctx);
		clickAll(polyline, [
			{ x: 200, y: 200 },
			{ x: 296, y: 98 }
		]);
		polyline.key('enter');
		expect(b.created[0].geometry).toEqual({ points: [200, 200, 300, 100] });

		const c = fakeContext([], undefined, { snap });
		const keypoint = createKeypointTool(c.ctx);
		keypoint.down(at(302, 101));
		expect(c.created[0].geometry).toEqual({ x: 300, y: 100 });
	});

	it('shows the snap target while hovering, and nothing once the pointer moves away', () => {
		const { ctx } = fakeContext([], undefined, { snap: snapTo({ x: 300, y: 100 }) });
		const handles: { p: Point; active?: boolean }[] = [];
		const overlay = { handle: (p: Point, o: { active?: boolean }) => handles.push({ p, active: o.active }), polyline: () => {} };
		for (const tool of [createPolygonTool(ctx), createPolylineTool(ctx), createKeypointTool(ctx)]) {
			handles.length = 0;
			tool.move(at(304, 104), false);
			tool.drawOverlay(overlay as unknown as Overlay);
			expect(handles).toEqual([{ p: { x: 300, y: 100 }, active: true }]);
			handles.length = 0;
			tool.move(at(340, 140), false);
			tool.drawOverlay(overlay as unknown as Overlay);
			expect(handles).toEqual([]);
		}
	});

	it('Alt places a vertex freely', () => {
		const { ctx, created } = fakeContext([], undefined, { snap: snapTo({ x: 300, y: 100 }) });
		const tool = createKeypointTool(ctx);
		tool.down(at(302, 101, { alt: true }));
		expect(created[0].geometry).toEqual({ x: 302, y: 101 });
	});

	it('the hole ring does not snap onto its own polygon', () => {
		const poly = record('p', 'polygon', { points: square });
		const asked: (string | undefined)[] = [];
		const { ctx } = fakeContext([poly], undefined, { snap: (p, except) => (asked.push(except), p) });
		const tool = createPolygonTool(ctx, { id: 'p', as: 'hole' });
		tool.down(at(150, 150));
		expect(asked).toEqual(['p']);
	});

	it('the shape store finds the nearest vertex or box corner of another shape within tolerance', () => {
		const doc = new ProjectDoc(new Y.Doc(), { id: 'alice', name: 'Alice' });
		doc.initialize({ name: 'Snap' });
		const cls = doc.addClass({ name: 'building' });
		const img = doc.addImages([{ name: 'a.jpg', hash: 'h1', width: 640, height: 480, mime: 'image/jpeg', size: 10 }]);
		if (!cls.ok || !img.ok) throw new Error('setup');
		const imageId = img.value[0].id;
		const poly = doc.createAnnotation({ imageId, classId: cls.value.id, type: 'polygon', geometry: { points: square } });
		doc.createAnnotation({ imageId, classId: cls.value.id, type: 'box', geometry: { x: 400, y: 100, width: 50, height: 50 } });
		if (!poly.ok) throw new Error('poly');
		const store = new ShapeStore(doc, imageId);
		expect(store.nearestVertex({ x: 304, y: 97 }, 8)).toEqual({ x: 300, y: 100 });
		expect(store.nearestVertex({ x: 200, y: 104 }, 8)).toBeNull(); // an edge is not a vertex
		expect(store.nearestVertex({ x: 447, y: 152 }, 8)).toEqual({ x: 450, y: 150 });
		expect(store.nearestVertex({ x: 304, y: 97 }, 8, poly.value.id)).toBeNull();
		expect(store.nearestVertex({ x: 320, y: 97 }, 8)).toBeNull();
	});
});
