import { boundsOfFlat, signedArea } from '$lib/geometry';
import { fromLocal } from '$lib/geometry/rotation';
import type { EllipseGeometry } from '$lib/shapes/ellipse/kind';

/** Ellipses are written as polygons of this many points (COCO has no ellipse). */
export const ELLIPSE_POINTS = 64;

export function ellipsePolygon(g: EllipseGeometry): number[] {
	const out: number[] = [];
	for (let i = 0; i < ELLIPSE_POINTS; i++) {
		const t = (2 * Math.PI * i) / ELLIPSE_POINTS;
		const p = fromLocal({ x: g.rx * Math.cos(t), y: g.ry * Math.sin(t) }, { x: g.cx, y: g.cy }, g.angle);
		out.push(p.x, p.y);
	}
	return out;
}

export type CocoBox = [number, number, number, number];

export function bboxOfFlat(points: readonly number[]): CocoBox {
	if (!points.length) return [0, 0, 0, 0];
	const r = boundsOfFlat(points);
	return [r.minX, r.minY, r.maxX - r.minX, r.maxY - r.minY];
}

export function ringArea(points: readonly number[]): number {
	return Math.abs(signedArea(points));
}
