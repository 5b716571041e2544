import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import { createCornerDragTool } from '$lib/editor/tools/corner-drag';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import type { Point } from '$lib/geometry';
import { ellipseFromCorners, type EllipseGeometry } from './kind';

/** The ellipse inscribed in the dragged box; with Shift, the circle in the square on the longer side. */
export function ellipseFromDrag(a: Point, b: Point, circle: boolean): EllipseGeometry {
	if (!circle) return ellipseFromCorners(a, b);
	const r = Math.max(Math.abs(b.x - a.x), Math.abs(b.y - a.y)) / 2;
	return { cx: a.x + Math.sign(b.x - a.x || 1) * r, cy: a.y + Math.sign(b.y - a.y || 1) * r, rx: r, ry: r, angle: 0 };
}

/** Ellipse tool: drag its bounding box (Shift: a circle), or click, click. */
export function createEllipseTool(ctx: ToolContext): Tool {
	return createCornerDragTool(ctx, {
		id: 'ellipse',
		finish: (a, b, p) => ctx.create('ellipse', ellipseFromDrag(a, b, p.shift)),
		preview: (o, a, b, shift) =>
			o.shape('ellipse', ellipseFromDrag(a, b, shift), { color: ctx.currentColor(), fillAlpha: 0.2, dashed: true })
	});
}

export const ellipseView: ShapeView<EllipseGeometry> = {
	type: 'ellipse',
	toolLabel: 'Ellipse',
	toolKey: 'e',
	toolIcon: 'M3 12a9 6 0 1 0 18 0a9 6 0 1 0-18 0',
	path2d(g) {
		const p = new Path2D();
		p.ellipse(g.cx, g.cy, g.rx, g.ry, (g.angle * Math.PI) / 180, 0, 2 * Math.PI);
		p.closePath();
		return p;
	},
	paperPath(scope: paper.PaperScope, g) {
		const path = new scope.Path.Ellipse({ center: [g.cx, g.cy], radius: [g.rx, g.ry] });
		path.rotate(g.angle, new scope.Point(g.cx, g.cy));
		return path;
	},
	createTool: createEllipseTool
};
