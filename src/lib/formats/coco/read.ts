import type { AttributeValue } from '$lib/model/records';
import { shapeKind, shapeKinds, type ShapeType } from '$lib/shapes/registry';
import { stringToRuns } from '$lib/shapes/mask/rle';
import type { ReadResult } from '../codec';
import { type Dataset, type DatasetAnnotation, type DatasetClass, type DatasetImage, type JsonValue } from '../dataset';
import { extraFields, importedFrom } from '../ids';
import { approximateJsonBytes, MAX_DATASET_FIELDS_BYTES } from '$lib/model/limits';
import { labeledPoints, type SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import { bboxOfFlat } from './shapes';
import { FormatError } from '../errors';
import { basename, extension, isImagePath, jsonOf, textOf, type DatasetFile } from '../files';
import { groupBy } from '../by-image';
import { skeletonEdges, readCategory, templateOf, type CocoCategory } from './categories';
import { describe, JsonReader } from './checks';
import { maskOfRuns } from './masks';
import { readPanopticFile } from './panoptic';
import { SINGLE_POINT_NAMES, vectorFigures } from './write';
import { checkMaskFitsImage, checkPixelSize, checkPointCount } from '../limits';

/** Fields of an image and of an annotation this app reads; the rest are kept as they are (ids.ts). */
const IMAGE_FIELDS = new Set(['id', 'image_id', 'file_name', 'width', 'height']);
// iscrowd is read (crowd) and kept too: a project has no crowd flag, and an export must write it back.
const ANNOTATION_FIELDS = new Set(['id', 'image_id', 'category_id', 'segmentation', 'area', 'bbox', 'keypoints', 'num_keypoints', 'attributes', 'score']);
const ANNOTATION_FIELDS_BUT_CROWD = new Set([...ANNOTATION_FIELDS, 'iscrowd']);
/** Top-level fields of a dataset JSON read into images, classes and annotations; the rest (info, licenses) are kept. */
const DATASET_FIELDS = new Set(['images', 'annotations', 'categories']);

/** Images whose file gives no size are checked against this (nothing is clamped). */
const UNKNOWN_SIZE = 1e9;

/** The split a file's name gives ('instances_val2017.json' → 'val2017'); none for 'default'. */
export function splitOfFile(path: string): string | undefined {
	const m = /^(?:instances|person_keypoints|panoptic|image_info|captions)_(.+)\.json$/i.exec(basename(path));
	return m && m[1] !== 'default' ? m[1] : undefined;
}

/** Everything read so far, shared by the files of one dataset (train and val JSON, tags, panoptic). */
export class CocoReadState {
	readonly images = new Map<string, DatasetImage>();
	readonly classes = new Map<string, DatasetClass>();
	readonly annotations: DatasetAnnotation[] = [];
	readonly warnings: string[] = [];
	/** Keypoint data per class, to build the templates once every file is read. */
	readonly keypointClasses = new Map<string, { category: CocoCategory; file: string; poses: number[][]; single: boolean }>();

	addImage(im: DatasetImage): DatasetImage {
		const had = this.images.get(im.name);
		if (had) {
			if (!had.width && im.width) Object.assign(had, { width: im.width, height: im.height });
			return had;
		}
		this.images.set(im.name, im);
		return im;
	}

	/** Dataset-level fields of the files read (COCO's info, licenses), first file first. */
	readonly datasetFields: Record<string, JsonValue> = {};

	addClass(name: string, semantic = false, category?: CocoCategory): DatasetClass {
		let c = this.classes.get(name);
		if (!c) {
			c = semantic ? { name, semantic: true } : { name };
			this.classes.set(name, c);
		}
		if (category?.supercategory && !c.supercategory) c.supercategory = category.supercategory;
		if (category?.imported && !c.imported) c.imported = category.imported;
		return c;
	}

	/** Validates with the shape's own rules; a degenerate shape is a warning, not a failure. */
	push(a: DatasetAnnotation, image: DatasetImage): void {
		const size = image.width > 0 && image.height > 0 ? image : { width: UNKNOWN_SIZE, height: UNKNOWN_SIZE };
		// Skeletons are checked against their template once it exists (finish()).
		if (a.type !== 'skeleton') {
			const v = shapeKind(a.type).validate(a.geometry, size);
			if (!v.ok) {
				this.warnings.push(`${a.source}: ${v.reason}; skipped`);
				return;
			}
			a.geometry = v.geometry;
		}
		this.annotations.push(a);
	}

	finish(): Dataset {
		for (const [name, k] of this.keypointClasses) {
			if (k.single) continue;
			const count = k.category.keypoints?.length || Math.max(0, ...k.poses.map((p) => p.length / 3), ...k.category.rawSkeleton.flat().map((i) => i + (k.category.rawSkeleton.some((e) => e.includes(0)) ? 1 : 0)));
			const names = Array.from({ length: count }, (_, i) => k.category.keypoints?.[i] || `point_${i + 1}`);
			this.classes.get(name)!.skeleton = templateOf(names, skeletonEdges(k.category, count, k.file, this.warnings), k.poses);
		}
		const annotations = this.annotations.filter((a) => {
			if (a.type !== 'skeleton') return true;
			const image = this.images.get(a.image)!;
			const size = image.width > 0 && image.height > 0 ? image : { width: UNKNOWN_SIZE, height: UNKNOWN_SIZE };
			const v = shapeKinds.skeleton.validate(a.geometry, size);
			if (!v.ok) this.warnings.push(`${a.source}: ${v.reason}; skipped`);
			else a.geometry = v.geometry;
			return v.ok;
		});
		const dataset: Dataset = { images: [...this.images.values()], classes: [...this.classes.values()], annotations };
		if (approximateJsonBytes(this.datasetFields, MAX_DATASET_FIELDS_BYTES) > MAX_DATASET_FIELDS_BYTES)
			this.warnings.push(`The dataset's own fields (${Object.keys(this.datasetFields).join(', ')}) are larger than ${MAX_DATASET_FIELDS_BYTES / 1024 / 1024} MiB: they are not kept`);
		else if (Object.keys(this.datasetFields).length) dataset.imported = { coco: this.datasetFields };
		return dataset;
	}
}

interface FileContext {
	r: JsonReader;
	state: CocoReadState;
	images: Map<string, DatasetImage>;
	categories: Map<string, CocoCategory>;
}

function readAttributes(raw: unknown): Record<string, AttributeValue> | undefined {
	if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
	const out: Record<string, AttributeValue> = {};
	for (const [k, v] of Object.entries(raw))
		if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)) || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) out[k] = v;
	return Object.keys(out).length ? out : undefined;
}

