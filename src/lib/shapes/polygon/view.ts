import type paper from 'paper';
import type { Point } from '$lib/geometry';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext, ToolPointer } from '$lib/editor/tools/tool';
import type { PolygonGeometry } from './kind';

/** Clicking within this many screen px of the first vertex closes the polygon. */
const CLOSE_PX = 8;

/**
 * Polygon tool: each click adds a vertex; clicking the first vertex, Enter or a double-click closes it;
 * Backspace drops the last vertex; Escape cancels. idle → placing → idle. Clicks near another shape's
 * vertex snap onto it (Alt places freely).
 * Given `holeOf`, the next ring closed becomes a hole of that polygon instead of a new shape (once).
 */
export function createPolygonTool(ctx: ToolContext, holeOf: string | null = null): Tool {
	let points: number[] = [];
	let cursor: Point | null = null;
	let snapTarget: Point | null = null;
	let holeIn = holeOf;

	const near = (p: Point, i: number, px: number) =>
		Math.hypot(points[i * 2] - p.x, points[i * 2 + 1] - p.y) <= ctx.tolerance(px);

	function snapped(p: ToolPointer): Point {
		return p.alt ? p.image : ctx.snap(p.image, holeIn ?? undefined);
	}

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

	function close() {
		const flat = points;
		points = [];
		cursor = null;
		if (holeIn) cutHole(holeIn, flat);
		else ctx.create('polygon', { points: flat });
		ctx.redraw();
	}

	return {
		id: 'polygon',
		down(p) {
			const n = points.length / 2;
			if (n >= 3 && near(p.image, 0, CLOSE_PX)) return close();
			// The second click of a double-click lands on the vertex just placed: not a new vertex.
			if (n > 0 && near(p.image, n - 1, 2)) return;
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
			if (points.length >= 6) close();
		},
		key(key) {
			if (key === 'escape' && holeIn) {
				holeIn = null;
				points = [];
				ctx.hint('Hole cancelled');
			} else if (!points.length) return false;
			else if (key === 'enter') close();
			else if (key === 'backspace') points.splice(-2, 2);
			else if (key === 'escape') points = [];
			else return false;
			ctx.redraw();
			return true;
		},
		cancel() {
			points = [];
			holeIn = null;
			snapTarget = null;
			ctx.redraw();
		},
		busy: () => points.length > 0,
		drawOverlay(o) {
			if (snapTarget) o.handle(snapTarget, { round: true, active: true, size: 10 });
			if (!points.length) return;
			const color = ctx.currentColor();
			const trail = cursor ? [...points, cursor.x, cursor.y] : points;
			o.polyline(trail, { color, fillAlpha: 0.15, dashed: !!holeIn });
			const closable = points.length >= 6 && cursor !== null && near(cursor, 0, CLOSE_PX);
			for (let i = 0; i < points.length; i += 2)
				o.handle({ x: points[i], y: points[i + 1] }, { round: true, active: i === 0 && closable, size: i === 0 ? 10 : 7 });
		}
	};
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
