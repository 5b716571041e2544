import { clampPointToImage, signedArea, type Point } from '$lib/geometry';
import { bitmapOfMask, maskFromBitmap, type MaskGeometry } from '$lib/shapes/mask/kind';
import type { Overlay } from '../overlay';
import {
	CLICK_SLOP_PX,
	screenDistance,
	type AssistBridge,
	type AssistPolygon,
	type AssistPrompt,
	type AssistSegmentation,
	type Tool,
	type ToolContext,
	type ToolPointer
} from './tool';

const INCLUDE_COLOR = '#3cdc78';
const EXCLUDE_COLOR = '#ff4d5e';
const NO_MODEL = 'Choose a segmentation model in the Assist panel first';

/** Why a request was sent: to show its mask, or (auto region) to commit its largest polygon at once. */
type Purpose = 'preview' | 'commit';

/**
 * The smart tool: interactive segmentation through the ui's `AssistBridge`.
 * - Hovering before any click previews the mask of the hover point; clicks add include points (Alt or
 *   the right button: exclude points) and refine; a drag after clicks adds a box to the prompt.
 * - A drag with no prior click is "auto region": the box's mask becomes a polygon of the current class at once.
 * - Enter commits the preview (polygon or pixel mask, as the panel says); Escape clears; Backspace drops the last point.
 * - In the panel's read-text mode a dragged box is read by OCR instead.
 * One request is in flight at a time: while it runs, only the latest prompt waits, older ones are dropped.
 */
