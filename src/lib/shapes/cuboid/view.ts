import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import { createCornerDragTool } from '$lib/editor/tools/corner-drag';
import { CLICK_SLOP_PX, screenDistance, type Tool, type ToolContext, type ToolPointer } from '$lib/editor/tools/tool';
import type { Point } from '$lib/geometry';
import { CUBOID_EDGES, cuboidFromFront, type CuboidGeometry } from './kind';

/** The back face's offset when the user fixes it without moving: a quarter of the face, up and right. */
function defaultOffset(a: Point, b: Point, image: { width: number; height: number }): Point {
	const w = Math.abs(a.x - b.x),
		h = Math.abs(a.y - b.y);
	const right = Math.max(a.x, b.x) + w / 4 <= image.width;
	const up = Math.min(a.y, b.y) - h / 4 >= 0;
	return { x: right ? w / 4 : -w / 4, y: up ? -h / 4 : h / 4 };
}

/**
 * Cuboid tool, as in CVAT: drag (or click, click) the front face; then the back face, a copy of it,
 * follows the pointer's offset from where the front face was finished; a click fixes it (at once: a
 * default offset). Escape cancels. idle → front → back → idle.
 */
export function createCuboidTool(ctx: ToolContext): Tool {
	let back: { a: Point; b: Point; anchor: ToolPointer; offset: Point; moved: boolean } | null = null;
	const color = () => ctx.currentColor();

	const front = createCornerDragTool(ctx, {
		id: 'cuboid',
		finish(a, b, p) {
			if (Math.abs(a.x - b.x) < 1 || Math.abs(a.y - b.y) < 1) {
				ctx.hint('The front face of a cuboid needs at least 1 px of width and height');
				return;
			}
			back = { a, b, anchor: p, offset: defaultOffset(a, b, ctx.image), moved: false };
		},
		preview: (o, a, b) =>
			o.polyline(cuboidFromFront(a, b, { x: 0, y: 0 }).points.slice(0, 8), {
				color: color(),
				fillAlpha: 0.2,
				dashed: true,
				closed: true
			})
	});

	return {
		id: 'cuboid',
		down(p) {
			if (!back) front.down(p);
		},
		move(p, pressed) {
			if (!back) return front.move(p, pressed);
			if (!back.moved && screenDistance(back.anchor, p) < CLICK_SLOP_PX) return;
			back.moved = true;
			back.offset = { x: p.image.x - back.anchor.image.x, y: p.image.y - back.anchor.image.y };
			ctx.redraw();
		},
		up(p) {
			if (!back) return front.up(p);
			const { a, b, offset } = back;
			back = null;
			ctx.create('cuboid', cuboidFromFront(a, b, offset));
			ctx.redraw();
		},
		key(key) {
			if (key === 'escape' && back) {
				this.cancel();
				return true;
			}
			return front.key(key);
		},
		cancel() {
			back = null;
			front.cancel();
		},
		busy: () => back !== null || front.busy(),
		drawOverlay(o) {
			if (!back) return front.drawOverlay(o);
			o.shape('cuboid', cuboidFromFront(back.a, back.b, back.offset), { color: color(), fillAlpha: 0.2, dashed: true });
		}
	};
}

/** Front face closed (so only it is filled), the back face and joining edges as open segments. */
function cuboidPath2d(g: CuboidGeometry): Path2D {
	const pts = g.points;
	const p = new Path2D();
	p.moveTo(pts[0], pts[1]);
	for (let i = 1; i < 4; i++) p.lineTo(pts[i * 2], pts[i * 2 + 1]);
	p.closePath();
	for (const [a, b] of CUBOID_EDGES.slice(4)) {
		p.moveTo(pts[a * 2], pts[a * 2 + 1]);
		p.lineTo(pts[b * 2], pts[b * 2 + 1]);
	}
	return p;
}

export const cuboidView: ShapeView<CuboidGeometry> = {
	type: 'cuboid',
	toolLabel: 'Cuboid',
	toolKey: 'c',
	toolIcon: 'M3 9h11v11H3zM3 9l5-5h12v11l-6 5M14 9l6-5',
	path2d: cuboidPath2d,
	paperPath(scope: paper.PaperScope, g) {
		const pts = g.points;
		const corner = (i: number): [number, number] => [pts[i * 2], pts[i * 2 + 1]];
		const face = new scope.Path({ segments: [0, 1, 2, 3].map(corner), closed: true });
		const edges = CUBOID_EDGES.slice(4).map(([a, b]) => new scope.Path({ segments: [corner(a), corner(b)] }));
		return new scope.Group([face, ...edges]);
	},
	createTool: createCuboidTool
};