function readBbox(r: JsonReader, raw: unknown, place: string): [number, number, number, number] {
	const b = r.numbers(raw, place);
	if (b.length !== 4) r.fail(place, `should be [x, y, width, height], not ${b.length} numbers`);
	if (b[2] < 0 || b[3] < 0) r.fail(place, `has a negative ${b[2] < 0 ? 'width' : 'height'}`);
	return b as [number, number, number, number];
}

/** RLE, compressed (a string) or not (a list), as run lengths checked against its size. */
function readRle(r: JsonReader, raw: Record<string, unknown>, place: string): { runs: number[]; height: number; width: number } {
	const size = r.numbers(raw.size, `${place}.size`);
	if (size.length !== 2 || !size.every((v) => Number.isInteger(v) && v >= 0)) r.fail(`${place}.size`, 'should be [height, width] in whole pixels');
	const [height, width] = size;
	checkPixelSize(width, height, r.file, `${place}.size`, 'the mask');
	let runs: number[];
	if (typeof raw.counts === 'string') {
		try {
			runs = stringToRuns(raw.counts);
		} catch (e) {
			r.fail(`${place}.counts`, (e as Error).message);
		}
	} else {
		runs = r.numbers(raw.counts, `${place}.counts`);
		if (!runs.every((n) => Number.isInteger(n) && n >= 0)) r.fail(`${place}.counts`, 'should hold whole, non-negative run lengths');
	}
	const total = runs.reduce((s, n) => s + n, 0);
	if (runs.some((n) => n < 0)) r.fail(`${place}.counts`, 'has a negative run length');
	if (total !== height * width) r.fail(`${place}.counts`, `covers ${total} pixels, but its size ${height} × ${width} has ${height * width}`);
	return { runs, height, width };
}

