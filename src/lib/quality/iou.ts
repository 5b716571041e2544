import { Clipper, ClipType, FillRule, type Paths64 } from 'clipper2-ts';
import { signedArea, type Rect } from '$lib/geometry';
import type { BoxGeometry } from '$lib/shapes/box/kind';
import type { PolygonPart } from '$lib/shapes/polygon/kind';
import { convexOverlapArea } from './convex';
import { rasterizeParts, runMaskIou, type RunMask } from './mask-iou';
import { simpleOverlapArea } from './simple-overlap';

/**
 * Intersection over union of the regions shapes cover. Each shape is first made a `Region` (once per
 * comparison run, see similarity.ts) of the cheapest exact form: an upright box, a convex ring, general
 * polygon parts (holes, several parts, self-crossing outlines: Clipper2, exact on integers at 1/1000 px,
 * the document's own precision), or pixels. Two regions compare in the cheapest form both have.
 */

export function boxIou(a: BoxGeometry, b: BoxGeometry): number {
	const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
	const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
	if (w <= 0 || h <= 0) return 0;
	const inter = w * h;
	return inter / (a.width * a.height + b.width * b.height - inter);
}

/** IoU from the two areas and their overlap. */
export function iouOf(areaA: number, areaB: number, overlap: number): number {
	const union = areaA + areaB - overlap;
	return union > 0 && overlap > 0 ? overlap / union : 0;
}

export type Region =
	| { form: 'box'; bounds: Rect; area: number }
	/** A convex ring of positive signed area. */
	| { form: 'convex'; bounds: Rect; area: number; ring: number[] }
	/**
	 * Any outline: parts, each an outer ring with holes; covered where the winding number is not zero.
	 * `ring`: the one outer ring of positive signed area, when the outline is that alone and does not cross itself.
	 */
	| { form: 'polygon'; bounds: Rect; area: number; parts: PolygonPart[]; ring?: number[] }
	| { form: 'pixels'; bounds: Rect; area: number; mask: RunMask };

/** Document coordinates are exact to 1/1000 px: Clipper works on integers at that scale. */
const SCALE = 1000;

function orientedPath(ring: readonly number[], positive: boolean) {
	const path = [];
	for (let i = 0; i < ring.length; i += 2) path.push({ x: Math.round(ring[i] * SCALE), y: Math.round(ring[i + 1] * SCALE) });
	return signedArea(ring) >= 0 === positive ? path : path.reverse();
}

const clipperPaths = new WeakMap<Region, Paths64>();

/** Outer rings one way round, holes the other: the non-zero rule then covers each part less its holes, and parts that overlap once. */
function pathsOf(r: Region): Paths64 {
	let paths = clipperPaths.get(r);
	if (!paths) {
		const parts = r.form === 'polygon' ? r.parts : [{ points: ringOf(r) }];
		paths = parts.flatMap((p) => [orientedPath(p.points, true), ...(p.holes ?? []).map((h) => orientedPath(h, false))]);
		clipperPaths.set(r, paths);
	}
	return paths;
}

function ringOf(r: Region): number[] {
	if (r.form === 'convex') return r.ring;
	const b = r.bounds;
	return [b.minX, b.minY, b.maxX, b.minY, b.maxX, b.maxY, b.minX, b.maxY];
}

/** Area covered by general parts (non-zero rule): a union of the parts with themselves. */
export function partsArea(parts: readonly PolygonPart[]): number {
	const r: Region = { form: 'polygon', bounds: { minX: 0, minY: 0, maxX: 0, maxY: 0 }, area: 0, parts: [...parts] };
	return Math.abs(Clipper.areaPaths(Clipper.booleanOp(ClipType.Union, pathsOf(r), null, FillRule.NonZero))) / (SCALE * SCALE);
}

const rasters = new WeakMap<Region, RunMask>();

function pixelsOf(r: Region): RunMask {
	if (r.form === 'pixels') return r.mask;
	let m = rasters.get(r);
	if (!m) {
		m = rasterizeParts(r.form === 'polygon' ? r.parts : [{ points: ringOf(r) }]);
		rasters.set(r, m);
	}
	return m;
}

/** Area of the overlap of the two regions' boxes. */
function boundsOverlap(a: Rect, b: Rect): number {
	const w = Math.min(a.maxX, b.maxX) - Math.max(a.minX, b.minX);
	const h = Math.min(a.maxY, b.maxY) - Math.max(a.minY, b.minY);
	return w > 0 && h > 0 ? w * h : 0;
}

/**
 * The most the IoU can be, from areas and boxes alone: the overlap is at most the smaller area and the
 * boxes' overlap. Pairs that cannot reach the threshold skip the exact computation.
 */
export function iouUpperBound(a: Region, b: Region): number {
	return iouOf(a.area, b.area, Math.min(a.area, b.area, boundsOverlap(a.bounds, b.bounds)));
}

/** IoU of two regions on one image. A mask compares with a vector shape on pixels (the vector shape rasterised as the brush would). */
export function regionIou(a: Region, b: Region): number {
	if (!boundsOverlap(a.bounds, b.bounds)) return 0;
	if (a.form === 'box' && b.form === 'box') {
		const r = (x: Rect) => ({ x: x.minX, y: x.minY, width: x.maxX - x.minX, height: x.maxY - x.minY });
		return boxIou(r(a.bounds), r(b.bounds));
	}
	if (a.form === 'pixels' || b.form === 'pixels') return runMaskIou(pixelsOf(a), pixelsOf(b));
	if (a.form !== 'polygon' && b.form !== 'polygon') return iouOf(a.area, b.area, convexOverlapArea(ringOf(a), ringOf(b)));
	// Two plain outlines in general position: Green's theorem over their edges; else Clipper.
	const ra = a.form === 'polygon' ? a.ring : ringOf(a),
		rb = b.form === 'polygon' ? b.ring : ringOf(b);
	const simple = ra && rb ? simpleOverlapArea(ra, rb) : null;
	if (simple !== null) return iouOf(a.area, b.area, simple);
	const overlap = Math.abs(Clipper.areaPaths(Clipper.intersect(pathsOf(a), pathsOf(b), FillRule.NonZero))) / (SCALE * SCALE);
	return iouOf(a.area, b.area, overlap);
}
