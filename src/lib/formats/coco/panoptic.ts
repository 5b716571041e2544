import { convertIndexedToRgb, decode, encode } from 'fast-png';
import { newBitmap } from '$lib/shapes/mask/raster';
import { maskFromBitmap } from '$lib/shapes/mask/kind';
import type { ShapeType } from '$lib/shapes/registry';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetImage } from '../dataset';
import { pixelsOf } from '../semantic/label-map';
import { FormatError } from '../errors';
import { dirname, stem, utf8, type DatasetFile } from '../files';
import { readCategory, type CocoCategory } from './categories';
import { JsonReader } from './checks';
import type { CocoReadState } from './read';
import { categoryIds, categoryRecord, header, numberImages } from './write';
import { checkImageToRaster, checkMaskFitsImage, checkPixelSize, checkPngMask } from '../limits';

export const PANOPTIC_JSON = 'annotations/panoptic.json';

/** Where an image's segment PNG goes, relative to annotations/panoptic/ (folders kept: no clashes). */
const pngName = (image: DatasetImage) => `${image.name.replace(/\.[^./]+$/, '')}.png`;

export function writePanoptic(d: Dataset, options: WriteOptions): WriteResult {
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const classIds = categoryIds(d);
	const semantic = new Set(d.classes.filter((c) => c.semantic).map((c) => c.name));
	const { ids, record, imagePath } = numberImages(d.images);
	const byImage = new Map<string, typeof d.annotations>();
	for (const a of d.annotations) byImage.set(a.image, [...(byImage.get(a.image) ?? []), a]);
	const files: DatasetFile[] = [];
	const annotations: unknown[] = [];
	for (const image of d.images) {
		const { width, height } = image;
		checkImageToRaster(image);
		const segmentOf = new Uint32Array(width * height);
		const segments: { id: number; category_id: number | string; iscrowd: number }[] = [];
		const semanticSegment = new Map<string, (typeof segments)[number]>();
		// Dataset order is drawing order: later annotations cover earlier ones.
		for (const a of byImage.get(image.name) ?? []) {
			const category = classIds.get(a.className);
			// Masks and polygons have pixels; other types have no area panoptic can carry.
			const region = category ? pixelsOf(a, width, height) : null;
			if (!category || !region) {
				skipped[a.type] = (skipped[a.type] ?? 0) + 1;
				continue;
			}
			let segment = semantic.has(a.className) ? semanticSegment.get(a.className) : undefined;
			if (!segment) {
				segment = { id: segments.length + 1, category_id: category, iscrowd: 0 };
				segments.push(segment);
				if (semantic.has(a.className)) semanticSegment.set(a.className, segment);
			}
			if (a.crowd) segment.iscrowd = 1;
			for (let p = 0; p < region.bits.length; p++) if (region.bits[p]) segmentOf[p] = segment.id;
		}
		// Area and extent of what each segment kept after those drawn above it.
		const stats = segments.map(() => ({ area: 0, minX: Infinity, minY: Infinity, maxX: -1, maxY: -1 }));
		const rgb = new Uint8Array(width * height * 3);
		for (let p = 0; p < segmentOf.length; p++) {
			const id = segmentOf[p];
			if (!id) continue;
			rgb[3 * p] = id & 255;
			rgb[3 * p + 1] = (id >> 8) & 255;
			rgb[3 * p + 2] = (id >> 16) & 255;
			const s = stats[id - 1];
			const x = p % width,
				y = Math.floor(p / width);
			s.area++;
			s.minX = Math.min(s.minX, x);
			s.maxX = Math.max(s.maxX, x);
			s.minY = Math.min(s.minY, y);
			s.maxY = Math.max(s.maxY, y);
		}
		const segmentsInfo = segments.flatMap((s, k) => {
			const st = stats[k];
			if (!st.area) {
				warnings.push(`${image.name}: segment ${s.id} is covered entirely by those drawn above it; left out`);
				return [];
			}
			return [{ ...s, area: st.area, bbox: [st.minX, st.minY, st.maxX - st.minX + 1, st.maxY - st.minY + 1] }];
		});
		const file = pngName(image);
		files.push({ path: `annotations/panoptic/${file}`, bytes: encode({ width, height, data: rgb, channels: 3, depth: 8 }) });
		annotations.push({ image_id: ids.get(image.name)!, file_name: file, segments_info: segmentsInfo });
	}
	const categories = d.classes.map((c) => ({ ...categoryRecord(c, classIds.get(c.name)!), isthing: c.semantic ? 0 : 1 }));
	files.unshift({ path: PANOPTIC_JSON, bytes: utf8(JSON.stringify({ ...header(d), images: d.images.map(record), categories, annotations })) });
	if (options.includeImages) for (const im of d.images) if (im.bytes) files.push({ path: imagePath(im), bytes: im.bytes });
	return { files, skipped, warnings };
}