function sameBox(a: readonly number[], b: readonly number[]): boolean {
	return a.every((v, i) => Math.abs(v - b[i]) <= 1e-9 * Math.max(1, Math.abs(v)));
}

/** One COCO annotation (or result) → ours: a skeleton, polygons or a mask, or a box. */
function readAnnotation(ctx: FileContext, raw: unknown, place: string, image?: DatasetImage): void {
	const r: JsonReader = ctx.r;
	const state = ctx.state;
	const a = r.object(raw, place);
	if (!image) {
		const imageId = r.id(a.image_id, `${place}.image_id`);
		image = ctx.images.get(imageId);
		if (!image) r.fail(`${place}.image_id`, `annotation ${place} is on image ${imageId}, which is not in "images"`);
	}
	const categoryId = r.id(a.category_id, `${place}.category_id`);
	const category = ctx.categories.get(categoryId);
	if (!category) r.fail(`${place}.category_id`, `category ${categoryId} is not in "categories"`);
	const className = category.name;
	const crowd = r.flag(a.iscrowd, `${place}.iscrowd`);
	const bbox = a.bbox === undefined || a.bbox === null ? null : readBbox(r, a.bbox, `${place}.bbox`);
	const attributes = readAttributes(a.attributes);
	const score = a.score === undefined ? undefined : r.number(a.score, `${place}.score`);
	const source = `${r.file} › ${place}`;
	const out: DatasetAnnotation[] = [];
	// iscrowd is kept only where it says crowd (0 is what the writer writes anyway): records stay compact.
	const fields = extraFields(a, crowd ? ANNOTATION_FIELDS : ANNOTATION_FIELDS_BUT_CROWD);
	const imported = importedFrom('coco', a.id, fields, undefined, (p) => state.warnings.push(`${source}: ${p}`));
	const make = (type: ShapeType, geometry: unknown): DatasetAnnotation => {
		// One literal rather than withGeometry's spread: this runs for every annotation of the file.
		const d = { image: image.name, className, source, imported, type, geometry } as DatasetAnnotation;
		if (attributes) d.attributes = attributes;
		if (crowd) d.crowd = true;
		if (score !== undefined) d.score = score;
		return d;
	};

	// Keypoints: [x, y, v] per point of the category.
	if (a.keypoints !== undefined && a.keypoints !== null) {
		const kp = r.numbers(a.keypoints, `${place}.keypoints`);
		if (kp.length % 3) r.fail(`${place}.keypoints`, `should be [x, y, v] per point, but has ${kp.length} numbers`);
		const n = kp.length / 3;
		const names = category.keypoints;
		if (names?.length && n && n !== names.length) r.fail(`${place}.keypoints`, `has ${n} points, but category "${className}" names ${names.length}`);
		const single = !!names && names.length === 1 && names[0] === SINGLE_POINT_NAMES[0] && !category.rawSkeleton.length;
		const labeled = Array.from({ length: n }, (_, i) => kp[3 * i + 2] > 0);
		if (n) {
			const k = state.keypointClasses.get(className) ?? { category, file: r.file, poses: [], single };
			state.keypointClasses.set(className, k);
			const known = k.poses[0]?.length ?? (category.keypoints?.length ? category.keypoints.length * 3 : kp.length);
			if (kp.length !== known) r.fail(`${place}.keypoints`, `has ${n} points, but other annotations of "${className}" have ${known / 3}`);
			if (labeled.some(Boolean)) {
				if (single) out.push(make('keypoint', { x: kp[0], y: kp[1] }));
				else {
					k.poses.push(kp);
					const pose: Record<string, unknown> = { points: labeled.flatMap((l, i) => [kp[3 * i], kp[3 * i + 1]]), visibility: labeled.map((l, i) => (l ? Math.min(2, Math.round(kp[3 * i + 2])) : 0)) };
					// COCO's bbox of a keypoint annotation is the person's box, not the points' bounds.
					// A bbox that is only the labelled points' bounds says nothing more (this app writes one for a skeleton without a box).
					if (bbox && bbox[2] > 0 && bbox[3] > 0 && !sameBox(bbox, bboxOfFlat(labeledPoints(pose as unknown as SkeletonGeometry))))
						pose.box = { x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3] };
					out.push(make('skeleton', pose));
				}
			}
		}
	}

	const seg = a.segmentation;
	if (Array.isArray(seg) && seg.length) {
		// Several polygons are one object in parts (cut by an occluder): one annotation, one part each.
		let numbers = 0;
		const rings = seg.map((ring, k) => {
			if (Array.isArray(ring)) checkPointCount((numbers += ring.length), r.file, `${place}.segmentation[${k}]`);
			const points = r.numbers(ring, `${place}.segmentation[${k}]`);
			if (points.length % 2) r.fail(`${place}.segmentation[${k}]`, `should be x, y pairs, but has ${points.length} numbers`);
			return points;
		});
		out.push(make('polygon', rings.length > 1 ? { points: rings[0], parts: rings.slice(1).map((points) => ({ points })) } : { points: rings[0] }));
	} else if (seg && typeof seg === 'object' && !Array.isArray(seg)) {
		const { runs, height, width } = readRle(r, seg as Record<string, unknown>, `${place}.segmentation`);
		// Before the runs are expanded: an empty mask is skipped; one of another size than its image is refused, not clipped.
		const mask = runs.some((n, k) => k % 2 === 1 && n > 0) ? (checkMaskFitsImage({ width, height }, image, r.file, `${place}.segmentation.size`), maskOfRuns(runs, height, width)) : null;
		if (!mask) state.warnings.push(`${source}: the mask is empty; skipped`);
		else {
			if (!image.width && !image.height) Object.assign(image, { width, height });
			out.push(make('mask', mask));
		}
	} else if (seg !== undefined && seg !== null && !Array.isArray(seg)) r.fail(`${place}.segmentation`, `should be polygons or RLE, not ${describe(seg)}`);

	// A box only when nothing else says where the object is (a skeleton's bbox is derived from its points).
	const hasSegmentation = !!seg && (!Array.isArray(seg) || seg.length > 0);
	if (!out.length && bbox && !hasSegmentation) out.push(make('box', { x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3] }));
	if (!out.length && !hasSegmentation) state.warnings.push(`${source}: has no bbox, segmentation or labelled keypoints; skipped`);
	// One COCO object read as several shapes (rings, a skeleton and its outline) keeps one instance id.
	if (out.length > 1) {
		const id = typeof a.id === 'number' && Number.isSafeInteger(a.id) && a.id >= 0 ? a.id : state.annotations.length + 1;
		for (const d of out) d.instanceId = id;
	}
	for (const d of out) state.push(d, image);
	const derived = figuresToKeep(a.area, bbox, out);
	if (derived) imported.derived = derived;
}

