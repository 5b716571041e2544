import { decode as decodePng } from 'fast-png';
import type { AttributeValue } from '$lib/model/records';
import { normalizeAngle } from '$lib/geometry/rotation';
import { encodeMask } from '$lib/shapes/mask/rle';
import type { ReadResult } from '../codec';
import type { DatasetAnnotation } from '../dataset';
import { DatasetBuilder, imageBytesFor, isRecord, numberAt } from '../dataset-builder';
import { FormatError } from '../errors';
import { dirname, extension, isImagePath, jsonOf, stem, type DatasetFile } from '../files';
import { fromBase64, imageExtensionOf } from './base64';
import { checkPixelSize, checkPngMask, checkPointCount } from '../limits';

export function isLabelMeJson(v: unknown): boolean {
	return isRecord(v) && Array.isArray(v.shapes) && ('imagePath' in v || 'imageData' in v);
}

/** 'a/b/../c.jpg' → 'a/c.jpg' (LabelMe's imagePath is relative to its JSON file, often '../images/x.jpg'). */
function normalizePath(path: string): string {
	const out: string[] = [];
	for (const part of path.split('/')) {
		if (part === '..') out.pop();
		else if (part && part !== '.') out.push(part);
	}
	return out.join('/');
}

export function readLabelMe(files: readonly DatasetFile[]): ReadResult {
	const jsons = files.filter((f) => extension(f.path) === 'json');
	if (!jsons.length) throw new FormatError('(input)', '', 'no LabelMe JSON files found');
	const b = new DatasetBuilder();
	for (const f of jsons) readOne(f, files, b);
	return b.result();
}

function readOne(file: DatasetFile, files: readonly DatasetFile[], b: DatasetBuilder): void {
	const path = file.path;
	const doc = jsonOf(file);
	if (!isRecord(doc) || !Array.isArray(doc.shapes)) throw new FormatError(path, 'shapes', 'is missing: not a LabelMe file');
	let bytes: Uint8Array | undefined;
	if (typeof doc.imageData === 'string' && doc.imageData) {
		bytes = fromBase64(doc.imageData) ?? undefined;
		if (!bytes) throw new FormatError(path, 'imageData', 'is not base64 image data');
	} else if (doc.imageData !== undefined && doc.imageData !== null && doc.imageData !== '') throw new FormatError(path, 'imageData', 'is neither base64 text nor null');
	const imagePath = typeof doc.imagePath === 'string' ? doc.imagePath.replace(/\\/g, '/') : '';
	let name = normalizePath(`${dirname(path)}/${imagePath}`);
	if (!isImagePath(name)) name = normalizePath(`${dirname(path)}/${stem(path)}.${bytes ? imageExtensionOf(bytes) : 'jpg'}`);
	bytes ??= imageBytesFor(files, name);
	const width = doc.imageWidth === undefined || doc.imageWidth === null ? 0 : numberAt(doc.imageWidth, path, 'imageWidth', 'a width');
	const height = doc.imageHeight === undefined || doc.imageHeight === null ? 0 : numberAt(doc.imageHeight, path, 'imageHeight', 'a height');
	checkPixelSize(width, height, path, 'imageWidth');
	b.image({ name, width, height, ...(bytes ? { bytes } : {}) });

	// Image-level flags set to true are tags (LabelMe's classification).
	if (isRecord(doc.flags)) for (const [flag, on] of Object.entries(doc.flags)) if (on === true) b.add({ image: name, className: flag, type: 'tag', geometry: {}, source: `${path} › flags.${flag}` });

	doc.shapes.forEach((s, i) => {
		const place = `shapes[${i}]`;
		if (!isRecord(s)) throw new FormatError(path, place, 'is not an object');
		if (typeof s.label !== 'string') throw new FormatError(path, `${place}.label`, 'a shape needs a label');
		if (!Array.isArray(s.points)) throw new FormatError(path, `${place}.points`, 'is not a list of [x, y] points');
		checkPointCount(s.points.length * 2, path, `${place}.points`);
		const pts = s.points.map((p, k) => {
			if (!Array.isArray(p) || p.length !== 2) throw new FormatError(path, `${place}.points[${k}]`, 'is not an [x, y] pair');
			const [x, y] = p;
			if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) return [x, y];
			return [numberAt(x, path, `${place}.points[${k}][0]`), numberAt(y, path, `${place}.points[${k}][1]`)];
		});
		const flat = pts.flat();
		const common: Omit<DatasetAnnotation, 'type' | 'geometry'> = { image: name, className: s.label, source: `${path} › ${place}`, ...extras(s, path, place) };
		const need = (n: number) => {
			if (pts.length < n) throw new FormatError(path, `${place}.points`, `a ${s.shape_type} needs at least ${n} points, found ${pts.length}`);
		};
		const type = s.shape_type ?? 'polygon';
		switch (type) {
			case 'rectangle': {
				need(2);
				const xs = pts.map((p) => p[0]),
					ys = pts.map((p) => p[1]);
				const x = Math.min(...xs),
					y = Math.min(...ys);
				b.add({ ...common, type: 'box', geometry: { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y } });
				break;
			}
			case 'rotation': {
				// X-AnyLabeling's rotated box: its 4 corners in order.
				need(4);
				const [p0, p1, , p3] = pts;
				const cx = (pts[0][0] + pts[1][0] + pts[2][0] + pts[3][0]) / 4,
					cy = (pts[0][1] + pts[1][1] + pts[2][1] + pts[3][1]) / 4;
				const angle = normalizeAngle((Math.atan2(p1[1] - p0[1], p1[0] - p0[0]) * 180) / Math.PI);
				b.add({ ...common, type: 'rotatedBox', geometry: { cx, cy, width: Math.hypot(p1[0] - p0[0], p1[1] - p0[1]), height: Math.hypot(p3[0] - p0[0], p3[1] - p0[1]), angle } });
				break;
			}
			case 'polygon':
				need(3);
				b.add({ ...common, type: 'polygon', geometry: { points: flat } });
				break;
			case 'linestrip':
			case 'line':
				need(2);
				b.add({ ...common, type: 'polyline', geometry: { points: flat } });
				break;
			case 'point':
			case 'points':
				need(1);
				for (const [x, y] of pts) b.add({ ...common, type: 'keypoint', geometry: { x, y } });
				break;
			case 'circle': {
				need(2);
				const r = Math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]);
				b.add({ ...common, type: 'ellipse', geometry: { cx: pts[0][0], cy: pts[0][1], rx: r, ry: r, angle: 0 } });
				break;
			}
			case 'mask': {
				need(2);
				b.add({ ...common, type: 'mask', geometry: maskOf(s.mask, pts, path, place) });
				break;
			}
			default:
				b.warnings.push(`${path} (${place}): shape_type "${String(type)}" is not one this app reads; skipped`);
		}
	});
}

