import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import { createVertexPathTool } from '$lib/editor/tools/vertex-path';
import type { PolygonGeometry } from './kind';

/**
 * Polygon tool: each click adds a vertex; clicking the first vertex, Enter or a double-click closes it;
 * Backspace drops the last vertex; Escape cancels. Clicks near another shape's vertex snap onto it (Alt
 * places freely). Given `holeOf`, the next ring closed becomes a hole of that polygon instead of a new
 * shape (once).
 */
export function createPolygonTool(ctx: ToolContext, holeOf: string | null = null): Tool {
	let holeIn = holeOf;

	function cutHole(id: string, ring: number[]) {
		const target = ctx.shape(id);
		if (target?.type !== 'polygon') {
			holeIn = null;
			return ctx.hint('The polygon to cut a hole in is gone');
		}
		const g = target.geometry as PolygonGeometry;
		// A refused ring (outside the polygon, no area) leaves hole mode on to draw it again.
		if (ctx.update(id, { ...g, holes: [...(g.holes ?? []), ring] })) holeIn = null;
	}

	return createVertexPathTool(ctx, {
		id: 'polygon',
		closed: true,
		finish(ring) {
			if (holeIn) cutHole(holeIn, ring);
			else ctx.create('polygon', { points: ring });
		},
		snapExcept: () => holeIn ?? undefined,
		escape() {
			if (!holeIn) return false;
			holeIn = null;
			ctx.hint('Hole cancelled');
			return true;
		},
		cancelled: () => (holeIn = null),
		dashed: () => !!holeIn
	});
}

function tracePath(p: Path2D, ring: readonly number[]) {
	p.moveTo(ring[0], ring[1]);
	for (let i = 2; i < ring.length; i += 2) p.lineTo(ring[i], ring[i + 1]);
	p.closePath();
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
		tracePath(p, g.points);
		for (const h of g.holes ?? []) tracePath(p, h);
		return p;
	},
	// Holes are see-through whichever way their rings wind.
	fillRule: 'evenodd',
	paperPath(scope: paper.PaperScope, g) {
		const outer = new scope.Path({ segments: segmentsOf(g.points), closed: true });
		if (!g.holes?.length) return outer;
		const holes = g.holes.map((h) => new scope.Path({ segments: segmentsOf(h), closed: true }));
		const compound = new scope.CompoundPath({ children: [outer, ...holes] });
		compound.fillRule = 'evenodd';
		return compound;
	},
	createTool: createPolygonTool
};
