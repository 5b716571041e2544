import { fromLocal, normalizeAngle } from '$lib/geometry/rotation';
import type { ReadResult } from '../codec';
import type { DatasetAnnotation, JsonValue } from '../dataset';
import { DatasetBuilder, imageBytesFor, isRecord } from '../dataset-builder';
import { FormatError } from '../errors';
import { extension, isImagePath, jsonOf, type DatasetFile } from '../files';
import { encodeMask } from '$lib/shapes/mask/rle';
import { decodeBrush } from './brush';
import { checkPixelSize, checkPointCount } from '../limits';
import { extraFields } from '../ids';
import { keptWithin, readEntryIndex } from './kept';
import { COMPUTED_VALUE_KEYS, CONTROLS, ENTRY_DEFAULTS, imageKeyOf, imageNameOf, isDefault, KINDS, LABEL_KEY_SET, LABEL_KEYS, REGION_DEFAULTS, TASK_DEFAULTS, VALUE_DEFAULTS, withoutDefaults } from './controls';


/** A finite number, or a FormatError: Label Studio writes numbers, so a string or NaN is a broken file. */
function pct(v: unknown, file: string, place: string): number {
	if (typeof v !== 'number' || !Number.isFinite(v)) throw new FormatError(file, place, `expected a number, found ${JSON.stringify(v) ?? 'nothing'}`);
	return v;
}

export { imageNameOf } from './controls';

export function readLabelStudio(files: readonly DatasetFile[]): ReadResult {
	const jsons = files.filter((f) => extension(f.path) === 'json');
	if (!jsons.length) throw new FormatError('(input)', '', 'no Label Studio JSON export found');
	const b = new DatasetBuilder();
	for (const f of jsons) {
		const doc = jsonOf(f);
		const tasks = Array.isArray(doc) ? doc : [doc];
		tasks.forEach((t, i) => readTask(t, `[${i}]`, f.path, files, b));
	}
	return b.result();
}

/** What a task, its annotation entry and a region hold that the reader turns into the dataset. */
const KNOWN_TASK = new Set(['id', 'data', 'annotations']);
const KNOWN_ENTRY = new Set(['result']);
const KNOWN_REGION = new Set(['id', 'type', 'value', 'original_width', 'original_height', 'parentID']);

/**
 * The task's own fields: everything but its regions, `data` when it says more than the image, and its
 * annotation entries: the one read (`index`) less its regions, the others (cancelled, other annotators')
 * as read, for a Label Studio export to write back in their places.
 */
function taskFields(task: Record<string, unknown>, data: Record<string, unknown>, imageKey: string, name: string, entries: unknown[], index: number): Record<string, JsonValue> {
	const fields = withoutDefaults(extraFields(task, KNOWN_TASK) ?? {}, TASK_DEFAULTS);
	if (imageKey !== 'image' || data[imageKey] !== name || Object.keys(data).length > 1) fields.data = data as JsonValue;
	const entry = entries[index] as Record<string, unknown> | undefined;
	// Relations (links between regions) have no place in Peerlabel: they wait in the entry for a Label Studio export.
	const relations = entry && Array.isArray(entry.result) ? entry.result.filter((r) => isRecord(r) && r.type === 'relation') : [];
	const own = entry && { ...withoutDefaults(extraFields(entry, KNOWN_ENTRY) ?? {}, ENTRY_DEFAULTS), ...(relations.length ? { result: relations as JsonValue[] } : {}) };
	if (entries.length > 1 || (own && Object.keys(own).length)) fields.annotations = entries.map((e, k) => (k === index ? own! : e) as JsonValue);
	return fields;
}

/**
 * A region's fields the writer does not compute: those differing from its defaults, and `value`'s keys
 * other than geometry and labels. One pass over each object, no copies (a file may hold 100,000 regions).
 */
