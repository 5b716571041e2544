import type { Rect } from '$lib/geometry';
import { boxOf, unhandledShape } from '$lib/shapes/convert';
import type { ShapeType } from '$lib/shapes/registry';
import { annotationsByImage } from '../by-image';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetImage } from '../dataset';
import { utf8, type DatasetFile } from '../files';
import { countSkip } from '../dataset-builder';
import { AS_BOXES, conversionNotes, type TypeCounts } from '../conversions';
import { encodePalettePng, newLabelMap, paint, VOID, vocColor } from '../semantic/label-map';
import { writeXml, type XmlValue } from '../xml';
import { checkImageToRaster } from '../limits';

/** Instance and class values 1…254 (0 background, 255 void): more objects or classes than that get no pixels. */
const MAX_INDEX = VOID - 1;

/** The image's id in VOC: its name without the extension (folders kept). */
export const vocIdOf = (imageName: string) => imageName.replace(/\.[^./]+$/, '');

/**
 * VOC's 1-based inclusive pixel corners (VOCdevkit; Detectron2's reading): a box covering pixels
 * x … x + width - 1 has xmin = x + 1 and xmax = x + width. Written rounded to whole pixels.
 */
export function bndboxOf(r: Rect) {
	const xmin = Math.round(r.minX) + 1,
		ymin = Math.round(r.minY) + 1;
	return { xmin, ymin, xmax: Math.max(xmin, Math.round(r.maxX)), ymax: Math.max(ymin, Math.round(r.maxY)) };
}

const flag = (v: unknown) => (v === true || v === 1 || v === '1' || v === 'true' ? 1 : 0);

export function labelmapText(classNames: readonly string[]): string {
	const lines = ['# label:color_rgb:parts:actions', 'background:0,0,0::', ...classNames.map((n, i) => `${n}:${vocColor(i + 1).join(',')}::`)];
	return lines.join('\n') + '\n';
}

/**
 * Pascal VOC: `Annotations/<id>.xml` per image, `ImageSets/Main/<split>.txt` (split 'default' when the
 * image has none), `JPEGImages/<name>` with the images, `labelmap.txt`, and for images with masks or
 * polygons `SegmentationClass/<id>.png` (value = class index + 1) and `SegmentationObject/<id>.png`
 * (value = the object's 1-based position in the XML), both indexed PNGs with VOC's palette.
 */
export function writeVoc(dataset: Dataset, options: WriteOptions): WriteResult {
	const files: DatasetFile[] = [];
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const skip = (t: ShapeType) => (skipped[t] = (skipped[t] ?? 0) + 1);
	const classIndex = new Map(dataset.classes.map((c, i) => [c.name, i + 1]));
	const byImage = annotationsByImage(dataset.annotations);
	const splits = new Map<string, string[]>();
	const converted: TypeCounts = {};

	for (const image of dataset.images) {
		const id = vocIdOf(image.name);
		const split = image.split || 'default';
		splits.set(split, [...(splits.get(split) ?? []), id]);
		if (options.includeImages && image.bytes) files.push({ path: `JPEGImages/${image.name}`, bytes: image.bytes });
		const objects: XmlValue[] = [];
		const segmentable: { a: DatasetAnnotation; index: number }[] = [];
		for (const a of byImage.get(image.name) ?? []) {
			const written = writtenAs(a);
			const bounds = written && boxOf(a);
			if (!bounds) {
				skip(a.type);
				continue;
			}
			if (written === 'box' && a.type !== 'box') countSkip(converted, a.type);
			objects.push(objectOf(a, bounds));
			if (written === 'box and pixels') segmentable.push({ a, index: objects.length });
		}
		const segmented = segmentable.length > 0 && image.width > 0 && image.height > 0;
		const annotation = {
			folder: 'VOC',
			// The whole name, folders included (as darwin-py writes it), so that it comes back as it was.
			filename: image.name,
			size: { width: image.width, height: image.height, depth: 3 },
			segmented: segmented ? 1 : 0,
			object: objects
		};
		files.push({ path: `Annotations/${id}.xml`, bytes: utf8(writeXml('annotation', annotation)) });
		if (segmented) files.push(...segmentationOf(image, segmentable, classIndex, warnings));
	}
	for (const [split, ids] of splits) files.push({ path: `ImageSets/Main/${split}.txt`, bytes: utf8(ids.join('\n') + '\n') });
	warnings.push(...conversionNotes(converted, AS_BOXES));
	files.push({ path: 'labelmap.txt', bytes: utf8(labelmapText(dataset.classes.map((c) => c.name))) });
	return { files, skipped, warnings };
}

/**
 * What VOC makes of a type: an object's box, its box and its pixels in the segmentation PNGs, or
 * nothing (what has no extent). A skeleton's box is its labeled points'; a multi-part polygon is one
 * object whose box and pixels cover every part.
 */
function writtenAs(a: DatasetAnnotation): 'box' | 'box and pixels' | null {
	switch (a.type) {
		case 'box':
		case 'rotatedBox':
		case 'ellipse':
		case 'polyline':
		case 'cuboid':
		case 'skeleton':
			return 'box';
		case 'mask':
		case 'polygon':
			return 'box and pixels';
		case 'keypoint':
		case 'tag':
			return null;
		default:
			return unhandledShape(a);
	}
}

function objectOf(a: DatasetAnnotation, bounds: Rect) {
	const attrs = a.attributes ?? {};
	return {
		name: a.className,
		pose: typeof attrs.pose === 'string' && attrs.pose ? attrs.pose : 'Unspecified',
		truncated: flag(attrs.truncated),
		difficult: flag(attrs.difficult),
		...(attrs.occluded !== undefined ? { occluded: flag(attrs.occluded) } : {}),
		bndbox: bndboxOf(bounds)
	};
}

function segmentationOf(
	image: DatasetImage,
	items: { a: DatasetAnnotation; index: number }[],
	classIndex: Map<string, number>,
	warnings: string[]
): DatasetFile[] {
	checkImageToRaster(image);
	const classes = newLabelMap(image.width, image.height);
	const objects = newLabelMap(image.width, image.height);
	for (const { a, index } of items) {
		const c = classIndex.get(a.className) ?? 0;
		if (index > MAX_INDEX || c > MAX_INDEX) {
			warnings.push(`${image.name}: ${a.type} of ${a.className}: more than ${MAX_INDEX} objects or classes; written as a box only`);
			continue;
		}
		paint(classes, a, c);
		paint(objects, a, index);
	}
	const id = vocIdOf(image.name);
	return [
		{ path: `SegmentationClass/${id}.png`, bytes: encodePalettePng(classes) },
		{ path: `SegmentationObject/${id}.png`, bytes: encodePalettePng(objects) }
	];
}
