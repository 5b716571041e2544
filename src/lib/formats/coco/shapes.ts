import { boundsOfFlat, signedArea } from '$lib/geometry';

export type CocoBox = [number, number, number, number];

export function bboxOfFlat(points: readonly number[]): CocoBox {
	if (!points.length) return [0, 0, 0, 0];
	const r = boundsOfFlat(points);
	return [r.minX, r.minY, r.maxX - r.minX, r.maxY - r.minY];
}

export function ringArea(points: readonly number[]): number {
	return Math.abs(signedArea(points));
}
