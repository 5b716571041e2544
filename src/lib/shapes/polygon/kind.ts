import {
	boundsOfFlat,
	clamp,
	isFiniteNumber,
	nearestRingEdge,
	pointInRing,
	rectContainsPoint,
	signedArea
} from '$lib/geometry';
import { validationError, type Handle, type ShapeKind } from '../kind';

/** A closed polygon as flat image-pixel coordinates [x0, y0, x1, y1, …] (compact in the document). */
export interface PolygonGeometry {
	points: number[];
}

export const MIN_POLYGON_POINTS = 3;
/** Polygons with less area than this are slivers: refused rather than stored. */
export const MIN_POLYGON_AREA = 1;

function vertexIndex(handleId: string): number {
	return Number(handleId.slice(2));
}

export const polygonKind: ShapeKind<PolygonGeometry> = {
	type: 'polygon',
	label: 'Polygon',

	validate(raw, image) {
		const g = raw as Partial<PolygonGeometry> | null;
		if (!g || typeof g !== 'object' || !Array.isArray(g.points)) return validationError('Polygon points are missing');
		const src = g.points;
		if (src.length % 2 !== 0 || !src.every(isFiniteNumber)) return validationError('Polygon points must be pairs of numbers');
		const points: number[] = [];
		for (let i = 0; i < src.length; i += 2) {
			const x = clamp(src[i], 0, image.width),
				y = clamp(src[i + 1], 0, image.height);
			const n = points.length;
			if (n >= 2 && points[n - 2] === x && points[n - 1] === y) continue; // repeated vertex
			points.push(x, y);
		}
		// A ring closed by repeating its first point is the same ring.
		while (points.length >= 4 && points[0] === points[points.length - 2] && points[1] === points[points.length - 1])
			points.length -= 2;
		if (points.length / 2 < MIN_POLYGON_POINTS)
			return validationError(`A polygon needs at least ${MIN_POLYGON_POINTS} distinct points`);
		if (Math.abs(signedArea(points)) < MIN_POLYGON_AREA) return validationError('This polygon would have no area');
		return { ok: true, geometry: { points } };
	},

	bounds(g) {
		return boundsOfFlat(g.points);
	},

	hitTest(g, p, tolerance) {
		if (!rectContainsPoint(boundsOfFlat(g.points), p, tolerance)) return false;
		return pointInRing(g.points, p) || nearestRingEdge(g.points, p, tolerance) >= 0;
	},

	translate(g, dx, dy) {
		return { points: g.points.map((v, i) => v + (i % 2 === 0 ? dx : dy)) };
	},

	handles(g) {
		const pts = g.points;
		const n = pts.length / 2;
		const handles: Handle[] = [];
		for (let i = 0; i < n; i++) handles.push({ id: `v:${i}`, x: pts[i * 2], y: pts[i * 2 + 1], role: 'vertex', cursor: 'move' });
		for (let i = 0; i < n; i++) {
			const j = (i + 1) % n;
			handles.push({
				id: `m:${i}`,
				x: (pts[i * 2] + pts[j * 2]) / 2,
				y: (pts[i * 2 + 1] + pts[j * 2 + 1]) / 2,
				role: 'midpoint',
				cursor: 'copy'
			});
		}
		return handles;
	},

	dragHandle(g, handleId, p) {
		const points = g.points.slice();
		const i = vertexIndex(handleId);
		if (handleId.startsWith('v:')) {
			points[i * 2] = p.x;
			points[i * 2 + 1] = p.y;
		} else if (handleId.startsWith('m:')) {
			points.splice((i + 1) * 2, 0, p.x, p.y); // a new vertex on edge i → i+1
		}
		return { points };
	},

	removeVertex(g, handleId) {
		if (!handleId.startsWith('v:')) return null;
		const i = vertexIndex(handleId);
		const points = g.points.slice();
		points.splice(i * 2, 2);
		return { points };
	},

	area(g) {
		return Math.abs(signedArea(g.points));
	},

	describe(g) {
		return `${g.points.length / 2} points`;
	}
};

/** The handle id of the vertex that dragging midpoint `m:i` creates. */
export function insertedVertexHandle(midpointHandleId: string): string {
	return `v:${vertexIndex(midpointHandleId) + 1}`;
}
