/**
 * The contours DB post-processing gets from cv2.findContours(bitmap, RETR_LIST, CHAIN_APPROX_SIMPLE),
 * reduced to what it uses them for: each contour's minAreaRect, which depends only on the convex hull
 * of the contour's points.
 *
 * OpenCV (Suzuki–Abe) treats 1-pixels as 8-connected and 0-pixels as 4-connected, with the frame
 * outside the image as 0. RETR_LIST returns, flat:
 * - one outer border per 8-connected component of 1-pixels. Its hull is the hull of the whole
 *   component (inner pixels lie inside it), so we keep each row's leftmost and rightmost pixel;
 * - one hole border per 4-connected component of 0-pixels that does not reach the frame. That border
 *   runs through the 1-pixels 4-adjacent to the hole, so we keep those (row extremes again).
 * CHAIN_APPROX_SIMPLE only drops points in the middle of straight runs: the hull is unchanged.
 * Order: OpenCV finds borders in raster order of their first pixel and links each new one in front
 * of the others, so the list comes newest first (bottom-up); we return the same order. It decides
 * which contours survive only when there are more than max_candidates (1000).
 */
import type { Point } from './image';

/** Per-row leftmost and rightmost x of a pixel set, as hull candidates. */
class RowExtremes {
	private rows = new Map<number, [number, number]>();
	add(x: number, y: number) {
		const row = this.rows.get(y);
		if (!row) this.rows.set(y, [x, x]);
		else {
			if (x < row[0]) row[0] = x;
			if (x > row[1]) row[1] = x;
		}
	}
	points(): Point[] {
		const out: Point[] = [];
		for (const [y, [a, b]] of this.rows) {
			out.push([a, y]);
			if (b !== a) out.push([b, y]);
		}
		return out;
	}
}

/** Points whose convex hull equals that of each contour cv2.findContours(RETR_LIST) would return. */
export function contourHullPoints(bitmap: Uint8Array, width: number, height: number): Point[][] {
	const found: { start: number; points: Point[] }[] = [];
	const label = new Int32Array(width * height); // 0 = unvisited
	const stack = new Int32Array(width * height);

	// Outer borders: 8-connected components of 1-pixels.
	let next = 1;
	for (let start = 0; start < width * height; start++) {
		if (!bitmap[start] || label[start]) continue;
		const extremes = new RowExtremes();
		let top = 0;
		stack[top++] = start;
		label[start] = next;
		while (top > 0) {
			const i = stack[--top];
			const x = i % width;
			const y = (i - x) / width;
			extremes.add(x, y);
			for (let dy = -1; dy <= 1; dy++) {
				const ny = y + dy;
				if (ny < 0 || ny >= height) continue;
				for (let dx = -1; dx <= 1; dx++) {
					const nx = x + dx;
					if (nx < 0 || nx >= width) continue;
					const j = ny * width + nx;
					if (bitmap[j] && !label[j]) {
						label[j] = next;
						stack[top++] = j;
					}
				}
			}
		}
		found.push({ start, points: extremes.points() });
		next++;
	}

	// Hole borders: 4-connected components of 0-pixels that never touch the image's edge.
	for (let start = 0; start < width * height; start++) {
		if (bitmap[start] || label[start]) continue;
		const border = new RowExtremes();
		let reachesFrame = false;
		let top = 0;
		stack[top++] = start;
		label[start] = -1;
		while (top > 0) {
			const i = stack[--top];
			const x = i % width;
			const y = (i - x) / width;
			if (x === 0 || y === 0 || x === width - 1 || y === height - 1) reachesFrame = true;
			for (let n = 0; n < 4; n++) {
				const nx = n === 0 ? x - 1 : n === 1 ? x + 1 : x;
				const ny = n === 2 ? y - 1 : n === 3 ? y + 1 : y;
				if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
				const j = ny * width + nx;
				if (bitmap[j]) border.add(nx, ny);
				else if (!label[j]) {
					label[j] = -1;
					stack[top++] = j;
				}
			}
		}
		// The border is found at the 1-pixel left of the hole's first pixel.
		if (!reachesFrame) found.push({ start: start - 1, points: border.points() });
	}
	return found.sort((a, b) => b.start - a.start).map((c) => c.points);
}
