import { blit, cropMask, maskArea, newBitmap, paintPolygon, type Bitmap, type PixelRect } from '$lib/shapes/mask/raster';
import { maskBits, type MaskGeometry } from '$lib/shapes/mask/kind';
import type { PolygonPart } from '$lib/shapes/polygon/kind';
import { encodeMask, runsToString } from '$lib/shapes/mask/rle';

/** A mask of ours (a crop) placed on an image-sized bitmap. */
export function bitmapOf(mask: MaskGeometry, width: number, height: number): Bitmap {
	const m = newBitmap(width, height);
	blit(m, maskBits(mask), mask.x, mask.y, mask.width, mask.height);
	return m;
}

/** What COCO stores for a bitmap: compressed RLE of the whole image, its pixel count and pixel extent. */
export function cocoRleOf(m: Bitmap): { rle: { size: [number, number]; counts: string }; area: number; bbox: [number, number, number, number] } {
	const r = cropMask(m);
	return {
		rle: { size: [m.height, m.width], counts: encodeMask(m.bits, m.width, m.height) },
		area: maskArea(m.bits),
		bbox: r ? [r.minX, r.minY, r.maxX - r.minX, r.maxY - r.minY] : [0, 0, 0, 0]
	};
}

/**
 * Column-major runs of an h × w image → our cropped mask; null when no pixel is set. Works on the runs
 * and the crop only (a 4000 × 3000 image is never allocated whole). Throws when the runs do not cover h × w.
 */
export function maskOfRuns(runs: readonly number[], height: number, width: number): MaskGeometry | null {
	let total = 0;
	let minX = Infinity,
		minY = Infinity,
		maxX = -1,
		maxY = -1;
	for (let r = 0; r < runs.length; r++) {
		const n = runs[r];
		if (!Number.isInteger(n) || n < 0) throw new Error('The mask encoding has a negative run');
		if (r % 2 === 1 && n > 0) {
			const first = total,
				last = total + n - 1;
			const x0 = Math.floor(first / height),
				x1 = Math.floor(last / height);
			minX = Math.min(minX, x0);
			maxX = Math.max(maxX, x1);
			// A run that crosses into the next column covers every row of the two columns together.
			minY = Math.min(minY, x0 === x1 ? first % height : 0);
			maxY = Math.max(maxY, x0 === x1 ? last % height : height - 1);
		}
		total += n;
	}
	if (total !== width * height) throw new Error(`The mask encoding covers ${total} pixels, not ${width * height}`);
	if (maxX < 0) return null;
	const w = maxX - minX + 1,
		h = maxY - minY + 1;
	const bits = new Uint8Array(w * h);
	let i = 0;
	for (let r = 0; r < runs.length; r++) {
		if (r % 2 === 1)
			for (let q = i; q < i + runs[r]; q++) bits[((q % height) - minY) * w + Math.floor(q / height) - minX] = 1;
		i += runs[r];
	}
	return { x: minX, y: minY, width: w, height: h, rle: encodeMask(bits, w, h) };
}

/** What COCO stores for a mask of ours: the whole image's runs, built from the crop without allocating the image. */
export function cocoRleOfMask(mask: MaskGeometry, width: number, height: number): ReturnType<typeof cocoRleOf> {
	const bits = maskBits(mask);
	const runs: number[] = [];
	let value = 0,
		length = 0;
	const add = (v: number, n: number) => {
		if (n <= 0) return;
		if (v !== value) {
			runs.push(length);
			value = v;
			length = 0;
		}
		length += n;
	};
	let area = 0,
		minX = Infinity,
		minY = Infinity,
		maxX = -1,
		maxY = -1;
	for (let x = 0; x < width; x++) {
		const cx = x - mask.x;
		if (cx < 0 || cx >= mask.width) {
			add(0, height);
			continue;
		}
		const top = Math.max(0, mask.y),
			bottom = Math.min(height, mask.y + mask.height);
		add(0, top);
		for (let y = top; y < bottom; y++) {
			const v = bits[(y - mask.y) * mask.width + cx];
			if (v) {
				area++;
				minX = Math.min(minX, x);
				maxX = x;
				minY = Math.min(minY, y);
				maxY = Math.max(maxY, y);
			}
			add(v ? 1 : 0, 1);
		}
		add(0, height - Math.max(top, bottom));
	}
	runs.push(length);
	return {
		rle: { size: [height, width], counts: runsToString(runs) },
		area,
		bbox: maxX < 0 ? [0, 0, 0, 0] : [minX, minY, maxX - minX + 1, maxY - minY + 1]
	};
}

