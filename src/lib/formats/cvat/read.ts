import type { AttributeSpec, AttributeValue, SkeletonTemplate } from '$lib/model/records';
import { normalizeAngle } from '$lib/geometry/rotation';
import { encodeMask } from '$lib/shapes/mask/rle';
import type { PolygonGeometry } from '$lib/shapes/polygon/kind';
import type { ReadResult } from '../codec';
import { withGeometry, type DatasetAnnotation, type ImportedFrom } from '../dataset';
import { extraFields, importedFrom } from '../ids';
import { cvatId, defaultsFor, extraAttributes, IMAGE_KNOWN, keptZ, LABEL_KNOWN, SHAPE_KNOWN } from './kept';
import { DatasetBuilder, imageBytesFor, newSpec, numberAt } from '../dataset-builder';
import { FormatError } from '../errors';
import { dirname, extension, textOf, type DatasetFile } from '../files';
import { child, list, parseCvatXml, textOfChild, type XmlNode } from './xml';
import { templateFromSvg } from './skeleton-svg';
import { checkPixelSize, checkPointCount } from '../limits';

export const CVAT_VIDEO_REFUSAL = 'CVAT for video is not supported; export as CVAT for images';

interface Label {
	name: string;
	color?: string;
	specs: AttributeSpec[];
	template: SkeletonTemplate | null;
	imported?: ImportedFrom;
}

/** CVAT's attribute input types → ours; values are newline-separated (older exports: spaces). */
function specOf(className: string, a: XmlNode): AttributeSpec {
	const name = textOfChild(a, 'name');
	const type = textOfChild(a, 'input_type');
	const raw = textOfChild(a, 'values');
	const values = raw.includes('\n') ? raw.split('\n').map((v) => v.trim()).filter(Boolean) : raw.split(/\s+/).filter(Boolean);
	const def = textOfChild(a, 'default_value');
	if (type === 'checkbox') return newSpec(className, name, 'checkbox', [], { default: def === 'true' });
	if (type === 'number') {
		const [min, max] = values.map(Number);
		const ok = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : null);
		const d = Number(def);
		return newSpec(className, name, 'number', [], { min: ok(Math.min(min, max)), max: ok(Math.max(min, max)), default: def !== '' && Number.isFinite(d) ? d : null });
	}
	if (type === 'text') return newSpec(className, name, 'text', [], { default: def || null });
	return newSpec(className, name, 'select', values, { default: def || null });
}

function labelsOf(root: XmlNode): { labels: Map<string, Label>; order: string[] } {
	const meta = child(root, 'meta');
	const owner = child(meta, 'task') ?? child(meta, 'project') ?? child(meta, 'job');
	const all = list(child(owner, 'labels')?.label);
	const labels = new Map<string, Label>();
	const order: string[] = [];
	const childrenOf = new Map<string, string[]>();
	for (const l of all) {
		const parent = textOfChild(l, 'parent');
		if (parent) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), textOfChild(l, 'name')]);
	}
	for (const l of all) {
		if (textOfChild(l, 'parent')) continue;
		const name = textOfChild(l, 'name');
		const specs = list(child(l, 'attributes')?.attribute).map((a) => specOf(name, a));
		const template = textOfChild(l, 'type') === 'skeleton' ? templateFromSvg(textOfChild(l, 'svg'), childrenOf.get(name) ?? []) : null;
		const color = textOfChild(l, 'color');
		labels.set(name, { name, color: /^#[0-9a-f]{6}$/i.test(color) ? color.toLowerCase() : undefined, specs, template, imported: labelImported(l) });
		order.push(name);
	}
	return { labels, order };
}

/**
 * A label's CVAT id (where the file has one) and what else it says that this app has no place for: its
 * shape type ('rectangle', 'polygon'…; 'any' and 'skeleton' are what the writer writes anyway) and
 * other plain child elements. Undefined when there is none of that.
 */
function labelImported(l: XmlNode): ImportedFrom | undefined {
	const plain: Record<string, string> = {};
	for (const [k, v] of Object.entries(l)) if (typeof v === 'string' && !k.startsWith('@_') && k !== '#text') plain[k] = v;
	const type = textOfChild(l, 'type');
	const fields = extraFields(plain, LABEL_KNOWN) ?? {};
	if (type && type !== 'any' && type !== 'skeleton') fields.type = type;
	const id = cvatId(textOfChild(l, 'id'));
	return id === undefined && !Object.keys(fields).length ? undefined : importedFrom('cvat', id, fields);
}

function pointsOf(s: string, file: string, place: string): number[] {
	if (!s.trim()) return [];
	// Counted before the text is split: a shape of millions of points is refused without building them.
	let pairs = 1;
	for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 59) pairs++;
	checkPointCount(pairs * 2, file, place);
	return s.split(';').flatMap((pair, i) => {
		const xy = pair.split(',');
		if (xy.length !== 2) throw new FormatError(file, place, `point ${i + 1} of points="${s}" is not an x,y pair`);
		return [numberAt(xy[0], file, place, 'a number in points'), numberAt(xy[1], file, place, 'a number in points')];
	});
}

