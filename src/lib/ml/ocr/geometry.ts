/**
 * The geometry PaddleOCR's DB post-processing takes from OpenCV (minAreaRect, boxPoints, fillPoly),
 * shapely (area, length) and pyclipper (round-join offset), rewritten on plain point arrays.
 */
import type { Point } from './image';

const cross = (o: Point, a: Point, b: Point) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-up terms, no collinear points. */
export function convexHull(points: Point[]): Point[] {
	const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	const unique = sorted.filter((p, i) => i === 0 || p[0] !== sorted[i - 1][0] || p[1] !== sorted[i - 1][1]);
	if (unique.length < 3) return unique;
	const lower: Point[] = [];
	for (const p of unique) {
		while (lower.length >= 2 && cross(lower[lower.length - 2], lower[lower.length - 1], p) <= 0) lower.pop();
		lower.push(p);
	}
	const upper: Point[] = [];
	for (let i = unique.length - 1; i >= 0; i--) {
		const p = unique[i];
		while (upper.length >= 2 && cross(upper[upper.length - 2], upper[upper.length - 1], p) <= 0) upper.pop();
		upper.push(p);
	}
	return lower.slice(0, -1).concat(upper.slice(0, -1));
}

export interface RotatedRect {
	/** The four corners, going round the rectangle. */
	corners: Point[];
	/** Side lengths (cv2.minAreaRect's size). */
	width: number;
	height: number;
}

/** cv2.minAreaRect + cv2.boxPoints: the smallest-area enclosing rectangle (rotating calipers over the hull). */
export function minAreaRect(points: Point[]): RotatedRect {
	const hull = convexHull(points);
	if (hull.length === 0) return { corners: [], width: 0, height: 0 };
	if (hull.length === 1) return { corners: [hull[0], hull[0], hull[0], hull[0]], width: 0, height: 0 };
	let best: { area: number; ux: number; uy: number; minU: number; maxU: number; minV: number; maxV: number } | undefined;
	for (let i = 0; i < hull.length; i++) {
		const a = hull[i];
		const b = hull[(i + 1) % hull.length];
		const length = Math.hypot(b[0] - a[0], b[1] - a[1]);
		if (length === 0) continue;
		const ux = (b[0] - a[0]) / length;
		const uy = (b[1] - a[1]) / length;
		let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
		for (const p of hull) {
			const u = p[0] * ux + p[1] * uy;
			const v = -p[0] * uy + p[1] * ux;
			minU = Math.min(minU, u);
			maxU = Math.max(maxU, u);
			minV = Math.min(minV, v);
			maxV = Math.max(maxV, v);
		}
		const area = (maxU - minU) * (maxV - minV);
		if (!best || area < best.area) best = { area, ux, uy, minU, maxU, minV, maxV };
	}
	const { ux, uy, minU, maxU, minV, maxV } = best!;
	const at = (u: number, v: number): Point => [u * ux - v * uy, u * uy + v * ux];
	return {
		corners: [at(minU, minV), at(maxU, minV), at(maxU, maxV), at(minU, maxV)],
		width: maxU - minU,
		height: maxV - minV
	};
}

/**
 * DBPostProcess.get_mini_boxes: the min-area rectangle's corners sorted by x (stable), then the left
 * pair and the right pair each split by y, giving top-left, top-right, bottom-right, bottom-left.
 * For an exactly axis-aligned or 45° rectangle cv2.boxPoints' starting corner (which breaks x ties)
 * may differ from ours; the final quad is reordered by orderPointsClockwise either way.
 */
export function miniBox(points: Point[]): { box: Point[]; shortSide: number } {
	const rect = minAreaRect(points);
	const p = rect.corners.map((c, i) => ({ c, i })).sort((a, b) => a.c[0] - b.c[0] || a.i - b.i).map((e) => e.c);
	const [i1, i4] = p[1][1] > p[0][1] ? [0, 1] : [1, 0];
	const [i2, i3] = p[3][1] > p[2][1] ? [2, 3] : [3, 2];
	return { box: [p[i1], p[i2], p[i3], p[i4]], shortSide: Math.min(rect.width, rect.height) };
}

/** TextDetector.order_points_clockwise: top-left = min x+y, bottom-right = max x+y, the others by y−x. */
export function orderPointsClockwise(points: Point[]): Point[] {
	const sums = points.map((p) => p[0] + p[1]);
	const first = (values: number[], pick: (a: number, b: number) => boolean) =>
		values.reduce((best, v, i) => (pick(v, values[best]) ? i : best), 0);
	const tl = first(sums, (a, b) => a < b);
	const br = first(sums, (a, b) => a > b);
	const rest = points.filter((_, i) => i !== tl && i !== br);
	const diffs = rest.map((p) => p[1] - p[0]);
	return [points[tl], rest[first(diffs, (a, b) => a < b)], points[br], rest[first(diffs, (a, b) => a > b)]];
}

/** shapely Polygon(points).area and .length. */
export function polygonAreaAndPerimeter(points: Point[]): { area: number; perimeter: number } {
	let twice = 0;
	let perimeter = 0;
	for (let i = 0; i < points.length; i++) {
		const a = points[i];
		const b = points[(i + 1) % points.length];
		twice += a[0] * b[1] - b[0] * a[1];
		perimeter += Math.hypot(b[0] - a[0], b[1] - a[1]);
	}
	return { area: Math.abs(twice) / 2, perimeter };
}

