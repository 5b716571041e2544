import type { Bitmap, PixelRect } from './raster';

export type Rgba = readonly [number, number, number, number];

/** '#rrggbb' at an alpha (0-1) as RGBA bytes; an unreadable colour falls back to grey. */
export function rgbaOf(hex: string, alpha: number): Rgba {
	const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
	const a = Math.round(alpha * 255);
	return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16), a] : [154, 164, 178, a];
}

/**
 * Writes the pixels of `rect` of a bitmap as RGBA into `out` (rect-sized, row-major): set pixels in
 * `fill`, set pixels with an unset 4-neighbour (or on the bitmap's border) in `edge`, the rest clear.
 * Neighbours are read from the whole bitmap, so a rect repainted on its own matches its surroundings.
 */
export function colorize(m: Bitmap, rect: PixelRect, fill: Rgba, edge: Rgba, out: Uint8ClampedArray): void {
	const { bits, width, height } = m;
	const w = rect.maxX - rect.minX;
	for (let j = rect.minY; j < rect.maxY; j++) {
		for (let i = rect.minX; i < rect.maxX; i++) {
			const k = j * width + i;
			const o = ((j - rect.minY) * w + (i - rect.minX)) * 4;
			if (!bits[k]) {
				out[o + 3] = 0;
				continue;
			}
			const onEdge =
				i === 0 || j === 0 || i === width - 1 || j === height - 1 || !bits[k - 1] || !bits[k + 1] || !bits[k - width] || !bits[k + width];
			const c = onEdge ? edge : fill;
			out[o] = c[0];
			out[o + 1] = c[1];
			out[o + 2] = c[2];
			out[o + 3] = c[3];
		}
	}
}
