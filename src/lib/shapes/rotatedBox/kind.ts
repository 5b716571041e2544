import { boundsOfFlat, clamp, isFiniteNumber, type Point } from '$lib/geometry';
import {
	angleTowards,
	fitScale,
	fromLocal,
	normalizeAngle,
	resizeCursor,
	rotateHandlePoint,
	toLocal,
	centreOf
} from '$lib/geometry/rotation';
import { validationError, type Handle, type ShapeKind } from '../kind';

/**
 * A box turned about its centre: centre, size, and angle in degrees clockwise (image y points down),
 * in (-180, 180]. Width runs along the box's own x axis, height along its y axis.
 */
export interface RotatedBoxGeometry {
	cx: number;
	cy: number;
	width: number;
	height: number;
	angle: number;
}

export const MIN_ROTATED_BOX_SIDE = 1;

/** Grips by id: direction in the box's own frame (-1, 0, 1 on each axis). */
const GRIPS: Record<string, { sx: number; sy: number }> = {
	nw: { sx: -1, sy: -1 },
	n: { sx: 0, sy: -1 },
	ne: { sx: 1, sy: -1 },
	e: { sx: 1, sy: 0 },
	se: { sx: 1, sy: 1 },
	s: { sx: 0, sy: 1 },
	sw: { sx: -1, sy: 1 },
	w: { sx: -1, sy: 0 }
};

/** The four corners as flat coordinates: top-left, top-right, bottom-right, bottom-left of the box's own frame. */
export function rotatedBoxCorners(g: RotatedBoxGeometry): number[] {
	const hw = g.width / 2,
		hh = g.height / 2;
	const out: number[] = [];
	for (const [x, y] of [
		[-hw, -hh],
		[hw, -hh],
		[hw, hh],
		[-hw, hh]
	]) {
		const p = fromLocal({ x, y }, centreOf(g), g.angle);
		out.push(p.x, p.y);
	}
	return out;
}