/** LabelMe 5's mask shape: a base64 PNG of the box from points[0] to points[1] (corners truncated to whole pixels, inclusive). */
function maskOf(mask: unknown, pts: number[][], path: string, place: string) {
	const bytes = typeof mask === 'string' ? fromBase64(mask) : null;
	if (!bytes) throw new FormatError(path, `${place}.mask`, 'is not a base64 PNG');
	// The crop's size is the PNG's: checked from its header before decoding.
	checkPngMask(bytes, { width: 0, height: 0 }, path, `${place}.mask`);
	let png;
	try {
		png = decodePng(bytes);
	} catch {
		throw new FormatError(path, `${place}.mask`, 'is not a PNG image');
	}
	const { width, height, channels } = png;
	const bits = new Uint8Array(width * height);
	for (let i = 0; i < bits.length; i++) bits[i] = png.data[i * channels] ? 1 : 0;
	return { x: Math.trunc(pts[0][0]), y: Math.trunc(pts[0][1]), width, height, rle: encodeMask(bits, width, height) };
}

/** group_id, description, X-AnyLabeling attributes, per-shape flags, score. */
function extras(s: Record<string, unknown>, path: string, place: string): Partial<DatasetAnnotation> {
	const out: Partial<DatasetAnnotation> = {};
	if (s.group_id !== null && s.group_id !== undefined) out.instanceId = numberAt(s.group_id, path, `${place}.group_id`, 'a group id');
	if (typeof s.description === 'string' && s.description) out.text = s.description;
	if (typeof s.score === 'number') out.score = s.score;
	const attributes: Record<string, AttributeValue> = {};
	if (isRecord(s.attributes))
		for (const [k, v] of Object.entries(s.attributes)) if (k && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && v !== '') attributes[k] = v;
	if (isRecord(s.flags)) for (const [k, v] of Object.entries(s.flags)) if (typeof v === 'boolean') attributes[k] = v;
	if (Object.keys(attributes).length) out.attributes = attributes;
	return out;
}
