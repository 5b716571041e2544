import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import { createVertexPathTool } from '$lib/editor/tools/vertex-path';
import { polygonFromParts, polygonParts, withHole, type PolygonGeometry, type PolygonPart } from './kind';

/** Where the next ring drawn goes: a hole cut in polygon `id`, or a further part of it. */
export interface RingTarget {
	id: string;
	as: 'hole' | 'part';
}

/** The polygon with `ring` added as a hole of the part it lies in or as a new part. */
function withRing(g: PolygonGeometry, as: RingTarget['as'], ring: number[]): PolygonGeometry {
	return as === 'hole' ? withHole(g, ring) : polygonFromParts([...polygonParts(g), { points: ring }]);
}

/**
 * Polygon tool: each click adds a vertex; clicking the first vertex, Enter or a double-click closes it;
 * Backspace drops the last vertex; Escape cancels. Clicks near another shape's vertex snap onto it (Alt
 * places freely). Given a `target`, the next ring closed becomes a hole or a further part of that
 * polygon instead of a new shape (once).
 */
export function createPolygonTool(ctx: ToolContext, target: RingTarget | null = null): Tool {
	let pending = target;

	function addRing(to: RingTarget, ring: number[]) {
		const shape = ctx.shape(to.id);
		if (shape?.type !== 'polygon') {
			pending = null;
			return ctx.hint(to.as === 'part' ? 'The polygon to add a part to is gone' : 'The polygon to cut a hole in is gone');
		}
		// A refused ring (a hole outside the polygon, no area) leaves the mode on to draw it again.
		const next = withRing(shape.geometry as PolygonGeometry, to.as, ring);
		if (!ctx.update(to.id, next)) return;
		pending = null;
		if (to.as === 'part') ctx.hint(`Part added: the polygon has ${polygonParts(next).length} parts`);
	}

	return createVertexPathTool(ctx, {
		id: 'polygon',
		closed: true,
		finish(ring) {
			if (pending) addRing(pending, ring);
			else ctx.create('polygon', { points: ring });
		},
		// A new part may share the polygon's own vertices; a hole is drawn inside them.
		snapExcept: () => (pending?.as === 'hole' ? pending.id : undefined),
		escape() {
			if (!pending) return false;
			ctx.hint(pending.as === 'part' ? 'Adding a part cancelled' : 'Hole cancelled');
			pending = null;
			return true;
		},
		cancelled: () => (pending = null),
		dashed: () => !!pending
	});
}

function tracePath(p: Path2D, ring: readonly number[]) {
	p.moveTo(ring[0], ring[1]);
	for (let i = 2; i < ring.length; i += 2) p.lineTo(ring[i], ring[i + 1]);
	p.closePath();
}

function ringsOf(part: PolygonPart): number[][] {
	return [part.points, ...(part.holes ?? [])];
}

function segmentsOf(ring: readonly number[]): [number, number][] {
	const segments: [number, number][] = [];
	for (let i = 0; i < ring.length; i += 2) segments.push([ring[i], ring[i + 1]]);
	return segments;
}

export const polygonView: ShapeView<PolygonGeometry> = {
	type: 'polygon',
	toolLabel: 'Polygon',
	toolKey: 'p',
	toolIcon: 'M12 3l9 6-3 11H6L3 9z',
	path2d(g) {
		const p = new Path2D();
		for (const part of polygonParts(g)) for (const ring of ringsOf(part)) tracePath(p, ring);
		return p;
	},
	// Holes are see-through whichever way their rings wind.
	fillRule: 'evenodd',
	/** Every part and hole in one compound path: one outline to select, move and style. */
	paperPath(scope: paper.PaperScope, g) {
		const rings = polygonParts(g).flatMap(ringsOf);
		if (rings.length === 1) return new scope.Path({ segments: segmentsOf(rings[0]), closed: true });
		const compound = new scope.CompoundPath({ children: rings.map((r) => new scope.Path({ segments: segmentsOf(r), closed: true })) });
		compound.fillRule = 'evenodd';
		return compound;
	},
	createTool: createPolygonTool
};
