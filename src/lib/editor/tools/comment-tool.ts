import { clampPointToImage, type Point } from '$lib/geometry';
import { CLICK_SLOP_PX, screenDistance, type Tool, type ToolContext, type ToolPointer } from './tool';

/**
 * The comment tool: a click on the image places a new comment thread there (the ui opens its form);
 * a drag does nothing. It never writes the document: `place` hands the point (image px) to the ui.
 */
export function createCommentTool(ctx: ToolContext, place: (at: Point) => void): Tool {
	let pressed: ToolPointer | null = null;
	return {
		id: 'comment',
		down(p) {
			pressed = p;
		},
		move() {},
		up(p) {
			const start = pressed;
			pressed = null;
			if (!start || screenDistance(start, p) > CLICK_SLOP_PX) return;
			const at = clampPointToImage(p.image, ctx.image);
			place({ x: Math.round(at.x * 10) / 10, y: Math.round(at.y * 10) / 10 });
		},
		key: () => false,
		cancel() {
			pressed = null;
		},
		busy: () => pressed !== null,
		drawOverlay() {}
	};
}
