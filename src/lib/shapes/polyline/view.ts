import type paper from 'paper';
import type { Point } from '$lib/geometry';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext, ToolPointer } from '$lib/editor/tools/tool';
import type { PolylineGeometry } from './kind';

/**
 * Polyline tool: each click adds a vertex; Enter or a double-click finishes the open path; Backspace
 * drops the last vertex; Escape cancels. Clicks near another shape's vertex snap onto it (Alt: freely).
 */
export function createPolylineTool(ctx: ToolContext): Tool {
	let points: number[] = [];
	let cursor: Point | null = null;
	let snapTarget: Point | null = null;

	const snapped = (p: ToolPointer): Point => (p.alt ? p.image : ctx.snap(p.image));

	function finish() {
		const flat = points;
		points = [];
		cursor = null;
		ctx.create('polyline', { points: flat });
		ctx.redraw();
	}

	return {
		id: 'polyline',
		down(p) {
			const n = points.length / 2;
			// The second click of a double-click lands on the vertex just placed: not a new vertex.
			if (n > 0 && Math.hypot(points[n * 2 - 2] - p.image.x, points[n * 2 - 1] - p.image.y) <= ctx.tolerance(2)) return;
			const q = snapped(p);
			points.push(q.x, q.y);
			ctx.redraw();
		},
		move(p) {
			cursor = p.image;
			const q = snapped(p);
			const target = q !== p.image ? q : null;
			if (target?.x !== snapTarget?.x || target?.y !== snapTarget?.y || points.length) {
				snapTarget = target;
				ctx.redraw();
			}
		},
		up() {},
		doubleClick() {
			if (points.length >= 4) finish();
		},
		key(key) {
			if (!points.length) return false;
			if (key === 'enter') finish();
			else if (key === 'backspace') points.splice(-2, 2);
			else if (key === 'escape') points = [];
			else return false;
			ctx.redraw();
			return true;
		},
		cancel() {
			points = [];
			snapTarget = null;
			ctx.redraw();
		},
		busy: () => points.length > 0,
		drawOverlay(o) {
			if (snapTarget) o.handle(snapTarget, { round: true, active: true, size: 10 });
			if (!points.length) return;
			const trail = cursor ? [...points, cursor.x, cursor.y] : points;
			o.polyline(trail, { color: ctx.currentColor() });
			for (let i = 0; i < points.length; i += 2) o.handle({ x: points[i], y: points[i + 1] }, { round: true, size: 7 });
		}
	};
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
