import { clamp, type Point, type Rect, type Size } from '$lib/geometry';

/** Zoom limits relative to the fit-to-screen scale (lower) and in screen px per image px (upper). */
export const MIN_ZOOM_OF_FIT = 0.25;
export const MAX_SCALE = 64;

/**
 * Image → screen mapping: screen = image * scale + (tx, ty). Pure, so the math is unit-tested;
 * `version` bumps on every change so renderers can tell a moved view from a still one.
 */
export class Viewport {
	scale = 1;
	tx = 0;
	ty = 0;
	version = 0;
	view: Size = { width: 1, height: 1 };
	image: Size = { width: 1, height: 1 };

	constructor(image?: Size, view?: Size) {
		if (image) this.image = image;
		if (view) this.view = view;
	}

	toScreen(p: Point): Point {
		return { x: p.x * this.scale + this.tx, y: p.y * this.scale + this.ty };
	}

	toImage(p: Point): Point {
		return { x: (p.x - this.tx) / this.scale, y: (p.y - this.ty) / this.scale };
	}

	/** The image rect visible on screen (may extend past the image). */
	visibleImageRect(): Rect {
		const a = this.toImage({ x: 0, y: 0 });
		const b = this.toImage({ x: this.view.width, y: this.view.height });
		return { minX: a.x, minY: a.y, maxX: b.x, maxY: b.y };
	}

	fitScale(): number {
		const margin = 0.95;
		return Math.min(this.view.width / this.image.width, this.view.height / this.image.height) * margin;
	}

	minScale(): number {
		return Math.min(this.fitScale() * MIN_ZOOM_OF_FIT, MAX_SCALE);
	}

	/** Centers the whole image in the view. */
	fit(): void {
		const s = this.fitScale();
		this.set(s, (this.view.width - this.image.width * s) / 2, (this.view.height - this.image.height * s) / 2);
	}

	setViewSize(view: Size): void {
		if (view.width === this.view.width && view.height === this.view.height) return;
		this.view = { width: Math.max(1, view.width), height: Math.max(1, view.height) };
		this.version++;
	}

	/** Multiplies the scale by `factor`, keeping the image point under `anchor` (screen) still. */
	zoomAt(factor: number, anchor: Point): void {
		const scale = clamp(this.scale * factor, this.minScale(), MAX_SCALE);
		const p = this.toImage(anchor);
		this.set(scale, anchor.x - p.x * scale, anchor.y - p.y * scale);
	}

	zoomAtCenter(factor: number): void {
		this.zoomAt(factor, { x: this.view.width / 2, y: this.view.height / 2 });
	}

	panBy(dx: number, dy: number): void {
		this.set(this.scale, this.tx + dx, this.ty + dy);
	}

	set(scale: number, tx: number, ty: number): void {
		if (scale === this.scale && tx === this.tx && ty === this.ty) return;
		this.scale = scale;
		// Keep at least part of the image on screen: never pan it out of reach.
		const keep = 64;
		const w = this.image.width * scale,
			h = this.image.height * scale;
		this.tx = clamp(tx, keep - w, this.view.width - keep);
		this.ty = clamp(ty, keep - h, this.view.height - keep);
		this.version++;
	}
}
