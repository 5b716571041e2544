import { decode as decodePng } from 'fast-png';
import type { AttributeValue } from '$lib/model/records';
import { normalizeAngle } from '$lib/geometry/rotation';
import { encodeMask } from '$lib/shapes/mask/rle';
import type { ReadResult } from '../codec';
import { boundsOfFlat } from '$lib/geometry';
import type { DatasetAnnotation, DatasetAnnotationFields } from '../dataset';
import { DatasetBuilder, imageBytesFor, isRecord, numberAt } from '../dataset-builder';
import { FormatError } from '../errors';
import { dirname, extension, isImagePath, jsonOf, stem, type DatasetFile } from '../files';
import { fromBase64, imageExtensionOf } from './base64';
import { addGroups, groupShapes, pendingPose, type LabelMeShape, type PendingPose } from './groups';
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
	const pending: (DatasetAnnotation | PendingPose)[] = [];
	for (const f of jsons) pending.push(...readOne(f, files, b));
	// Skeleton templates take their point names from every file: the annotations are added once all are read.
	addGroups(b, pending);
	return b.result();
}

function readOne(file: DatasetFile, files: readonly DatasetFile[], b: DatasetBuilder): (DatasetAnnotation | PendingPose)[] {
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

	const out: (DatasetAnnotation | PendingPose)[] = [];
	// Image-level flags set to true are tags (LabelMe's classification).
	if (isRecord(doc.flags)) for (const [flag, on] of Object.entries(doc.flags)) if (on === true) out.push({ image: name, className: flag, type: 'tag', geometry: {}, source: `${path} › flags.${flag}` });

	const shapes = doc.shapes.map((s, i) => shapeOf(s, name, path, `shapes[${i}]`));
	for (const group of groupShapes(shapes)) {
		if (group.kind === 'shape') out.push(...annotationsOf(group.shape, path, b));
		else if (group.kind === 'pose') out.push(pendingPose(group, [group.box, ...group.points].flatMap((s) => (s ? annotationsOf(s, path, b) : []))));
		else {
			const [first, ...rest] = group.shapes;
			out.push({ ...first.common, type: 'polygon', geometry: { points: first.pts.flat(), parts: rest.map((s) => ({ points: s.pts.flat() })) } });
		}
	}
	return out;
}

function shapeOf(s: unknown, image: string, path: string, place: string): LabelMeShape {
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
	const common: DatasetAnnotationFields = { image, className: s.label, source: `${path} › ${place}`, ...extras(s, path, place) };
	const type = typeof s.shape_type === 'string' ? s.shape_type : s.shape_type === undefined || s.shape_type === null ? 'polygon' : String(s.shape_type);
	// The polygon check of a multi-part object runs per part: each must be a polygon on its own.
	if (type === 'polygon' && pts.length < 3) throw new FormatError(path, `${place}.points`, `a polygon needs at least 3 points, found ${pts.length}`);
	const groupId = common.instanceId !== undefined ? { groupId: common.instanceId } : {};
	return { label: s.label, type, pts, ...groupId, difficult: s.difficult === true, common, place, mask: s.mask };
}

/** A shape on its own: one annotation (a `point` shape with several points, one per point). */
function annotationsOf(s: LabelMeShape, path: string, b: DatasetBuilder): DatasetAnnotation[] {
	const { pts, common } = s;
	const place = s.place;
	const need = (n: number) => {
		if (pts.length < n) throw new FormatError(path, `${place}.points`, `a ${s.type} needs at least ${n} points, found ${pts.length}`);
	};
	switch (s.type) {
		case 'rectangle': {
			need(2);
			const r = boundsOfFlat(pts.flat());
			return [{ ...common, type: 'box', geometry: { x: r.minX, y: r.minY, width: r.maxX - r.minX, height: r.maxY - r.minY } }];
		}
		case 'rotation': {
			// X-AnyLabeling's rotated box: its 4 corners in order.
			need(4);
			const [p0, p1, , p3] = pts;
			const cx = (pts[0][0] + pts[1][0] + pts[2][0] + pts[3][0]) / 4,
				cy = (pts[0][1] + pts[1][1] + pts[2][1] + pts[3][1]) / 4;
			const angle = normalizeAngle((Math.atan2(p1[1] - p0[1], p1[0] - p0[0]) * 180) / Math.PI);
			return [{ ...common, type: 'rotatedBox', geometry: { cx, cy, width: Math.hypot(p1[0] - p0[0], p1[1] - p0[1]), height: Math.hypot(p3[0] - p0[0], p3[1] - p0[1]), angle } }];
		}
		case 'polygon':
			return [{ ...common, type: 'polygon', geometry: { points: pts.flat() } }];
		case 'linestrip':
		case 'line':
			need(2);
			return [{ ...common, type: 'polyline', geometry: { points: pts.flat() } }];
		case 'point':
		case 'points':
			need(1);
			return pts.map(([x, y]) => ({ ...common, type: 'keypoint', geometry: { x, y } }));
		case 'circle': {
			need(2);
			const r = Math.hypot(pts[1][0] - pts[0][0], pts[1][1] - pts[0][1]);
			return [{ ...common, type: 'ellipse', geometry: { cx: pts[0][0], cy: pts[0][1], rx: r, ry: r, angle: 0 } }];
		}
		case 'mask':
			need(2);
			return [{ ...common, type: 'mask', geometry: maskOf(s.mask, pts, path, place) }];
		default:
			b.warnings.push(`${path} (${place}): shape_type "${s.type}" is not one this app reads; skipped`);
			return [];
	}
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
