import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { ellipsePolygon } from '$lib/shapes/ellipse/kind';
import { unhandledShape } from '$lib/shapes/convert';
import type { ShapeType } from '$lib/shapes/registry';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass, DatasetImage } from '../dataset';
import { utf8, type DatasetFile } from '../files';
import { cocoRleOf, cocoRleOfMask, rasterisePolygon } from './masks';
import { bboxOfFlat, ringArea, type CocoBox } from './shapes';
import { checkImageToRaster } from '../limits';

/** The keypoint names of a class whose single `keypoint` annotations are written as one-point skeletons. */
export const SINGLE_POINT_NAMES = ['point'];

export interface CocoImageRecord {
	id: number;
	file_name: string;
	width: number;
	height: number;
}

/** What every COCO JSON this app writes starts with. */
export function header() {
	return { info: { description: 'Exported from Peerlabel', version: '1.0', year: new Date().getUTCFullYear(), date_created: new Date().toISOString() }, licenses: [] as unknown[] };
}

/** Ids 1.. in dataset order, the image file's place in the export, and the split files. */
export function numberImages(images: readonly DatasetImage[]) {
	const ids = new Map<string, number>();
	images.forEach((im, i) => ids.set(im.name, i + 1));
	const record = (im: DatasetImage): CocoImageRecord => ({ id: ids.get(im.name)!, file_name: im.name, width: im.width, height: im.height });
	const imagePath = (im: DatasetImage) => (im.split ? `images/${im.split}/${im.name}` : `images/${im.name}`);
	return { ids, record, imagePath };
}

function writeJson(path: string, value: unknown): DatasetFile {
	return { path, bytes: utf8(JSON.stringify(value)) };
}

function categoriesOf(d: Dataset, pointClasses: Set<string>) {
	return d.classes.map((c, i) => {
		const cat: Record<string, unknown> = { id: i + 1, name: c.name, supercategory: '' };
		if (c.skeleton) {
			cat.keypoints = c.skeleton.points.map((p) => p.name);
			cat.skeleton = c.skeleton.edges.map(([a, b]) => [a + 1, b + 1]);
		} else if (pointClasses.has(c.name)) {
			cat.keypoints = SINGLE_POINT_NAMES;
			cat.skeleton = [];
		}
		return cat;
	});
}

type Annotation = Record<string, unknown>;

/** One annotation of ours as COCO fields (without ids), or null when COCO cannot carry it. */
function cocoFields(a: DatasetAnnotation, image: DatasetImage, cls: DatasetClass | undefined): Annotation | null {
	const polygon = (points: number[]): Annotation => ({ segmentation: [points], bbox: bboxOfFlat(points), area: ringArea(points), iscrowd: a.crowd ? 1 : 0 });
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return { segmentation: [], bbox: [g.x, g.y, g.width, g.height], area: g.width * g.height, iscrowd: a.crowd ? 1 : 0 };
		}
		case 'polygon': {
			const g = a.geometry;
			if (!g.holes?.length) return polygon(g.points);
			// COCO polygons cannot have holes: the pixels, as compressed RLE.
			checkImageToRaster(image);
			const m = cocoRleOf(rasterisePolygon(g.points, g.holes, image.width, image.height));
			return { segmentation: m.rle, bbox: m.bbox, area: m.area, iscrowd: a.crowd ? 1 : 0 };
		}
		case 'rotatedBox':
			return polygon(rotatedBoxCorners(a.geometry));
		case 'ellipse':
			return polygon(ellipsePolygon(a.geometry));
		case 'mask': {
			const m = cocoRleOfMask(a.geometry, image.width, image.height);
			return { segmentation: m.rle, bbox: m.bbox, area: m.area, iscrowd: a.crowd ? 1 : 0 };
		}
		case 'skeleton': {
			if (!cls?.skeleton) return null;
			const g = a.geometry;
			const keypoints: number[] = [];
			const labeled: number[] = [];
			g.visibility.forEach((v, i) => {
				if (v) {
					keypoints.push(g.points[2 * i], g.points[2 * i + 1], v);
					labeled.push(g.points[2 * i], g.points[2 * i + 1]);
				} else keypoints.push(0, 0, 0);
			});
			const bbox = bboxOfFlat(labeled);
			return { segmentation: [], bbox, area: bbox[2] * bbox[3], iscrowd: 0, keypoints, num_keypoints: labeled.length / 2 };
		}
		case 'keypoint': {
			if (cls?.skeleton) return null;
			const g = a.geometry;
			return { segmentation: [], bbox: [g.x, g.y, 0, 0] satisfies CocoBox, area: 0, iscrowd: 0, keypoints: [g.x, g.y, 2], num_keypoints: 1 };
		}
		case 'polyline':
		case 'cuboid':
		case 'tag': // tags go to image_tags.json
			return null;
		default:
			return unhandledShape(a);
	}
}

