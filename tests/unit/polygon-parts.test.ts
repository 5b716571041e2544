// A polygon of several parts (an object cut in two by an occluder) is one shape: checked, measured,
// hit, moved and edited as one, with the handles of every part.
import { describe, expect, it } from 'vitest';
import { editorActions } from '$lib/editor/editor-actions';
import { createSelectTool } from '$lib/editor/tools/select-tool';
import type { Tool } from '$lib/editor/tools/tool';
import { MAX_SHAPE_VERTICES } from '$lib/shapes/limits';
import {
	insertedVertexHandle,
	parseRingHandle,
	partAt,
	polygonFromParts,
	polygonKind,
	polygonParts,
	withHole,
	withoutPart,
	type PolygonGeometry
} from '$lib/shapes/polygon/kind';
import { createPolygonTool } from '$lib/shapes/polygon/view';
import { at, fakeContext, shapeRecord } from './support/fake-tool-context';

const image = { width: 200, height: 100 };
const square = [10, 10, 50, 10, 50, 50, 10, 50];
const right = [100, 10, 140, 10, 140, 50, 100, 50];
const hole = [20, 20, 30, 20, 30, 30, 20, 30];
const rightHole = [110, 20, 120, 20, 120, 30, 110, 30];
const twoParts = { points: square, holes: [hole], parts: [{ points: right, holes: [rightHole] }] };

function valid(raw: unknown) {
	const r = polygonKind.validate(raw, image);
	if (!r.ok) throw new Error(r.reason);
	return r.geometry;
}

function refusal(raw: unknown): string {
	const r = polygonKind.validate(raw, image);
	return r.ok ? 'accepted' : r.reason;
}

describe('validating parts', () => {
	it('keeps every good part with its own holes, and no parts field for one part', () => {
		expect(valid(twoParts)).toEqual(twoParts);
		expect(valid({ points: square, parts: [] })).toEqual({ points: square });
	});

	it('accepts a part of exactly 3 points and drops a 2-point sliver beside a good part', () => {
		const triangle = [100, 10, 140, 10, 120, 50];
		expect(valid({ points: square, parts: [{ points: triangle }] })).toEqual({ points: square, parts: [{ points: triangle }] });
		expect(valid({ points: square, parts: [{ points: [60, 60, 70, 70] }] })).toEqual({ points: square });
		// A flat part (no area) goes too, and a good later part becomes the first when the first is a sliver.
		expect(valid({ points: [60, 60, 70, 70], parts: [{ points: [0, 0, 10, 0, 20, 0] }, { points: right }] })).toEqual({ points: right });
	});

	it('refuses when no part is good, with the first part’s reason', () => {
		expect(refusal({ points: [1, 1, 5, 5], parts: [{ points: [0, 0, 10, 0, 20, 0] }] })).toBe('A polygon needs at least 3 distinct points');
	});

	it('refuses malformed parts rather than dropping them', () => {
		expect(refusal({ points: square, parts: [{ points: [100, 10, 140, 'x', 120, 50] }] })).toBe('Polygon points must be pairs of numbers');
		expect(refusal({ points: square, parts: [{ holes: [] }] })).toBe('Each polygon part needs its points');
		expect(refusal({ points: square, parts: { points: right } })).toBe('Polygon parts must be a list of parts');
		expect(refusal({ points: square, parts: [{ points: right, holes: 'no' }] })).toBe('Polygon holes must be a list of rings');
	});

	it('refuses a hole of part 2 that lies inside part 1 but outside part 2', () => {
		expect(refusal({ points: square, parts: [{ points: right, holes: [hole] }] })).toBe('A hole must lie inside its polygon');
		expect(refusal({ points: square, holes: [rightHole], parts: [{ points: right }] })).toBe('A hole must lie inside its polygon');
	});

	it('counts the vertex cap over every part and hole: exactly at it is accepted, one over is refused', () => {
		// Two parts and a hole whose numbers together are exactly the cap (in pairs): the rest are repeats.
		const pad = (ring: number[], pairs: number) => [...ring, ...Array.from({ length: (pairs - ring.length / 2) * 2 }, (_, i) => ring[i % 2])];
		const third = Math.floor(MAX_SHAPE_VERTICES / 3);
		const atCap = { points: pad(square, third), holes: [pad(hole, third)], parts: [{ points: pad(right, MAX_SHAPE_VERTICES - 2 * third) }] };
		expect(valid(atCap)).toEqual({ points: square, holes: [hole], parts: [{ points: right }] });
		const over = { ...atCap, parts: [{ points: pad(right, MAX_SHAPE_VERTICES - 2 * third + 1) }] };
		expect(refusal(over)).toMatch(/at most 50,000 points \(this one has 50,001\)/);
	});
});

