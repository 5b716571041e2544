import type { AttributeSpec, AttributeValue, SkeletonTemplate } from '$lib/model/records';
import { normalizeAngle } from '$lib/geometry/rotation';
import type { ReadResult } from '../codec';
import { withGeometry, type DatasetAnnotation } from '../dataset';
import { DatasetBuilder, imageBytesFor, isRecord, newSpec, numberAt } from '../dataset-builder';
import { FormatError } from '../errors';
import { dirname, extension, jsonOf, stem, type DatasetFile } from '../files';
import { masksFromDenseRle } from './raster';
import { partsOfPaths } from './paths';
import { polygonFromParts } from '$lib/shapes/polygon/kind';
import { checkPixelSize, checkPointCount } from '../limits';

export const DARWIN_VIDEO_REFUSAL = 'Darwin video items are not supported; export the frames as images';
export const DARWIN_MULTI_SLOT_REFUSAL = 'Darwin items with several slots are not supported; export one image per item';
export const RASTER_LAYER = '__raster_layer__';

const deg = (radians: number) => (radians * 180) / Math.PI;

export function isDarwinJson(v: unknown): boolean {
	return isRecord(v) && isRecord(v.item) && Array.isArray(v.annotations) && typeof v.version === 'string';
}

export function readDarwin(files: readonly DatasetFile[]): ReadResult {
	const jsons = files.filter((f) => extension(f.path) === 'json' && !f.path.split('/').includes('.v7'));
	if (!jsons.length) throw new FormatError('(input)', '', 'no Darwin JSON files found');
	const b = new DatasetBuilder();
	const propertyKinds = new Map<string, Map<string, { multi: boolean; values: Set<string> }>>();
	for (const f of jsons) readItem(f, files, b, propertyKinds);
	// Property definitions live in V7, not in the export: each becomes a text attribute, or a
	// multiselect when an annotation holds several values of it.
	for (const [className, props] of propertyKinds) {
		const specs: AttributeSpec[] = [...props].map(([name, p]) => (p.multi ? newSpec(className, name, 'multiselect', [...p.values].sort()) : newSpec(className, name, 'text')));
		b.class(className).attributes = specs;
	}
	const result = b.result();
	const multi = new Set([...propertyKinds].flatMap(([c, props]) => [...props].filter(([, p]) => p.multi).map(([n]) => `${c}\u0000${n}`)));
	for (const a of result.dataset.annotations)
		for (const [n, v] of Object.entries(a.attributes ?? {})) if (typeof v === 'string' && multi.has(`${a.className}\u0000${n}`)) a.attributes![n] = [v];
	return result;
}