/** Clipper's Round(): half away from zero. */
const clipperRound = (v: number) => (v < 0 ? Math.ceil(v - 0.5) : Math.floor(v + 0.5));

/**
 * pyclipper.PyclipperOffset with JT_ROUND, ET_CLOSEDPOLYGON and the default arc tolerance (0.25),
 * for one convex polygon and delta > 0 (all DB's unclip ever offsets: a minAreaRect box). As pyclipper does,
 * input coordinates become integers by truncation and output vertices are rounded to integers.
 * The union Clipper runs afterwards leaves a single convex ring unchanged, so it is not repeated here.
 */
export function offsetConvexPolygonRound(polygon: Point[], delta: number): Point[] {
	let path: Point[] = polygon.map((p) => [Math.trunc(p[0]), Math.trunc(p[1])]);
	path = path.filter((p, i) => {
		const prev = path[(i + path.length - 1) % path.length];
		return i === 0 ? !(p[0] === path[path.length - 1][0] && p[1] === path[path.length - 1][1]) : !(p[0] === prev[0] && p[1] === prev[1]);
	});
	if (path.length < 3 || delta <= 0) return path;
	// Clipper orients closed paths to positive area so the normals below point outward.
	let twice = 0;
	for (let i = 0; i < path.length; i++) {
		const a = path[i];
		const b = path[(i + 1) % path.length];
		twice += a[0] * b[1] - b[0] * a[1];
	}
	if (twice < 0) path.reverse();

	const arcTolerance = Math.min(0.25, delta * 0.25);
	let steps = Math.PI / Math.acos(1 - arcTolerance / delta);
	if (steps > delta * Math.PI) steps = delta * Math.PI;
	const sin = Math.sin((2 * Math.PI) / steps);
	const cos = Math.cos((2 * Math.PI) / steps);
	const stepsPerRad = steps / (2 * Math.PI);

	const n = path.length;
	const normals: Point[] = path.map((a, j) => {
		const b = path[(j + 1) % n];
		const dx = b[0] - a[0];
		const dy = b[1] - a[1];
		const f = 1 / Math.hypot(dx, dy);
		return [dy * f, -dx * f];
	});
	const out: Point[] = [];
	const push = (p: Point, nx: number, ny: number) => out.push([clipperRound(p[0] + nx * delta), clipperRound(p[1] + ny * delta)]);
	let k = n - 1;
	for (let j = 0; j < n; j++) {
		const p = path[j];
		let sinA = normals[k][0] * normals[j][1] - normals[j][0] * normals[k][1];
		const cosA = normals[k][0] * normals[j][0] + normals[k][1] * normals[j][1];
		if (Math.abs(sinA * delta) < 1 && cosA > 0) {
			// Clipper returns here without advancing k (the previous edge's normal carries on).
			push(p, normals[k][0], normals[k][1]);
			continue;
		}
		sinA = Math.max(-1, Math.min(1, sinA));
		if (sinA * delta < 0) {
			push(p, normals[k][0], normals[k][1]);
			out.push([p[0], p[1]]);
			push(p, normals[j][0], normals[j][1]);
		} else {
			const angle = Math.atan2(sinA, cosA);
			const count = Math.max(clipperRound(stepsPerRad * Math.abs(angle)), 1);
			let x = normals[k][0];
			let y = normals[k][1];
			for (let i = 0; i < count; i++) {
				push(p, x, y);
				const x2 = x;
				x = x * cos - sin * y;
				y = x2 * sin + y * cos;
			}
			push(p, normals[j][0], normals[j][1]);
		}
		k = j;
	}
	return out;
}

/**
 * DBPostProcess.box_score_fast: the mean of `map` over the box's polygon, filled as cv2.fillPoly fills
 * integer vertices (pixels inside or on an edge) within the box's bounding crop.
 */
export function boxScoreFast(map: Float32Array, width: number, height: number, box: Point[]): number {
	const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
	const xs = box.map((p) => p[0]);
	const ys = box.map((p) => p[1]);
	const xmin = clamp(Math.floor(Math.min(...xs)), width - 1);
	const xmax = clamp(Math.ceil(Math.max(...xs)), width - 1);
	const ymin = clamp(Math.floor(Math.min(...ys)), height - 1);
	const ymax = clamp(Math.ceil(Math.max(...ys)), height - 1);
	// astype(np.int32) after shifting to the crop: truncation.
	const polygon: Point[] = box.map((p) => [Math.trunc(p[0] - xmin), Math.trunc(p[1] - ymin)]);
	let sum = 0;
	let count = 0;
	for (let y = 0; y <= ymax - ymin; y++) {
		for (let x = 0; x <= xmax - xmin; x++) {
			if (!insideOrOnPolygon(polygon, x, y)) continue;
			sum += map[(y + ymin) * width + x + xmin];
			count++;
		}
	}
	return count === 0 ? 0 : sum / count;
}

/** Even-odd containment, counting points on an edge as inside (fillPoly draws the outline too). */
export function insideOrOnPolygon(polygon: Point[], x: number, y: number): boolean {
	let inside = false;
	for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
		const [xi, yi] = polygon[i];
		const [xj, yj] = polygon[j];
		const onLine = (x - xi) * (yj - yi) - (y - yi) * (xj - xi) === 0;
		if (onLine && x >= Math.min(xi, xj) && x <= Math.max(xi, xj) && y >= Math.min(yi, yj) && y <= Math.max(yi, yj)) return true;
		if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}