export function createAssistTool(ctx: ToolContext): Tool & { readonly state: AssistToolState } {
	const state: AssistToolState = { points: [], box: null, hover: null, preview: null, drag: null, pending: 0 };
	let inFlight = false;
	let queued: { prompt: AssistPrompt; purpose: Purpose } | null = null;
	/** Bumped on clear and commit: answers to older requests are dropped. */
	let generation = 0;

	const bridge = (): AssistBridge | undefined => ctx.assist;
	const hasPrompt = () => state.points.length > 0 || state.box !== null;

	function clear(): void {
		generation++;
		state.points = [];
		state.box = null;
		state.preview = null;
		state.drag = null;
		queued = null;
		ctx.redraw();
	}

	function currentPrompt(): AssistPrompt {
		return { points: state.points.map((p) => ({ ...p })), ...(state.box && { box: { ...state.box } }) };
	}

	function request(prompt: AssistPrompt, purpose: Purpose): void {
		const b = bridge();
		if (!b) return void ctx.hint(NO_MODEL);
		const why = b.unavailable?.();
		if (why) return void ctx.hint(why);
		// A waiting auto-region commit is not replaced by a hover preview.
		if (inFlight) {
			if (!(queued?.purpose === 'commit' && purpose === 'preview')) queued = { prompt, purpose };
			return;
		}
		inFlight = true;
		state.pending++;
		const sent = generation;
		b.segment(prompt)
			.then(
				(result) => {
					if (sent !== generation) return;
					if (purpose === 'commit') commitRegion(result);
					else {
						state.preview = result;
						ctx.redraw();
					}
				},
				(e: unknown) => ctx.hint(`Segmentation failed: ${e instanceof Error ? e.message : String(e)}`)
			)
			.finally(() => {
				inFlight = false;
				state.pending--;
				const next = queued;
				queued = null;
				if (next) request(next.prompt, next.purpose);
			});
	}

	function commitRegion(result: AssistSegmentation | null): void {
		state.box = null;
		const polygon = result && largest(result.polygons);
		if (!polygon) {
			ctx.hint('Nothing found in that box: try a tighter one, or click on the object');
			return ctx.redraw();
		}
		ctx.create('polygon', polygonGeometry(polygon));
		clear();
	}

	function commitPreview(): boolean {
		const result = state.preview;
		if (!result) {
			if (hasPrompt()) ctx.hint('The mask is still being computed');
			return hasPrompt();
		}
		const output = bridge()?.output() ?? 'polygon';
		if (output === 'mask') {
			const geometry = maskGeometry(result, ctx);
			if (!geometry) return ctx.hint('The mask is empty: click on the object'), true;
			if (!commitMask(geometry)) return true;
		} else {
			const polygon = largest(result.polygons);
			if (!polygon) return ctx.hint('The mask is too small to make a polygon'), true;
			if (!ctx.create('polygon', polygonGeometry(polygon))) return true;
		}
		clear();
		return true;
	}

	/** A semantic class has one layer per image: the mask joins it. */
	function commitMask(geometry: MaskGeometry): boolean {
		const cls = ctx.currentClass();
		if (cls?.maskMode === 'semantic') {
			const layer = ctx.annotations().find((a) => a.type === 'mask' && a.classId === cls.id);
			if (layer) {
				const merged = bitmapOfMask(layer.geometry as MaskGeometry, ctx.image);
				const added = bitmapOfMask(geometry, ctx.image);
				for (let i = 0; i < merged.bits.length; i++) merged.bits[i] |= added.bits[i];
				const union = maskFromBitmap(merged);
				return !!union && ctx.update(layer.id, union);
			}
		}
		return ctx.create('mask', geometry);
	}

	function hoverPreview(p: Point): void {
		const b = bridge();
		if (!b || hasPrompt() || b.mode() === 'read-text' || b.unavailable?.()) return;
		state.hover = p;
		request({ points: [{ x: p.x, y: p.y, label: 1 }] }, 'preview');
	}

	const tool: Tool & { readonly state: AssistToolState } = {
		id: 'smart',
		rightClick: true,
		state,
		down(p) {
			if (!bridge()) return void ctx.hint(NO_MODEL);
			state.drag = { start: p, current: p, dragging: false };
		},
		move(p) {
			const drag = state.drag;
			const image = clampPointToImage(p.image, ctx.image);
			// Between down and up the pointer is pressed (the right button does not count as `pressed`).
			if (drag) {
				drag.current = p;
				if (!drag.dragging && screenDistance(drag.start, p) > CLICK_SLOP_PX) drag.dragging = true;
				if (drag.dragging) ctx.redraw();
				return;
			}
			hoverPreview(image);
		},
		up(p) {
			const drag = state.drag;
			state.drag = null;
			if (!drag) return;
			const b = bridge();
			if (!b) return;
			const dragging = drag.dragging || screenDistance(drag.start, p) > CLICK_SLOP_PX;
			const a = clampPointToImage(drag.start.image, ctx.image);
			const z = clampPointToImage(p.image, ctx.image);
			if (b.mode() === 'read-text') {
				ctx.redraw();
				if (!dragging) return void ctx.hint('Drag a box around the text to read');
				const box = { x: Math.min(a.x, z.x), y: Math.min(a.y, z.y), width: Math.abs(z.x - a.x), height: Math.abs(z.y - a.y) };
				if (box.width < 2 || box.height < 2) return;
				void b.readTextIn?.(box).catch((e: unknown) => ctx.hint(`Reading text failed: ${e instanceof Error ? e.message : String(e)}`));
				return;
			}
			if (dragging) {
				const box = { x1: Math.min(a.x, z.x), y1: Math.min(a.y, z.y), x2: Math.max(a.x, z.x), y2: Math.max(a.y, z.y) };
				if (box.x2 - box.x1 < 2 || box.y2 - box.y1 < 2) return ctx.redraw();
				const region = !state.points.length;
				state.box = box;
				state.preview = region ? null : state.preview;
				request(currentPrompt(), region ? 'commit' : 'preview');
				ctx.redraw();
				return;
			}
			const negative = drag.start.alt || drag.start.button === 2;
			state.points.push({ x: a.x, y: a.y, label: negative ? 0 : 1 });
			state.hover = null;
			request(currentPrompt(), 'preview');
			ctx.redraw();
		},
		key(key) {
			if (key === 'enter') return commitPreview();
			if (key === 'escape' && (hasPrompt() || state.preview)) return clear(), true;
			if (key === 'backspace' && state.points.length) {
				state.points.pop();
				if (hasPrompt()) request(currentPrompt(), 'preview');
				else clear();
				ctx.redraw();
				return true;
			}
			return false;
		},
		cancel() {
			clear();
			state.hover = null;
		},
		busy: () => hasPrompt() || state.drag !== null,
		optionsChanged() {
			const b = bridge();
			if (!state.preview || !b?.trace) return;
			state.preview = { ...state.preview, polygons: b.trace(state.preview.mask) };
			ctx.redraw();
		},
		drawOverlay(o: Overlay) {
			const color = ctx.currentColor();
			for (const polygon of state.preview?.polygons ?? [])
				o.shape('polygon', polygonGeometry(polygon), { color, fillAlpha: 0.35, width: 2, dashed: !hasPrompt() });
			const box = state.box;
			if (box) o.polyline([box.x1, box.y1, box.x2, box.y1, box.x2, box.y2, box.x1, box.y2], { color, closed: true, dashed: true });
			const drag = state.drag;
			if (drag?.dragging) {
				const a = drag.start.image,
					z = drag.current.image;
				o.polyline([a.x, a.y, z.x, a.y, z.x, z.y, a.x, z.y], { color, closed: true, dashed: true });
			}
			for (const p of state.points) o.handle(p, { round: true, size: 10, fill: p.label ? INCLUDE_COLOR : EXCLUDE_COLOR });
		}
	};
	return tool;
}

export interface AssistToolState {
	points: { x: number; y: number; label: 0 | 1 }[];
	box: { x1: number; y1: number; x2: number; y2: number } | null;
	hover: Point | null;
	/** The mask (and its polygons) of the latest answered prompt. */
	preview: AssistSegmentation | null;
	drag: { start: ToolPointer; current: ToolPointer; dragging: boolean } | null;
	/** Requests sent and not yet answered (at most one). */
	pending: number;
}

/** The polygon of largest area (SAM masks may have specks besides the object). */
export function largest(polygons: readonly AssistPolygon[]): AssistPolygon | null {
	let best: AssistPolygon | null = null;
	let bestArea = 0;
	for (const p of polygons) {
		const area = Math.abs(signedArea(p.points));
		if (p.points.length >= 6 && area > bestArea) (best = p), (bestArea = area);
	}
	return best;
}

function polygonGeometry(p: AssistPolygon): { points: number[]; holes?: number[][] } {
	return p.holes.length ? { points: p.points, holes: p.holes } : { points: p.points };
}

function maskGeometry(result: AssistSegmentation, ctx: ToolContext): MaskGeometry | null {
	const { mask } = result;
	if (mask.width !== ctx.image.width || mask.height !== ctx.image.height) return null;
	return maskFromBitmap({ bits: mask.data, width: mask.width, height: mask.height });
}
