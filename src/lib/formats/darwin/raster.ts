import { encodeMask } from '$lib/shapes/mask/rle';
import type { GeometryByType } from '$lib/shapes/registry';
import { decodeMask } from '$lib/shapes/mask/rle';

type Mask = GeometryByType['mask'];

/**
 * V7's raster layer: `dense_rle` is [value, count, value, count, …] over the whole slot, row by row;
 * `mask_annotation_ids_mapping` gives each mask annotation's value (0 is background).
 * Returns each value's pixels as a cropped mask (null when it has none); throws a message on a bad layer.
 */
export function masksFromDenseRle(denseRle: readonly number[], width: number, height: number, values: readonly number[]): Map<number, Mask | null> {
	if (denseRle.length % 2) throw new Error('dense_rle has an odd number of entries');
	const total = width * height;
	const wanted = new Set(values);
	const box = new Map<number, { minX: number; minY: number; maxX: number; maxY: number }>();
	const runs: [number, number, number][] = [];
	let p = 0;
	for (let i = 0; i < denseRle.length; i += 2) {
		const value = denseRle[i],
			count = denseRle[i + 1];
		if (!Number.isInteger(value) || !Number.isInteger(count) || count < 0) throw new Error(`dense_rle[${i}] is not a whole value and count`);
		if (p + count > total) throw new Error(`dense_rle covers more than the slot's ${width} × ${height} pixels`);
		if (count && wanted.has(value)) {
			runs.push([value, p, count]);
			const y0 = Math.floor(p / width),
				y1 = Math.floor((p + count - 1) / width);
			const x0 = y0 === y1 ? p % width : 0,
				x1 = y0 === y1 ? (p + count - 1) % width : width - 1;
			const b = box.get(value);
			if (!b) box.set(value, { minX: x0, minY: y0, maxX: x1, maxY: y1 });
			else Object.assign(b, { minX: Math.min(b.minX, x0), minY: Math.min(b.minY, y0), maxX: Math.max(b.maxX, x1), maxY: Math.max(b.maxY, y1) });
		}
		p += count;
	}
	if (p !== total) throw new Error(`dense_rle covers ${p} pixels, not the slot's ${width} × ${height} = ${total}`);
	const crops = new Map<number, Uint8Array>();
	for (const [value, b] of box) crops.set(value, new Uint8Array((b.maxX - b.minX + 1) * (b.maxY - b.minY + 1)));
	for (const [value, start, count] of runs) {
		const b = box.get(value)!,
			crop = crops.get(value)!,
			w = b.maxX - b.minX + 1;
		for (let q = start; q < start + count; q++) crop[(Math.floor(q / width) - b.minY) * w + (q % width) - b.minX] = 1;
	}
	const out = new Map<number, Mask | null>();
	for (const v of values) {
		const b = box.get(v);
		if (!b) out.set(v, null);
		else {
			const w = b.maxX - b.minX + 1,
				h = b.maxY - b.minY + 1;
			out.set(v, { x: b.minX, y: b.minY, width: w, height: h, rle: encodeMask(crops.get(v)!, w, h) });
		}
	}
	return out;
}

/** The raster layer of masks painted in order (a later mask covers an earlier one where they overlap). */
export function denseRleOfMasks(masks: readonly Mask[], width: number, height: number): number[] {
	const labels = new Uint32Array(width * height);
	masks.forEach((m, k) => {
		const bits = decodeMask(m.rle, m.width, m.height);
		for (let j = 0; j < m.height; j++)
			for (let i = 0; i < m.width; i++) {
				const x = m.x + i,
					y = m.y + j;
				if (bits[j * m.width + i] && x < width && y < height) labels[y * width + x] = k + 1;
			}
	});
	const out: number[] = [];
	for (let p = 0; p < labels.length; p++) {
		if (out.length && out[out.length - 2] === labels[p]) out[out.length - 1]++;
		else out.push(labels[p], 1);
	}
	return out;
}
