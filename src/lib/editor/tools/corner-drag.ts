import { clampPointToImage, type Point } from '$lib/geometry';
import type { Overlay } from '../overlay';
import { CLICK_SLOP_PX, screenDistance, type Tool, type ToolContext, type ToolPointer } from './tool';

/**
 * The gesture of shapes drawn from two opposite corners (boxes, rotated boxes, ellipses, the front face of
 * a cuboid, the box a skeleton is placed in): press-drag-release, or a click that the next click finishes. Corners are
 * clamped to the image. idle → dragging | secondCorner → idle.
 */
type CornerDragState =
	| { name: 'idle' }
	| { name: 'dragging'; start: ToolPointer; current: Point; shift: boolean }
	| { name: 'secondCorner'; start: Point; current: Point; shift: boolean };

export interface CornerDragOptions {
	id: string;
	/** Asked on the first press: false refuses to start (the tool has said why, e.g. with a hint). */
	canStart?(): boolean;
	/** The gesture ended with the second corner at `end`. */
	finish(start: Point, end: Point, pointer: ToolPointer): void;
	/** Draws the shape in progress (shift: whether Shift is held). */
	preview(o: Overlay, start: Point, current: Point, shift: boolean): void;
}

export function createCornerDragTool(ctx: ToolContext, opts: CornerDragOptions): Tool {
	let state: CornerDragState = { name: 'idle' };
	const inImage = (p: ToolPointer) => clampPointToImage(p.image, ctx.image);

	function finish(a: Point, p: ToolPointer) {
		state = { name: 'idle' };
		opts.finish(a, inImage(p), p);
		ctx.redraw();
	}

	return {
		id: opts.id,
		down(p) {
			if (state.name === 'idle') {
				if (opts.canStart && !opts.canStart()) return;
				state = { name: 'dragging', start: p, current: inImage(p), shift: p.shift };
			}
			ctx.redraw();
		},
		move(p) {
			if (state.name === 'idle') return;
			state.current = inImage(p);
			state.shift = p.shift;
			ctx.redraw();
		},
		up(p) {
			if (state.name === 'dragging') {
				if (screenDistance(state.start, p) < CLICK_SLOP_PX)
					state = { name: 'secondCorner', start: inImage(state.start), current: inImage(p), shift: p.shift };
				else finish(inImage(state.start), p);
			} else if (state.name === 'secondCorner') finish(state.start, p);
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
			const start = state.name === 'dragging' ? inImage(state.start) : state.start;
			opts.preview(o, start, state.current, state.shift);
		}
	};
}
