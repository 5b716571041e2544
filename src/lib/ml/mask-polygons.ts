import { contours } from 'd3-contour';
import type { BinaryMask, TracedPolygon } from './types';

/** Rings and holes smaller than this (px²) are specks of noise, not objects. */
export const MIN_TRACED_AREA = 4;

/** The smallest pixel rectangle [x0, y0, x1, y1) holding every set pixel; null for an empty mask. */
export function maskBounds(mask: BinaryMask): [number, number, number, number] | null {
	let x0 = mask.width, y0 = mask.height, x1 = -1, y1 = -1;
	for (let y = 0; y < mask.height; y++) {
		const row = y * mask.width;
		for (let x = 0; x < mask.width; x++)
			if (mask.data[row + x]) {
				if (x < x0) x0 = x;
				if (x > x1) x1 = x;
				if (y < y0) y0 = y;
				y1 = y;
			}
	}
	return x1 < 0 ? null : [x0, y0, x1 + 1, y1 + 1];
}

/** Number of set pixels. */
export function maskArea(mask: BinaryMask): number {
	let n = 0;
	for (let i = 0; i < mask.data.length; i++) if (mask.data[i]) n++;
	return n;
}

function ringArea(flat: readonly number[]): number {
	let a = 0;
	for (let i = 0, n = flat.length; i < n; i += 2) {
		const j = (i + 2) % n;
		a += flat[i] * flat[j + 1] - flat[j] * flat[i + 1];
	}
	return Math.abs(a) / 2;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
	const dx = bx - ax, dy = by - ay;
	const len2 = dx * dx + dy * dy;
	const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len2)) : 0;
	return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Douglas–Peucker on an open path of [x, y] points; keeps the ends. */
function simplifyPath(points: [number, number][], tolerance: number): [number, number][] {
	const keep = new Uint8Array(points.length);
	keep[0] = keep[points.length - 1] = 1;
	const stack: [number, number][] = [[0, points.length - 1]];
	while (stack.length) {
		const [a, b] = stack.pop()!;
		let far = -1, farDistance = tolerance;
		for (let i = a + 1; i < b; i++) {
			const d = distanceToSegment(points[i][0], points[i][1], points[a][0], points[a][1], points[b][0], points[b][1]);
			// Strictly beyond the tolerance (plus rounding), so tolerance 0 drops only collinear points.
			if (d > farDistance + 1e-9) {
				far = i;
				farDistance = d;
			}
		}
		if (far >= 0) {
			keep[far] = 1;
			stack.push([a, far], [far, b]);
		}
	}
	return points.filter((_, i) => keep[i]);
}

/** A closed ring (first point repeated last, as d3 gives it) simplified, split at its farthest point. */
function simplifyRing(ring: number[][], offsetX: number, offsetY: number, tolerance: number): number[] | null {
	const pts = ring.slice(0, -1).map(([x, y]) => [x + offsetX, y + offsetY] as [number, number]);
	if (pts.length < 3) return null;
	let far = 0, farDistance = -1;
	for (let i = 1; i < pts.length; i++) {
		const d = Math.hypot(pts[i][0] - pts[0][0], pts[i][1] - pts[0][1]);
		if (d > farDistance) {
			far = i;
			farDistance = d;
		}
	}
	const first = simplifyPath(pts.slice(0, far + 1), tolerance);
	const second = simplifyPath([...pts.slice(far), pts[0]], tolerance);
	const out = [...first, ...second.slice(1, -1)];
	return out.length >= 3 ? out.flat() : null;
}

/**
 * The outlines of a mask's regions: marching squares at 0.5 over the 0/1 pixel grid (pixel centres at
 * +0.5), so a polygon's pixel-centre rasterisation gives back the mask; each hole with its outer
 * ring; simplified with Douglas–Peucker (`tolerance` px, 0 = only collinear points dropped); specks
 * under MIN_TRACED_AREA dropped; largest first.
 */
export function maskToPolygons(mask: BinaryMask, tolerance: number): TracedPolygon[] {
	const bounds = maskBounds(mask);
	if (!bounds) return [];
	// Only the mask's bounds, with a border of zeros so every ring closes inside the grid.
	const [bx0, by0, bx1, by1] = bounds;
	const w = bx1 - bx0 + 2;
	const h = by1 - by0 + 2;
	const values = new Array<number>(w * h).fill(0);
	for (let y = by0; y < by1; y++)
		for (let x = bx0; x < bx1; x++) if (mask.data[y * mask.width + x]) values[(y - by0 + 1) * w + (x - bx0 + 1)] = 1;
	const [multi] = contours().size([w, h]).thresholds([0.5])(values);
	// d3 puts grid value i at i + 0.5 already: only the crop's offset remains.
	const ox = bx0 - 1, oy = by0 - 1;
	const traced: { polygon: TracedPolygon; area: number }[] = [];
	for (const rings of multi.coordinates) {
		const outer = simplifyRing(rings[0], ox, oy, tolerance);
		if (!outer) continue;
		const area = ringArea(outer);
		if (area < MIN_TRACED_AREA) continue;
		const holes: number[][] = [];
		for (const r of rings.slice(1)) {
			const hole = simplifyRing(r, ox, oy, tolerance);
			if (hole && ringArea(hole) >= MIN_TRACED_AREA) holes.push(hole);
		}
		traced.push({ polygon: { points: outer, holes }, area });
	}
	return traced.sort((a, b) => b.area - a.area).map((t) => t.polygon);
}
