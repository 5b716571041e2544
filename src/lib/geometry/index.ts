/** Plain geometry in image pixel coordinates (floats, origin at the top-left corner of the image). */

export interface Point {
	x: number;
	y: number;
}

export interface Rect {
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
}

export interface Size {
	width: number;
	height: number;
}

export function isFiniteNumber(v: unknown): v is number {
	return typeof v === 'number' && Number.isFinite(v);
}

export function clamp(v: number, lo: number, hi: number): number {
	return v < lo ? lo : v > hi ? hi : v;
}

export function rectsIntersect(a: Rect, b: Rect): boolean {
	return a.minX <= b.maxX && a.maxX >= b.minX && a.minY <= b.maxY && a.maxY >= b.minY;
}

export function rectContainsPoint(r: Rect, p: Point, tolerance = 0): boolean {
	return (
		p.x >= r.minX - tolerance && p.x <= r.maxX + tolerance && p.y >= r.minY - tolerance && p.y <= r.maxY + tolerance
	);
}

export function unionRect(a: Rect, b: Rect): Rect {
	return {
		minX: Math.min(a.minX, b.minX),
		minY: Math.min(a.minY, b.minY),
		maxX: Math.max(a.maxX, b.maxX),
		maxY: Math.max(a.maxY, b.maxY)
	};
}

/** The overlap of two rectangles (min > max on an axis when they do not overlap). */
export function intersectRects(a: Rect, b: Rect): Rect {
	return {
		minX: Math.max(a.minX, b.minX),
		minY: Math.max(a.minY, b.minY),
		maxX: Math.min(a.maxX, b.maxX),
		maxY: Math.min(a.maxY, b.maxY)
	};
}

export function inflateRect(r: Rect, by: number): Rect {
	return { minX: r.minX - by, minY: r.minY - by, maxX: r.maxX + by, maxY: r.maxY + by };
}

/** Bounds of a flat [x0, y0, x1, y1, …] coordinate list. */
export function boundsOfFlat(points: readonly number[]): Rect {
	let minX = Infinity,
		minY = Infinity,
		maxX = -Infinity,
		maxY = -Infinity;
	for (let i = 0; i < points.length; i += 2) {
		const x = points[i],
			y = points[i + 1];
		if (x < minX) minX = x;
		if (x > maxX) maxX = x;
		if (y < minY) minY = y;
		if (y > maxY) maxY = y;
	}
	return { minX, minY, maxX, maxY };
}

/** Signed area (shoelace) of a closed ring given as flat coordinates; positive when clockwise in image space. */
export function signedArea(points: readonly number[]): number {
	let sum = 0;
	const n = points.length;
	for (let i = 0; i < n; i += 2) {
		const j = (i + 2) % n;
		sum += points[i] * points[j + 1] - points[j] * points[i + 1];
	}
	return sum / 2;
}

/** Even-odd point-in-polygon test on a flat ring. */
export function pointInRing(points: readonly number[], p: Point): boolean {
	let inside = false;
	const n = points.length;
	for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
		const xi = points[i],
			yi = points[i + 1],
			xj = points[j],
			yj = points[j + 1];
		if (yi > p.y !== yj > p.y && p.x < ((xj - xi) * (p.y - yi)) / (yj - yi) + xi) inside = !inside;
	}
	return inside;
}

/** Squared distance from p to the segment ab. */
export function segmentDistanceSq(p: Point, ax: number, ay: number, bx: number, by: number): number {
	const dx = bx - ax,
		dy = by - ay;
	const len = dx * dx + dy * dy;
	let t = len === 0 ? 0 : ((p.x - ax) * dx + (p.y - ay) * dy) / len;
	t = clamp(t, 0, 1);
	const cx = ax + t * dx - p.x,
		cy = ay + t * dy - p.y;
	return cx * cx + cy * cy;
}

/** Index of the edge (i → i+1) of a closed flat ring nearest to p within tolerance, or -1. */
export function nearestRingEdge(points: readonly number[], p: Point, tolerance: number): number {
	const n = points.length;
	let best = -1;
	let bestD = tolerance * tolerance;
	for (let i = 0; i < n; i += 2) {
		const j = (i + 2) % n;
		const d = segmentDistanceSq(p, points[i], points[i + 1], points[j], points[j + 1]);
		if (d <= bestD) {
			bestD = d;
			best = i / 2;
		}
	}
	return best;
}

export function clampPointToImage(p: Point, size: Size): Point {
	return { x: clamp(p.x, 0, size.width), y: clamp(p.y, 0, size.height) };
}

/**
 * Flat [x0, y0, …] points clamped into the image, with a vertex equal to the one before dropped: the
 * common cleaning of polygon rings and polylines. Null when the input is not pairs of finite numbers.
 */
export function clampedPath(src: unknown, size: Size): readonly number[] | null {
	if (!Array.isArray(src) || src.length % 2 !== 0 || !src.every(isFiniteNumber)) return null;
	// Already clean (every stored shape): the same array, so that checking 100,000 records allocates nothing.
	let clean = true;
	for (let i = 0; i < src.length && clean; i += 2) {
		const x = src[i],
			y = src[i + 1];
		clean = x >= 0 && x <= size.width && y >= 0 && y <= size.height && !(i >= 2 && x === src[i - 2] && y === src[i - 1]);
	}
	if (clean) return src as readonly number[];
	const points: number[] = [];
	for (let i = 0; i < src.length; i += 2) {
		const x = clamp(src[i], 0, size.width),
			y = clamp(src[i + 1], 0, size.height);
		const n = points.length;
		if (n >= 2 && points[n - 2] === x && points[n - 1] === y) continue;
		points.push(x, y);
	}
	return points;
}
