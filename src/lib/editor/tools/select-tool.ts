import { clamp, clampPointToImage, type Point } from '$lib/geometry';
import { normalizeAngle } from '$lib/geometry/rotation';
import type { Handle } from '$lib/shapes/kind';
import type { AnnotationRecord } from '$lib/model';
import { LOCKED_REASON } from '$lib/model/project-doc';
import { shapeKind, type Geometry } from '$lib/shapes/registry';
import { shapeView } from '$lib/shapes/views';
import { CLICK_SLOP_PX, screenDistance, type Tool, type ToolContext, type ToolPointer } from './tool';

const HANDLE_PX = 7;
const ROTATE_SNAP_DEGREES = 15;
/** Midpoint handles of edges shorter than this (screen px) are hidden: they would cover the vertices. */
const MIN_EDGE_FOR_MIDPOINT_PX = 24;

/**
 * Select tool: click picks the topmost shape; dragging its body moves it, dragging a handle reshapes it
 * (a midpoint handle inserts a vertex); Alt+click or Delete on a hovered vertex removes it.
 * idle → moving | reshaping → idle; the document is written once, on pointerup (or when the page is
 * hidden mid-gesture, see `commit`).
 */
type SelectState =
	| { name: 'idle' }
	| { name: 'moving'; id: string; start: ToolPointer; original: Geometry; moved: boolean }
	| { name: 'reshaping'; id: string; handle: Handle; start: ToolPointer; original: Geometry; moved: boolean };

/** Shift while turning: the angle (degrees, which turnable geometries store as `angle`) in 15° steps. */
function snapAngle(g: Geometry): Geometry {
	const angle = (g as { angle?: unknown }).angle;
	if (typeof angle !== 'number') return g;
	return { ...(g as object), angle: normalizeAngle(Math.round(angle / ROTATE_SNAP_DEGREES) * ROTATE_SNAP_DEGREES) } as Geometry;
}