/**
 * COCO's own area and bbox (pycocotools computes them from the masks) where they differ from what the
 * writer would compute from the shape as read: written back as read while the shape is unedited.
 */
function figuresToKeep(area: unknown, bbox: number[] | null, out: readonly DatasetAnnotation[]): Record<string, JsonValue> | undefined {
	const hasArea = typeof area === 'number' && Number.isFinite(area);
	if (!hasArea && !bbox) return undefined;
	const ours = out.length === 1 ? vectorFigures(out[0]) : null;
	let kept: Record<string, JsonValue> | undefined;
	if (hasArea && ours?.area !== area) (kept ??= {}).area = area;
	if (bbox && !(ours && ours.bbox.every((v, i) => v === bbox[i]))) (kept ??= {}).bbox = bbox;
	return kept;
}

function readImage(r: JsonReader, raw: unknown, place: string, split: string | undefined, state: CocoReadState): { id: string; image: DatasetImage } {
	const im = r.object(raw, place);
	const id = r.id(im.id ?? im.image_id, `${place}.id`);
	let name = im.file_name === undefined || im.file_name === null ? '' : r.string(im.file_name, `${place}.file_name`);
	if (!name) {
		name = `image_${id}`;
		state.warnings.push(`${r.file} (${place}): the image has no file_name; named "${name}"`);
	}
	const size = (key: 'width' | 'height') => {
		if (im[key] === undefined || im[key] === null) return 0;
		const v = r.number(im[key], `${place}.${key}`);
		if (v < 0 || !Number.isInteger(v)) r.fail(`${place}.${key}`, 'should be a whole number of pixels');
		return v;
	};
	const image: DatasetImage = { name, width: size('width'), height: size('height') };
	checkPixelSize(image.width, image.height, r.file, place);
	if (split) image.split = split;
	image.imported = importedFrom('coco', im.id ?? im.image_id, extraFields(im, IMAGE_FIELDS), undefined, (p) => state.warnings.push(`${r.file} (${place}): ${p}`));
	return { id, image: state.addImage(image) };
}

