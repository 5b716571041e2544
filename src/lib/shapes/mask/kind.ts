import type { Point } from '$lib/geometry';
import { validationError, type ShapeKind } from '../kind';
import { MAX_MASK_PIXELS, MAX_MASK_RLE_CHARS } from '../limits';
import { blit, cropMask, extract, maskArea, newBitmap, type Bitmap, type PixelRect } from './raster';
import { decodeMask, encodeMask } from './rle';

/**
 * A pixel mask: its bounding box in whole image pixels (cropped to the pixels it covers) and the crop's
 * pixels in COCO's compressed RLE string (column-major runs, see rle.ts).
 */
export interface MaskGeometry {
	x: number;
	y: number;
	width: number;
	height: number;
	rle: string;
}

/** Hit-testing looks at most this many pixels around the pointer (tolerance grows when zoomed out). */
const MAX_HIT_RADIUS = 12;

const decoded = new WeakMap<MaskGeometry, Uint8Array>();

/** The crop's row-major bits, decoded once per geometry object. Assumes a validated geometry. */
export function maskBits(g: MaskGeometry): Uint8Array {
	let bits = decoded.get(g);
	if (!bits) {
		bits = decodeMask(g.rle, g.width, g.height);
		decoded.set(g, bits);
	}
	return bits;
}

/**
 * The mask of the set pixels of an image-sized bitmap, cropped; null when none is set. `within` bounds
 * where set pixels can be (what a gesture touched), so that a large image is not scanned whole.
 */
export function maskFromBitmap(m: Bitmap, within?: PixelRect | null): MaskGeometry | null {
	const r = cropMask(m, within ?? undefined);
	if (!r) return null;
	const width = r.maxX - r.minX,
		height = r.maxY - r.minY;
	const bits = extract(m, r);
	const g = { x: r.minX, y: r.minY, width, height, rle: encodeMask(bits, width, height) };
	decoded.set(g, bits);
	return g;
}

/**
 * The corners of the outermost pixels of each row (flat): their convex hull is the mask's, found
 * without a point per pixel.
 */
export function maskRowEnds(g: MaskGeometry): number[] {
	const bits = maskBits(g);
	const out: number[] = [];
	for (let j = 0; j < g.height; j++) {
		let first = -1,
			last = -1;
		for (let i = 0; i < g.width; i++)
			if (bits[j * g.width + i]) {
				if (first < 0) first = i;
				last = i;
			}
		if (first < 0) continue;
		const y = g.y + j;
		out.push(g.x + first, y, g.x + first, y + 1, g.x + last + 1, y, g.x + last + 1, y + 1);
	}
	return out;
}

/** An image-sized bitmap holding the mask (clipped to the image). */
export function sameMask(a: MaskGeometry, b: MaskGeometry): boolean {
	return a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height && a.rle === b.rle;
}

export function bitmapOfMask(g: MaskGeometry | null, image: { width: number; height: number }): Bitmap {
	const m = newBitmap(image.width, image.height);
	if (g) blit(m, maskBits(g), g.x, g.y, g.width, g.height);
	return m;
}

function isWhole(v: unknown): v is number {
	return typeof v === 'number' && Number.isInteger(v);
}

export const maskKind: ShapeKind<MaskGeometry> = {
	type: 'mask',
	label: 'Mask',

	validate(raw, image) {
		const g = raw as Partial<MaskGeometry> | null;
		if (!g || typeof g !== 'object' || typeof g.rle !== 'string') return validationError('Mask pixels are missing');
		if (![g.x, g.y, g.width, g.height].every(isWhole)) return validationError('A mask’s position and size must be whole pixels');
		if (g.width! < 1 || g.height! < 1) return validationError('A mask needs a size of at least 1 × 1 px');
		// Checked before decoding: a few bytes of RLE can claim billions of pixels.
		if (g.width! > image.width || g.height! > image.height)
			return validationError(`A mask of ${g.width} × ${g.height} px does not fit its ${image.width} × ${image.height} px image`);
		if (g.width! * g.height! > MAX_MASK_PIXELS) return validationError(`A mask has at most ${MAX_MASK_PIXELS.toLocaleString('en')} pixels`);
		if (g.rle.length > MAX_MASK_RLE_CHARS) return validationError(`A mask’s encoding has at most ${MAX_MASK_RLE_CHARS.toLocaleString('en')} characters`);
		let bits: Uint8Array;
		try {
			bits = decodeMask(g.rle, g.width!, g.height!);
		} catch {
			return validationError('The mask’s pixels do not match its size');
		}
		// Clip to the image (as other shapes are clamped), then crop to the pixels that remain.
		const { x, y, width, height } = g as MaskGeometry;
		const crop = { bits, width, height };
		const inImage = { minX: Math.max(0, -x), minY: Math.max(0, -y), maxX: Math.min(width, image.width - x), maxY: Math.min(height, image.height - y) };
		const r = inImage.minX < inImage.maxX && inImage.minY < inImage.maxY ? cropMask(crop, inImage) : null;
		if (!r) return validationError(maskArea(bits) ? 'The mask lies outside the image' : 'An empty mask is not stored');
		if (r.minX === 0 && r.minY === 0 && r.maxX === width && r.maxY === height) {
			const clean = { x, y, width, height, rle: g.rle };
			decoded.set(clean, bits);
			return { ok: true, geometry: clean };
		}
		const sub = extract(crop, r);
		const w = r.maxX - r.minX,
			h = r.maxY - r.minY;
		const clean = { x: x + r.minX, y: y + r.minY, width: w, height: h, rle: encodeMask(sub, w, h) };
		decoded.set(clean, sub);
		return { ok: true, geometry: clean };
	},

	bounds(g) {
		return { minX: g.x, minY: g.y, maxX: g.x + g.width, maxY: g.y + g.height };
	},

	hitTest(g, p: Point, tolerance) {
		const bits = maskBits(g);
		const r = Math.min(Math.ceil(Math.max(0, tolerance)), MAX_HIT_RADIUS);
		const ci = Math.floor(p.x) - g.x,
			cj = Math.floor(p.y) - g.y;
		for (let j = Math.max(0, cj - r); j <= Math.min(g.height - 1, cj + r); j++)
			for (let i = Math.max(0, ci - r); i <= Math.min(g.width - 1, ci + r); i++)
				if (bits[j * g.width + i] && (i - ci) ** 2 + (j - cj) ** 2 <= r * r) return true;
		return false;
	},

	translate(g, dx, dy) {
		const moved = { ...g, x: g.x + Math.round(dx), y: g.y + Math.round(dy) };
		const bits = decoded.get(g);
		if (bits) decoded.set(moved, bits);
		return moved;
	},

	handles() {
		return [];
	},

	dragHandle(g) {
		return g;
	},

	removeVertex() {
		return null;
	},

	area(g) {
		return maskArea(maskBits(g));
	},

	describe(g) {
		return `${maskArea(maskBits(g))} px`;
	}
};