export function writeInstances(d: Dataset, options: WriteOptions): WriteResult {
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const classes = new Map(d.classes.map((c, i) => [c.name, { cls: c, id: i + 1 }]));
	const imagesByName = new Map(d.images.map((im) => [im.name, im]));
	const { ids, record, imagePath } = numberImages(d.images);
	const pointClasses = new Set(d.annotations.filter((a) => a.type === 'keypoint' && !classes.get(a.className)?.cls.skeleton).map((a) => a.className));
	const categories = categoriesOf(d, pointClasses);

	const splits = [...new Set(d.images.map((im) => im.split ?? ''))];
	const split = splits.some((s) => s) ? (im: DatasetImage) => im.split || 'default' : () => 'default';
	const bySplit = new Map<string, { images: CocoImageRecord[]; annotations: Annotation[] }>();
	for (const im of d.images) {
		const s = split(im);
		if (!bySplit.has(s)) bySplit.set(s, { images: [], annotations: [] });
		bySplit.get(s)!.images.push(record(im));
	}
	const tags = new Map<string, string[]>();
	let nextId = 1;
	for (const a of d.annotations) {
		const image = imagesByName.get(a.image);
		const c = classes.get(a.className);
		if (!image || !c) {
			warnings.push(`An annotation of "${a.className}" on "${a.image}" has no ${image ? 'class' : 'image'} in the dataset; skipped`);
			skipped[a.type] = (skipped[a.type] ?? 0) + 1;
			continue;
		}
		if (a.type === 'tag') {
			tags.set(a.image, [...(tags.get(a.image) ?? []), a.className]);
			continue;
		}
		const fields = cocoFields(a, image, c.cls);
		if (!fields) {
			skipped[a.type] = (skipped[a.type] ?? 0) + 1;
			continue;
		}
		const out: Annotation = { id: nextId++, image_id: ids.get(a.image)!, category_id: c.id, ...fields };
		if (a.attributes && Object.keys(a.attributes).length) out.attributes = a.attributes;
		if (a.score !== undefined) out.score = a.score;
		bySplit.get(split(image))!.annotations.push(out);
	}

	const files: DatasetFile[] = [];
	for (const [s, part] of bySplit) files.push(writeJson(`annotations/instances_${s}.json`, { ...header(), images: part.images, categories, annotations: part.annotations }));
	if (!d.images.length) files.push(writeJson('annotations/instances_default.json', { ...header(), images: [], categories, annotations: [] }));
	if (tags.size) {
		const tagImages = d.images.filter((im) => tags.has(im.name)).map((im) => ({ image_id: ids.get(im.name)!, file_name: im.name, tags: tags.get(im.name)! }));
		files.push(writeJson('annotations/image_tags.json', { categories: categories.map((c) => ({ id: c.id, name: c.name })), images: tagImages }));
	}
	if (options.includeImages) for (const im of d.images) if (im.bytes) files.push({ path: imagePath(im), bytes: im.bytes });
	return { files, skipped, warnings };
}
