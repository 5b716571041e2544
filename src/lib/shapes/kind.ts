import type { Point, Rect, Size } from '$lib/geometry';

/** The outcome of checking a geometry: a clean, clamped copy, or why it was refused (shown to the user). */
export type Validation<G> = { ok: true; geometry: G } | { ok: false; reason: string };

/** A draggable control point of a shape being edited. */
export interface Handle {
	id: string;
	x: number;
	y: number;
	/**
	 * vertex: an existing point; corner/side: box grips; midpoint: drag to insert a vertex;
	 * rotate: turns the shape about its centre (the select tool shows the angle while dragging).
	 */
	role: 'vertex' | 'corner' | 'side' | 'midpoint' | 'rotate';
	cursor: string;
}

/**
 * Everything pure about one annotation type: validation, bounds, hit-testing and edits.
 * No DOM, no Paper.js: it runs in Node tests, in workers, and under the document model.
 * The matching drawing tool and renderer live beside it in `view.ts`.
 */
export interface ShapeKind<G> {
	readonly type: string;
	readonly label: string;
	/**
	 * Image-level kinds (tags) have no place on the image: no tool, no outline, no handles; the editor
	 * lists them in their own panel.
	 */
	readonly imageLevel?: boolean;
	/** Checks untrusted geometry and returns it clamped to the image, or the reason it is degenerate. */
	validate(raw: unknown, image: Size): Validation<G>;
	bounds(g: G): Rect;
	/** True when p lies on the shape: inside its area or within `tolerance` of its outline. */
	hitTest(g: G, p: Point, tolerance: number): boolean;
	translate(g: G, dx: number, dy: number): G;
	handles(g: G): Handle[];
	/** The geometry after dragging `handleId` to p (not yet validated). */
	dragHandle(g: G, handleId: string, p: Point): G;
	/** Removes the vertex behind a handle, or returns null when the type has no removable vertices. */
	removeVertex(g: G, handleId: string): G | null;
	/** Pixel area, for statistics and sanity checks. */
	area(g: G): number;
	/** A few words on the geometry for the shape list, e.g. '12 points' or '40×30'. */
	describe(g: G): string;
}

export function validationError<G>(reason: string): Validation<G> {
	return { ok: false, reason };
}