describe('a multi-part polygon as one shape', () => {
	it('has the bounds of every part and the area of every part less its holes', () => {
		expect(polygonKind.bounds(twoParts)).toEqual({ minX: 10, minY: 10, maxX: 140, maxY: 50 });
		expect(polygonKind.area(twoParts)).toBe(2 * (1600 - 100));
	});

	it('is hit inside any part but not in a hole nor between the parts', () => {
		expect(polygonKind.hitTest(twoParts, { x: 40, y: 40 }, 0)).toBe(true);
		expect(polygonKind.hitTest(twoParts, { x: 130, y: 40 }, 0)).toBe(true);
		expect(polygonKind.hitTest(twoParts, { x: 115, y: 25 }, 0)).toBe(false); // part 2's hole
		expect(polygonKind.hitTest(twoParts, { x: 75, y: 30 }, 2)).toBe(false); // between the parts
		expect(polygonKind.hitTest(twoParts, { x: 98.5, y: 30 }, 2)).toBe(true); // near part 2's edge
	});

	it('moves every part and every hole together', () => {
		const moved = polygonKind.translate(twoParts, 5, -2);
		expect(moved.parts![0].points).toEqual([105, 8, 145, 8, 145, 48, 105, 48]);
		expect(moved.parts![0].holes![0]).toEqual([115, 18, 125, 18, 125, 28, 115, 28]);
		expect(moved.points.slice(0, 2)).toEqual([15, 8]);
		expect(moved.holes![0].slice(0, 2)).toEqual([25, 18]);
	});

	it('says how many parts, points and holes', () => {
		expect(polygonKind.describe(twoParts)).toBe('2 parts, 8 points, 2 holes');
		expect(polygonKind.describe({ points: square })).toBe('4 points');
	});
});

describe('handles of every part', () => {
	it("keep the first part's ids and prefix the others' with their part", () => {
		const ids = polygonKind.handles(twoParts).map((h) => h.id);
		expect(ids.slice(0, 8)).toEqual(['v:0', 'v:1', 'v:2', 'v:3', 'm:0', 'm:1', 'm:2', 'm:3']);
		expect(ids).toContain('h0:v:3');
		expect(ids).toContain('p1:v:0');
		expect(ids).toContain('p1:h0:m:3');
		expect(ids).toHaveLength(4 * 8); // 4 rings of 4 vertices and 4 midpoints
		expect(parseRingHandle('p1:h0:m:3')).toEqual({ part: 1, hole: 0, role: 'm', index: 3 });
		expect(parseRingHandle('h2:v:1')).toEqual({ part: 0, hole: 2, role: 'v', index: 1 });
	});

	it("drag a vertex of part 2 and insert one in part 2's hole, leaving part 1 as it was", () => {
		const dragged = polygonKind.dragHandle(twoParts, 'p1:v:2', { x: 150, y: 60 });
		expect(dragged.parts![0].points).toEqual([100, 10, 140, 10, 150, 60, 100, 50]);
		expect(dragged.points).toEqual(square);
		const inserted = polygonKind.dragHandle(twoParts, 'p1:h0:m:0', { x: 115, y: 22 });
		expect(inserted.parts![0].holes![0]).toEqual([110, 20, 115, 22, 120, 20, 120, 30, 110, 30]);
		expect(insertedVertexHandle('p1:h0:m:0')).toBe('p1:h0:v:1');
		expect(polygonKind.dragHandle(twoParts, 'p3:v:0', { x: 0, y: 0 })).toBe(twoParts); // no such part
	});

	it('remove a vertex of one part; a part left with 2 vertices goes while another remains', () => {
		const triangle = { points: square, parts: [{ points: [100, 10, 140, 10, 120, 50] }] };
		expect(polygonKind.removeVertex(twoParts, 'p1:v:0')!.parts![0].points).toEqual([140, 10, 140, 50, 100, 50]);
		expect(polygonKind.removeVertex(triangle, 'p1:v:1')).toEqual({ points: square });
		// The first part going makes the second the first.
		expect(polygonKind.removeVertex({ points: [100, 10, 140, 10, 120, 50], parts: [{ points: square }] }, 'v:0')).toEqual({ points: square });
		// The last part keeps its 2 vertices: validation refuses that, so the shape is not silently deleted.
		expect(polygonKind.removeVertex({ points: [100, 10, 140, 10, 120, 50] }, 'v:0')).toEqual({ points: [140, 10, 120, 50] });
	});
});