function readItem(file: DatasetFile, files: readonly DatasetFile[], b: DatasetBuilder, propertyKinds: Map<string, Map<string, { multi: boolean; values: Set<string> }>>): void {
	const path = file.path;
	const doc = jsonOf(file);
	if (!isRecord(doc)) throw new FormatError(path, 'root', 'is not a Darwin JSON object');
	if (!isRecord(doc.item)) throw new FormatError(path, 'item', 'has no "item": not a Darwin JSON 2.0 file');
	if (!Array.isArray(doc.annotations)) throw new FormatError(path, 'annotations', 'is missing or not a list');
	const item = doc.item;
	const slots = Array.isArray(item.slots) ? item.slots.filter(isRecord) : [];
	if (slots.some((s) => s.type === 'video') || doc.annotations.some((a) => isRecord(a) && 'frames' in a)) throw new FormatError(path, 'item.slots', DARWIN_VIDEO_REFUSAL);
	if (slots.length > 1) throw new FormatError(path, 'item.slots', `${DARWIN_MULTI_SLOT_REFUSAL} (this item has ${slots.length})`);
	const slot = slots[0] ?? (isRecord(doc.image) ? doc.image : {});
	const width = slot.width === undefined ? 0 : numberAt(slot.width, path, 'item.slots[0].width', 'a width');
	const height = slot.height === undefined ? 0 : numberAt(slot.height, path, 'item.slots[0].height', 'a height');
	const sourceName = Array.isArray(slot.source_files) && isRecord(slot.source_files[0]) ? String(slot.source_files[0].file_name ?? '') : '';
	const base = String(item.name ?? '') || sourceName || stem(path);
	const folder = String(item.path ?? '/').replace(/^\/+|\/+$/g, '');
	const name = folder ? `${folder}/${base}` : base;
	const bytes = imageBytesFor(files, name, dirname(path));
	checkPixelSize(width, height, path, 'item.slots[0]');
	b.image({ name, width, height, ...(bytes ? { bytes } : {}) });

	// Masks take their pixels from the item's raster layer.
	const annotations = doc.annotations as unknown[];
	const layerIndex = annotations.findIndex((a) => isRecord(a) && isRecord(a.raster_layer));
	const layer = layerIndex >= 0 ? ((annotations[layerIndex] as Record<string, unknown>).raster_layer as Record<string, unknown>) : null;
	const mapping = isRecord(layer?.mask_annotation_ids_mapping) ? (layer.mask_annotation_ids_mapping as Record<string, unknown>) : {};
	let masks = new Map<number, unknown>();
	if (layer) {
		const where = `annotations[${layerIndex}].raster_layer`;
		if (!Array.isArray(layer.dense_rle)) throw new FormatError(path, `${where}.dense_rle`, 'is not a list');
		if (!width || !height) throw new FormatError(path, 'item.slots[0]', 'has no width and height for the raster layer');
		try {
			masks = masksFromDenseRle(layer.dense_rle as number[], width, height, Object.values(mapping).map(Number));
		} catch (e) {
			throw new FormatError(path, `${where}.dense_rle`, (e as Error).message);
		}
	}

	annotations.forEach((raw, k) => {
		const place = `annotations[${k}]`;
		if (!isRecord(raw)) throw new FormatError(path, place, 'is not an object');
		if (isRecord(raw.raster_layer)) return;
		const className = raw.name;
		if (typeof className !== 'string' || !className) throw new FormatError(path, `${place}.name`, 'an annotation needs a class name');
		const common: Omit<DatasetAnnotation, 'type' | 'geometry'> = { image: name, className, source: `${path} › ${place}`, ...subAnnotations(raw, path, place, className, propertyKinds) };
		const point = (p: unknown, where: string) => {
			if (!isRecord(p)) throw new FormatError(path, where, 'is not an {x, y} point');
			return [numberAt(p.x, path, `${where}.x`), numberAt(p.y, path, `${where}.y`)];
		};
		const pathOf = (list: unknown, where: string) => {
			if (!Array.isArray(list)) throw new FormatError(path, where, 'is not a list of points');
			checkPointCount(list.length * 2, path, where);
			// Plain finite numbers take the quick way; anything else goes through `point`, which names the place.
			const out = new Array<number>(list.length * 2);
			for (let i = 0; i < list.length; i++) {
				const p = list[i] as { x?: unknown; y?: unknown } | null;
				const x = p?.x,
					y = p?.y;
				if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) [out[i * 2], out[i * 2 + 1]] = [x, y];
				else [out[i * 2], out[i * 2 + 1]] = point(p, `${where}[${i}]`);
			}
			return out;
		};
		const rect = (r: unknown, where: string) => {
			if (!isRecord(r)) throw new FormatError(path, where, 'is not a {x, y, w, h} box');
			const [x, y, w, h] = ['x', 'y', 'w', 'h'].map((n) => numberAt(r[n], path, `${where}.${n}`));
			if (w < 0 || h < 0) throw new FormatError(path, where, `has a negative size (w ${w}, h ${h})`);
			return { x, y, w, h };
		};
		const polygonOf = (list: unknown, where: string, whereOf = (i: number) => `${where}[${i}]`) => {
			if (!Array.isArray(list)) throw new FormatError(path, where, 'is not a list of paths');
			if (!list.length) throw new FormatError(path, where, 'is empty');
			// All paths together are one shape: counted before any is read (and before they are grouped).
			checkPointCount(list.reduce((n: number, p) => n + (Array.isArray(p) ? p.length * 2 : 0), 0), path, where);
			const parts = partsOfPaths(list.map((p, i) => pathOf(p, whereOf(i))));
			b.add({ ...common, type: 'polygon', geometry: polygonFromParts(parts) });
		};
		if (isRecord(raw.polygon)) {
			if (Array.isArray(raw.polygon.paths)) polygonOf(raw.polygon.paths, `${place}.polygon.paths`);
			else polygonOf([raw.polygon.path], `${place}.polygon`, () => `${place}.polygon.path`);
		} else if (isRecord(raw.complex_polygon)) {
			polygonOf(raw.complex_polygon.path, `${place}.complex_polygon.path`);
		} else if (raw.bounding_box !== undefined) {
			const r = rect(raw.bounding_box, `${place}.bounding_box`);
			b.add({ ...common, type: 'box', geometry: { x: r.x, y: r.y, width: r.w, height: r.h } });
		} else if (raw.line !== undefined) {
			if (!isRecord(raw.line)) throw new FormatError(path, `${place}.line`, 'is not an object');
			b.add({ ...common, type: 'polyline', geometry: { points: pathOf(raw.line.path, `${place}.line.path`) } });
		} else if (raw.keypoint !== undefined) {
			const [x, y] = point(raw.keypoint, `${place}.keypoint`);
			b.add({ ...common, type: 'keypoint', geometry: { x, y } });
		} else if (raw.ellipse !== undefined) {
			const e = raw.ellipse;
			if (!isRecord(e)) throw new FormatError(path, `${place}.ellipse`, 'is not an object');
			const [cx, cy] = point(e.center, `${place}.ellipse.center`);
			const [rx, ry] = point(e.radius, `${place}.ellipse.radius`);
			const angle = e.angle === undefined ? 0 : numberAt(e.angle, path, `${place}.ellipse.angle`);
			b.add({ ...common, type: 'ellipse', geometry: { cx, cy, rx, ry, angle: normalizeAngle(deg(angle)) } });
		} else if (raw.cuboid !== undefined) {
			if (!isRecord(raw.cuboid)) throw new FormatError(path, `${place}.cuboid`, 'is not an object');
			const face = (r: { x: number; y: number; w: number; h: number }) => [r.x, r.y, r.x + r.w, r.y, r.x + r.w, r.y + r.h, r.x, r.y + r.h];
			b.add({ ...common, type: 'cuboid', geometry: { points: [...face(rect(raw.cuboid.front, `${place}.cuboid.front`)), ...face(rect(raw.cuboid.back, `${place}.cuboid.back`))] } });
		} else if (raw.skeleton !== undefined) {
			const nodes = isRecord(raw.skeleton) && Array.isArray(raw.skeleton.nodes) ? raw.skeleton.nodes : null;
			if (!nodes) throw new FormatError(path, `${place}.skeleton.nodes`, 'is not a list');
			const xy = nodes.map((n, i) => point(n, `${place}.skeleton.nodes[${i}]`));
			const names = nodes.map((n, i) => String((n as Record<string, unknown>).name ?? i + 1));
			const template = skeletonTemplate(b, className, names, xy);
			const points = template.points.flatMap(() => [0, 0]);
			const visibility = template.points.map(() => 0);
			names.forEach((n, i) => {
				const at = template.points.findIndex((p) => p.name === n);
				if (at < 0) throw new FormatError(path, `${place}.skeleton.nodes[${i}]`, `node "${n}" is not in the skeleton of "${className}"`);
				points[at * 2] = xy[i][0];
				points[at * 2 + 1] = xy[i][1];
				visibility[at] = (nodes[i] as Record<string, unknown>).occluded === true ? 1 : 2;
			});
			b.add({ ...common, type: 'skeleton', geometry: { points, visibility } });
		} else if (raw.tag !== undefined) {
			b.add({ ...common, type: 'tag', geometry: {} });
		} else if (raw.mask !== undefined) {
			const value = Number(mapping[String(raw.id)]);
			const mask = masks.get(value);
			if (!mask) b.warnings.push(`${path} (${place}): mask "${className}" has no pixels in the raster layer; skipped`);
			else b.add(withGeometry(common, 'mask', mask));
		} else b.warnings.push(`${path} (${place}): annotation of "${className}" has no type this app reads; skipped`);
	});
}