/** The segment PNG of a panoptic annotation: beside the JSON in panoptic/ or <json stem>/, or anywhere by its name. */
function findPng(json: DatasetFile, name: string, files: readonly DatasetFile[]): DatasetFile | undefined {
	const dir = dirname(json.path);
	const prefix = dir ? `${dir}/` : '';
	const candidates = [`${prefix}panoptic/${name}`, `${prefix}${stem(json.path)}/${name}`, `${prefix}${name}`];
	return candidates.map((c) => files.find((f) => f.path === c)).find(Boolean) ?? files.find((f) => f.path.endsWith(`/${name}`));
}

function segmentIds(png: DatasetFile, image: DatasetImage): Uint32Array {
	checkPngMask(png.bytes, image, png.path);
	let decoded;
	try {
		decoded = decode(png.bytes);
	} catch (e) {
		throw new FormatError(png.path, '', `is not a PNG file (${(e as Error).message})`);
	}
	if (decoded.depth !== 8) throw new FormatError(png.path, '', `has ${decoded.depth}-bit samples; panoptic PNGs are 8-bit RGB`);
	const data = decoded.palette ? convertIndexedToRgb(decoded) : decoded.data;
	const channels = decoded.palette ? decoded.palette[0].length : decoded.channels;
	if (channels < 3) throw new FormatError(png.path, '', 'is not an RGB image; panoptic segment ids are R + 256·G + 256²·B');
	checkMaskFitsImage(decoded, image, png.path, '');
	Object.assign(image, { width: decoded.width, height: decoded.height });
	const out = new Uint32Array(decoded.width * decoded.height);
	for (let p = 0; p < out.length; p++) out[p] = data[p * channels] + 256 * data[p * channels + 1] + 65536 * data[p * channels + 2];
	return out;
}

/** A panoptic JSON and its PNGs: every segment becomes a mask of its category's class. */
export function readPanopticFile(file: DatasetFile, json: Record<string, unknown>, files: readonly DatasetFile[], state: CocoReadState): void {
	const r: JsonReader = new JsonReader(file.path);
	const categories = new Map<string, CocoCategory>();
	r.optionalList(json.categories, 'categories').forEach((c, i) => {
		const { id, category } = readCategory(r, c, `categories[${i}]`);
		categories.set(id, category);
		state.addClass(category.name, category.semantic);
	});
	const images = new Map<string, DatasetImage>();
	r.optionalList(json.images, 'images').forEach((raw, i) => {
		const im = r.object(raw, `images[${i}]`);
		const id = r.id(im.id, `images[${i}].id`);
		const name = r.string(im.file_name, `images[${i}].file_name`);
		const size = (k: string) => (im[k] === undefined ? 0 : r.number(im[k], `images[${i}].${k}`));
		checkPixelSize(size('width'), size('height'), r.file, `images[${i}]`);
		images.set(id, state.addImage({ name, width: size('width'), height: size('height') }));
	});
	r.list(json.annotations, 'annotations').forEach((raw, i) => {
		const place = `annotations[${i}]`;
		const a = r.object(raw, place);
		const imageId = r.id(a.image_id, `${place}.image_id`);
		const image = images.get(imageId);
		if (!image) r.fail(`${place}.image_id`, `annotation ${place} is on image ${imageId}, which is not in "images"`);
		const name = r.string(a.file_name, `${place}.file_name`);
		const png = findPng(file, name, files);
		if (!png) r.fail(`${place}.file_name`, `its segment image "${name}" is not among the files`);
		const ids = segmentIds(png, image);
		r.list(a.segments_info, `${place}.segments_info`).forEach((rawSegment, k) => {
			const sp = `${place}.segments_info[${k}]`;
			const s = r.object(rawSegment, sp);
			const segmentId = r.number(s.id, `${sp}.id`);
			const categoryId = r.id(s.category_id, `${sp}.category_id`);
			const category = categories.get(categoryId);
			if (!category) r.fail(`${sp}.category_id`, `category ${categoryId} is not in "categories"`);
			const region = newBitmap(image.width, image.height);
			for (let p = 0; p < ids.length; p++) if (ids[p] === segmentId) region.bits[p] = 1;
			const mask = maskFromBitmap(region);
			if (!mask) {
				state.warnings.push(`${file.path} › ${sp}: segment ${segmentId} has no pixels in ${png.path}; skipped`);
				return;
			}
			const annotation = { image: image.name, className: category.name, type: 'mask' as const, geometry: mask, source: `${file.path} › ${sp}` };
			state.push(r.flag(s.iscrowd, `${sp}.iscrowd`) ? { ...annotation, crowd: true } : annotation, image);
		});
	});
}
