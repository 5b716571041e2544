import {
	boundsOfFlat,
	clampedPath,
	clamp,
	isFiniteNumber,
	nearestRingEdge,
	pointInRing,
	rectContainsPoint,
	signedArea,
	type Size
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

/** Its rings: the outer one first, then its holes. */
export function polygonRings(g: PolygonGeometry): number[][] {
	return g.holes?.length ? [g.points, ...g.holes] : [g.points];
}

export const MIN_POLYGON_POINTS = 3;
/** Polygons with less area than this are slivers: refused rather than stored. */
export const MIN_POLYGON_AREA = 1;

/**
 * Handle ids: the outer ring's are 'v:i' (vertex) and 'm:i' (midpoint of edge i → i+1); hole k's are
 * 'hk:v:i' and 'hk:m:i'.
 */
export function parseRingHandle(handleId: string): { hole: number; role: 'v' | 'm'; index: number } {
	const parts = handleId.split(':');
	const hole = parts.length === 3 ? Number(parts[0].slice(1)) : -1;
	return { hole, role: parts[parts.length - 2] as 'v' | 'm', index: Number(parts[parts.length - 1]) };
}

function vertexIndex(handleId: string): number {
	return parseRingHandle(handleId).index;
}

/** Clamps a ring into the image and drops repeated vertices; a string says why it is degenerate. */
export function cleanRing(src: unknown, image: Size, what: string): number[] | string {
	const path = clampedPath(src, image);
	if (!path) return `${what[0].toUpperCase()}${what.slice(1)} points must be pairs of numbers`;
	// A ring closed by repeating its first point is the same ring.
	let n = path.length;
	while (n >= 4 && path[0] === path[n - 2] && path[1] === path[n - 1]) n -= 2;
	const points = (n === path.length ? path : path.slice(0, n)) as number[];
	if (points.length / 2 < MIN_POLYGON_POINTS) return `A ${what} needs at least ${MIN_POLYGON_POINTS} distinct points`;
	if (Math.abs(signedArea(points)) < MIN_POLYGON_AREA) return `This ${what} would have no area`;
	return points;
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

/** The geometry with its outer ring or hole `hole` (-1: outer) replaced; an empty hole list is dropped. */
function withRing(g: PolygonGeometry, hole: number, ring: number[] | null): PolygonGeometry {
	if (hole < 0) return g.holes ? { points: ring ?? g.points, holes: g.holes } : { points: ring ?? g.points };
	const holes = (g.holes ?? []).flatMap((h, k) => (k !== hole ? [h] : ring ? [ring] : []));
	return holes.length ? { points: g.points, holes } : { points: g.points };
}

export const polygonKind: ShapeKind<PolygonGeometry> = {
	type: 'polygon',
	label: 'Polygon',

	validate(raw, image) {
		const g = raw as Partial<PolygonGeometry> | null;
		if (!g || typeof g !== 'object' || !Array.isArray(g.points)) return validationError('Polygon points are missing');
		if (g.holes !== undefined && !Array.isArray(g.holes)) return validationError('Polygon holes must be a list of rings');
		// Counted before anything is cleaned: the hole check below is quadratic in the points.
		let numbers = g.points.length;
		for (const hole of g.holes ?? []) numbers += Array.isArray(hole) ? hole.length : 0;
		const tooMany = tooManyVertices(numbers);
		if (tooMany) return validationError(tooMany);
		const points = cleanRing(g.points, image, 'polygon');
		if (typeof points === 'string') return validationError(points);
		if (g.holes === undefined) return { ok: true, geometry: { points } };
		const holes: number[][] = [];
		for (const src of g.holes) {
			const hole = cleanRing(src, image, 'hole');
			if (typeof hole === 'string') return validationError(hole);
			for (let i = 0; i < hole.length; i += 2)
				if (!pointInRing(points, { x: hole[i], y: hole[i + 1] })) return validationError('A hole must lie inside its polygon');
			holes.push(hole);
		}
		return { ok: true, geometry: holes.length ? { points, holes } : { points } };
	},

	bounds(g) {
		return boundsOfFlat(g.points);
	},

	hitTest(g, p, tolerance) {
		if (!rectContainsPoint(boundsOfFlat(g.points), p, tolerance)) return false;
		const rings = [g.points, ...(g.holes ?? [])];
		if (rings.some((r) => nearestRingEdge(r, p, tolerance) >= 0)) return true;
		return pointInRing(g.points, p) && !(g.holes ?? []).some((h) => pointInRing(h, p));
	},

	translate(g, dx, dy) {
		const move = (ring: number[]) => ring.map((v, i) => v + (i % 2 === 0 ? dx : dy));
		return g.holes ? { points: move(g.points), holes: g.holes.map(move) } : { points: move(g.points) };
	},

	handles(g) {
		return [...ringHandles(g.points, ''), ...(g.holes ?? []).flatMap((h, k) => ringHandles(h, `h${k}:`))];
	},

	dragHandle(g, handleId, p) {
		const { hole, role, index } = parseRingHandle(handleId);
		const ring = hole < 0 ? g.points : g.holes?.[hole];
		if (!ring) return g;
		const points = ring.slice();
		if (role === 'v') {
			points[index * 2] = p.x;
			points[index * 2 + 1] = p.y;
		} else if (role === 'm') {
			points.splice((index + 1) * 2, 0, p.x, p.y); // a new vertex on edge i → i+1
		}
		return withRing(g, hole, points);
	},

	/** A hole left with fewer than 3 vertices is removed; the outer ring's last vertices are refused by validation. */
	removeVertex(g, handleId) {
		const { hole, role, index } = parseRingHandle(handleId);
		if (role !== 'v') return null;
		const ring = hole < 0 ? g.points : g.holes?.[hole];
		if (!ring) return null;
		const points = ring.slice();
		points.splice(index * 2, 2);
		return withRing(g, hole, hole >= 0 && points.length / 2 < MIN_POLYGON_POINTS ? null : points);
	},

	area(g) {
		return Math.abs(signedArea(g.points)) - (g.holes ?? []).reduce((sum, h) => sum + Math.abs(signedArea(h)), 0);
	},

	describe(g) {
		const holes = g.holes?.length ?? 0;
		return `${g.points.length / 2} points` + (holes ? `, ${holes} hole${holes > 1 ? 's' : ''}` : '');
	}
};

/** The handle id of the vertex that dragging midpoint `m:i` (or `hk:m:i`) creates. */
export function insertedVertexHandle(midpointHandleId: string): string {
	const { hole } = parseRingHandle(midpointHandleId);
	return `${hole >= 0 ? `h${hole}:` : ''}v:${vertexIndex(midpointHandleId) + 1}`;
}
