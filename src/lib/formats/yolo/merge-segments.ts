type Pt = [number, number];

const pairsOf = (flat: readonly number[]): Pt[] => Array.from({ length: flat.length / 2 }, (_, i): Pt => [flat[i * 2], flat[i * 2 + 1]]);

/** The closest pair of points (index in a, index in b); on a tie the first in a, then in b, as numpy's argmin. */
function closest(a: readonly Pt[], b: readonly Pt[]): [number, number] {
	let best = Infinity,
		at: [number, number] = [0, 0];
	for (let i = 0; i < a.length; i++)
		for (let j = 0; j < b.length; j++) {
			const dx = a[i][0] - b[j][0],
				dy = a[i][1] - b[j][1];
			const d = dx * dx + dy * dy;
			if (d < best) {
				best = d;
				at = [i, j];
			}
		}
	return at;
}

/** np.roll(points, -k): point k first. */
const rolled = (points: readonly Pt[], k: number): Pt[] => [...points.slice(k), ...points.slice(0, k)];

/**
 * The parts of one object as one ring, joined as Ultralytics' `merge_multi_segment` joins a COCO
 * annotation's polygons (ultralytics/data/converter.py), point for point: each part is linked to the next
 * at their closest points; a forward pass walks the first part round, each middle part from its entry to
 * its exit, the last part round, and a return pass walks the middle parts' remainders back. A middle part
 * whose exit comes before its entry is reversed, its indices kept as Ultralytics keeps them. One part is
 * returned as it is (Ultralytics merges only several).
 */
export function mergeMultiSegment(parts: readonly (readonly number[])[]): number[] {
	if (parts.length < 2) return parts[0] ? [...parts[0]] : [];
	const segments = parts.map(pairsOf);
	const last = segments.length - 1;
	const links: number[][] = segments.map(() => []);
	for (let i = 1; i <= last; i++) {
		const [a, b] = closest(segments[i - 1], segments[i]);
		links[i - 1].push(a);
		links[i].push(b);
	}
	const out: Pt[][] = [];
	segments.forEach((_, i) => {
		let idx = links[i];
		if (idx.length === 2 && idx[0] > idx[1]) {
			idx = [idx[1], idx[0]];
			segments[i] = [...segments[i]].reverse();
		}
		const closed = rolled(segments[i], idx[0]);
		closed.push(closed[0]);
		segments[i] = closed;
		out.push(i === 0 || i === last ? closed : closed.slice(0, idx[1] - idx[0] + 1));
	});
	for (let i = last - 1; i > 0; i--) out.push(segments[i].slice(Math.abs(links[i][1] - links[i][0])));
	return out.flat(2);
}
