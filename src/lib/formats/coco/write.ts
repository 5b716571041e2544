import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { ellipsePolygon } from '$lib/shapes/ellipse/kind';
import { unhandledShape } from '$lib/shapes/convert';
import type { ShapeType } from '$lib/shapes/registry';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass, DatasetImage } from '../dataset';
import { utf8, type DatasetFile } from '../files';
import { polygonParts } from '$lib/shapes/polygon/kind';
import { cocoRleOf, cocoRleOfMask, rasteriseParts } from './masks';
import { assignIds, ownDerived, ownFields, ownId } from '../ids';
import { groupBy } from '../by-image';
import type { ImportedFrom, JsonValue } from '../dataset';
import { bboxOfFlat, ringArea, type CocoBox } from './shapes';
import { checkImageToRaster } from '../limits';

/** The keypoint names of a class whose single `keypoint` annotations are written as one-point skeletons. */
export const SINGLE_POINT_NAMES = ['point'];

export interface CocoImageRecord {
	id: number | string;
	file_name: string;
	width: number;
	height: number;
}

/**
 * What every COCO JSON this app writes starts with: the imported dataset's own info, licenses and other
 * top-level fields where it had them, else ours.
 */
export function header(d: Dataset): Record<string, JsonValue> {
	const kept = d.imported?.coco ?? {};
	const info = { description: 'Exported from Peerlabel', version: '1.0', year: new Date().getUTCFullYear(), date_created: new Date().toISOString() };
	const out: Record<string, JsonValue> = { info, licenses: [] };
	for (const [key, value] of Object.entries(kept)) if (!['images', 'annotations', 'categories'].includes(key)) out[key] = value;
	return out;
}

/** Category ids: an imported class keeps its COCO id; the rest get the next free ones. */
export function categoryIds(d: Dataset): Map<string, number | string> {
	const ids = assignIds('coco', d.classes.map((c) => c.imported));
	return new Map(d.classes.map((c, i) => [c.name, ids[i]]));
}

/** A category as COCO writes it: its own fields kept from import, then ours. */
export function categoryRecord(c: DatasetClass, id: number | string): Record<string, unknown> {
	return { ...ownFields('coco', c.imported), id, name: c.name, supercategory: c.supercategory ?? '' };
}

/**
 * Image ids (an imported image keeps its own; the rest the next free), unique within each file
 * `fileOf` names (a train and a val file may both have image 1), and the image file's place in the export.
 */
export function numberImages(images: readonly DatasetImage[], fileOf: (im: DatasetImage) => string = () => '') {
	const ids = new Map<string, number | string>();
	for (const group of groupBy(images, fileOf).values()) {
		const assigned = assignIds('coco', group.map((im) => im.imported));
		group.forEach((im, i) => ids.set(im.name, assigned[i]));
	}
	const record = (im: DatasetImage): CocoImageRecord => ({ ...ownFields('coco', im.imported), id: ids.get(im.name)!, file_name: im.name, width: im.width, height: im.height });
	const imagePath = (im: DatasetImage) => (im.split ? `images/${im.split}/${im.name}` : `images/${im.name}`);
	return { ids, record, imagePath };
}

function writeJson(path: string, value: unknown): DatasetFile {
	return { path, bytes: utf8(JSON.stringify(value)) };
}

