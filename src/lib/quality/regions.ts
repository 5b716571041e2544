import { boundsOfFlat, signedArea } from '$lib/geometry';
import { ellipsePolygon, type EllipseGeometry } from '$lib/shapes/ellipse/kind';
import type { MaskGeometry } from '$lib/shapes/mask/kind';
import { polygonParts, type PolygonGeometry } from '$lib/shapes/polygon/kind';
import { rotatedBoxCorners, type RotatedBoxGeometry } from '$lib/shapes/rotatedBox/kind';
import type { BoxGeometry } from '$lib/shapes/box/kind';
import type { CuboidGeometry } from '$lib/shapes/cuboid/kind';
import { hullRing, isConvexRing, positiveRing } from './convex';
import { partsArea, type Region } from './iou';
import { runMaskOf } from './mask-iou';

/**
 * Each shape that covers an area as the cheapest exact region for IoU (iou.ts): a box as a box; a
 * rotated box, an ellipse (its 64-point polygon, as formats write it) and a cuboid (the convex hull of
 * its 8 corners, its silhouette) as convex rings; a polygon as a convex ring when it is one, else as
 * parts; a mask as its pixels.
 */

export function boxRegion(g: BoxGeometry): Region {
	return { form: 'box', bounds: { minX: g.x, minY: g.y, maxX: g.x + g.width, maxY: g.y + g.height }, area: g.width * g.height };
}

function convexRegion(ring: number[]): Region {
	return { form: 'convex', bounds: boundsOfFlat(ring), area: Math.abs(signedArea(ring)), ring };
}

export const rotatedBoxRegion = (g: RotatedBoxGeometry): Region => convexRegion(positiveRing(rotatedBoxCorners(g)));
export const ellipseRegion = (g: EllipseGeometry): Region => convexRegion(positiveRing(ellipsePolygon(g)));
export const cuboidRegion = (g: CuboidGeometry): Region => convexRegion(hullRing(g.points));

/** Whether two segments cross or touch (beyond sharing the endpoint of neighbours). */
function segmentsMeet(ax: number, ay: number, bx: number, by: number, cx: number, cy: number, dx: number, dy: number): boolean {
	const d1 = (dx - cx) * (ay - cy) - (dy - cy) * (ax - cx);
	const d2 = (dx - cx) * (by - cy) - (dy - cy) * (bx - cx);
	const d3 = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
	const d4 = (bx - ax) * (dy - ay) - (by - ay) * (dx - ax);
	return ((d1 <= 0 && d2 >= 0) || (d1 >= 0 && d2 <= 0)) && ((d3 <= 0 && d4 >= 0) || (d3 >= 0 && d4 <= 0));
}

/** Rings up to this many vertices are checked for crossings (quadratic); longer ones are measured by Clipper. */
const SIMPLE_CHECK_MAX = 200;

/** Whether a ring's edges meet only at shared vertices of neighbours: its shoelace area is then the area it covers. */
export function isSimpleRing(flat: readonly number[]): boolean {
	const n = flat.length / 2;
	if (n > SIMPLE_CHECK_MAX) return false;
	for (let i = 0; i < n; i++) {
		const i2 = (i + 1) % n;
		const ax = flat[2 * i],
			ay = flat[2 * i + 1],
			bx = flat[2 * i2],
			by = flat[2 * i2 + 1];
		for (let j = i + 2; j < n; j++) {
			if (i === 0 && j === n - 1) continue; // neighbours through the closing edge
			const j2 = (j + 1) % n;
			const cx = flat[2 * j],
				cy = flat[2 * j + 1],
				dx = flat[2 * j2],
				dy = flat[2 * j2 + 1];
			if (Math.max(ax, bx) < Math.min(cx, dx) || Math.max(cx, dx) < Math.min(ax, bx)) continue;
			if (Math.max(ay, by) < Math.min(cy, dy) || Math.max(cy, dy) < Math.min(ay, by)) continue;
			if (segmentsMeet(ax, ay, bx, by, cx, cy, dx, dy)) return false;
		}
	}
	return true;
}

export function polygonRegion(g: PolygonGeometry): Region {
	const parts = polygonParts(g);
	const single = parts.length === 1 && !parts[0].holes?.length;
	if (single && isConvexRing(g.points)) return convexRegion(positiveRing(g.points));
	const bounds = parts.reduce((b, p) => {
		const r = boundsOfFlat(p.points);
		return { minX: Math.min(b.minX, r.minX), minY: Math.min(b.minY, r.minY), maxX: Math.max(b.maxX, r.maxX), maxY: Math.max(b.maxY, r.maxY) };
	}, boundsOfFlat(parts[0].points));
	// A plain ring's shoelace area is what it covers; holes, parts and crossings are measured by Clipper.
	if (single && isSimpleRing(g.points)) return { form: 'polygon', bounds, area: Math.abs(signedArea(g.points)), parts, ring: positiveRing(g.points) };
	return { form: 'polygon', bounds, area: partsArea(parts), parts };
}

export function maskRegion(g: MaskGeometry): Region {
	const mask = runMaskOf(g);
	return { form: 'pixels', bounds: { minX: g.x, minY: g.y, maxX: g.x + g.width, maxY: g.y + g.height }, area: mask.area, mask };
}
