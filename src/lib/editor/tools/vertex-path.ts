import type { Point } from '$lib/geometry';
import type { Tool, ToolContext, ToolPointer } from './tool';

/** Clicking within this many screen px of the first vertex closes a ring. */
const CLOSE_PX = 8;

export interface VertexPathOptions {
	id: string;
	/**
	 * A ring (polygon) closes on a click on its first vertex and needs 3 points; an open path (polyline)
	 * needs 2. Both finish on Enter or a double-click.
	 */
	closed: boolean;
	finish(points: number[]): void;
	/** The shape whose vertices are not snapped to (the polygon a hole is being cut in). */
	snapExcept?(): string | undefined;
	/** Escape was pressed: true when the caller used it (the tool then also drops its points). */
	escape?(): boolean;
	/** The gesture was dropped from outside (tool switch, image change). */
	cancelled?(): void;
	/** Draw the path in progress dashed (a hole being cut). */
	dashed?(): boolean;
}

/**
 * The gesture of shapes placed vertex by vertex: each click adds a vertex (snapped onto another shape's
 * vertex nearby; Alt places freely); Enter or a double-click finishes; Backspace drops the last vertex;
 * Escape cancels. idle → placing → idle.
 */
export function createVertexPathTool(ctx: ToolContext, opts: VertexPathOptions): Tool {
	let points: number[] = [];
	let cursor: Point | null = null;
	let snapTarget: Point | null = null;
	const minPoints = opts.closed ? 3 : 2;

	const near = (p: Point, i: number, px: number) => Math.hypot(points[i * 2] - p.x, points[i * 2 + 1] - p.y) <= ctx.tolerance(px);
	const snapped = (p: ToolPointer): Point => (p.alt ? p.image : ctx.snap(p.image, opts.snapExcept?.()));

	function finish() {
		const flat = points;
		points = [];
		cursor = null;
		opts.finish(flat);
		ctx.redraw();
	}

	return {
		id: opts.id,
		down(p) {
			const n = points.length / 2;
			if (opts.closed && n >= minPoints && near(p.image, 0, CLOSE_PX)) return finish();
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
			if (points.length >= minPoints * 2) finish();
		},
		key(key) {
			if (key === 'escape' && opts.escape?.()) points = [];
			else if (!points.length) return false;
			else if (key === 'enter') finish();
			else if (key === 'backspace') points.splice(-2, 2);
			else if (key === 'escape') points = [];
			else return false;
			ctx.redraw();
			return true;
		},
		cancel() {
			points = [];
			snapTarget = null;
			opts.cancelled?.();
			ctx.redraw();
		},
		busy: () => points.length > 0,
		drawOverlay(o) {
			if (snapTarget) o.handle(snapTarget, { round: true, active: true, size: 10 });
			if (!points.length) return;
			const trail = cursor ? [...points, cursor.x, cursor.y] : points;
			o.polyline(trail, { color: ctx.currentColor(), fillAlpha: opts.closed ? 0.15 : 0, dashed: !!opts.dashed?.() });
			const closable = opts.closed && points.length >= minPoints * 2 && cursor !== null && near(cursor, 0, CLOSE_PX);
			for (let i = 0; i < points.length; i += 2) {
				const first = opts.closed && i === 0;
				o.handle({ x: points[i], y: points[i + 1] }, { round: true, active: first && closable, size: first ? 10 : 7 });
			}
		}
	};
}
