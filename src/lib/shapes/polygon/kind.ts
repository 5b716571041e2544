import {
	boundsOfFlat,
	clampedPath,
	nearestRingEdge,
	pointInRing,
	rectContainsPoint,
	signedArea,
	type Point,
	type Size,
	unionRect
} from '$lib/geometry';
import { validationError, type Handle, type ShapeKind } from '../kind';
import { tooManyVertices } from '../limits';

/** One piece of a polygon: an outer ring as flat [x0, y0, x1, y1, …] and the holes cut out of it. */
export interface PolygonPart {
	points: number[];
	/** Rings cut out of this part, each inside its outer ring; absent when there are none. */
	holes?: number[][];
}

/**
 * A closed polygon as flat image-pixel coordinates (compact in the document): its first part's ring and
 * holes, and `parts`, further pieces of the same object (one cut in two by an occluder: COCO's several
 * polygons in one annotation), each with its own holes; absent when the object is one piece (schema v6).
 */
export interface PolygonGeometry extends PolygonPart {
	parts?: PolygonPart[];
}

/** Every piece of the object, the first one (`points`, `holes`) first. */
export function polygonParts(g: PolygonGeometry): PolygonPart[] {
	const first: PolygonPart = g.holes?.length ? { points: g.points, holes: g.holes } : { points: g.points };
	return g.parts?.length ? [first, ...g.parts] : [first];
}

/** The geometry of these parts: the first becomes `points`/`holes`, `parts` only when there are more. */
export function polygonFromParts(parts: readonly PolygonPart[]): PolygonGeometry {
	const [first, ...rest] = parts;
	const g: PolygonGeometry = first.holes?.length ? { points: first.points, holes: first.holes } : { points: first.points };
	if (rest.length) g.parts = rest.map((p) => (p.holes?.length ? { points: p.points, holes: p.holes } : { points: p.points }));
	return g;
}

export const MIN_POLYGON_POINTS = 3;
/** Polygons with less area than this are slivers: refused rather than stored. */
export const MIN_POLYGON_AREA = 1;

/**
 * Handle ids: the first part's outer ring has 'v:i' (vertex) and 'm:i' (midpoint of edge i → i+1), its
 * hole k 'hk:v:i' and 'hk:m:i'; part n ≥ 1 (in `parts`, n - 1) has the same behind 'pn:' ('p1:v:0',
 * 'p1:h0:m:2'), so the ids of a one-part polygon are what they were before parts.
 */
export interface RingHandle {
	/** 0: the first part (`points`), n: `parts[n - 1]`. */
	part: number;
	/** -1: the part's outer ring, k: its hole k. */
	hole: number;
	role: 'v' | 'm';
	index: number;
}

export function parseRingHandle(handleId: string): RingHandle {
	const fields = handleId.split(':');
	const part = fields[0][0] === 'p' ? Number(fields.shift()!.slice(1)) : 0;
	const hole = fields.length === 3 ? Number(fields.shift()!.slice(1)) : -1;
	return { part, hole, role: fields[0] as 'v' | 'm', index: Number(fields[1]) };
}

/** What comes before 'v:i' / 'm:i' in the ids of a ring. */
function ringPrefix(part: number, hole: number): string {
	return (part ? `p${part}:` : '') + (hole >= 0 ? `h${hole}:` : '');
}

/** A ring's refusal: `malformed` when it is not pairs of numbers, else degenerate (too few points, no area). */
interface RingRefusal {
	why: string;
	malformed: boolean;
}

function checkRing(src: unknown, image: Size, what: string): number[] | RingRefusal {
	const path = clampedPath(src, image);
	if (!path) return { why: `${what[0].toUpperCase()}${what.slice(1)} points must be pairs of numbers`, malformed: true };
	// A ring closed by repeating its first point is the same ring.
	let n = path.length;
	while (n >= 4 && path[0] === path[n - 2] && path[1] === path[n - 1]) n -= 2;
	const points = (n === path.length ? path : path.slice(0, n)) as number[];
	if (points.length / 2 < MIN_POLYGON_POINTS) return { why: `A ${what} needs at least ${MIN_POLYGON_POINTS} distinct points`, malformed: false };
	if (Math.abs(signedArea(points)) < MIN_POLYGON_AREA) return { why: `This ${what} would have no area`, malformed: false };
	return points;
}

/** Clamps a ring into the image and drops repeated vertices; a string says why it is degenerate. */
export function cleanRing(src: unknown, image: Size, what: string): number[] | string {
	const ring = checkRing(src, image, what);
	return Array.isArray(ring) ? ring : ring.why;
}