function regionFields(r: Record<string, unknown>, v: Record<string, unknown>, kind: string, parts: readonly Result[]): Record<string, JsonValue> | undefined {
	const written = KINDS.find(([k]) => kind.startsWith(k))?.[1];
	let fields: Record<string, JsonValue> | undefined;
	for (const key in r) {
		const x = r[key];
		if (KNOWN_REGION.has(key) || x === undefined) continue;
		if (key in REGION_DEFAULTS ? isDefault(x, REGION_DEFAULTS[key]) : key === 'from_name' && written && x === CONTROLS[written].name) continue;
		(fields ??= {})[key] = x as JsonValue;
	}
	const computed = written ? COMPUTED_VALUE_KEYS[written] : LABEL_KEY_SET;
	const defaults = written && VALUE_DEFAULTS[written];
	let value: Record<string, JsonValue> | undefined;
	for (const key in v) {
		const x = v[key];
		if (computed.has(key) || x === undefined || (defaults && key in defaults && isDefault(x, defaults[key]))) continue;
		(value ??= {})[key] = x as JsonValue;
	}
	if (value) (fields ??= {}).value = value;
	// The ids of a multi-part polygon's further regions, for the writer to give them again.
	if (parts.length) (fields ??= {}).partIds = parts.map((p) => p.r.id as string);
	return fields;
}

/** A region as read, and its place in the file for messages. */
interface Result {
	r: Record<string, unknown>;
	where: string;
}

function labelsOf(r: Record<string, unknown>): string[] {
	const v = r.value;
	if (!isRecord(v)) return [];
	const key = LABEL_KEYS.find((k) => Array.isArray(v[k]));
	return key ? (v[key] as unknown[]).map(String) : [];
}

/**
 * Label Studio has no multi-part polygon: Peerlabel writes further parts as polygons nested under the
 * first by `parentID` (the region tree shows them as one). A polygon whose parentID names a polygon with
 * the same labels is read as a part of the root of that chain; the map gives each root its parts, in
 * file order. Polygons in a parentID cycle have no root: each stands alone.
 */
function polygonParts(results: readonly Result[]): { partsOf: Map<string, Result[]>; isPart: Set<Record<string, unknown>> } {
	type Region = Record<string, unknown>;
	const partsOf = new Map<string, Result[]>();
	const isPart = new Set<Region>();
	const isPolygon = (r: Region) => typeof r.type === 'string' && r.type.startsWith('polygon') && typeof r.id === 'string';
	// Most tasks nest nothing: no polygon with a parentID, nothing to look up.
	if (!results.some(({ r }) => typeof r.parentID === 'string' && isPolygon(r))) return { partsOf, isPart };
	const polygons = new Map<string, Region>();
	for (const { r } of results) if (isPolygon(r) && !polygons.has(r.id as string)) polygons.set(r.id as string, r);
	const parentOf = (r: Region) => {
		const p = typeof r.parentID === 'string' ? polygons.get(r.parentID) : undefined;
		return p && JSON.stringify(labelsOf(p)) === JSON.stringify(labelsOf(r)) ? p : undefined;
	};
	// Each chain is walked once (memoised), so a long chain costs linear time.
	const rootOf = new Map<Region, Region | null>();
	const root = (r: Region): Region | null => {
		const path = new Set<Region>();
		let p: Region | undefined = r,
			found: Region | null = null;
		for (;;) {
			if (rootOf.has(p)) found = rootOf.get(p)!;
			else if (path.has(p)) found = null;
			else {
				path.add(p);
				const up = parentOf(p);
				if (up) {
					p = up;
					continue;
				}
				found = p;
			}
			break;
		}
		for (const q of path) rootOf.set(q, found);
		return found;
	};
	for (const part of results) {
		if (!isPolygon(part.r) || typeof part.r.parentID !== 'string') continue;
		const top = root(part.r);
		if (!top || top === part.r) continue;
		isPart.add(part.r);
		const parts = partsOf.get(top.id as string) ?? [];
		partsOf.set(top.id as string, parts);
		parts.push(part);
	}
	return { partsOf, isPart };
}