/** CVAT's mask RLE: counts of alternating 0 and 1 runs (starting with 0), row by row over left, top, width, height. */
export function cvatRleToBits(rle: string, width: number, height: number, file: string, place: string): Uint8Array {
	const bits = new Uint8Array(width * height);
	let i = 0;
	rle.split(',').forEach((s, k) => {
		const n = numberAt(s, file, place, 'a run length in rle');
		if (!Number.isInteger(n) || n < 0 || i + n > bits.length) throw new FormatError(file, place, 'the mask rle does not fit its width × height');
		if (k % 2 === 1) bits.fill(1, i, i + n);
		i += n;
	});
	if (i !== bits.length) throw new FormatError(file, place, `the mask rle covers ${i} pixels, not width × height = ${bits.length}`);
	return bits;
}

export function readCvat(files: readonly DatasetFile[]): ReadResult {
	const xmlFiles = files.filter((f) => extension(f.path) === 'xml');
	if (!xmlFiles.length) throw new FormatError('(input)', '', 'no CVAT annotations.xml found');
	const b = new DatasetBuilder();
	for (const f of xmlFiles) readOne(f, files, b);
	return b.result();
}

function readOne(file: DatasetFile, files: readonly DatasetFile[], b: DatasetBuilder): void {
	const path = file.path;
	const doc = parseCvatXml(textOf(file), path);
	const root = child(doc, 'annotations');
	if (!root) throw new FormatError(path, 'root', 'is not a CVAT file: its root element is not <annotations>');
	if (list(root.track).length) throw new FormatError(path, `<track id="${list(root.track)[0]['@_id'] ?? ''}">`, CVAT_VIDEO_REFUSAL);
	const { labels, order } = labelsOf(root);
	for (const name of order) {
		const l = labels.get(name)!;
		b.class(name, { color: l.color, attributes: l.specs, skeleton: l.template, ...(l.imported ? { imported: l.imported } : {}) });
	}
	const images = list(root.image);
	const names = images.map((i) => String(i['@_name'] ?? ''));
	const seen = new Set<string>();
	const repeated = new Set<string>();
	for (const n of names) (seen.has(n) ? repeated : seen).add(n);
	images.forEach((img, index) => {
		const place = `<image id="${img['@_id'] ?? index}">`;
		let name = String(img['@_name'] ?? '');
		if (!name) throw new FormatError(path, place, 'has no name');
		const subset = img['@_subset'] ? String(img['@_subset']) : undefined;
		// A project export repeats the same names in each subset: keep them apart by folder.
		if (subset && repeated.has(name)) name = `${subset}/${name}`;
		const width = numberAt(img['@_width'], path, place, 'a width'),
			height = numberAt(img['@_height'], path, place, 'a height');
		const bytes = imageBytesFor(files, String(img['@_name']), dirname(path));
		checkPixelSize(width, height, path, place);
		const imported = importedFrom('cvat', cvatId(img['@_id']), extraAttributes(img, IMAGE_KNOWN));
		b.image({ name, width, height, ...(bytes ? { bytes } : {}), ...(subset ? { split: subset } : {}), ...(Object.keys(imported).length > 1 ? { imported } : {}) });
		const found: { z: number; n: number; a: DatasetAnnotation; fields?: Record<string, string>; zText?: string }[] = [];
		const push = (el: XmlNode, a: Omit<DatasetAnnotation, 'image' | 'className'>, tag: string, k: number) => {
			const label = String(el['@_label'] ?? '');
			const where = `${place} <${tag}> ${k + 1}`;
			if (!label) return void b.warnings.push(`${path} (${where}): has no label; skipped`);
			const known = labels.get(label);
			const attributes = attributesOf(el, known?.specs ?? []);
			const group = Number(el['@_group_id']);
			const fields = extraAttributes(el, SHAPE_KNOWN, defaultsFor(tag));
			found.push({
				// Tags have no z_order: they come after the shapes.
				z: tag === 'tag' ? Infinity : Number(el['@_z_order'] ?? 0) || 0,
				n: found.length,
				a: withGeometry({ image: name, className: label, ...a, ...(attributes ? { attributes } : {}), ...(group > 0 ? { instanceId: group } : {}), source: `${path} › ${where}` }, a.type, a.geometry),
				fields,
				zText: el['@_z_order'] === undefined ? undefined : String(el['@_z_order'])
			});
		};
		list(img.box).forEach((el, k) => {
			const where = `${place} <box> ${k + 1}`;
			const [xtl, ytl, xbr, ybr] = ['xtl', 'ytl', 'xbr', 'ybr'].map((n) => numberAt(el[`@_${n}`], path, where, n));
			if (xbr < xtl || ybr < ytl) throw new FormatError(path, where, `xbr < xtl or ybr < ytl (${xtl},${ytl} – ${xbr},${ybr})`);
			const rotation = el['@_rotation'] === undefined ? 0 : numberAt(el['@_rotation'], path, where, 'a rotation');
			const w = xbr - xtl,
				h = ybr - ytl;
			if (rotation % 360 !== 0) push(el, { type: 'rotatedBox', geometry: { cx: xtl + w / 2, cy: ytl + h / 2, width: w, height: h, angle: normalizeAngle(rotation) } }, 'box', k);
			else push(el, { type: 'box', geometry: { x: xtl, y: ytl, width: w, height: h } }, 'box', k);
		});
		// Polygons of one label sharing a group_id are the parts of one object (how this app writes a multi-part polygon).
		const groups = new Map<string, PolygonGeometry>();
		list(img.polygon).forEach((el, k) => {
			const points = pointsOf(String(el['@_points'] ?? ''), path, `${place} <polygon> ${k + 1}`);
			const label = String(el['@_label'] ?? '');
			const group = Number(el['@_group_id']);
			const key = label && group > 0 ? `${label}\u0000${group}` : '';
			const into = key ? groups.get(key) : undefined;
			if (into) return void (into.parts ??= []).push({ points });
			const geometry: PolygonGeometry = { points };
			if (key) groups.set(key, geometry);
			push(el, { type: 'polygon', geometry }, 'polygon', k);
		});
		list(img.polyline).forEach((el, k) => push(el, { type: 'polyline', geometry: { points: pointsOf(String(el['@_points'] ?? ''), path, `${place} <polyline> ${k + 1}`) } }, 'polyline', k));
		list(img.points).forEach((el, k) => {
			// Our keypoint is one point: a CVAT points shape of n points becomes n keypoints.
			const p = pointsOf(String(el['@_points'] ?? ''), path, `${place} <points> ${k + 1}`);
			for (let i = 0; i < p.length; i += 2) push(el, { type: 'keypoint', geometry: { x: p[i], y: p[i + 1] } }, 'points', k);
		});
		list(img.ellipse).forEach((el, k) => {
			const where = `${place} <ellipse> ${k + 1}`;
			const [cx, cy, rx, ry] = ['cx', 'cy', 'rx', 'ry'].map((n) => numberAt(el[`@_${n}`], path, where, n));
			const rotation = el['@_rotation'] === undefined ? 0 : numberAt(el['@_rotation'], path, where, 'a rotation');
			push(el, { type: 'ellipse', geometry: { cx, cy, rx, ry, angle: normalizeAngle(rotation) } }, 'ellipse', k);
		});
		list(img.cuboid).forEach((el, k) => {
			const where = `${place} <cuboid> ${k + 1}`;
			const v = (n: string) => numberAt(el[`@_${n}`], path, where, n);
			// Face 1 is the front: our order is top-left, top-right, bottom-right, bottom-left per face.
			const face = (s: string) => [v(`xtl${s}`), v(`ytl${s}`), v(`xtr${s}`), v(`ytr${s}`), v(`xbr${s}`), v(`ybr${s}`), v(`xbl${s}`), v(`ybl${s}`)];
			push(el, { type: 'cuboid', geometry: { points: [...face('1'), ...face('2')] } }, 'cuboid', k);
		});
		list(img.mask).forEach((el, k) => {
			const where = `${place} <mask> ${k + 1}`;
			const [left, top, w, h] = ['left', 'top', 'width', 'height'].map((n) => numberAt(el[`@_${n}`], path, where, n));
			if (![left, top, w, h].every(Number.isInteger) || w < 1 || h < 1) throw new FormatError(path, where, 'left, top, width and height must be whole pixels');
			// A crop of its image: no larger than it (and never over the caps), checked before the runs are expanded.
			checkPixelSize(w, h, path, where, 'the mask');
			if (width > 0 && height > 0 && (w > width || h > height))
				throw new FormatError(path, where, `the mask is ${w} × ${h}, larger than its image (${width} × ${height})`);
			const bits = cvatRleToBits(String(el['@_rle'] ?? ''), w, h, path, where);
			push(el, { type: 'mask', geometry: { x: left, y: top, width: w, height: h, rle: encodeMask(bits, w, h) } }, 'mask', k);
		});
		list(img.skeleton).forEach((el, k) => {
			const where = `${place} <skeleton> ${k + 1}`;
			const label = String(el['@_label'] ?? '');
			const nodes = list(el.points);
			let template = labels.get(label)?.template ?? null;
			if (!template) {
				// A skeleton whose label is not in <meta>: its template is its own nodes, in order.
				const cls = b.hasClass(label) ? b.class(label) : undefined;
				template = cls?.skeleton ?? { points: nodes.map((n) => ({ name: String(n['@_label'] ?? ''), x: 0.5, y: 0.5 })), edges: [] };
				b.class(label, { skeleton: template });
			}
			const points = template.points.flatMap(() => [0, 0]);
			const visibility = template.points.map(() => 0);
			nodes.forEach((n, j) => {
				const i = template.points.findIndex((p) => p.name === String(n['@_label'] ?? ''));
				if (i < 0) throw new FormatError(path, `${where} <points> ${j + 1}`, `label "${n['@_label']}" is not a point of skeleton "${label}"`);
				const [x, y] = pointsOf(String(n['@_points'] ?? ''), path, `${where} <points> ${j + 1}`);
				points[i * 2] = x;
				points[i * 2 + 1] = y;
				visibility[i] = n['@_outside'] === '1' ? 0 : n['@_occluded'] === '1' ? 1 : 2;
			});
			push(el, { type: 'skeleton', geometry: { points, visibility } }, 'skeleton', k);
		});
		list(img.tag).forEach((el, k) => push(el, { type: 'tag', geometry: {} }, 'tag', k));
		found.sort((p, q) => p.z - q.z || p.n - q.n);
		const keepZ = keptZ(found.map((f) => ({ type: f.a.type, z: f.zText })));
		found.forEach((f, i) => {
			const fields = keepZ[i] ? { ...f.fields, z_order: f.zText! } : f.fields;
			if (fields) f.a.imported = importedFrom('cvat', undefined, fields);
			b.add(f.a);
		});
	});
}

function attributesOf(el: XmlNode, specs: AttributeSpec[]): Record<string, AttributeValue> | undefined {
	const out: Record<string, AttributeValue> = {};
	for (const a of list(el.attribute)) {
		const name = String(a['@_name'] ?? '');
		const text = String(a['#text'] ?? '');
		if (!name || text === '') continue;
		const spec = specs.find((s) => s.name === name);
		if (spec?.kind === 'checkbox') out[name] = text === 'true';
		else if (spec?.kind === 'number' && Number.isFinite(Number(text))) out[name] = Number(text);
		else out[name] = text;
	}
	return Object.keys(out).length ? out : undefined;
}
