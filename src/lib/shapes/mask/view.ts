import type paper from 'paper';
import type { Point } from '$lib/geometry';
import type { AnnotationRecord } from '$lib/model';
import type { ShapeView } from '$lib/editor/shape-view';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import { colorize, rgbaOf, type Rgba } from './colorize';
import { bitmapOfMask, maskBits, maskFromBitmap, sameMask, type MaskGeometry } from './kind';
import { paintCapsule, paintDisc, paintPolygon, unionPixelRect, type Bitmap, type PixelRect } from './raster';

const TILE_ALPHA = 0.25;
const SELECTED_ALPHA = 0.35;
const EDGE_ALPHA = 0.85;
/** The live canvas grows by this many pixels beyond what a stroke reached, so it is rarely reallocated. */
const GROW_MARGIN = 96;

type Canvas = OffscreenCanvas;

function canvasOf(m: Bitmap, rect: PixelRect, color: string, alpha: number): Canvas {
	const w = rect.maxX - rect.minX,
		h = rect.maxY - rect.minY;
	const canvas = new OffscreenCanvas(w, h);
	paintInto(canvas, m, rect, rect, color, alpha);
	return canvas;
}

/** Repaints `part` of the bitmap into a canvas that shows `region` of it. */
function paintInto(canvas: Canvas, m: Bitmap, region: PixelRect, part: PixelRect, color: string, alpha: number): void {
	const w = part.maxX - part.minX,
		h = part.maxY - part.minY;
	if (w <= 0 || h <= 0) return;
	const data = new ImageData(w, h);
	colorize(m, part, fill(color, alpha), rgbaOf(color, EDGE_ALPHA), data.data);
	canvas.getContext('2d')!.putImageData(data, part.minX - region.minX, part.minY - region.minY);
}

const fills = new Map<string, Rgba>();
function fill(color: string, alpha: number): Rgba {
	const key = `${color}/${alpha}`;
	let c = fills.get(key);
	if (!c) fills.set(key, (c = rgbaOf(color, alpha)));
	return c;
}

/** The coloured crop of a stored mask, once per geometry and colour (plus the last one by content, for drags). */
const crops = new WeakMap<MaskGeometry, { key: string; canvas: Canvas }>();
let lastCrop: { key: string; rle: string; canvas: Canvas } | null = null;

function cropCanvas(g: MaskGeometry, color: string, alpha: number): Canvas {
	const key = `${color}/${alpha}/${g.width}x${g.height}`;
	const hit = crops.get(g);
	if (hit?.key === key) return hit.canvas;
	let canvas: Canvas;
	if (lastCrop?.key === key && lastCrop.rle === g.rle) canvas = lastCrop.canvas;
	else {
		const crop = { bits: maskBits(g), width: g.width, height: g.height };
		canvas = canvasOf(crop, { minX: 0, minY: 0, maxX: g.width, maxY: g.height }, color, alpha);
	}
	crops.set(g, { key, canvas });
	lastCrop = { key, rle: g.rle, canvas };
	return canvas;
}

function rasterAt(scope: paper.PaperScope, canvas: Canvas, x: number, y: number): paper.Item {
	// Paper draws any object with getContext as a canvas.
	const raster = new scope.Raster(canvas as unknown as HTMLCanvasElement);
	raster.smoothing = 'off';
	raster.position = new scope.Point(x + canvas.width / 2, y + canvas.height / 2);
	return raster;
}

/**
 * A mask being painted: an image-sized bitmap shown through a canvas of the region it has reached so
 * far; each frame repaints only the pixels changed since the last one.
 */
export class LiveMask {
	/** Every pixel the mask may cover: its stored box and all that was painted. */
	extent: PixelRect | null;
	private pending: PixelRect | null;
	private canvas: Canvas | null = null;
	private region: PixelRect | null = null;
	private color = '';

	constructor(
		readonly bitmap: Bitmap,
		initial: PixelRect | null
	) {
		this.extent = initial;
		this.pending = initial;
	}

	touched(r: PixelRect | null): void {
		if (!r) return;
		this.extent = unionPixelRect(this.extent, r);
		this.pending = unionPixelRect(this.pending, r);
	}

	item(scope: paper.PaperScope, color: string): paper.Item {
		const e = this.extent;
		if (!e) return new scope.Group();
		const r = this.region;
		if (!this.canvas || !r || color !== this.color || e.minX < r.minX || e.minY < r.minY || e.maxX > r.maxX || e.maxY > r.maxY) {
			const { width, height } = this.bitmap;
			const region = {
				minX: Math.max(0, e.minX - GROW_MARGIN),
				minY: Math.max(0, e.minY - GROW_MARGIN),
				maxX: Math.min(width, e.maxX + GROW_MARGIN),
				maxY: Math.min(height, e.maxY + GROW_MARGIN)
			};
			this.canvas = canvasOf(this.bitmap, region, color, SELECTED_ALPHA);
			this.region = region;
			this.color = color;
		} else if (this.pending) {
			// One pixel more: the neighbours' outline may have changed too.
			const p = this.pending;
			const part = {
				minX: Math.max(r.minX, p.minX - 1),
				minY: Math.max(r.minY, p.minY - 1),
				maxX: Math.min(r.maxX, p.maxX + 1),
				maxY: Math.min(r.maxY, p.maxY + 1)
			};
			paintInto(this.canvas, this.bitmap, r, part, color, SELECTED_ALPHA);
		}
		this.pending = null;
		return rasterAt(scope, this.canvas, this.region!.minX, this.region!.minY);
	}
}