/** A COCO dataset dict: images, categories, annotations (instances or person_keypoints). */
function readDatasetFile(file: DatasetFile, json: Record<string, unknown>, state: CocoReadState): FileContext {
	const r: JsonReader = new JsonReader(file.path);
	const split = splitOfFile(file.path);
	const ctx: FileContext = { r, state, images: new Map(), categories: new Map() };
	const fields = extraFields(json, DATASET_FIELDS);
	for (const [key, value] of Object.entries(fields ?? {})) if (!(key in state.datasetFields)) state.datasetFields[key] = value;
	r.optionalList(json.categories, 'categories').forEach((c, i) => {
		const { id, category } = readCategory(r, c, `categories[${i}]`, state.warnings);
		ctx.categories.set(id, category);
		state.addClass(category.name, category.semantic, category);
		if (category.keypoints && !state.keypointClasses.has(category.name)) {
			const single = category.keypoints.length === 1 && category.keypoints[0] === SINGLE_POINT_NAMES[0] && !category.rawSkeleton.length;
			state.keypointClasses.set(category.name, { category, file: file.path, poses: [], single });
		}
	});
	r.optionalList(json.images, 'images').forEach((raw, i) => {
		const { id, image } = readImage(r, raw, `images[${i}]`, split, state);
		ctx.images.set(id, image);
	});
	return ctx;
}

/** image_tags.json as this app writes it: tags by image file name. */
function readTagsFile(file: DatasetFile, json: Record<string, unknown>, state: CocoReadState): void {
	const r: JsonReader = new JsonReader(file.path);
	r.list(json.images, 'images').forEach((raw, i) => {
		const im = r.object(raw, `images[${i}]`);
		const name = r.string(im.file_name, `images[${i}].file_name`);
		const image = state.images.get(name) ?? state.addImage({ name, width: 0, height: 0 });
		r.list(im.tags, `images[${i}].tags`).forEach((t, k) => {
			const className = r.string(t, `images[${i}].tags[${k}]`);
			state.addClass(className);
			state.annotations.push({ image: image.name, className, type: 'tag', geometry: {}, source: `${file.path} › images[${i}].tags[${k}]` });
		});
	});
}

/** Segment Anything's per-image JSON: one image, masks without classes (read as class "object"). */
function readSamFile(file: DatasetFile, json: Record<string, unknown>, state: CocoReadState): void {
	const r: JsonReader = new JsonReader(file.path);
	const { image } = readImage(r, json.image, 'image', undefined, state);
	const ctx: FileContext = { r, state, images: new Map([['sam', image]]), categories: new Map([['sam', { name: 'object', keypoints: null, rawSkeleton: [], place: '', semantic: false }]]) };
	state.addClass('object');
	r.list(json.annotations, 'annotations').forEach((raw, i) => {
		const a = r.object(raw, `annotations[${i}]`);
		readAnnotation(ctx, { ...a, category_id: 'sam' }, `annotations[${i}]`, image);
	});
}

