import { stringToRuns } from '$lib/shapes/mask/rle';
import { MAX_MASK_PIXELS, MAX_SHAPE_VERTICES } from '$lib/shapes/limits';
import { FormatError } from './errors';
import type { DatasetFile } from './files';
import { imageSize, pngSize } from './image-size';
import { checkPngInflates } from './png-bound';

/**
 * The sizes a file may claim before it is refused, in one place (docs/formats.md, "Limits"). Files come
 * from anyone: each size is checked before anything of that size is allocated or decoded.
 */

/** An image or mask larger than this many pixels (16384 × 16384) is refused: the document's cap on a mask. */
export const MAX_IMAGE_PIXELS = MAX_MASK_PIXELS;
/** A side longer than this is refused even when the area is small (1 × 300,000,000). */
export const MAX_IMAGE_SIDE = 2 ** 16;
/**
 * Text files (JSON, XML, YAML, label lists) larger than this are refused before decoding: V8 holds no
 * string longer than 2^29 − 24 characters, and COCO's largest common file (train2017) is 448 MB.
 */
export const MAX_TEXT_BYTES = 500 * 2 ** 20;
/** A shape with more points than the document allows is refused as it is read, naming it. */
export const MAX_SHAPE_POINTS = MAX_SHAPE_VERTICES;

/** Zip archives: what they may unpack to, checked from the declared sizes and again while inflating. */
export const ZIP_LIMITS = {
	/** All entries together, unpacked. */
	total: 8 * 2 ** 30,
	/** One entry, unpacked. */
	entry: 2 ** 30,
	/** Entries in one archive (folders included). */
	entries: 2 ** 20,
	/** Unpacked ÷ packed bytes of one entry larger than `ratioFrom`: deflate gives text 5–20×, a bomb 1000×. */
	ratio: 200,
	ratioFrom: 2 ** 20
};
export type ZipLimits = typeof ZIP_LIMITS;

const px = (n: number) => n.toLocaleString('en');

/**
 * Refuses a width × height that is not a finite, non-negative number of pixels, or that is over the caps;
 * 0 × 0 (size unknown) is allowed. `what` says whose size it is ('the image', 'the mask').
 */
export function checkPixelSize(width: unknown, height: unknown, file: string, place: string, what = 'the image'): void {
	if (typeof width !== 'number' || typeof height !== 'number' || !Number.isFinite(width) || !Number.isFinite(height) || width < 0 || height < 0)
		throw new FormatError(file, place, `${what}'s size ${String(width)} × ${String(height)} is not a number of pixels`);
	const w = width as number,
		h = height as number;
	if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || w * h > MAX_IMAGE_PIXELS)
		throw new FormatError(
			file,
			place,
			`${what} is ${px(w)} × ${px(h)} pixels, larger than Peerlabel handles (at most ${px(MAX_IMAGE_PIXELS)} pixels, e.g. 16,384 × 16,384, and ${px(MAX_IMAGE_SIDE)} a side)`
		);
}

/** An image file's size from its header (null when unreadable), refused when over the caps. */
export function checkedImageSize(file: DatasetFile): { width: number; height: number } | null {
	const size = imageSize(file.bytes);
	if (size) checkPixelSize(size.width, size.height, file.path, '');
	return size;
}

/**
 * Refuses a mask over the caps, or whose size is not its image's when the image's size is known (not
 * 0 × 0). Called before the mask is decoded.
 */
export function checkMaskFitsImage(
	mask: { width: number; height: number },
	image: { width: number; height: number; name?: string },
	file: string,
	place: string
): void {
	checkPixelSize(mask.width, mask.height, file, place, 'the mask');
	if (image.width > 0 && image.height > 0 && (mask.width !== image.width || mask.height !== image.height))
		throw new FormatError(
			file,
			place,
			`the mask is ${px(mask.width)} × ${px(mask.height)} but its image${image.name ? ` "${image.name}"` : ''} is ${px(image.width)} × ${px(image.height)}`
		);
}

/**
 * The checks of checkMaskFitsImage on a PNG mask's header, then its data's unpacked size, before it is
 * decoded. Bytes that are not a PNG are left to the decoder to refuse.
 */
export function checkPngMask(bytes: Uint8Array, image: { width: number; height: number; name?: string }, file: string, place = ''): void {
	const size = pngSize(bytes);
	if (!size) return;
	checkMaskFitsImage(size, image, file, place);
	checkPngInflates(bytes, file, place);
}

/** Before a writer allocates an image-sized bitmap: the image's size within the caps, named by the image. */
export function checkImageToRaster(image: { name: string; width: number; height: number }): void {
	checkPixelSize(image.width, image.height, image.name, '', 'the image');
}

/** Refuses COCO-style runs (a counts string or list) that do not add up to width × height; no pixel is expanded. */
export function checkRunsCover(counts: string | readonly number[], width: number, height: number, file: string, place: string): void {
	let runs: readonly number[];
	try {
		runs = typeof counts === 'string' ? stringToRuns(counts) : counts;
	} catch (e) {
		throw new FormatError(file, place, e instanceof Error ? e.message : String(e));
	}
	let total = 0;
	for (const n of runs) {
		if (!Number.isInteger(n) || n < 0) throw new FormatError(file, place, 'holds a run that is not a whole, non-negative number');
		total += n;
	}
	if (total !== width * height) throw new FormatError(file, place, `covers ${px(total)} pixels, not ${px(width)} × ${px(height)} = ${px(width * height)}`);
}

/** Refuses a list of coordinates longer than a shape may have (`values` numbers, 2 per point). */
export function checkPointCount(values: number, file: string, place: string, perPoint = 2): void {
	if (values / perPoint > MAX_SHAPE_POINTS)
		throw new FormatError(file, place, `has ${px(Math.ceil(values / perPoint))} points; a shape may have at most ${px(MAX_SHAPE_POINTS)}`);
}
