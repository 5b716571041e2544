import type paper from 'paper';
import type { Point } from '$lib/geometry';
import type { ShapeView } from '$lib/editor/shape-view';
import { CLICK_SLOP_PX, screenDistance, type Tool, type ToolContext, type ToolPointer } from '$lib/editor/tools/tool';
import { boxFromCorners, type BoxGeometry } from './kind';

/**
 * Box tool: press-drag-release draws a box; a click without dragging starts one that the next click
 * finishes (click, click). idle → dragging | secondCorner → idle.
 */
type BoxToolState =
	| { name: 'idle' }
	| { name: 'dragging'; start: ToolPointer; current: Point }
	| { name: 'secondCorner'; start: Point; current: Point };

export function createBoxTool(ctx: ToolContext): Tool {
	let state: BoxToolState = { name: 'idle' };

	function finish(a: Point, b: Point) {
		state = { name: 'idle' };
		ctx.create('box', boxFromCorners(a, b));
		ctx.redraw();
	}

	return {
		id: 'box',
		down(p) {
			if (state.name === 'idle') state = { name: 'dragging', start: p, current: p.image };
			ctx.redraw();
		},
		move(p) {
			if (state.name === 'idle') return;
			state.current = p.image;
			ctx.redraw();
		},
		up(p) {
			if (state.name === 'dragging') {
				if (screenDistance(state.start, p) < CLICK_SLOP_PX) state = { name: 'secondCorner', start: state.start.image, current: p.image };
				else finish(state.start.image, p.image);
			} else if (state.name === 'secondCorner') finish(state.start, p.image);
		},
		key(key) {
			if (key === 'escape' && state.name !== 'idle') {
				this.cancel();
				return true;
			}
			return false;
		},
		cancel() {
			state = { name: 'idle' };
			ctx.redraw();
		},
		busy: () => state.name !== 'idle',
		drawOverlay(o) {
			if (state.name === 'idle') return;
			const start = state.name === 'dragging' ? state.start.image : state.start;
			o.shape('box', boxFromCorners(start, state.current), { color: ctx.currentColor(), fillAlpha: 0.2, dashed: true });
		}
	};
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