type Kind = 'dataset' | 'results' | 'sam' | 'tags' | 'panoptic';

function kindOf(file: DatasetFile, json: unknown): Kind {
	const r: JsonReader = new JsonReader(file.path);
	if (Array.isArray(json)) {
		json.forEach((entry, i) => r.object(entry, `[${i}]`));
		return 'results';
	}
	const o = r.object(json, '');
	if (o.image && typeof o.image === 'object' && !Array.isArray(o.image) && 'annotations' in o) return 'sam';
	if (!('images' in o) && !('annotations' in o) && !('categories' in o))
		r.fail('', 'is not a COCO file: it has no "images", "annotations" or "categories"');
	const anns = r.optionalList(o.annotations, 'annotations');
	if (anns.length && anns[0] && typeof anns[0] === 'object' && 'segments_info' in anns[0]) return 'panoptic';
	if (!('annotations' in o) && Array.isArray(o.images) && o.images.some((im) => im && typeof im === 'object' && 'tags' in im)) return 'tags';
	return 'dataset';
}

/** Image files beside the JSON: matched by the path that ends with the image's file_name. */
function attachImageBytes(files: readonly DatasetFile[], images: Iterable<DatasetImage>): void {
	const imageFiles = files.filter((f) => isImagePath(f.path));
	if (!imageFiles.length) return;
	const byBase = groupBy(imageFiles, (f) => basename(f.path));
	for (const im of images) {
		const matches = (byBase.get(basename(im.name)) ?? []).filter((f) => f.path === im.name || f.path.endsWith(`/${im.name}`));
		const best = matches.find((f) => im.split && f.path.includes(`/${im.split}/`)) ?? matches[0];
		if (best) im.bytes = best.bytes;
	}
}

export function readCoco(files: readonly DatasetFile[]): ReadResult {
	const state = new CocoReadState();
	const jsonFiles = files.filter((f) => extension(f.path) === 'json');
	if (!jsonFiles.length) throw new FormatError(files[0]?.path ?? '', '', 'no COCO JSON file was given');
	const parsed = jsonFiles.map((file) => {
		const json = jsonOf(file);
		return { file, json, kind: kindOf(file, json) };
	});
	// Datasets first, so that results and tags find their images.
	const order: Kind[] = ['dataset', 'sam', 'panoptic', 'results', 'tags'];
	parsed.sort((a, b) => order.indexOf(a.kind) - order.indexOf(b.kind));
	const datasets: { file: DatasetFile; ctx: FileContext; annotations: unknown }[] = [];
	for (const { file, json, kind } of parsed) {
		const o = json as Record<string, unknown>;
		if (kind === 'dataset') {
			const ctx = readDatasetFile(file, o, state);
			datasets.push({ file, ctx, annotations: o.annotations });
		} else if (kind === 'sam') readSamFile(file, o, state);
		else if (kind === 'panoptic') readPanopticFile(file, o, files, state);
		else if (kind === 'tags') readTagsFile(file, o, state);
	}
	for (const { ctx, annotations } of datasets)
		ctx.r.optionalList(annotations, 'annotations').forEach((raw, i) => readAnnotation(ctx, raw, `annotations[${i}]`));
	for (const { file, json } of parsed.filter((p) => p.kind === 'results')) {
		// A results file names images and categories by id only: it needs the dataset it was computed on.
		if (datasets.length !== 1)
			throw new FormatError(file.path, '', `is a COCO results file (a list of detections): read it together with the one dataset JSON it was computed on${datasets.length ? `, not ${datasets.length}` : ''}`);
		const ctx = { ...datasets[0].ctx, r: new JsonReader(file.path) };
		(json as unknown[]).forEach((raw, i) => readAnnotation(ctx, raw, `[${i}]`));
	}
	const dataset = state.finish();
	attachImageBytes(files, dataset.images);
	if (dataset.annotations.some((a) => a.type === 'tag')) dataset.tagMode = 'multi';
	return { dataset, warnings: state.warnings };
}
