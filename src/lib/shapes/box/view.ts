import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import { createCornerDragTool } from '$lib/editor/tools/corner-drag';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import { boxFromCorners, type BoxGeometry } from './kind';

/** Box tool: press-drag-release draws a box; a click without dragging starts one that the next click finishes. */
export function createBoxTool(ctx: ToolContext): Tool {
	return createCornerDragTool(ctx, {
		id: 'box',
		finish: (a, b) => ctx.create('box', boxFromCorners(a, b)),
		preview: (o, a, b) => o.shape('box', boxFromCorners(a, b), { color: ctx.currentColor(), fillAlpha: 0.2, dashed: true })
	});
}

export const boxView: ShapeView<BoxGeometry> = {
	type: 'box',
	toolLabel: 'Box',
	toolKey: 'b',
	toolIcon: 'M4 6h16v12H4z',
	path2d(g) {
		const p = new Path2D();
		p.rect(g.x, g.y, g.width, g.height);
		return p;
	},
	paperPath(scope: paper.PaperScope, g) {
		return new scope.Path.Rectangle({ point: [g.x, g.y], size: [g.width, g.height] });
	},
	createTool: createBoxTool
};