export function createSelectTool(ctx: ToolContext): Tool {
	let state: SelectState = { name: 'idle' };
	let hoverHandle: Handle | null = null;
	let hoverShape: string | null = null;
	let live: Geometry | null = null;

	/** The handles worth showing at this zoom. */
	function handlesOf(type: AnnotationRecord['type'], g: Geometry): Handle[] {
		const all = shapeKind(type).handles(g);
		const minEdge = ctx.tolerance(MIN_EDGE_FOR_MIDPOINT_PX);
		// Vertices by ring: 'v:i' is the outer ring, 'h0:v:i' a polygon's first hole, and so on.
		const rings = new Map<string, Handle[]>();
		for (const h of all) {
			if (h.role !== 'vertex') continue;
			const key = h.id.slice(0, h.id.lastIndexOf('v:'));
			const ring = rings.get(key);
			if (ring) ring.push(h);
			else rings.set(key, [h]);
		}
		return all.filter((h) => {
			if (h.role !== 'midpoint') return true;
			const cut = h.id.lastIndexOf('m:');
			const vertices = rings.get(h.id.slice(0, cut)) ?? [];
			const i = Number(h.id.slice(cut + 2));
			const a = vertices[i],
				b = vertices[(i + 1) % vertices.length];
			return !a || !b || Math.hypot(a.x - b.x, a.y - b.y) >= minEdge;
		});
	}

	function selected() {
		return ctx.selectedId ? (ctx.shape(ctx.selectedId) ?? null) : null;
	}

	/** The handle of the selected shape under p: vertices and grips before midpoints. */
	function handleAt(p: Point): Handle | null {
		const s = selected();
		if (!s) return null;
		const tol = ctx.tolerance(HANDLE_PX);
		let best: Handle | null = null;
		let bestScore = Infinity;
		for (const h of handlesOf(s.type, s.geometry)) {
			const d = Math.hypot(h.x - p.x, h.y - p.y);
			if (d > tol) continue;
			const score = d + (h.role === 'midpoint' ? tol : 0);
			if (score < bestScore) {
				best = h;
				bestScore = score;
			}
		}
		return best;
	}

	function setLive(g: Geometry | null) {
		live = g;
		ctx.setLive(g);
	}

	function removeVertex(id: string, handle: Handle) {
		const s = ctx.shape(id);
		if (!s) return;
		const next = shapeKind(s.type).removeVertex(s.geometry, handle.id);
		if (next) ctx.update(id, next);
		hoverHandle = null;
		ctx.redraw();
	}

	function updateHover(p: ToolPointer) {
		const h = handleAt(p.image);
		const shape = h ? null : ctx.hitTest(p.image);
		const shapeId = shape?.id ?? null;
		if (h?.id !== hoverHandle?.id || shapeId !== hoverShape) {
			hoverHandle = h;
			hoverShape = shapeId;
			ctx.redraw();
		}
		ctx.setCursor(h ? h.cursor : shapeId ? 'move' : 'default');
	}

	return {
		id: 'select',
		down(p) {
			const h = handleAt(p.image);
			const sel = selected();
			if (h && sel) {
				if (p.alt && h.role === 'vertex') return removeVertex(sel.id, h);
				state = { name: 'reshaping', id: sel.id, handle: h, start: p, original: sel.geometry, moved: false };
				return;
			}
			const hit = ctx.hitTest(p.image);
			ctx.select(hit?.id ?? null);
			if (hit) state = { name: 'moving', id: hit.id, start: p, original: hit.geometry, moved: false };
		},
		move(p, pressed) {
			if (state.name === 'idle' || !pressed) return updateHover(p);
			if (!state.moved && screenDistance(state.start, p) < CLICK_SLOP_PX) return;
			const first = !state.moved;
			state.moved = true;
			const s = ctx.shape(state.id);
			if (!s) return this.cancel();
			if (s.locked) return void (first && ctx.hint(LOCKED_REASON));
			const kind = shapeKind(s.type);
			if (state.name === 'moving') {
				// Keep the whole shape on the image rather than letting validation squash it at the edge.
				const b = kind.bounds(state.original);
				const dx = clamp(p.image.x - state.start.image.x, -b.minX, ctx.image.width - b.maxX);
				const dy = clamp(p.image.y - state.start.image.y, -b.minY, ctx.image.height - b.maxY);
				setLive(kind.translate(state.original, dx, dy));
			} else {
				let next = kind.dragHandle(state.original, state.handle.id, clampPointToImage(p.image, ctx.image));
				if (state.handle.role === 'rotate') {
					if (p.shift) next = snapAngle(next);
					ctx.hint(kind.describe(next)); // the angle while turning
				}
				setLive(next);
			}
		},
		up(p) {
			const s = state;
			state = { name: 'idle' };
			if (s.name !== 'idle' && s.moved && live) ctx.update(s.id, live);
			setLive(null);
			updateHover(p);
		},
		key(key) {
			if (state.name !== 'idle') {
				if (key !== 'escape') return false;
				this.cancel();
				return true;
			}
			// The hovered handle's shape may give the key a meaning (O: a skeleton point's visibility).
			const s = hoverHandle ? selected() : null;
			const edited = s && hoverHandle ? shapeView(s.type).handleKey?.(key, s.geometry, hoverHandle.id) : null;
			if (s && edited) {
				ctx.update(s.id, edited);
				ctx.redraw();
				return true;
			}
			if ((key === 'delete' || key === 'backspace') && hoverHandle?.role === 'vertex' && ctx.selectedId) {
				removeVertex(ctx.selectedId, hoverHandle);
				return true;
			}
			return false;
		},
		commit() {
			const s = state;
			if (s.name === 'idle') return;
			state = { name: 'idle' };
			if (s.moved && live) ctx.update(s.id, live);
			setLive(null);
		},
		cancel() {
			state = { name: 'idle' };
			setLive(null);
			ctx.redraw();
		},
		busy: () => state.name !== 'idle',
		drawOverlay(o) {
			if (hoverShape && hoverShape !== ctx.selectedId && state.name === 'idle') {
				const s = ctx.shape(hoverShape);
				if (s) o.shape(s.type, s.geometry, { color: '#ffffff', width: 2 });
			}
			const s = selected();
			if (!s) return;
			for (const h of shapeKind(s.type).handles(live ?? s.geometry))
				o.handle(h, {
					round: h.role === 'midpoint' || h.role === 'rotate',
					size: h.role === 'midpoint' ? 6 : 8,
					active: h.id === hoverHandle?.id
				});
		}
	};
}
