import { boundsOfFlat, clamp, isFiniteNumber, rectContainsPoint, type Rect } from '$lib/geometry';
import { validationError, type Handle, type ShapeKind } from '../kind';
import { tooManyVertices } from '../limits';

/**
 * A skeleton class's template (the same shape as ClassRecord.skeleton): named points in a unit box
 * (0…1) and the edges joining them, as pairs of point indices.
 */
export interface SkeletonTemplate {
	/** `sigma`: the point's OKS constant, when the class sets one (schema v9). */
	points: { name: string; x: number; y: number; sigma?: number }[];
	edges: [number, number][];
}

/** COCO's keypoint visibility flags. */
export const NOT_LABELED = 0;
/** Labeled where it would be, but hidden behind something. */
export const OCCLUDED = 1;
export const VISIBLE = 2;

/**
 * One instance of its class's template: x, y per template point (flat, in template order) and a COCO
 * visibility flag per point. Not-labeled points keep a position so that labelling them again is a drag.
 */
export interface SkeletonGeometry {
	points: number[];
	visibility: number[];
	/**
	 * The object's box, where the source carries one (a person's box in LabelMe/X-AnyLabeling groups,
	 * YOLO pose lines, COCO keypoints' bbox); absent when none (schema v6). It may reach past the points.
	 */
	box?: SkeletonBox;
}

