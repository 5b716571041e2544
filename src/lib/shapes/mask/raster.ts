import type { Point } from '$lib/geometry';

/**
 * Pixel rasterisation into a row-major bit buffer. Pixel (i, j) covers [i, i+1) × [j, j+1); a shape
 * covers it when it contains the pixel's centre (i + 0.5, j + 0.5), so results do not depend on zoom.
 */
export interface Bitmap {
	bits: Uint8Array;
	width: number;
	height: number;
}

/** Whole-pixel bounds: columns minX..maxX-1, rows minY..maxY-1 (max exclusive). */
export interface PixelRect {
	minX: number;
	minY: number;
	maxX: number;
	maxY: number;
}

export function newBitmap(width: number, height: number): Bitmap {
	return { bits: new Uint8Array(width * height), width, height };
}

/** Pixels whose centres can lie within [lo, hi] along an axis of n pixels, clipped; null when none. */
function pixelSpan(lo: number, hi: number, n: number): [number, number] | null {
	const a = Math.max(0, Math.ceil(lo - 0.5));
	const b = Math.min(n, Math.floor(hi - 0.5) + 1);
	return a < b ? [a, b] : null;
}

function boxOf(m: Bitmap, minX: number, minY: number, maxX: number, maxY: number): PixelRect | null {
	const xs = pixelSpan(minX, maxX, m.width);
	const ys = pixelSpan(minY, maxY, m.height);
	return xs && ys ? { minX: xs[0], maxX: xs[1], minY: ys[0], maxY: ys[1] } : null;
}

/**
 * Sets (value 1) or clears (0) every pixel whose centre lies within `radius` of the segment a–b: a
 * round-capped brush stroke (a disc when a = b). Returns the pixels it may have changed, or null.
 */
export function paintCapsule(m: Bitmap, a: Point, b: Point, radius: number, value: 0 | 1): PixelRect | null {
	const box = boxOf(
		m,
		Math.min(a.x, b.x) - radius,
		Math.min(a.y, b.y) - radius,
		Math.max(a.x, b.x) + radius,
		Math.max(a.y, b.y) + radius
	);
	if (!box) return null;
	const dx = b.x - a.x,
		dy = b.y - a.y;
	const len2 = dx * dx + dy * dy;
	const r2 = radius * radius;
	for (let j = box.minY; j < box.maxY; j++) {
		const py = j + 0.5;
		for (let i = box.minX; i < box.maxX; i++) {
			const px = i + 0.5;
			let t = len2 > 0 ? ((px - a.x) * dx + (py - a.y) * dy) / len2 : 0;
			t = t < 0 ? 0 : t > 1 ? 1 : t;
			const ex = a.x + t * dx - px,
				ey = a.y + t * dy - py;
			if (ex * ex + ey * ey <= r2) m.bits[j * m.width + i] = value;
		}
	}
	return box;
}

export function paintDisc(m: Bitmap, c: Point, radius: number, value: 0 | 1): PixelRect | null {
	return paintCapsule(m, c, c, radius, value);
}

/**
 * Scanline fill of a polygon (flat [x0, y0, x1, y1, …], even-odd rule): each row's pixel centres between
 * pairs of edge crossings. Returns the pixels it may have changed, or null.
 */
export function paintPolygon(m: Bitmap, points: readonly number[], value: 0 | 1): PixelRect | null {
	const n = points.length / 2;
	if (n < 3) return null;
	let minX = Infinity,
		minY = Infinity,
		maxX = -Infinity,
		maxY = -Infinity;
	for (let k = 0; k < n; k++) {
		minX = Math.min(minX, points[2 * k]);
		maxX = Math.max(maxX, points[2 * k]);
		minY = Math.min(minY, points[2 * k + 1]);
		maxY = Math.max(maxY, points[2 * k + 1]);
	}
	const box = boxOf(m, minX, minY, maxX, maxY);
	if (!box) return null;
	const crossings: number[] = [];
	for (let j = box.minY; j < box.maxY; j++) {
		const y = j + 0.5;
		crossings.length = 0;
		for (let k = 0; k < n; k++) {
			const x0 = points[2 * k],
				y0 = points[2 * k + 1];
			const x1 = points[(2 * k + 2) % (2 * n)],
				y1 = points[(2 * k + 3) % (2 * n)];
			// Half-open in y so that a vertex on the scanline counts once.
			if (y0 <= y === y1 <= y) continue;
			crossings.push(x0 + ((y - y0) / (y1 - y0)) * (x1 - x0));
		}
		crossings.sort((p, q) => p - q);
		for (let c = 0; c + 1 < crossings.length; c += 2) {
			const span = pixelSpan(crossings[c], crossings[c + 1], m.width);
			if (!span) continue;
			// Centres exactly on the right crossing are outside: [left, right).
			let end = span[1];
			if (end > span[0] && end - 1 + 0.5 === crossings[c + 1]) end--;
			m.bits.fill(value, j * m.width + span[0], j * m.width + end);
		}
	}
	return box;
}

/** The smallest box holding every set pixel of `bits` within `within` (default: all of it); null when none is set. */
export function cropMask(m: Bitmap, within?: PixelRect): PixelRect | null {
	const w = within ?? { minX: 0, minY: 0, maxX: m.width, maxY: m.height };
	const r = { minX: Math.max(0, w.minX), minY: Math.max(0, w.minY), maxX: Math.min(m.width, w.maxX), maxY: Math.min(m.height, w.maxY) };
	let minX = Infinity,
		minY = Infinity,
		maxX = -1,
		maxY = -1;
	for (let j = r.minY; j < r.maxY; j++) {
		const row = j * m.width;
		for (let i = r.minX; i < r.maxX; i++) {
			if (!m.bits[row + i]) continue;
			if (i < minX) minX = i;
			if (i > maxX) maxX = i;
			minY = Math.min(minY, j);
			maxY = j;
		}
	}
	return maxX < 0 ? null : { minX, minY, maxX: maxX + 1, maxY: maxY + 1 };
}

/** The pixels of `r` as their own row-major buffer. */
export function extract(m: Bitmap, r: PixelRect): Uint8Array {
	const w = r.maxX - r.minX;
	const out = new Uint8Array(w * (r.maxY - r.minY));
	for (let j = r.minY; j < r.maxY; j++) out.set(m.bits.subarray(j * m.width + r.minX, j * m.width + r.maxX), (j - r.minY) * w);
	return out;
}

/** Copies a row-major crop of size w × h into `m` at (x, y), clipped to `m`; set pixels only (a union). */
export function blit(m: Bitmap, crop: Uint8Array, x: number, y: number, w: number, h: number): void {
	for (let j = Math.max(0, -y); j < h && y + j < m.height; j++)
		for (let i = Math.max(0, -x); i < w && x + i < m.width; i++) if (crop[j * w + i]) m.bits[(y + j) * m.width + x + i] = 1;
}

/** The number of set pixels. */
export function maskArea(bits: Uint8Array): number {
	let n = 0;
	for (let i = 0; i < bits.length; i++) if (bits[i]) n++;
	return n;
}

export function unionPixelRect(a: PixelRect | null, b: PixelRect | null): PixelRect | null {
	if (!a) return b;
	if (!b) return a;
	return { minX: Math.min(a.minX, b.minX), minY: Math.min(a.minY, b.minY), maxX: Math.max(a.maxX, b.maxX), maxY: Math.max(a.maxY, b.maxY) };
}