/**
 * Geometries that stand for a mask being painted (set as the selected shape's live geometry): the
 * overlay then shows the live bitmap instead of the stored pixels.
 */
const liveMasks = new WeakMap<MaskGeometry, LiveMask>();

export function liveGeometry(live: LiveMask, stored: MaskGeometry): MaskGeometry {
	const g = { ...stored };
	liveMasks.set(g, live);
	return g;
}

/** Clicking within this many screen px of the first vertex closes the fill polygon. */
const CLOSE_PX = 8;
export const EMPTY_MASK_HINT = 'Erasing would leave an empty mask; delete the shape instead';
export const NOTHING_TO_ERASE_HINT = 'Select a mask to erase from';

interface Gesture {
	/** The mask painted into, or null for a new one. */
	target: { id: string; geometry: MaskGeometry } | null;
	live: LiveMask;
	value: 0 | 1;
	last: Point;
	/** Painting a semantic class's layer: deselected when done, so that picking another class never relabels the layer. */
	semantic: boolean;
}

/**
 * Mask tool. Brush (default): press-drag paints a round-capped stroke of the brush size (image px); a
 * click paints one disc. Eraser (X toggles, or hold Alt): the same, clearing pixels. Fill: clicks place
 * a polygon as the polygon tool does; Enter or clicking the first vertex fills it into the mask.
 * A gesture paints into the selected mask; with none, into the current class's mask on this image when
 * the class is semantic (made on its first stroke; deselected after each stroke, as it is a layer rather
 * than an object); otherwise it makes a new mask (an instance, which stays selected so further strokes
 * add to it; Escape deselects to start the next). The eraser with no mask selected erases from the
 * mask under the pointer. Erasing a mask to nothing is refused: delete it instead.
 * [ and ] change the brush size. The document is written once per gesture, on pointerup.
 */