/**
 * One part cleaned: its outer ring and holes (each hole inside this part's ring). A part whose outer
 * ring is degenerate is `dropped` (real files carry 2-point slivers beside the object); a malformed part
 * or a bad hole is an `error`.
 */
function cleanPart(src: Partial<PolygonPart>, image: Size): { part: PolygonPart } | { dropped: string } | { error: string } {
	const points = checkRing(src.points, image, 'polygon');
	if (!Array.isArray(points)) return points.malformed ? { error: points.why } : { dropped: points.why };
	const holes: number[][] = [];
	for (const raw of src.holes ?? []) {
		const hole = cleanRing(raw, image, 'hole');
		if (typeof hole === 'string') return { error: hole };
		for (let i = 0; i < hole.length; i += 2)
			if (!pointInRing(points, { x: hole[i], y: hole[i + 1] })) return { error: 'A hole must lie inside its polygon' };
		holes.push(hole);
	}
	return { part: holes.length ? { points, holes } : { points } };
}

/** Numbers in every ring of raw parts, or why the parts are not shaped as parts. */
function countNumbers(parts: readonly unknown[]): number | string {
	let numbers = 0;
	for (const p of parts) {
		const part = p as Partial<PolygonPart> | null;
		if (!part || typeof part !== 'object' || !Array.isArray(part.points)) return 'Each polygon part needs its points';
		if (part.holes !== undefined && !Array.isArray(part.holes)) return 'Polygon holes must be a list of rings';
		numbers += part.points.length;
		for (const hole of part.holes ?? []) numbers += Array.isArray(hole) ? hole.length : 0;
	}
	return numbers;
}

function ringHandles(pts: readonly number[], prefix: string): Handle[] {
	const n = pts.length / 2;
	const handles: Handle[] = [];
	for (let i = 0; i < n; i++) handles.push({ id: `${prefix}v:${i}`, x: pts[i * 2], y: pts[i * 2 + 1], role: 'vertex', cursor: 'move' });
	for (let i = 0; i < n; i++) {
		const j = (i + 1) % n;
		handles.push({
			id: `${prefix}m:${i}`,
			x: (pts[i * 2] + pts[j * 2]) / 2,
			y: (pts[i * 2 + 1] + pts[j * 2 + 1]) / 2,
			role: 'midpoint',
			cursor: 'copy'
		});
	}
	return handles;
}

/**
 * The geometry with one ring replaced (null: removed). A hole removed goes; an outer ring removed takes
 * its part with it, unless it is the last part (then the polygon is left as it is).
 */
function withRing(g: PolygonGeometry, part: number, hole: number, ring: number[] | null): PolygonGeometry {
	const parts = polygonParts(g).flatMap((p, n): PolygonPart[] => {
		if (n !== part) return [p];
		if (hole < 0) return ring ? [{ ...p, points: ring }] : [];
		const holes = (p.holes ?? []).flatMap((h, k) => (k !== hole ? [h] : ring ? [ring] : []));
		return [holes.length ? { points: p.points, holes } : { points: p.points }];
	});
	return parts.length ? polygonFromParts(parts) : g;
}

/** The ring a handle belongs to, or undefined when the handle names none. */
function ringOf(g: PolygonGeometry, h: RingHandle): number[] | undefined {
	const part = polygonParts(g)[h.part];
	return h.hole < 0 ? part?.points : part?.holes?.[h.hole];
}

/**
 * The part at p (0: the first): the first whose area (less its holes) holds p or whose rings pass within
 * `tolerance` of it; -1 when none does.
 */
export function partAt(g: PolygonGeometry, p: Point, tolerance: number): number {
	return polygonParts(g).findIndex((part) => {
		if (!rectContainsPoint(boundsOfFlat(part.points), p, tolerance)) return false;
		const holes = part.holes ?? [];
		if ([part.points, ...holes].some((r) => nearestRingEdge(r, p, tolerance) >= 0)) return true;
		return pointInRing(part.points, p) && !holes.some((h) => pointInRing(h, p));
	});
}

/**
 * The polygon with `ring` cut as a hole of the part it lies in (judged by its first vertex; the first
 * part when none holds it, which validation then refuses).
 */
export function withHole(g: PolygonGeometry, ring: number[]): PolygonGeometry {
	const parts = polygonParts(g);
	const n = Math.max(0, parts.findIndex((p) => pointInRing(p.points, { x: ring[0], y: ring[1] })));
	return polygonFromParts(parts.map((p, i) => (i === n ? { points: p.points, holes: [...(p.holes ?? []), ring] } : p)));
}