function readTask(task: unknown, place: string, path: string, files: readonly DatasetFile[], b: DatasetBuilder): void {
	if (!isRecord(task)) throw new FormatError(path, place, 'is not a task object');
	// Full export: {data: {image}, annotations: [{result}]}; JSON-MIN: {image, <from_name>: [regions…]}.
	const min = !isRecord(task.data);
	const data = min ? task : (task.data as Record<string, unknown>);
	const imageKey = imageKeyOf(data, (url) => isImagePath(imageNameOf(url)));
	if (!imageKey) throw new FormatError(path, `${place}${min ? '' : '.data'}`, 'a task needs an image (data.image)');
	const name = imageNameOf(data[imageKey] as string);
	let results: Result[] = [];
	let entries: unknown[] = [],
		index = -1;
	if (min) {
		for (const [k, v] of Object.entries(task))
			if (Array.isArray(v)) v.forEach((r, j) => isRecord(r) && LABEL_KEYS.some((key) => key in r) && results.push({ r: { value: r, from_name: k, original_width: r.original_width, original_height: r.original_height }, where: `${place}.${k}[${j}]` }));
	} else {
		const annotations = (entries = Array.isArray(task.annotations) ? task.annotations : []);
		index = readEntryIndex(annotations);
		if (index >= 0) {
			const a = annotations[index] as Record<string, unknown>;
			if (!Array.isArray(a.result)) throw new FormatError(path, `${place}.annotations[${index}].result`, 'is not a list');
			results = a.result.map((r, j) => {
				if (!isRecord(r)) throw new FormatError(path, `${place}.annotations[${index}].result[${j}]`, 'is not an object');
				return { r, where: `${place}.annotations[${index}].result[${j}]` };
			});
			if (annotations.length - index > 1) b.warnings.push(`${path} (${place}): only the first of ${annotations.length} annotations of this task is read (the others are kept for a Label Studio export)`);
		}
	}
	const sized = results.find(({ r }) => typeof r.original_width === 'number');
	const width = sized ? pct(sized.r.original_width, path, `${sized.where}.original_width`) : 0;
	const height = sized ? pct(sized.r.original_height, path, `${sized.where}.original_height`) : 0;
	const bytes = imageBytesFor(files, name);
	if (sized) checkPixelSize(width, height, path, `${sized.where}.original_width`);
	// JSON-MIN flattens the task: only its id is kept there.
	const imported = keptWithin(task.id, min ? undefined : taskFields(task, data, imageKey, name, entries, index), (problem) => b.warnings.push(`${path} (${place}): task ${problem}`));
	b.image({ name, width, height, ...(bytes ? { bytes } : {}), ...(imported.id !== undefined || imported.fields ? { imported } : {}) });

	const { partsOf, isPart } = polygonParts(results);
	// Keypoints tied to a rectangle by parentID share an instance id with it.
	const groups = new Map<string, number>();
	for (const { r } of results) if (typeof r.parentID === 'string' && !isPart.has(r) && !groups.has(r.parentID)) groups.set(r.parentID, groups.size + 1);
	const texts = new Map<string, string>();
	for (const { r } of results) if (r.type === 'textarea' && isRecord(r.value) && Array.isArray(r.value.text) && typeof r.id === 'string') texts.set(r.id, r.value.text.join('\n'));
	let relations = 0;
	for (const { r, where } of results) {
		if (r.type === 'relation') {
			relations++;
			continue;
		}
		if (r.type === 'textarea' || isPart.has(r)) continue;
		const v = r.value;
		if (!isRecord(v)) throw new FormatError(path, `${where}.value`, 'is missing');
		const labelKey = LABEL_KEYS.find((k) => Array.isArray(v[k]));
		const labels = labelKey ? (v[labelKey] as unknown[]).map(String) : [];
		if (!labels.length) {
			b.warnings.push(`${path} (${where}): a region without a label; skipped`);
			continue;
		}
		const W = width || 100,
			H = height || 100;
		const px = (key: string, size: number) => (pct(v[key], path, `${where}.value.${key}`) / 100) * size;
		const id = typeof r.id === 'string' ? r.id : '';
		const instance = groups.get(id) ?? (typeof r.parentID === 'string' ? groups.get(r.parentID) : undefined);
		const kind = labelKey === 'labels' || !labelKey ? String(r.type ?? '') : labelKey;
		const ref = keptWithin(r.id, min ? undefined : regionFields(r, v, kind, partsOf.get(id) ?? []), (problem) => b.warnings.push(`${path} (${where}): region ${problem}`));
		const common = (className: string): Omit<DatasetAnnotation, 'type' | 'geometry'> => ({
			image: name,
			className,
			source: `${path} › ${where}`,
			...(instance !== undefined ? { instanceId: instance } : {}),
			...(texts.has(id) ? { text: texts.get(id) } : {}),
			...(typeof r.score === 'number' ? { score: r.score } : {}),
			...(ref.id !== undefined || ref.fields ? { imported: ref } : {})
		});
		const ring = (value: Record<string, unknown>, at: string) => {
			if (!Array.isArray(value.points)) throw new FormatError(path, `${at}.value.points`, 'is not a list of [x, y] pairs');
			checkPointCount(value.points.length * 2, path, `${at}.value.points`);
			// A plain loop, the place named only on failure: this runs for every vertex of the file.
			const points = value.points as unknown[];
			const out = new Array<number>(points.length * 2);
			for (let k = 0; k < points.length; k++) {
				const p = points[k];
				if (!Array.isArray(p) || p.length !== 2) throw new FormatError(path, `${at}.value.points[${k}]`, 'is not an [x, y] pair');
				const [x, y] = p as unknown[];
				out[2 * k] = ((typeof x === 'number' && Number.isFinite(x) ? x : pct(x, path, `${at}.value.points[${k}][0]`)) / 100) * W;
				out[2 * k + 1] = ((typeof y === 'number' && Number.isFinite(y) ? y : pct(y, path, `${at}.value.points[${k}][1]`)) / 100) * H;
			}
			return out;
		};
		for (const className of labels) {
			if (kind.startsWith('rectangle')) {
				const x = px('x', W),
					y = px('y', H),
					w = px('width', W),
					h = px('height', H);
				const rotation = v.rotation === undefined ? 0 : pct(v.rotation, path, `${where}.value.rotation`);
				if (rotation % 360 === 0) b.add({ ...common(className), type: 'box', geometry: { x, y, width: w, height: h } });
				else {
					// Label Studio turns the box clockwise about its top-left corner (x, y).
					const c = fromLocal({ x: w / 2, y: h / 2 }, { x, y }, rotation);
					b.add({ ...common(className), type: 'rotatedBox', geometry: { cx: c.x, cy: c.y, width: w, height: h, angle: normalizeAngle(rotation) } });
				}
			} else if (kind.startsWith('polygon')) {
				const points = ring(v, where);
				const parts = (partsOf.get(id) ?? []).map((p) => ({ points: ring(isRecord(p.r.value) ? p.r.value : {}, p.where) }));
				b.add({ ...common(className), type: 'polygon', geometry: parts.length ? { points, parts } : { points } });
			} else if (kind.startsWith('keypoint')) {
				b.add({ ...common(className), type: 'keypoint', geometry: { x: px('x', W), y: px('y', H) } });
			} else if (kind.startsWith('ellipse')) {
				const rotation = v.rotation === undefined ? 0 : pct(v.rotation, path, `${where}.value.rotation`);
				b.add({ ...common(className), type: 'ellipse', geometry: { cx: px('x', W), cy: px('y', H), rx: px('radiusX', W), ry: px('radiusY', H), angle: normalizeAngle(rotation) } });
			} else if (kind === 'choices') {
				b.add({ ...common(className), type: 'tag', geometry: {} });
			} else if (kind.startsWith('brush')) {
				if (!Array.isArray(v.rle) || !v.rle.every((n) => Number.isInteger(n) && n >= 0 && n < 256)) throw new FormatError(path, `${where}.value.rle`, 'is not a list of bytes');
				if (!width || !height) throw new FormatError(path, `${where}.original_width`, 'a brush mask needs the image size');
				let bits: Uint8Array;
				try {
					bits = decodeBrush(v.rle as number[], width, height);
				} catch (e) {
					throw new FormatError(path, `${where}.value.rle`, (e as Error).message);
				}
				b.add({ ...common(className), type: 'mask', geometry: { x: 0, y: 0, width, height, rle: encodeMask(bits, width, height) } });
			} else b.warnings.push(`${path} (${where}): region type "${kind}" is not read; skipped`);
		}
	}
	if (relations) b.warnings.push(`${path} (${place}): ${relations} relation${relations > 1 ? 's' : ''} between regions kept for a Label Studio export only (not shown, not written to other formats)`);
}