export interface SkeletonBox {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** The flat coordinates of its labeled points (the unlabeled ones have no place). */
export function labeledPoints(g: SkeletonGeometry): number[] {
	const out: number[] = [];
	for (let i = 0; i < g.visibility.length; i++) if (g.visibility[i] !== NOT_LABELED) out.push(g.points[i * 2], g.points[i * 2 + 1]);
	return out;
}

function index(handleId: string): number {
	return Number(handleId.slice(2));
}

/** The class's template scaled into a box; every point visible. */
export function placeTemplate(template: SkeletonTemplate, box: { x: number; y: number; width: number; height: number }): SkeletonGeometry {
	return {
		points: template.points.flatMap((p) => [box.x + p.x * box.width, box.y + p.y * box.height]),
		visibility: template.points.map(() => VISIBLE)
	};
}

/** visible → occluded → not labeled → visible, for point i. */
export function cycleVisibility(g: SkeletonGeometry, i: number): SkeletonGeometry {
	const v = g.visibility[i];
	const next = v === VISIBLE ? OCCLUDED : v === OCCLUDED ? NOT_LABELED : VISIBLE;
	return { ...g, visibility: g.visibility.map((x, k) => (k === i ? next : x)) };
}

/** The object's box where it has one (a person's, reaching past their visible points), else its labeled points' box. */
export function objectBox(g: SkeletonGeometry): Rect {
	const b = g.box;
	return b ? { minX: b.x, minY: b.y, maxX: b.x + b.width, maxY: b.y + b.height } : boundsOfFlat(labeledPoints(g));
}

/** The object's extent: its labeled points and its box, when it has one. */
export function skeletonExtent(g: SkeletonGeometry): Rect {
	const r = boundsOfFlat(labeledPoints(g));
	const b = g.box;
	if (!b) return r;
	return { minX: Math.min(r.minX, b.x), minY: Math.min(r.minY, b.y), maxX: Math.max(r.maxX, b.x + b.width), maxY: Math.max(r.maxY, b.y + b.height) };
}

/**
 * A raw box clamped to the image: undefined when absent or when nothing of it is left inside the image
 * (no width or no height), a string when it is not four finite numbers.
 */
function checkedBox(raw: unknown, image: { width: number; height: number }): SkeletonBox | undefined | string {
	if (raw === undefined) return undefined;
	const b = raw as Partial<SkeletonBox> | null;
	if (!b || typeof b !== 'object' || ![b.x, b.y, b.width, b.height].every(isFiniteNumber))
		return "A skeleton's box needs finite numbers x, y, width and height";
	const x0 = clamp(b.x!, 0, image.width),
		y0 = clamp(b.y!, 0, image.height);
	const x1 = clamp(b.x! + b.width!, 0, image.width),
		y1 = clamp(b.y! + b.height!, 0, image.height);
	return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}

/** Why this skeleton does not fit its class's template, or null when it does. */
export function skeletonMismatch(g: SkeletonGeometry, template: SkeletonTemplate | null | undefined): string | null {
	if (!template) return 'This class has no skeleton template: add one in the class editor';
	const n = g.visibility.length;
	if (n !== template.points.length)
		return `This skeleton has ${n} points but its class’s template has ${template.points.length}`;
	return null;
}

export const skeletonKind: ShapeKind<SkeletonGeometry> = {
	type: 'skeleton',
	label: 'Skeleton',

	validate(raw, image) {
		const g = raw as Partial<SkeletonGeometry> | null;
		if (!g || typeof g !== 'object' || !Array.isArray(g.points) || !Array.isArray(g.visibility))
			return validationError('Skeleton points are missing');
		const tooMany = tooManyVertices(g.points.length);
		if (tooMany) return validationError(tooMany);
		const n = g.visibility.length;
		if (g.points.length !== n * 2 || !g.points.every(isFiniteNumber))
			return validationError('A skeleton needs one x, y pair of numbers per point');
		if (!g.visibility.every((v) => v === NOT_LABELED || v === OCCLUDED || v === VISIBLE))
			return validationError('Skeleton point visibility must be 0 (not labeled), 1 (occluded) or 2 (visible)');
		if (!g.visibility.some((v) => v !== NOT_LABELED)) return validationError('A skeleton needs at least one labeled point');
		const box = checkedBox(g.box, image);
		if (typeof box === 'string') return validationError(box);
		const points = g.points.map((v, i) => clamp(v, 0, i % 2 === 0 ? image.width : image.height));
		return { ok: true, geometry: { points, visibility: g.visibility.slice(), ...(box ? { box } : {}) } };
	},

	/** The object's extent: its labeled points and its box (what is drawn). */
	bounds(g): Rect {
		return skeletonExtent(g);
	},

	/** Anywhere in its extent, as a person's skeleton is picked in other tools. */
	hitTest(g, p, tolerance) {
		return rectContainsPoint(skeletonExtent(g), p, tolerance);
	},

	translate(g, dx, dy) {
		const moved: SkeletonGeometry = { points: g.points.map((v, i) => v + (i % 2 === 0 ? dx : dy)), visibility: g.visibility };
		if (g.box) moved.box = { ...g.box, x: g.box.x + dx, y: g.box.y + dy };
		return moved;
	},

	/** Every point, labeled or not, is a handle 'v:i': a not-labeled one can be dragged and labeled again. */
	handles(g) {
		return g.visibility.map((_, i): Handle => ({ id: `v:${i}`, x: g.points[i * 2], y: g.points[i * 2 + 1], role: 'vertex', cursor: 'move' }));
	},

	dragHandle(g, handleId, p) {
		const i = index(handleId);
		const points = g.points.slice();
		points[i * 2] = p.x;
		points[i * 2 + 1] = p.y;
		return { ...g, points };
	},

	/** The point count is the template's: removing a point marks it not labeled. */
	removeVertex(g, handleId) {
		const i = index(handleId);
		if (!handleId.startsWith('v:') || !(i < g.visibility.length)) return null;
		return { ...g, visibility: g.visibility.map((v, k) => (k === i ? NOT_LABELED : v)) };
	},

	area(g) {
		const b = skeletonExtent(g);
		return (b.maxX - b.minX) * (b.maxY - b.minY);
	},

	describe(g) {
		const labeled = g.visibility.filter((v) => v !== NOT_LABELED).length;
		const box = g.box ? `, box ${Math.round(g.box.width)} × ${Math.round(g.box.height)}` : '';
		return `${labeled}/${g.visibility.length} points${box}`;
	}
};