export function createMaskTool(ctx: ToolContext): Tool {
	let gesture: Gesture | null = null;
	let points: number[] = [];
	let cursor: Point | null = null;
	let altHeld = false;

	const radius = () => ctx.maskOptions.brushSize / 2;
	const mode = () => ctx.maskOptions.maskTool;
	const near = (p: Point, i: number, px: number) => Math.hypot(points[i * 2] - p.x, points[i * 2 + 1] - p.y) <= ctx.tolerance(px);

	function selectedMask(): AnnotationRecord | null {
		const s = ctx.selectedId ? ctx.shape(ctx.selectedId) : undefined;
		return s?.type === 'mask' ? s : null;
	}

	/** The mask a gesture at p works on (selecting it), null for a new one, or 'none' when there is nothing to erase. */
	function targetAt(p: Point, erase: boolean): AnnotationRecord | null | 'none' {
		const selected = selectedMask();
		if (selected) return selected;
		const cls = ctx.currentClass();
		let target: AnnotationRecord | null = null;
		if (cls?.maskMode === 'semantic')
			target = ctx
				.annotations()
				.filter((a) => a.type === 'mask' && a.classId === cls.id)
				.reduce<AnnotationRecord | null>((top, a) => (!top || a.z > top.z ? a : top), null);
		if (!target && erase) {
			const hit = ctx.hitTest(p);
			if (hit?.type !== 'mask') return 'none';
			target = hit;
		}
		if (target) ctx.select(target.id);
		return target;
	}

	function begin(p: Point, erase: boolean): Gesture | null {
		const semantic = !selectedMask() && ctx.currentClass()?.maskMode === 'semantic';
		const target = targetAt(p, erase);
		if (target === 'none') {
			ctx.hint(NOTHING_TO_ERASE_HINT);
			return null;
		}
		const stored = target ? (target.geometry as MaskGeometry) : null;
		const initial = stored && { minX: stored.x, minY: stored.y, maxX: stored.x + stored.width, maxY: stored.y + stored.height };
		const live = new LiveMask(bitmapOfMask(stored, ctx.image), initial);
		if (target && stored) ctx.setLive(liveGeometry(live, stored));
		return { target: target && stored && { id: target.id, geometry: stored }, live, value: erase ? 0 : 1, last: p, semantic };
	}

	function finish() {
		const g = gesture;
		if (!g) return;
		gesture = null;
		const next = maskFromBitmap(g.live.bitmap, g.live.extent);
		if (g.target) {
			ctx.setLive(null);
			if (!next) ctx.hint(EMPTY_MASK_HINT);
			else if (!sameMask(next, g.target.geometry)) ctx.update(g.target.id, next);
		} else if (next) ctx.create('mask', next);
		if (g.semantic) ctx.select(null);
		ctx.redraw();
	}

	function fillPolygon() {
		const flat = points;
		points = [];
		const g = begin({ x: flat[0], y: flat[1] }, false);
		if (!g) return;
		g.live.touched(paintPolygon(g.live.bitmap, flat, 1));
		gesture = g;
		finish();
	}

	function resize(factor: number) {
		const size = ctx.maskOptions.brushSize;
		const next = factor > 1 ? Math.max(size + 1, size * factor) : Math.min(size - 1, size * factor);
		ctx.setMaskOptions({ brushSize: next });
	}

	return {
		id: 'mask',
		down(p) {
			if (p.button !== 0 || gesture) return;
			if (mode() === 'fill') {
				const n = points.length / 2;
				if (n >= 3 && near(p.image, 0, CLOSE_PX)) return fillPolygon();
				if (n > 0 && near(p.image, n - 1, 2)) return; // the second click of a double-click
				points.push(p.image.x, p.image.y);
				ctx.redraw();
				return;
			}
			points = [];
			gesture = begin(p.image, mode() === 'eraser' || p.alt);
			if (!gesture) return;
			gesture.live.touched(paintDisc(gesture.live.bitmap, p.image, radius(), gesture.value));
			ctx.redraw();
		},
		move(p) {
			cursor = p.image;
			altHeld = p.alt;
			if (gesture) {
				const g = gesture;
				g.live.touched(paintCapsule(g.live.bitmap, g.last, p.image, radius(), g.value));
				g.last = p.image;
			}
			ctx.redraw();
		},
		up() {
			finish();
		},
		doubleClick() {
			if (mode() === 'fill' && points.length >= 6) fillPolygon();
		},
		key(key) {
			if (key === '[' || key === ']') {
				resize(key === ']' ? 1.2 : 1 / 1.2);
				return true;
			}
			if (key === 'x' && !gesture) {
				ctx.setMaskOptions({ maskTool: mode() === 'eraser' ? 'brush' : 'eraser' });
				return true;
			}
			if (gesture) {
				if (key !== 'escape') return false;
				this.cancel();
				return true;
			}
			if (!points.length) return false;
			if (key === 'enter' && points.length >= 6) fillPolygon();
			else if (key === 'backspace') points.splice(-2, 2);
			else if (key === 'escape') points = [];
			else return false;
			ctx.redraw();
			return true;
		},
		commit() {
			finish();
		},
		cancel() {
			if (gesture?.target) ctx.setLive(null);
			gesture = null;
			points = [];
			ctx.redraw();
		},
		busy: () => gesture !== null || points.length > 0,
		drawOverlay(o) {
			const color = ctx.currentColor();
			// A mask being painted into a stored one shows as that shape's live geometry; a new one here.
			if (gesture && !gesture.target) gesture.live.item(o.scope, color);
			if (mode() === 'fill') {
				if (!points.length) return;
				const trail = cursor ? [...points, cursor.x, cursor.y] : points;
				o.polyline(trail, { color, fillAlpha: 0.15 });
				const closable = points.length >= 6 && cursor !== null && near(cursor, 0, CLOSE_PX);
				for (let i = 0; i < points.length; i += 2)
					o.handle({ x: points[i], y: points[i + 1] }, { round: true, active: i === 0 && closable, size: i === 0 ? 10 : 7 });
				return;
			}
			if (!cursor) return;
			const erasing = gesture ? gesture.value === 0 : mode() === 'eraser' || altHeld;
			const ring = new o.scope.Path.Circle({ center: [cursor.x, cursor.y], radius: radius() });
			ring.strokeColor = new o.scope.Color(erasing ? '#ffffff' : color);
			ring.strokeWidth = 1.5;
			ring.strokeScaling = false;
			if (erasing) ring.dashArray = [4, 3];
		}
	};
}

export const maskView: ShapeView<MaskGeometry> = {
	type: 'mask',
	toolLabel: 'Mask',
	toolKey: 'm',
	toolIcon: 'M4 20c3 0 5-1 5-4 0-1.5 1-3 3-3l8-8-2-2-8 8c-2 0-3 1.5-3 3 0 2-1 4-3 6z',
	path2d(g) {
		const p = new Path2D();
		p.rect(g.x, g.y, g.width, g.height);
		return p;
	},
	drawTile(ctx, g, style) {
		const canvas = cropCanvas(g, style.color, TILE_ALPHA);
		const smoothing = ctx.imageSmoothingEnabled;
		ctx.imageSmoothingEnabled = false;
		ctx.drawImage(canvas, g.x, g.y);
		ctx.imageSmoothingEnabled = smoothing;
	},
	paperPath(scope: paper.PaperScope, g, style) {
		const color = style?.color ?? '#9aa4b2';
		const live = liveMasks.get(g);
		if (live) return live.item(scope, color);
		return rasterAt(scope, cropCanvas(g, color, SELECTED_ALPHA), g.x, g.y);
	},
	createTool: createMaskTool
};