/** A skeleton class's template: the nodes of its first instance, laid out in their bounding box. */
function skeletonTemplate(b: DatasetBuilder, className: string, names: string[], xy: number[][]): SkeletonTemplate {
	const known = b.hasClass(className) ? b.class(className).skeleton : null;
	if (known) return known;
	const xs = xy.map((p) => p[0]),
		ys = xy.map((p) => p[1]);
	const minX = Math.min(...xs),
		minY = Math.min(...ys);
	const w = Math.max(...xs) - minX || 1,
		h = Math.max(...ys) - minY || 1;
	const template = { points: names.map((name, i) => ({ name, x: (xy[i][0] - minX) / w, y: (xy[i][1] - minY) / h })), edges: [] as [number, number][] };
	b.class(className, { skeleton: template });
	return template;
}

function subAnnotations(raw: Record<string, unknown>, path: string, place: string, className: string, propertyKinds: Map<string, Map<string, { multi: boolean; values: Set<string> }>>): Partial<DatasetAnnotation> {
	const out: Partial<DatasetAnnotation> = {};
	if (isRecord(raw.text) && typeof raw.text.text === 'string') out.text = raw.text.text;
	if (isRecord(raw.instance_id)) out.instanceId = numberAt(raw.instance_id.value, path, `${place}.instance_id.value`, 'an instance id');
	if (isRecord(raw.directional_vector)) {
		const a = numberAt(raw.directional_vector.angle, path, `${place}.directional_vector.angle`, 'an angle');
		out.direction = { angle: ((deg(a) % 360) + 360) % 360 };
	}
	const values = new Map<string, string[]>();
	const props = Array.isArray(raw.properties) ? raw.properties : [];
	props.forEach((p, i) => {
		if (!isRecord(p) || typeof p.name !== 'string') throw new FormatError(path, `${place}.properties[${i}]`, 'a property needs a name');
		if (p.value === null || p.value === undefined || p.value === '') return;
		const list = values.get(p.name) ?? [];
		list.push(String(p.value));
		values.set(p.name, list);
	});
	// Darwin 1.0's attributes sub-annotation: a list of words.
	const legacy = isRecord(raw.attributes) ? raw.attributes.attributes : raw.attributes;
	if (Array.isArray(legacy) && legacy.length) values.set('attributes', [...(values.get('attributes') ?? []), ...legacy.map(String)]);
	if (values.size) {
		const kinds = propertyKinds.get(className) ?? new Map();
		propertyKinds.set(className, kinds);
		const attributes: Record<string, AttributeValue> = {};
		for (const [name, list] of values) {
			const unique = [...new Set(list)];
			const k = kinds.get(name) ?? { multi: false, values: new Set<string>() };
			kinds.set(name, k);
			if (unique.length > 1 || name === 'attributes') k.multi = true;
			for (const v of unique) k.values.add(v);
			attributes[name] = unique.length > 1 || name === 'attributes' ? unique.sort() : unique[0];
		}
		out.attributes = attributes;
	}
	return out;
}