/**
 * pycocotools' polygon rasterisation (maskApi.c rleFrPoly), ported line for line so that a polygon
 * COCO cannot carry (one with holes) is written as the very pixels COCO's tools would draw for its rings:
 * the boundary is traced on a 5× finer grid and each column is filled between boundary crossings.
 */
export function paintPolygonAsCoco(m: Bitmap, xy: readonly number[], value: 0 | 1): PixelRect | null {
	const h = m.height,
		w = m.width;
	const k = xy.length / 2;
	if (k < 3) return null;
	const scale = 5;
	const x: number[] = [],
		y: number[] = [];
	for (let j = 0; j < k; j++) x.push(Math.trunc(scale * xy[j * 2] + 0.5));
	for (let j = 0; j < k; j++) y.push(Math.trunc(scale * xy[j * 2 + 1] + 0.5));
	x.push(x[0]);
	y.push(y[0]);
	const u: number[] = [],
		v: number[] = [];
	for (let j = 0; j < k; j++) {
		let xs = x[j],
			xe = x[j + 1],
			ys = y[j],
			ye = y[j + 1];
		const dx = Math.abs(xe - xs),
			dy = Math.abs(ys - ye);
		const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
		if (flip) {
			[xs, xe] = [xe, xs];
			[ys, ye] = [ye, ys];
		}
		const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
		if (dx >= dy)
			for (let d = 0; d <= dx; d++) {
				const t = flip ? dx - d : d;
				u.push(t + xs);
				v.push(Math.trunc(ys + s * t + 0.5));
			}
		else
			for (let d = 0; d <= dy; d++) {
				const t = flip ? dy - d : d;
				v.push(t + ys);
				u.push(Math.trunc(xs + s * t + 0.5));
			}
	}
	// Points where the boundary crosses a pixel column's centre, downsampled to pixels.
	const a: number[] = [];
	for (let j = 1; j < u.length; j++) {
		if (u[j] === u[j - 1]) continue;
		let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
		xd = (xd + 0.5) / scale - 0.5;
		if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
		let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
		yd = (yd + 0.5) / scale - 0.5;
		yd = Math.ceil(yd < 0 ? 0 : yd > h ? h : yd);
		a.push(xd * h + yd);
	}
	a.push(h * w);
	a.sort((p, q) => p - q);
	// Toggle positions → runs, merging zero-length runs as maskApi.c does.
	let p = 0;
	for (let j = 0; j < a.length; j++) {
		const t = a[j];
		a[j] -= p;
		p = t;
	}
	const runs: number[] = [];
	let j = 0;
	runs.push(a[j++]);
	while (j < a.length)
		if (a[j] > 0) runs.push(a[j++]);
		else {
			j++;
			if (j < a.length) runs[runs.length - 1] += a[j++];
		}
	// Runs alternate 0,1,…; apply the set ones to m.
	let i = 0,
		minX = Infinity,
		maxX = -1;
	for (let r = 0; r < runs.length; r++) {
		if (r % 2 === 1)
			for (let q = i; q < i + runs[r] && q < h * w; q++) {
				const col = Math.floor(q / h);
				m.bits[(q % h) * w + col] = value;
				minX = Math.min(minX, col);
				maxX = Math.max(maxX, col);
			}
		i += runs[r];
	}
	return maxX < 0 ? null : { minX, maxX: maxX + 1, minY: 0, maxY: h };
}

type PaintRing = (m: Bitmap, xy: readonly number[], value: 0 | 1) => PixelRect | null;

/**
 * A polygon's pixels: each part less its own holes, the parts together. `paint` is COCO's rasteriser
 * (what pycocotools draws, for RLE) or the app's (pixel centres, for label maps).
 */
export function rasteriseParts(parts: readonly PolygonPart[], width: number, height: number, paint: PaintRing = paintPolygonAsCoco): Bitmap {
	const m = newBitmap(width, height);
	// A hole of one part must not cut another part lying under it: such parts are painted apart, then added.
	const apart = parts.length > 1 && parts.some((p) => p.holes?.length);
	for (const part of parts) {
		const target = apart ? newBitmap(width, height) : m;
		paint(target, part.points, 1);
		for (const hole of part.holes ?? []) paint(target, hole, 0);
		if (apart) for (let i = 0; i < target.bits.length; i++) if (target.bits[i]) m.bits[i] = 1;
	}
	return m;
}
