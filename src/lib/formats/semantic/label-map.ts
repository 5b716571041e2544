import { decode, encode } from 'fast-png';
import { bitmapOfMask, maskFromBitmap, type MaskGeometry } from '$lib/shapes/mask/kind';
import { newBitmap, paintPolygon, type Bitmap } from '$lib/shapes/mask/raster';
import { polygonParts } from '$lib/shapes/polygon/kind';
import { rasteriseParts } from '../coco/masks';
import { unhandledShape } from '$lib/shapes/convert';
import type { DatasetAnnotation } from '../dataset';
import { FormatError } from '../errors';
import type { DatasetFile } from '../files';
import { checkPixelSize, checkPngMask } from '../limits';

/**
 * Label maps: one 8-bit value per pixel of an image (a class index, or an instance index), as semantic
 * and VOC segmentation PNGs store them. Masks and polygons are painted into one; one is split back into
 * one mask per value.
 */
export interface LabelMap {
	values: Uint8Array;
	width: number;
	height: number;
}

/** VOC's void / border value: never a class nor an instance. */
export const VOID = 255;

export function newLabelMap(width: number, height: number): LabelMap {
	checkPixelSize(width, height, '', '', 'a label map');
	return { values: new Uint8Array(width * height), width, height };
}

/** The annotation's pixels, or null for types that cover no area a label map holds (only masks and polygons do). */
export function pixelsOf(a: DatasetAnnotation, width: number, height: number): Bitmap | null {
	switch (a.type) {
		case 'mask':
			return bitmapOfMask(a.geometry, { width, height });
		case 'polygon':
			return rasteriseParts(polygonParts(a.geometry), width, height, paintPolygon);
		case 'box':
		case 'rotatedBox':
		case 'ellipse':
		case 'polyline':
		case 'keypoint':
		case 'skeleton':
		case 'cuboid':
		case 'tag':
			return null;
		default:
			return unhandledShape(a);
	}
}

/** Paints `value` where the annotation covers pixels (later paints win); false when its type covers none. */
export function paint(map: LabelMap, a: DatasetAnnotation, value: number): boolean {
	const m = pixelsOf(a, map.width, map.height);
	if (!m) return false;
	for (let i = 0; i < m.bits.length; i++) if (m.bits[i]) map.values[i] = value;
	return true;
}

/** One cropped mask per value present (background 0 and void 255 excluded), by value. */
export function masksOf(map: LabelMap): Map<number, MaskGeometry> {
	const present = new Set<number>();
	for (const v of map.values) if (v !== 0 && v !== VOID) present.add(v);
	const out = new Map<number, MaskGeometry>();
	for (const v of [...present].sort((a, b) => a - b)) {
		const m = newBitmap(map.width, map.height);
		for (let i = 0; i < map.values.length; i++) if (map.values[i] === v) m.bits[i] = 1;
		const g = maskFromBitmap(m);
		if (g) out.set(v, g);
	}
	return out;
}

/** The standard PASCAL VOC colour map (bitwise interleaving of the index's bits, as VOCdevkit's labelcolormap.m). */
export function vocColor(index: number): [number, number, number] {
	let r = 0,
		g = 0,
		b = 0,
		c = index;
	for (let j = 7; j >= 0; j--) {
		r |= (c & 1) << j;
		g |= ((c >> 1) & 1) << j;
		b |= ((c >> 2) & 1) << j;
		c >>= 3;
	}
	return [r, g, b];
}

export const vocPalette = (): number[][] => Array.from({ length: 256 }, (_, i) => vocColor(i));

/** An 8-bit indexed PNG with the VOC palette: index = value (what VOC's SegmentationClass/Object hold). */
export function encodePalettePng(map: LabelMap): Uint8Array {
	return encode({ width: map.width, height: map.height, data: map.values, depth: 8, channels: 1, palette: vocPalette() });
}

/** An 8-bit greyscale PNG of the values. */
export function encodeGreyPng(map: LabelMap): Uint8Array {
	return encode({ width: map.width, height: map.height, data: map.values, depth: 8, channels: 1 });
}

export interface DecodedLabelPng {
	width: number;
	height: number;
	/** Per pixel: the palette index (indexed PNG), the grey value, or -1 for colours (then see `rgb`). */
	index: Int32Array;
	/** Per pixel 0xRRGGBB, for colour and indexed PNGs (indexed: the palette's colour). */
	rgb: Int32Array | null;
}

/**
 * Decodes a label PNG of any colour type; FormatError naming the file when it is not a PNG, or when its
 * header's size is over the caps or not its image's (checked before decoding).
 */
export function decodeLabelPng(file: DatasetFile, image: { width: number; height: number; name?: string } = { width: 0, height: 0 }): DecodedLabelPng {
	checkPngMask(file.bytes, image, file.path);
	let png: ReturnType<typeof decode>;
	try {
		png = decode(file.bytes);
	} catch (e) {
		throw new FormatError(file.path, '', `is not a readable PNG (${e instanceof Error ? e.message : String(e)})`);
	}
	const { width, height, data, channels, palette } = png;
	const n = width * height;
	const index = new Int32Array(n).fill(-1);
	let rgb: Int32Array | null = null;
	if (palette) {
		rgb = new Int32Array(n);
		for (let i = 0; i < n; i++) {
			const k = readIndexed(data, i, width, png.depth);
			index[i] = k;
			const c = palette[k] ?? [0, 0, 0];
			rgb[i] = (c[0] << 16) | (c[1] << 8) | c[2];
		}
	} else if (channels <= 2) {
		const max = png.depth === 16 ? 257 : 1;
		for (let i = 0; i < n; i++) index[i] = Math.round(data[i * channels] / max);
	} else {
		rgb = new Int32Array(n);
		const shift = png.depth === 16 ? 8 : 0;
		for (let i = 0; i < n; i++) rgb[i] = ((data[i * channels] >> shift) << 16) | ((data[i * channels + 1] >> shift) << 8) | (data[i * channels + 2] >> shift);
	}
	return { width, height, index, rgb };
}

/** Indexed pixels of 1, 2, 4 or 8 bits, rows padded to whole bytes. */
function readIndexed(data: ArrayLike<number>, i: number, width: number, depth: number): number {
	if (depth === 8) return data[i];
	const x = i % width,
		y = Math.floor(i / width);
	const rowBytes = Math.ceil((width * depth) / 8);
	const bit = x * depth;
	const byte = data[y * rowBytes + (bit >> 3)];
	return (byte >> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
}

export const hexOf = (rgb: number) => '#' + rgb.toString(16).padStart(6, '0');
export const rgbOfHex = (hex: string) => parseInt(hex.slice(1), 16);
