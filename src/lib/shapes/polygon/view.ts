import type paper from 'paper';
import type { Point } from '$lib/geometry';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import type { PolygonGeometry } from './kind';

/** Clicking within this many screen px of the first vertex closes the polygon. */
const CLOSE_PX = 8;

/**
 * Polygon tool: each click adds a vertex; clicking the first vertex, Enter or a double-click closes it;
 * Backspace drops the last vertex; Escape cancels. idle → placing → idle.
 */
export function createPolygonTool(ctx: ToolContext): Tool {
	let points: number[] = [];
	let cursor: Point | null = null;

	const near = (p: Point, i: number, px: number) =>
		Math.hypot(points[i * 2] - p.x, points[i * 2 + 1] - p.y) <= ctx.tolerance(px);

	function close() {
		const flat = points;
		points = [];
		cursor = null;
		ctx.create('polygon', { points: flat });
		ctx.redraw();
	}

	return {
		id: 'polygon',
		down(p) {
			const n = points.length / 2;
			if (n >= 3 && near(p.image, 0, CLOSE_PX)) return close();
			// The second click of a double-click lands on the vertex just placed: not a new vertex.
			if (n > 0 && near(p.image, n - 1, 2)) return;
			points.push(p.image.x, p.image.y);
			ctx.redraw();
		},
		move(p) {
			cursor = p.image;
			if (points.length) ctx.redraw();
		},
		up() {},
		doubleClick() {
			if (points.length >= 6) close();
		},
		key(key) {
			if (!points.length) return false;
			if (key === 'enter') close();
			else if (key === 'backspace') points.splice(-2, 2);
			else if (key === 'escape') points = [];
			else return false;
			ctx.redraw();
			return true;
		},
		cancel() {
			points = [];
			ctx.redraw();
		},
		busy: () => points.length > 0,
		drawOverlay(o) {
			if (!points.length) return;
			const color = ctx.currentColor();
			const trail = cursor ? [...points, cursor.x, cursor.y] : points;
			o.polyline(trail, { color, fillAlpha: 0.15 });
			const closable = points.length >= 6 && cursor !== null && near(cursor, 0, CLOSE_PX);
			for (let i = 0; i < points.length; i += 2)
				o.handle({ x: points[i], y: points[i + 1] }, { round: true, active: i === 0 && closable, size: i === 0 ? 10 : 7 });
		}
	};
}

export const polygonView: ShapeView<PolygonGeometry> = {
	type: 'polygon',
	toolLabel: 'Polygon',
	toolKey: 'p',
	path2d(g) {
		const p = new Path2D();
		const pts = g.points;
		p.moveTo(pts[0], pts[1]);
		for (let i = 2; i < pts.length; i += 2) p.lineTo(pts[i], pts[i + 1]);
		p.closePath();
		return p;
	},
	paperPath(scope: paper.PaperScope, g) {
		const segments: [number, number][] = [];
		for (let i = 0; i < g.points.length; i += 2) segments.push([g.points[i], g.points[i + 1]]);
		return new scope.Path({ segments, closed: true });
	},
	createTool: createPolygonTool
};
