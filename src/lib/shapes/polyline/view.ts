import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import { createVertexPathTool } from '$lib/editor/tools/vertex-path';
import type { PolylineGeometry } from './kind';

/**
 * Polyline tool: each click adds a vertex; Enter or a double-click finishes the open path; Backspace
 * drops the last vertex; Escape cancels. Clicks near another shape's vertex snap onto it (Alt: freely).
 */
export function createPolylineTool(ctx: ToolContext): Tool {
	return createVertexPathTool(ctx, { id: 'polyline', closed: false, finish: (points) => ctx.create('polyline', { points }) });
}

export const polylineView: ShapeView<PolylineGeometry> = {
	type: 'polyline',
	toolLabel: 'Polyline',
	toolKey: 'l',
	toolIcon: 'M3 19l5-9 5 5 8-11',
	open: true,
	path2d(g) {
		const p = new Path2D();
		const pts = g.points;
		p.moveTo(pts[0], pts[1]);
		for (let i = 2; i < pts.length; i += 2) p.lineTo(pts[i], pts[i + 1]);
		return p;
	},
	paperPath(scope: paper.PaperScope, g) {
		const segments: [number, number][] = [];
		for (let i = 0; i < g.points.length; i += 2) segments.push([g.points[i], g.points[i + 1]]);
		return new scope.Path({ segments, closed: false });
	},
	createTool: createPolylineTool
};