/** The convex hull of flat points (Andrew's monotone chain), counter-clockwise in image axes, as points. */
export function convexHull(flat: readonly number[]): Point[] {
	const pts: Point[] = [];
	for (let i = 0; i + 1 < flat.length; i += 2) pts.push({ x: flat[i], y: flat[i + 1] });
	pts.sort((a, b) => a.x - b.x || a.y - b.y);
	if (pts.length < 3) return pts;
	const cross = (o: Point, a: Point, b: Point) => (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
	const half = (list: Point[]) => {
		const out: Point[] = [];
		for (const p of list) {
			while (out.length >= 2 && cross(out[out.length - 2], out[out.length - 1], p) <= 0) out.pop();
			out.push(p);
		}
		out.pop();
		return out;
	};
	return [...half(pts), ...half(pts.slice().reverse())];
}

/**
 * The rotated box of least area around flat points (what OpenCV's minAreaRect gives): one side lies on
 * an edge of their convex hull. Its angle is in (-45, 45] (width and height swapped to get there), so an
 * upright set gives angle 0; of equal areas (a triangle has several), the least turned; null for no points.
 */
export function minAreaRect(flat: readonly number[]): RotatedBoxGeometry | null {
	const hull = convexHull(flat);
	if (!hull.length) return null;
	let best: RotatedBoxGeometry | null = null;
	let bestArea = Infinity;
	// One direction per hull edge; a single point or a segment gives the x axis or its own direction.
	const edges = hull.length < 2 ? [{ x: 1, y: 0 }] : hull.map((p, i) => ({ x: hull[(i + 1) % hull.length].x - p.x, y: hull[(i + 1) % hull.length].y - p.y }));
	for (const e of edges) {
		const len = Math.hypot(e.x, e.y);
		if (!len) continue;
		const ux = e.x / len,
			uy = e.y / len;
		let minU = Infinity,
			maxU = -Infinity,
			minV = Infinity,
			maxV = -Infinity;
		for (const p of hull) {
			const u = p.x * ux + p.y * uy,
				v = -p.x * uy + p.y * ux;
			minU = Math.min(minU, u);
			maxU = Math.max(maxU, u);
			minV = Math.min(minV, v);
			maxV = Math.max(maxV, v);
		}
		const area = (maxU - minU) * (maxV - minV);
		const cu = (minU + maxU) / 2,
			cv = (minV + maxV) / 2;
		const r = upright({ cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, width: maxU - minU, height: maxV - minV, angle: (Math.atan2(uy, ux) * 180) / Math.PI });
		const tie = Math.abs(area - bestArea) <= 1e-9 * Math.max(1, bestArea);
		if (best && (tie ? Math.abs(r.angle) >= Math.abs(best.angle) : area > bestArea)) continue;
		if (!tie || !best) bestArea = area;
		best = r;
	}
	return best ?? { cx: hull[0].x, cy: hull[0].y, width: 0, height: 0, angle: 0 };
}

/** The same box with its angle in (-45, 45], turned by quarter turns (its width and height swapped). */
function upright(g: RotatedBoxGeometry): RotatedBoxGeometry {
	let { width, height, angle } = g;
	while (angle > 45) [angle, width, height] = [angle - 90, height, width];
	while (angle <= -45) [angle, width, height] = [angle + 90, height, width];
	return { ...g, width, height, angle: angle + 0 };
}

/** The handle that turns a shape about its centre, above its top (`halfHeight` above the centre). */
function rotateHandle(centre: Point, halfHeight: number, angle: number): Handle {
	return { id: 'rotate', ...rotateHandlePoint(centre, halfHeight, angle), role: 'rotate', cursor: 'grab' };
}

export const rotatedBoxKind: ShapeKind<RotatedBoxGeometry> = {
	type: 'rotatedBox',
	label: 'Rotated box',

	validate(raw, image) {
		const g = raw as Partial<RotatedBoxGeometry> | null;
		if (!g || typeof g !== 'object') return validationError('Rotated box geometry is missing');
		if (![g.cx, g.cy, g.width, g.height, g.angle].every(isFiniteNumber))
			return validationError('Rotated box values must be numbers');
		const angle = normalizeAngle(g.angle!);
		const cx = clamp(g.cx!, 0, image.width),
			cy = clamp(g.cy!, 0, image.height);
		let width = Math.abs(g.width!),
			height = Math.abs(g.height!);
		// Shrink about the centre until all four corners lie on the image.
		const r = (angle * Math.PI) / 180;
		const c = Math.abs(Math.cos(r)),
			s = Math.abs(Math.sin(r));
		const k = fitScale({ x: cx, y: cy }, (width * c + height * s) / 2, (width * s + height * c) / 2, image);
		width *= k;
		height *= k;
		if (width < MIN_ROTATED_BOX_SIDE || height < MIN_ROTATED_BOX_SIDE)
			return validationError(`A rotated box needs at least ${MIN_ROTATED_BOX_SIDE} px of width and height inside the image`);
		return { ok: true, geometry: { cx, cy, width, height, angle } };
	},

	bounds(g) {
		return boundsOfFlat(rotatedBoxCorners(g));
	},

	hitTest(g, p, tolerance) {
		const l = toLocal(p, centreOf(g), g.angle);
		return Math.abs(l.x) <= g.width / 2 + tolerance && Math.abs(l.y) <= g.height / 2 + tolerance;
	},

	translate(g, dx, dy) {
		return { ...g, cx: g.cx + dx, cy: g.cy + dy };
	},

	handles(g) {
		const grips = Object.entries(GRIPS).map(([id, { sx, sy }]): Handle => {
			const p = fromLocal({ x: (sx * g.width) / 2, y: (sy * g.height) / 2 }, centreOf(g), g.angle);
			const localDegrees = (Math.atan2(sy, sx) * 180) / Math.PI;
			return { id, x: p.x, y: p.y, role: sx && sy ? 'corner' : 'side', cursor: resizeCursor(localDegrees, g.angle) };
		});
		return [...grips, rotateHandle(centreOf(g), g.height / 2, g.angle)];
	},

	dragHandle(g, handleId, p) {
		if (handleId === 'rotate') return { ...g, angle: angleTowards(centreOf(g), p) };
		const grip = GRIPS[handleId];
		if (!grip) return g;
		// Resize in the box's own frame: the dragged sides follow p, the opposite ones stay put.
		const l = toLocal(p, centreOf(g), g.angle);
		let minX = -g.width / 2,
			maxX = g.width / 2,
			minY = -g.height / 2,
			maxY = g.height / 2;
		if (grip.sx < 0) minX = l.x;
		if (grip.sx > 0) maxX = l.x;
		if (grip.sy < 0) minY = l.y;
		if (grip.sy > 0) maxY = l.y;
		const centre = fromLocal({ x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, centreOf(g), g.angle);
		return { cx: centre.x, cy: centre.y, width: Math.abs(maxX - minX), height: Math.abs(maxY - minY), angle: g.angle };
	},

	removeVertex() {
		return null;
	},

	area(g) {
		return g.width * g.height;
	},

	describe(g) {
		return `${Math.round(g.width)}×${Math.round(g.height)} · ${Math.round(g.angle)}°`;
	}
};
