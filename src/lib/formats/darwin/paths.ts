import { boundsOfFlat, pointInRing, signedArea, type Rect } from '$lib/geometry';
import type { PolygonPart } from '$lib/shapes/polygon/kind';

interface Ring extends Rect {
	points: number[];
	index: number;
	area: number;
}

const ringOf = (points: number[], index: number): Ring => ({ points, index, area: Math.abs(signedArea(points)), ...boundsOfFlat(points) });

/** Every vertex of `inner` inside `outer` (its box first: most pairs are told apart without a vertex test). */
function inside(inner: Ring, outer: Ring): boolean {
	if (inner.minX < outer.minX || inner.minY < outer.minY || inner.maxX > outer.maxX || inner.maxY > outer.maxY) return false;
	for (let i = 0; i < inner.points.length; i += 2) if (!pointInRing(outer.points, { x: inner.points[i], y: inner.points[i + 1] })) return false;
	return true;
}

/**
 * Darwin's polygon paths (its complex polygon: one list of rings, no roles) as the parts of one polygon,
 * decided by containment as the even-odd rule fills them: a path inside no other is an outer ring, one
 * inside an outer ring is a hole of the innermost ring holding it, one inside a hole is an outer ring
 * again (an island), and so on. Parts and their holes stay in the order of the paths. Rings are placed
 * largest first, so a ring's container is always placed before it (two equal rings: the later is inside).
 */
export function partsOfPaths(paths: readonly number[][]): PolygonPart[] {
	if (paths.length === 1) return [{ points: paths[0] }];
	const rings = paths.map(ringOf);
	const depth = new Map<Ring, number>();
	const holeOf = new Map<Ring, Ring>();
	for (const ring of [...rings].sort((a, b) => b.area - a.area || a.index - b.index)) {
		let container: Ring | undefined;
		for (const [placed, d] of depth) if ((!container || d > depth.get(container)!) && inside(ring, placed)) container = placed;
		const d = container ? depth.get(container)! + 1 : 0;
		depth.set(ring, d);
		if (d % 2 === 1) holeOf.set(ring, container!);
	}
	const parts = new Map<Ring, PolygonPart>();
	for (const ring of rings) if (!holeOf.has(ring)) parts.set(ring, { points: ring.points });
	for (const ring of rings) {
		const outer = holeOf.get(ring);
		if (outer) (parts.get(outer)!.holes ??= []).push(ring.points);
	}
	return [...parts.values()];
}
