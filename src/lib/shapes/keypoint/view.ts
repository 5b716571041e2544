import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext, ToolPointer } from '$lib/editor/tools/tool';
import type { Point } from '$lib/geometry';
import type { KeypointGeometry } from './kind';

/** Radius of a keypoint dot in screen px (tiles) and in image px (outline for the overlay). */
const DOT_SCREEN_PX = 4;
const DOT_IMAGE_PX = 4;

/** Keypoint tool: one click places a point (snapping onto another shape's vertex; Alt: freely). */
export function createKeypointTool(ctx: ToolContext): Tool {
	let snapTarget: Point | null = null;
	const snapped = (p: ToolPointer): Point => (p.alt ? p.image : ctx.snap(p.image));
	return {
		id: 'keypoint',
		down(p) {
			const q = snapped(p);
			ctx.create('keypoint', { x: q.x, y: q.y });
			ctx.redraw();
		},
		move(p) {
			const q = snapped(p);
			const target = q !== p.image ? q : null;
			if (target?.x !== snapTarget?.x || target?.y !== snapTarget?.y) {
				snapTarget = target;
				ctx.redraw();
			}
		},
		up() {},
		key: () => false,
		cancel() {
			snapTarget = null;
		},
		busy: () => false,
		drawOverlay(o) {
			if (snapTarget) o.handle(snapTarget, { round: true, active: true, size: 10 });
		}
	};
}

export const keypointView: ShapeView<KeypointGeometry> = {
	type: 'keypoint',
	toolLabel: 'Keypoint',
	toolKey: 'k',
	toolIcon: 'M9 12a3 3 0 1 0 6 0a3 3 0 1 0-6 0M12 2v5M12 17v5M2 12h5M17 12h5',
	path2d(g) {
		const p = new Path2D();
		p.arc(g.x, g.y, DOT_IMAGE_PX, 0, Math.PI * 2);
		return p;
	},
	drawTile(ctx, g, style) {
		// A dot of constant screen size, whatever the zoom of the tile.
		const r = DOT_SCREEN_PX * style.pxToImage;
		ctx.beginPath();
		ctx.arc(g.x, g.y, r, 0, Math.PI * 2);
		ctx.fillStyle = style.color;
		ctx.fill();
		ctx.lineWidth = style.pxToImage;
		ctx.strokeStyle = '#11151c';
		ctx.stroke();
	},
	paperPath(scope: paper.PaperScope, g) {
		return new scope.Path.Circle({ center: [g.x, g.y], radius: DOT_IMAGE_PX });
	},
	createTool: createKeypointTool
};
