import { boundsOfFlat, clampedPath, rectContainsPoint, segmentDistanceSq } from '$lib/geometry';
import { validationError, type Handle, type ShapeKind } from '../kind';
import { tooManyVertices } from '../limits';

/** An open path (a lane line, a crack, a wire) as flat image-pixel coordinates [x0, y0, x1, y1, …]. */
export interface PolylineGeometry {
	points: number[];
}

export const MIN_POLYLINE_POINTS = 2;
/** Paths shorter than this are a dot, not a line: refused. */
export const MIN_POLYLINE_LENGTH = 1;

function pathLength(pts: readonly number[]): number {
	let sum = 0;
	for (let i = 2; i < pts.length; i += 2) sum += Math.hypot(pts[i] - pts[i - 2], pts[i + 1] - pts[i - 1]);
	return sum;
}

function index(handleId: string): number {
	return Number(handleId.slice(2));
}

export const polylineKind: ShapeKind<PolylineGeometry> = {
	type: 'polyline',
	label: 'Polyline',

	validate(raw, image) {
		const g = raw as Partial<PolylineGeometry> | null;
		if (!g || typeof g !== 'object' || !Array.isArray(g.points)) return validationError('Polyline points are missing');
		const tooMany = tooManyVertices(g.points.length);
		if (tooMany) return validationError(tooMany);
		const points = clampedPath(g.points, image);
		if (!points) return validationError('Polyline points must be pairs of numbers');
		if (points.length / 2 < MIN_POLYLINE_POINTS)
			return validationError(`A polyline needs at least ${MIN_POLYLINE_POINTS} distinct points`);
		if (pathLength(points) < MIN_POLYLINE_LENGTH) return validationError('This polyline would have no length');
		return { ok: true, geometry: { points: points as number[] } };
	},

	bounds(g) {
		return boundsOfFlat(g.points);
	},

	hitTest(g, p, tolerance) {
		if (!rectContainsPoint(boundsOfFlat(g.points), p, tolerance)) return false;
		const pts = g.points;
		for (let i = 2; i < pts.length; i += 2)
			if (segmentDistanceSq(p, pts[i - 2], pts[i - 1], pts[i], pts[i + 1]) <= tolerance * tolerance) return true;
		return false;
	},

	translate(g, dx, dy) {
		return { points: g.points.map((v, i) => v + (i % 2 === 0 ? dx : dy)) };
	},

	/** Vertices 'v:i' and the midpoints 'm:i' of segments i → i+1 (no closing segment). */
	handles(g) {
		const pts = g.points;
		const n = pts.length / 2;
		const handles: Handle[] = [];
		for (let i = 0; i < n; i++) handles.push({ id: `v:${i}`, x: pts[i * 2], y: pts[i * 2 + 1], role: 'vertex', cursor: 'move' });
		for (let i = 0; i + 1 < n; i++)
			handles.push({
				id: `m:${i}`,
				x: (pts[i * 2] + pts[i * 2 + 2]) / 2,
				y: (pts[i * 2 + 1] + pts[i * 2 + 3]) / 2,
				role: 'midpoint',
				cursor: 'copy'
			});
		return handles;
	},

	dragHandle(g, handleId, p) {
		const points = g.points.slice();
		const i = index(handleId);
		if (handleId.startsWith('v:')) {
			points[i * 2] = p.x;
			points[i * 2 + 1] = p.y;
		} else if (handleId.startsWith('m:')) {
			points.splice((i + 1) * 2, 0, p.x, p.y);
		}
		return { points };
	},

	removeVertex(g, handleId) {
		if (!handleId.startsWith('v:')) return null;
		const points = g.points.slice();
		points.splice(index(handleId) * 2, 2);
		return { points };
	},

	area() {
		return 0;
	},

	describe(g) {
		return `${g.points.length / 2} points`;
	}
};