/** The polygon without part n, or null when that would leave none (or there is no part n). */
export function withoutPart(g: PolygonGeometry, n: number): PolygonGeometry | null {
	const parts = polygonParts(g);
	if (parts.length < 2 || !(n >= 0 && n < parts.length)) return null;
	return polygonFromParts(parts.filter((_, i) => i !== n));
}

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export const polygonKind: ShapeKind<PolygonGeometry> = {
	type: 'polygon',
	label: 'Polygon',

	validate(raw, image) {
		const g = raw as Partial<PolygonGeometry> | null;
		if (!g || typeof g !== 'object' || !Array.isArray(g.points)) return validationError('Polygon points are missing');
		if (g.parts !== undefined && !Array.isArray(g.parts)) return validationError('Polygon parts must be a list of parts');
		const raws: Partial<PolygonPart>[] = [g, ...(g.parts ?? [])];
		// Counted before anything is cleaned: the hole check below is quadratic in the points.
		const numbers = countNumbers(raws);
		if (typeof numbers === 'string') return validationError(numbers);
		const tooMany = tooManyVertices(numbers);
		if (tooMany) return validationError(tooMany);
		const parts: PolygonPart[] = [];
		let firstDropped: string | null = null;
		for (const src of raws) {
			const cleaned = cleanPart(src, image);
			if ('error' in cleaned) return validationError(cleaned.error);
			if ('dropped' in cleaned) firstDropped ??= cleaned.dropped;
			else parts.push(cleaned.part);
		}
		return parts.length ? { ok: true, geometry: polygonFromParts(parts) } : validationError(firstDropped!);
	},

	bounds(g) {
		return (g.parts ?? []).reduce((b, p) => unionRect(b, boundsOfFlat(p.points)), boundsOfFlat(g.points));
	},

	hitTest(g, p, tolerance) {
		return partAt(g, p, tolerance) >= 0;
	},

	translate(g, dx, dy) {
		const move = (ring: number[]) => ring.map((v, i) => v + (i % 2 === 0 ? dx : dy));
		return polygonFromParts(polygonParts(g).map((p) => (p.holes ? { points: move(p.points), holes: p.holes.map(move) } : { points: move(p.points) })));
	},

	handles(g) {
		return polygonParts(g).flatMap((p, n) => [
			...ringHandles(p.points, ringPrefix(n, -1)),
			...(p.holes ?? []).flatMap((h, k) => ringHandles(h, ringPrefix(n, k)))
		]);
	},

	dragHandle(g, handleId, p) {
		const h = parseRingHandle(handleId);
		const ring = ringOf(g, h);
		if (!ring) return g;
		const points = ring.slice();
		if (h.role === 'v') {
			points[h.index * 2] = p.x;
			points[h.index * 2 + 1] = p.y;
		} else if (h.role === 'm') {
			points.splice((h.index + 1) * 2, 0, p.x, p.y); // a new vertex on edge i → i+1
		}
		return withRing(g, h.part, h.hole, points);
	},

	/**
	 * A hole left with fewer than 3 vertices is removed, and so is a part while another remains; the
	 * last part's last vertices are refused by validation.
	 */
	removeVertex(g, handleId) {
		const h = parseRingHandle(handleId);
		if (h.role !== 'v') return null;
		const ring = ringOf(g, h);
		if (!ring) return null;
		const points = ring.slice();
		points.splice(h.index * 2, 2);
		const gone = points.length / 2 < MIN_POLYGON_POINTS && (h.hole >= 0 || !!g.parts?.length);
		return withRing(g, h.part, h.hole, gone ? null : points);
	},

	area(g) {
		let sum = 0;
		for (const p of polygonParts(g))
			sum += Math.abs(signedArea(p.points)) - (p.holes ?? []).reduce((s, h) => s + Math.abs(signedArea(h)), 0);
		return sum;
	},

	describe(g) {
		const parts = polygonParts(g);
		const points = parts.reduce((n, p) => n + p.points.length / 2, 0);
		const holes = parts.reduce((n, p) => n + (p.holes?.length ?? 0), 0);
		return (parts.length > 1 ? `${parts.length} parts, ` : '') + plural(points, 'point') + (holes ? `, ${plural(holes, 'hole')}` : '');
	}
};

/** The handle id of the vertex that dragging a midpoint ('m:i', 'hk:m:i', 'pn:…m:i') creates. */
export function insertedVertexHandle(midpointHandleId: string): string {
	const h = parseRingHandle(midpointHandleId);
	return `${ringPrefix(h.part, h.hole)}v:${h.index + 1}`;
}
