import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import { createCornerDragTool } from '$lib/editor/tools/corner-drag';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import type { Point } from '$lib/geometry';
import { rotatedBoxCorners, type RotatedBoxGeometry } from './kind';

/** An upright rotated box spanned by two corners: it is drawn like a box and turned afterwards. */
export function rotatedBoxFromCorners(a: Point, b: Point): RotatedBoxGeometry {
	return { cx: (a.x + b.x) / 2, cy: (a.y + b.y) / 2, width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y), angle: 0 };
}

/** Rotated box tool: drawn upright like a box (drag, or click, click); the select tool turns it. */
export function createRotatedBoxTool(ctx: ToolContext): Tool {
	return createCornerDragTool(ctx, {
		id: 'rotatedBox',
		finish: (a, b) => ctx.create('rotatedBox', rotatedBoxFromCorners(a, b)),
		preview: (o, a, b) =>
			o.shape('rotatedBox', rotatedBoxFromCorners(a, b), { color: ctx.currentColor(), fillAlpha: 0.2, dashed: true })
	});
}

export const rotatedBoxView: ShapeView<RotatedBoxGeometry> = {
	type: 'rotatedBox',
	toolLabel: 'Rotated box',
	toolKey: 'r',
	toolIcon: 'M8 3l13 5-5 13L3 16z',
	path2d(g) {
		const c = rotatedBoxCorners(g);
		const p = new Path2D();
		p.moveTo(c[0], c[1]);
		for (let i = 2; i < 8; i += 2) p.lineTo(c[i], c[i + 1]);
		p.closePath();
		return p;
	},
	paperPath(scope: paper.PaperScope, g) {
		const c = rotatedBoxCorners(g);
		const segments: [number, number][] = [];
		for (let i = 0; i < 8; i += 2) segments.push([c[i], c[i + 1]]);
		return new scope.Path({ segments, closed: true });
	},
	createTool: createRotatedBoxTool
};