function categoriesOf(d: Dataset, ids: Map<string, number | string>, pointClasses: Set<string>) {
	return d.classes.map((c) => {
		const cat = categoryRecord(c, ids.get(c.name)!);
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

/**
 * The bbox and area this writer gives a box or a polygon without holes (one ring per part), or null for
 * other shapes. A reader keeps a file's own figures only where they differ from these (compact records).
 */
export function vectorFigures(a: DatasetAnnotation): { bbox: CocoBox; area: number } | null {
	if (a.type === 'box') {
		const g = a.geometry;
		return { bbox: [g.x, g.y, g.width, g.height], area: g.width * g.height };
	}
	if (a.type !== 'polygon') return null;
	const g = a.geometry;
	if (!g.parts?.length && !g.holes?.length) return { bbox: bboxOfFlat(g.points), area: ringArea(g.points) };
	const parts = polygonParts(g);
	if (parts.some((p) => p.holes?.length)) return null;
	if (parts.length === 1) return { bbox: bboxOfFlat(parts[0].points), area: ringArea(parts[0].points) };
	return { bbox: bboxOfFlat(parts.flatMap((p) => p.points)), area: parts.reduce((sum, p) => sum + ringArea(p.points), 0) };
}

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
			if (!g.parts?.length && !g.holes?.length) return polygon(g.points);
			const figures = vectorFigures(a);
			// An object in parts is one annotation with one polygon per part, as COCO writes an occluded object.
			if (figures) return { segmentation: polygonParts(a.geometry).map((p) => p.points), ...figures, iscrowd: a.crowd ? 1 : 0 };
			const parts = polygonParts(a.geometry);
			// COCO polygons cannot have holes: the pixels, as compressed RLE.
			checkImageToRaster(image);
			const m = cocoRleOf(rasteriseParts(parts, image.width, image.height));
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
			const box = (g as { box?: { x: number; y: number; width: number; height: number } }).box;
			const bbox: CocoBox = box ? [box.x, box.y, box.width, box.height] : bboxOfFlat(labeled);
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

/** One annotation to write: its COCO fields, and the COCO id it was imported with (if any). */
interface Pending {
	a: DatasetAnnotation;
	out: Annotation;
	split: string;
}

/**
 * Shapes read from one COCO annotation (a person's keypoints and its outline share the COCO id) are
 * written back as that one annotation: the skeleton gives keypoints, the outline the segmentation.
 */
function mergeSameObject(list: Pending[]): Pending[] {
	const byId = new Map<string, Pending>();
	const kept: Pending[] = [];
	for (const p of list) {
		const id = ownId('coco', p.a.imported);
		const key = id === undefined ? undefined : `${p.a.image}\u0000${typeof id}:${id}`;
		const first = key === undefined ? undefined : byId.get(key);
		const pose = (q: Pending) => q.out.keypoints !== undefined && !hasSegmentation(q.out);
		if (first && pose(first) !== pose(p) && (pose(first) || hasSegmentation(first.out)) && (pose(p) || hasSegmentation(p.out))) {
			const [keypoints, outline] = pose(first) ? [first, p] : [p, first];
			first.out = { ...outline.out, keypoints: keypoints.out.keypoints, num_keypoints: keypoints.out.num_keypoints, bbox: keypoints.out.bbox };
			continue;
		}
		if (key !== undefined && !first) byId.set(key, p);
		kept.push(p);
	}
	return kept;
}

/**
 * An annotation imported from COCO: its kept fields, then ours; its own area and bbox while the shape is
 * as imported (the model drops them on an edit); iscrowd as the file said it.
 */
function withKept(ref: ImportedFrom, imageId: number | string, categoryId: number | string, fields: Annotation): Annotation {
	const own = ownFields('coco', ref);
	const derived = ownDerived('coco', ref);
	const out: Annotation = { id: 0, ...own, image_id: imageId, category_id: categoryId, ...fields };
	if (own.iscrowd !== undefined && fields.iscrowd === 0) out.iscrowd = isCrowd(own.iscrowd) ? 1 : 0;
	if (typeof derived.area === 'number') out.area = derived.area;
	if (Array.isArray(derived.bbox) && derived.bbox.length === 4) out.bbox = derived.bbox;
	return out;
}

/** iscrowd as kept from a file (1, true, '1', 'true'…). */
function isCrowd(v: JsonValue): boolean {
	return v === 1 || v === true || (typeof v === 'string' && /^(1|true)$/i.test(v.trim()));
}

function hasSegmentation(out: Annotation): boolean {
	const seg = out.segmentation;
	return Array.isArray(seg) ? seg.length > 0 : !!seg;
}

export function writeInstances(d: Dataset, options: WriteOptions): WriteResult {
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const categoryIdOf = categoryIds(d);
	const classes = new Map(d.classes.map((c) => [c.name, { cls: c, id: categoryIdOf.get(c.name)! }]));
	const imagesByName = new Map(d.images.map((im) => [im.name, im]));
	const splits = [...new Set(d.images.map((im) => im.split ?? ''))];
	const split = splits.some((s) => s) ? (im: DatasetImage) => im.split || 'default' : () => 'default';
	const { ids, record, imagePath } = numberImages(d.images, split);
	const pointClasses = new Set(d.annotations.filter((a) => a.type === 'keypoint' && !classes.get(a.className)?.cls.skeleton).map((a) => a.className));
	const categories = categoriesOf(d, categoryIdOf, pointClasses);
	const bySplit = new Map<string, { images: CocoImageRecord[]; annotations: Annotation[] }>();
	for (const im of d.images) {
		const s = split(im);
		if (!bySplit.has(s)) bySplit.set(s, { images: [], annotations: [] });
		bySplit.get(s)!.images.push(record(im));
	}
	const tags = new Map<string, string[]>();
	const pending: Pending[] = [];
	// Nothing kept from a COCO import (a project drawn here, another format): ids 1… per file as they come,
	// without the bookkeeping of kept ids (100,000 annotations write a fifth faster).
	const keeping = d.annotations.some((a) => a.imported?.format === 'coco');
	const nextId = new Map<string, number>();
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
		// id first (COCO's order), set once ids are handed out.
		const out: Annotation = a.imported?.format === 'coco' ? withKept(a.imported, ids.get(a.image)!, c.id, fields) : { id: 0, image_id: ids.get(a.image)!, category_id: c.id, ...fields };
		if (a.attributes && Object.keys(a.attributes).length) out.attributes = a.attributes;
		if (a.score !== undefined) out.score = a.score;
		const s = split(image);
		if (keeping) pending.push({ a, out, split: s });
		else {
			const id = (nextId.get(s) ?? 0) + 1;
			nextId.set(s, id);
			out.id = id;
			bySplit.get(s)!.annotations.push(out);
		}
	}
	// Annotation ids are unique within each split file, as COCO asks (train and val may both have annotation 1).
	const written = mergeSameObject(pending);
	for (const [s, list] of bySplit.size === 1 ? [[[...bySplit.keys()][0], written] as const] : groupBy(written, (p) => p.split)) {
		const annotationIds = assignIds('coco', list.map((p) => p.a.imported));
		list.forEach((p, i) => {
			p.out.id = annotationIds[i];
			bySplit.get(s)!.annotations.push(p.out);
		});
	}

	const files: DatasetFile[] = [];
	const top = header(d);
	for (const [s, part] of bySplit) files.push(writeJson(`annotations/instances_${s}.json`, { ...top, images: part.images, categories, annotations: part.annotations }));
	if (!d.images.length) files.push(writeJson('annotations/instances_default.json', { ...top, images: [], categories, annotations: [] }));
	if (tags.size) {
		const tagImages = d.images.filter((im) => tags.has(im.name)).map((im) => ({ image_id: ids.get(im.name)!, file_name: im.name, tags: tags.get(im.name)! }));
		files.push(writeJson('annotations/image_tags.json', { categories: categories.map((c) => ({ id: c.id, name: c.name })), images: tagImages }));
	}
	if (options.includeImages) for (const im of d.images) if (im.bytes) files.push({ path: imagePath(im), bytes: im.bytes });
	return { files, skipped, warnings };
}
