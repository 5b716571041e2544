import {
	boundsOfFlat,
	clamp,
	isFiniteNumber,
	pointInRing,
	segmentDistanceSq,
	signedArea,
	type Point
} from '$lib/geometry';
import { validationError, type Handle, type ShapeKind } from '../kind';

/**
 * A 3D cuboid drawn on a 2D image (as CVAT does): 8 corners as flat image-pixel coordinates, the front
 * face's top-left, top-right, bottom-right, bottom-left, then the back face's in the same order.
 */
export interface CuboidGeometry {
	points: number[];
}

export const CUBOID_COORDINATES = 16;
/** Faces with less area than this are slivers: the cuboid is refused. */
export const MIN_CUBOID_FACE_AREA = 1;

/** Corner index pairs of the 12 edges: front face, back face, then the edges joining them. */
export const CUBOID_EDGES: readonly [number, number][] = [
	[0, 1],
	[1, 2],
	[2, 3],
	[3, 0],
	[4, 5],
	[5, 6],
	[6, 7],
	[7, 4],
	[0, 4],
	[1, 5],
	[2, 6],
	[3, 7]
];

export const frontFace = (g: CuboidGeometry): number[] => g.points.slice(0, 8);
export const backFace = (g: CuboidGeometry): number[] => g.points.slice(8, 16);

/** A cuboid whose front face is the rectangle spanned by two corners and whose back face is it moved by `offset`. */
export function cuboidFromFront(a: Point, b: Point, offset: Point): CuboidGeometry {
	const x0 = Math.min(a.x, b.x),
		x1 = Math.max(a.x, b.x),
		y0 = Math.min(a.y, b.y),
		y1 = Math.max(a.y, b.y);
	const front = [x0, y0, x1, y0, x1, y1, x0, y1];
	return { points: [...front, ...front.map((v, i) => v + (i % 2 === 0 ? offset.x : offset.y))] };
}

/** Area of the convex hull of flat points (monotone chain): the cuboid's silhouette. */
function hullArea(flat: readonly number[]): number {
	const pts: [number, number][] = [];
	for (let i = 0; i < flat.length; i += 2) pts.push([flat[i], flat[i + 1]]);
	pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	const cross = (o: number[], a: number[], b: number[]) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
	const half = (list: [number, number][]) => {
		const out: [number, number][] = [];
		for (const p of list) {
			while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
			out.push(p);
		}
		out.pop();
		return out;
	};
	const hull = [...half(pts), ...half(pts.slice().reverse())];
	return Math.abs(signedArea(hull.flat()));
}

export const cuboidKind: ShapeKind<CuboidGeometry> = {
	type: 'cuboid',
	label: 'Cuboid',

	validate(raw, image) {
		const g = raw as Partial<CuboidGeometry> | null;
		if (!g || typeof g !== 'object' || !Array.isArray(g.points)) return validationError('Cuboid corners are missing');
		if (g.points.length !== CUBOID_COORDINATES || !g.points.every(isFiniteNumber))
			return validationError('A cuboid needs 8 corners of numbers');
		const points = g.points.map((v, i) => clamp(v, 0, i % 2 === 0 ? image.width : image.height));
		const geometry = { points };
		if (Math.abs(signedArea(frontFace(geometry))) < MIN_CUBOID_FACE_AREA)
			return validationError('The front face of this cuboid would have no area');
		if (Math.abs(signedArea(backFace(geometry))) < MIN_CUBOID_FACE_AREA)
			return validationError('The back face of this cuboid would have no area');
		return { ok: true, geometry };
	},

	bounds(g) {
		return boundsOfFlat(g.points);
	},

	hitTest(g, p, tolerance) {
		if (pointInRing(frontFace(g), p) || pointInRing(backFace(g), p)) return true;
		const pts = g.points;
		return CUBOID_EDGES.some(
			([a, b]) => segmentDistanceSq(p, pts[a * 2], pts[a * 2 + 1], pts[b * 2], pts[b * 2 + 1]) <= tolerance * tolerance
		);
	},

	translate(g, dx, dy) {
		return { points: g.points.map((v, i) => v + (i % 2 === 0 ? dx : dy)) };
	},

	handles(g) {
		// Grips rather than vertices: a cuboid always keeps its 8 corners, so none can be deleted.
		return Array.from({ length: 8 }, (_, i): Handle => ({
			id: `v:${i}`,
			x: g.points[i * 2],
			y: g.points[i * 2 + 1],
			role: 'corner',
			cursor: 'move'
		}));
	},

	dragHandle(g, handleId, p) {
		const i = Number(handleId.slice(2));
		if (!handleId.startsWith('v:') || !(i >= 0 && i < 8)) return g;
		const points = g.points.slice();
		points[i * 2] = p.x;
		points[i * 2 + 1] = p.y;
		return { points };
	},

	removeVertex() {
		return null;
	},

	area(g) {
		return hullArea(g.points);
	},

	describe(g) {
		const f = boundsOfFlat(frontFace(g));
		return `front ${Math.round(f.maxX - f.minX)}×${Math.round(f.maxY - f.minY)}`;
	}
};
