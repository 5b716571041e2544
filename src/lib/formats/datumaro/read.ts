import type { AttributeValue, SkeletonTemplate } from '$lib/model/records';
import { runsToString } from '$lib/shapes/mask/rle';
import type { ReadResult } from '../codec';
import { withGeometry, type DatasetAnnotation, type JsonValue } from '../dataset';
import { DatasetBuilder, imageBytesFor, isRecord, numberAt } from '../dataset-builder';
import { FormatError } from '../errors';
import { extension, jsonOf, stem, type DatasetFile } from '../files';
import { checkPixelSize, checkPointCount, checkRunsCover } from '../limits';
import { extraFields, importedFrom } from '../ids';
import type { PolygonGeometry } from '$lib/shapes/polygon/kind';

/** What the reader turns into the dataset; an item's and an annotation's other fields are kept as read. */
const KNOWN_ITEM = new Set(['id', 'annotations', 'image', 'media']);
const KNOWN_ANNOTATION = new Set(['id', 'type', 'label_id', 'points', 'bbox', 'rle', 'visibility', 'attributes']);

/** An annotation's fields besides its geometry: the attributes that are not simple values go with them. */
function annotationFields(raw: Record<string, unknown>, simple: Record<string, AttributeValue>): Record<string, JsonValue> | undefined {
	const fields = extraFields(raw, KNOWN_ANNOTATION);
	const other = isRecord(raw.attributes) ? extraFields(raw.attributes, new Set(Object.keys(simple))) : undefined;
	return other ? { ...fields, attributes: other } : fields;
}

interface Subset {
	file: string;
	name: string;
	doc: Record<string, unknown>;
}

export function isDatumaroJson(v: unknown): boolean {
	return isRecord(v) && Array.isArray(v.items) && isRecord(v.categories);
}

const numbers = (v: unknown, file: string, place: string): number[] => {
	if (!Array.isArray(v)) throw new FormatError(file, place, 'is not a list of numbers');
	return v.map((n, i) => numberAt(n, file, `${place}[${i}]`));
};

/** Datumaro's joints are COCO's 1-based pairs, except where an index 0 shows they are 0-based. */
function edgesOf(joints: unknown, n: number): [number, number][] {
	if (!Array.isArray(joints)) return [];
	const pairs = joints.filter((j): j is [number, number] => Array.isArray(j) && j.length === 2 && j.every(Number.isInteger));
	const base = pairs.some((p) => p.includes(0)) ? 0 : 1;
	return pairs.map(([a, b]): [number, number] => [a - base, b - base]).filter(([a, b]) => a >= 0 && b >= 0 && a < n && b < n);
}

export function readDatumaro(files: readonly DatasetFile[]): ReadResult {
	const subsets: Subset[] = [];
	for (const f of files) {
		if (extension(f.path) !== 'json') continue;
		const doc = jsonOf(f);
		if (!isRecord(doc)) throw new FormatError(f.path, 'root', 'is not a Datumaro JSON object');
		if (!Array.isArray(doc.items)) throw new FormatError(f.path, 'items', 'is missing or not a list');
		subsets.push({ file: f.path, name: stem(f.path), doc });
	}
	if (!subsets.length) throw new FormatError('(input)', '', 'no Datumaro annotations/*.json found');
	const b = new DatasetBuilder();
	// Item ids repeat across subsets: such items are kept apart by a subset folder.
	const nameOf = (s: Subset, item: Record<string, unknown>) => (isRecord(item.image) && typeof item.image.path === 'string' && item.image.path ? item.image.path : String(item.id ?? ''));
	const seen = new Map<string, number>();
	for (const s of subsets) for (const item of s.doc.items as unknown[]) if (isRecord(item)) seen.set(nameOf(s, item), (seen.get(nameOf(s, item)) ?? 0) + 1);
	for (const s of subsets) readSubset(s, files, b, (item) => {
		const n = nameOf(s, item);
		return (seen.get(n) ?? 0) > 1 ? `${s.name}/${n}` : n;
	});
	return b.result();
}