describe('polygonFromParts', () => {
	it('is the inverse of polygonParts', () => {
		expect(polygonFromParts(polygonParts(twoParts))).toEqual(twoParts);
		expect(polygonFromParts([{ points: square, holes: [] }])).toEqual({ points: square });
	});
});

describe('picking and removing a part', () => {
	it('finds the part under a point, near its outline or inside it, never in its hole', () => {
		expect(partAt(twoParts, { x: 40, y: 40 }, 0)).toBe(0);
		expect(partAt(twoParts, { x: 130, y: 40 }, 0)).toBe(1);
		expect(partAt(twoParts, { x: 98, y: 30 }, 3)).toBe(1);
		expect(partAt(twoParts, { x: 115, y: 25 }, 0)).toBe(-1);
		expect(partAt(twoParts, { x: 75, y: 30 }, 3)).toBe(-1);
	});

	it('cuts a hole in the part it is drawn in', () => {
		const plain = { points: square, parts: [{ points: right }] };
		expect(withHole(plain, rightHole)).toEqual({ points: square, parts: [{ points: right, holes: [rightHole] }] });
		expect(withHole(plain, hole)).toEqual({ points: square, holes: [hole], parts: [{ points: right }] });
		// Outside every part: given to the first, whose validation refuses it.
		expect(polygonKind.validate(withHole(plain, [160, 60, 170, 60, 170, 70]), image).ok).toBe(false);
	});

	it('removes any part but the last one', () => {
		expect(withoutPart(twoParts, 0)).toEqual({ points: right, holes: [rightHole] });
		expect(withoutPart(twoParts, 1)).toEqual({ points: square, holes: [hole] });
		expect(withoutPart(twoParts, 2)).toBeNull();
		expect(withoutPart({ points: square }, 0)).toBeNull();
	});
});

const record = (id: string, geometry: PolygonGeometry) => shapeRecord(id, 'polygon', geometry);

function clickRing(tool: Tool, ring: number[]) {
	for (let i = 0; i < ring.length; i += 2) {
		tool.down(at(ring[i], ring[i + 1]));
		tool.up(at(ring[i], ring[i + 1]));
	}
	tool.key('enter');
}

describe('the polygon tool in part mode', () => {
	it('adds the next ring to the polygon as a new part, once, then draws polygons again', () => {
		const { ctx, created, updated, hints } = fakeContext([record('p', { points: square, holes: [hole] })]);
		const tool = createPolygonTool(ctx, { id: 'p', as: 'part' });
		clickRing(tool, right);
		expect(created).toHaveLength(0);
		expect(hints).toEqual(['Part added: the polygon has 2 parts']);
		expect(updated).toEqual([{ id: 'p', geometry: { points: square, holes: [hole], parts: [{ points: right }] } }]);
		clickRing(tool, [300, 300, 400, 300, 400, 400]);
		expect(created).toEqual([{ type: 'polygon', geometry: { points: [300, 300, 400, 300, 400, 400] } }]);
	});

	it('snaps onto the polygon’s own vertices (a part may share them) and leaves on Escape with a hint', () => {
		const asked: (string | undefined)[] = [];
		const { ctx, created, updated, hints } = fakeContext([record('p', { points: square })], undefined, { snap: (p, except) => (asked.push(except), p) });
		const tool = createPolygonTool(ctx, { id: 'p', as: 'part' });
		tool.down(at(100, 10));
		expect(asked).toEqual([undefined]);
		expect(tool.key('escape')).toBe(true); // drops the vertex
		tool.key('escape');
		expect(hints).toContain('Adding a part cancelled');
		clickRing(tool, right);
		expect(updated).toHaveLength(0);
		expect(created).toHaveLength(1);
	});
});

describe('the select tool on a multi-part polygon', () => {
	it('inserts a vertex in the part whose midpoint is dragged', () => {
		const { ctx, updated } = fakeContext([record('p', twoParts)]);
		ctx.select('p');
		const tool = createSelectTool(ctx);
		tool.down(at(120, 10)); // midpoint of part 2's first edge
		tool.move(at(120, 0), true);
		tool.up(at(120, 0));
		const g = updated[0].geometry as PolygonGeometry;
		expect(g.parts![0].points).toEqual([100, 10, 120, 0, 140, 10, 140, 50, 100, 50]);
		expect(g.points).toEqual(square);
	});
});

describe('part commands', () => {
	it('have keys no other action uses', () => {
		const actions = editorActions();
		for (const id of ['polygon.addPart', 'polygon.removePart'])
			for (const key of actions.keysOf(id)) expect(actions.forKey(key)?.id, key).toBe(id);
	});
});