function readSubset(s: Subset, files: readonly DatasetFile[], b: DatasetBuilder, nameOf: (item: Record<string, unknown>) => string): void {
	const path = s.file;
	const categories = isRecord(s.doc.categories) ? s.doc.categories : {};
	const labelCat = isRecord(categories.label) ? categories.label : {};
	const labels = (Array.isArray(labelCat.labels) ? labelCat.labels : []).map((l, i) => {
		if (!isRecord(l) || typeof l.name !== 'string') throw new FormatError(path, `categories.label.labels[${i}]`, 'a label needs a name');
		return { name: l.name, parent: typeof l.parent === 'string' ? l.parent : '' };
	});
	const pointsCat = isRecord(categories.points) && Array.isArray(categories.points.items) ? categories.points.items.filter(isRecord) : [];
	const templates = new Map<number, SkeletonTemplate>();
	for (const p of pointsCat) {
		const id = Number(p.label_id);
		const names = Array.isArray(p.labels) ? p.labels.map(String) : [];
		if (!Number.isInteger(id) || !names.length) continue;
		templates.set(id, { points: names.map((name, i) => ({ name, x: (i + 0.5) / names.length, y: 0.5 })), edges: edgesOf(p.joints, names.length) });
	}
	// Labels with a parent are the points of a skeleton label, not classes of their own.
	labels.forEach((l, i) => {
		if (l.parent) return;
		const children = labels.filter((c) => c.parent === l.name).map((c) => c.name);
		const template = templates.get(i) ?? (children.length ? { points: children.map((name, k) => ({ name, x: (k + 0.5) / children.length, y: 0.5 })), edges: [] } : null);
		if (template) templates.set(i, template);
		b.class(l.name, template && (children.length || pointsCat.length) ? { skeleton: template } : {});
	});

	(s.doc.items as unknown[]).forEach((item, k) => {
		const place = `items[${k}]`;
		if (!isRecord(item)) throw new FormatError(path, place, 'is not an object');
		const name = nameOf(item);
		if (!name) throw new FormatError(path, `${place}.id`, 'an item needs an id');
		const image = isRecord(item.image) ? item.image : isRecord(item.media) ? item.media : {};
		// Datumaro's size is [height, width].
		const size = Array.isArray(image.size) ? numbers(image.size, path, `${place}.image.size`) : [0, 0];
		const imageSize = { width: size[1] ?? 0, height: size[0] ?? 0 };
		checkPixelSize(imageSize.width, imageSize.height, path, `${place}.image.size`);
		const imagePath = typeof image.path === 'string' ? image.path : '';
		const bytes = imagePath ? (imageBytesFor(files, `images/${s.name}/${imagePath}`) ?? imageBytesFor(files, imagePath)) : undefined;
		const imported = importedFrom('datumaro', item.id, extraFields(item, KNOWN_ITEM), undefined, (problem) => b.warnings.push(`${path} (${place}): ${problem}`));
		b.image({ name, ...imageSize, ...(bytes ? { bytes } : {}), ...(s.name !== 'default' ? { split: s.name } : {}), ...(imported.id !== undefined || imported.fields ? { imported } : {}) });
		const anns = Array.isArray(item.annotations) ? item.annotations : [];
		const found: { z: number; n: number; a: DatasetAnnotation }[] = [];
		// Polygons of one label sharing a group are one object in parts (Datumaro's COCO import writes a
		// several-polygon segmentation so): the first holds the rest, with their coordinates counted together.
		const objects = new Map<string, { geometry: PolygonGeometry; numbers: number }>();
		anns.forEach((raw, j) => {
			const where = `${place}.annotations[${j}]`;
			if (!isRecord(raw)) throw new FormatError(path, where, 'is not an object');
			const type = String(raw.type ?? '');
			if (type === 'caption' || type === 'cuboid_3d') return void b.warnings.push(`${path} (${where}): Datumaro ${type} annotations are not kept`);
			const labelId = raw.label_id;
			if (labelId === null || labelId === undefined) return void b.warnings.push(`${path} (${where}): ${type} without a label; skipped`);
			const labelIndex = numberAt(labelId, path, `${where}.label_id`, 'a label index');
			const label = labels[labelIndex];
			if (!label) return void b.warnings.push(`${path} (${where}): label_id ${labelIndex} is not among the ${labels.length} labels; skipped`);
			const attributes: Record<string, AttributeValue> = {};
			if (isRecord(raw.attributes))
				for (const [key, v] of Object.entries(raw.attributes)) if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') attributes[key] = v;
			const group = Number(raw.group);
			const ref = importedFrom('datumaro', raw.id, annotationFields(raw, attributes), undefined, (problem) => b.warnings.push(`${path} (${where}): ${problem}`));
			const common = {
				image: name,
				className: label.name,
				source: `${path} › ${where}`,
				...(Object.keys(attributes).length ? { attributes } : {}),
				...(group > 0 ? { instanceId: group } : {}),
				...(ref.id !== undefined || ref.fields ? { imported: ref } : {})
			};
			const push = (a: Pick<DatasetAnnotation, 'type' | 'geometry'>) => found.push({ z: Number(raw.z_order ?? 0) || 0, n: found.length, a: withGeometry(common, a.type, a.geometry) });
			switch (type) {
				case 'label':
					push({ type: 'tag', geometry: {} });
					break;
				case 'bbox': {
					const [x, y, w, h] = numbers(raw.bbox, path, `${where}.bbox`);
					if (!(w >= 0 && h >= 0)) throw new FormatError(path, `${where}.bbox`, `has a negative size (${w} × ${h})`);
					push({ type: 'box', geometry: { x, y, width: w, height: h } });
					break;
				}
				case 'polygon':
				case 'polyline': {
					if (Array.isArray(raw.points)) checkPointCount(raw.points.length, path, `${where}.points`);
					const points = numbers(raw.points, path, `${where}.points`);
					if (points.length % 2) throw new FormatError(path, `${where}.points`, 'has an odd number of coordinates');
					const object = type === 'polygon' && group > 0 ? objects.get(`${labelIndex} ${group}`) : undefined;
					if (object) {
						checkPointCount((object.numbers += points.length), path, `${where}.points`);
						(object.geometry.parts ??= []).push({ points });
						break;
					}
					const geometry = { points };
					if (type === 'polygon' && group > 0) objects.set(`${labelIndex} ${group}`, { geometry, numbers: points.length });
					push({ type, geometry });
					break;
				}
				case 'ellipse': {
					const [x1, y1, x2, y2] = numbers(raw.points, path, `${where}.points`);
					push({ type: 'ellipse', geometry: { cx: (x1 + x2) / 2, cy: (y1 + y2) / 2, rx: Math.abs(x2 - x1) / 2, ry: Math.abs(y2 - y1) / 2, angle: 0 } });
					break;
				}
				case 'points':
				case 'skeleton': {
					// points: [x, y, …] with a separate visibility; the CVAT fork's skeleton: [x, y, v, …].
					const flat = numbers(raw.points, path, `${where}.points`);
					const triples = type === 'skeleton';
					const n = triples ? flat.length / 3 : flat.length / 2;
					if (!Number.isInteger(n)) throw new FormatError(path, `${where}.points`, `has ${flat.length} numbers, not a multiple of ${triples ? 3 : 2}`);
					const xy = Array.from({ length: n }, (_, i) => (triples ? [flat[i * 3], flat[i * 3 + 1]] : [flat[i * 2], flat[i * 2 + 1]])).flat();
					const visibility = Array.from({ length: n }, (_, i) => (triples ? flat[i * 3 + 2] : Array.isArray(raw.visibility) ? Number(raw.visibility[i] ?? 2) : 2));
					const template = templates.get(labelIndex);
					if (template && template.points.length === n) push({ type: 'skeleton', geometry: { points: xy, visibility } });
					else for (let i = 0; i < n; i++) if (visibility[i] > 0) push({ type: 'keypoint', geometry: { x: xy[i * 2], y: xy[i * 2 + 1] } });
					break;
				}
				case 'mask': {
					const rle = isRecord(raw.rle) ? raw.rle : null;
					if (!rle) throw new FormatError(path, `${where}.rle`, 'a mask needs an rle');
					const [h, w] = numbers(rle.size, path, `${where}.rle.size`);
					// Anchored at the image's corner: smaller than the image is kept (the CVAT fork writes such), larger is refused.
					checkPixelSize(w, h, path, `${where}.rle.size`, 'the mask');
					if (imageSize.width > 0 && imageSize.height > 0 && (w > imageSize.width || h > imageSize.height))
						throw new FormatError(path, `${where}.rle.size`, `the mask is ${w} × ${h}, larger than its image (${imageSize.width} × ${imageSize.height})`);
					const counts = typeof rle.counts === 'string' ? rle.counts : runsToString(numbers(rle.counts, path, `${where}.rle.counts`));
					checkRunsCover(counts, w, h, path, `${where}.rle.counts`);
					push({ type: 'mask', geometry: { x: 0, y: 0, width: w, height: h, rle: counts } });
					break;
				}
				default:
					b.warnings.push(`${path} (${where}): annotation type "${type}" is not read; skipped`);
			}
		});
		found.sort((p, q) => p.z - q.z || p.n - q.n);
		for (const { a } of found) b.add(a);
	});
}
