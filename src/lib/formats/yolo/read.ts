import { normalizeAngle } from '$lib/geometry/rotation';
import { shapeKind, type ShapeType } from '$lib/shapes/registry';
import type { ReadResult } from '../codec';
import { withGeometry, type Dataset, type DatasetAnnotation, type DatasetClass, type DatasetImage } from '../dataset';
import { FormatError } from '../errors';
import { basename, extension, isImagePath, stem, textOf, type DatasetFile } from '../files';
import { groupBy } from '../by-image';
import { readClassify, SPLIT_DIRS } from './classify';
import { readDataYaml, type DataYaml } from './data-yaml';
import { checkedImageSize, checkPointCount } from '../limits';

export interface YoloReadOptions {
	/**
	 * Images the caller knows (name and size, bytes optional), for label files whose image file is not
	 * among the files: normalised coordinates cannot be placed without the image's size. Matched by name
	 * without extension, then by file stem.
	 */
	images?: readonly DatasetImage[];
}

/** How far outside 0…1 a normalised coordinate may lie before it is refused (exporters round a little past the edge). */
const SLACK = 0.5;

const NAME_FILES = new Set(['classes.txt', 'obj.names']);

const normPath = (p: string) => p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, '');
/** Two paths name the same file when one ends with the other at a folder boundary ('data/images/a.jpg' ~ 'images/a.jpg'). */
const samePath = (a: string, b: string) => a === b || a.endsWith('/' + b) || b.endsWith('/' + a);

/** The split and the image's name (its path without images/<split>/ or obj_<split>_data/). */
function placeOf(path: string, yaml: DataYaml | null, listed: Map<string, string>): { name: string; split?: string } {
	for (const [split, entries] of yaml?.splits ?? []) {
		for (const entry of entries) {
			const d = normPath(entry);
			if (!d || d === '.' || isImagePath(d) || extension(d) === 'txt') continue;
			const at = path.startsWith(d + '/') ? 0 : path.indexOf('/' + d + '/') + 1;
			if (at === 0 && !path.startsWith(d + '/')) continue;
			return { name: path.slice(at + d.length + 1), split: listed.get(path) ?? split };
		}
	}
	const m = /(?:^|\/)images\/([^/]+)\/(.+)$/.exec(path);
	if (m && SPLIT_DIRS.has(m[1])) return { name: m[2], split: listed.get(path) ?? m[1] };
	const darknet = /(?:^|\/)obj_([^/]+)_data\/(.+)$/.exec(path);
	if (darknet) return { name: darknet[2], split: listed.get(path) ?? darknet[1] };
	const plain = /(?:^|\/)images\/(.+)$/.exec(path);
	return { name: plain ? plain[1] : path, split: listed.get(path) };
}

/** The label file an image's labels are in: Ultralytics' images/ → labels/, darknet's beside it, or the only one with its stem. */
function labelOf(imagePath: string, labels: Map<string, DatasetFile>, byStem: Map<string, DatasetFile[]>): DatasetFile | undefined {
	const noExt = imagePath.replace(/\.[^./]+$/, '');
	const swapped = noExt.replace(/(^|\/)images\/(?!.*\/images\/)/, '$1labels/');
	return labels.get(swapped + '.txt') ?? labels.get(noExt + '.txt') ?? (byStem.get(stem(imagePath))?.length === 1 ? byStem.get(stem(imagePath))![0] : undefined);
}

interface ParsedLine {
	line: number;
	cls: number;
	values: number[];
}

function parseLabels(file: DatasetFile, classCount: number | null): ParsedLine[] {
	const out: ParsedLine[] = [];
	textOf(file)
		.split(/\r\n|\r|\n/)
		.forEach((raw, i) => {
			const text = raw.trim();
			if (!text) return;
			const place = `line ${i + 1}`;
			const tokens = text.split(/\s+/);
			checkPointCount(tokens.length - 1, file.path, place);
			const cls = Number(tokens[0]);
			if (!/^\d+$/.test(tokens[0]) || !Number.isInteger(cls)) throw new FormatError(file.path, place, `starts with "${tokens[0]}", not a class index`);
			if (classCount !== null && cls >= classCount) throw new FormatError(file.path, place, `class ${cls} is beyond the ${classCount} names (0…${classCount - 1})`);
			const values = tokens.slice(1).map((t, k) => {
				const v = Number(t);
				if (!Number.isFinite(v) || t === '') throw new FormatError(file.path, place, `value ${k + 2} "${t}" is not a number`);
				return v;
			});
			if (values.length < 4) throw new FormatError(file.path, place, `has ${values.length} values after the class; a box needs 4 (x_centre y_centre width height)`);
			out.push({ line: i + 1, cls, values });
		});
	return out;
}

function checkRange(file: DatasetFile, l: ParsedLine, values: readonly number[], what: string) {
	for (const v of values)
		if (v < -SLACK || v > 1 + SLACK) throw new FormatError(file.path, `line ${l.line}`, `${what} ${v} is not normalised (0…1)`);
}

/** A rotated box through four corners, when they form a rectangle (Ultralytics' order; any rotation of it works). */
export function rotatedBoxFromCorners(p: readonly number[]) {
	const d = (i: number, j: number) => Math.hypot(p[2 * i] - p[2 * j], p[2 * i + 1] - p[2 * j + 1]);
	const top = d(1, 2),
		bottom = d(0, 3),
		right = d(0, 1),
		left = d(2, 3);
	const tolerance = Math.max(0.01, 0.01 * Math.max(d(0, 2), d(1, 3)));
	if (Math.abs(top - bottom) > tolerance || Math.abs(left - right) > tolerance || Math.abs(d(0, 2) - d(1, 3)) > tolerance) return null;
	const cx = (p[0] + p[2] + p[4] + p[6]) / 4,
		cy = (p[1] + p[3] + p[5] + p[7]) / 4;
	// pt3 → pt2 runs along the box's own x axis (Ultralytics: pt2 - pt3 = w · (cos, sin)).
	const angle = normalizeAngle((Math.atan2(p[3] - p[5], p[2] - p[4]) * 180) / Math.PI);
	return { cx, cy, width: (top + bottom) / 2, height: (left + right) / 2, angle };
}

/** Ultralytics YOLO (detect, segment, pose, obb), Darknet YOLO 1.1 and classification folders. */
export function readYolo(files: readonly DatasetFile[], options: YoloReadOptions = {}): ReadResult {
	const warnings: string[] = [];
	const yamls = files.filter((f) => ['yaml', 'yml'].includes(extension(f.path)));
	const parsed = yamls.map(readDataYaml).filter((y) => y.names || y.kpt || y.splits.size);
	const yaml = parsed.find((y) => basename(y.file.path) === 'data.yaml') ?? parsed[0] ?? null;
	if (parsed.length > 1) warnings.push(`several dataset YAML files; ${yaml!.file.path} is used`);
	const namesFile = files.find((f) => NAME_FILES.has(basename(f.path)) || extension(f.path) === 'names');
	let names = yaml?.names ?? null;
	if (!names && namesFile) names = textOf(namesFile).split(/\r\n|\r|\n/).map((l) => l.trim()).filter(Boolean);
	const images = files.filter((f) => isImagePath(f.path));

	// Image lists: data.yaml's train/val/test as .txt or YAML lists; darknet's train.txt / valid.txt.
	const listed = new Map<string, string>();
	const listFiles = new Set<string>();
	// Indexed by base name: lists and labels of 10,000 images would otherwise cost 10,000² comparisons.
	const imagesByBase = groupBy(images, (f) => basename(f.path));
	const addListed = (entry: string, split: string) => {
		const path = normPath(entry);
		const img = imagesByBase.get(basename(path))?.find((f) => samePath(f.path, path));
		if (img) listed.set(img.path, split);
	};
	for (const [split, entries] of yaml?.splits ?? []) {
		for (const e of entries) {
			if (isImagePath(e)) addListed(e, split);
			else if (extension(e) === 'txt') {
				const list = files.find((f) => samePath(f.path, normPath(e)));
				if (list) {
					listFiles.add(list.path);
					for (const l of textOf(list).split(/\r\n|\r|\n/)) if (l.trim()) addListed(l.trim(), split);
				}
			}
		}
	}
	for (const f of files)
		if (/^(train|valid|val|test)\.txt$/.test(basename(f.path)) && /\.(jpe?g|png|bmp|gif|webp|tiff?)\s*$/im.test(textOf(f).split(/\r?\n/)[0] ?? '')) {
			listFiles.add(f.path);
			const split = stem(f.path) === 'valid' ? 'val' : stem(f.path);
			for (const l of textOf(f).split(/\r\n|\r|\n/)) if (l.trim()) addListed(l.trim(), split);
		}

	// Label files: under labels/, beside an image of the same name, or text starting like a label line;
	// other .txt files (a README, notes) are not ours to refuse.
	const imageStems = new Set(images.map((f) => f.path.replace(/\.[^./]+$/, '')));
	const isLabelFile = (f: DatasetFile) =>
		/(^|\/)labels[^/]*\//.test(f.path) || imageStems.has(f.path.replace(/\.txt$/, '')) || /^\s*(\d+\s+[-+.\deE]+|$)/.test(textOf(f).slice(0, 200));
	const labelFiles: DatasetFile[] = [];
	for (const f of files) {
		if (extension(f.path) !== 'txt' || listFiles.has(f.path) || NAME_FILES.has(basename(f.path))) continue;
		if (isLabelFile(f)) labelFiles.push(f);
		else warnings.push(`${f.path}: not a label file; ignored`);
	}
	if (!labelFiles.length && !yaml?.kpt) {
		const classify = readClassify(images);
		if (classify) return { dataset: classify, warnings };
	}
	if (!labelFiles.length && !images.length && !names) throw new FormatError('labels/', '', 'holds no YOLO label files');

	const labels = new Map(labelFiles.map((f) => [f.path, f]));
	const byStem = groupBy(labelFiles, (f) => stem(f.path));
	const classCount = names?.length ?? null;
	const parsedLabels = new Map(labelFiles.map((f) => [f.path, parseLabels(f, classCount)]));
	let maxClass = -1;
	for (const lines of parsedLabels.values()) for (const l of lines) maxClass = Math.max(maxClass, l.cls);
	if (!names) {
		names = Array.from({ length: maxClass + 1 }, (_, i) => String(i));
		if (names.length) warnings.push('no data.yaml, classes.txt or obj.names: classes are named by their index');
	}
	const kpt = yaml?.kpt ?? null;
	const classes: DatasetClass[] = names.map((name) => ({ name }));
	if (kpt) {
		const pointNames = yaml?.kptNames ?? Array.from({ length: kpt[0] }, (_, i) => String(i + 1));
		// A ring in the unit box: where the points of a new skeleton are placed before dragging.
		const points = pointNames.map((name, i) => ({ name, x: 0.5 + 0.4 * Math.cos((2 * Math.PI * i) / kpt[0]), y: 0.5 + 0.4 * Math.sin((2 * Math.PI * i) / kpt[0]) }));
		for (const c of classes) c.skeleton = { points, edges: [] };
	}
	// Four-corner lines are oriented boxes unless the labels hold polygons of other sizes (a segmentation set).
	const hasOtherPolygons = [...parsedLabels.values()].some((lines) => lines.some((l) => l.values.length % 2 === 0 && l.values.length !== 4 && l.values.length !== 8));
	const knownByName = groupBy(options.images ?? [], (i) => i.name.replace(/\.[^./]+$/, ''));
	const knownByStem = groupBy(options.images ?? [], (i) => stem(i.name));

	const dataset: Dataset = { images: [], classes, annotations: [] };
	const used = new Set<string>();
	const place = (image: DatasetImage, file: DatasetFile | undefined) => {
		dataset.images.push(image);
		if (!file) return;
		used.add(file.path);
		for (const l of parsedLabels.get(file.path)!) {
			const a = annotationOf(file, l, image, names!, kpt, hasOtherPolygons);
			if (!a) continue;
			const v = shapeKind(a.type).validate(a.geometry, image);
			if (v.ok) dataset.annotations.push(withGeometry(a, a.type, v.geometry));
			else warnings.push(`${file.path} (line ${l.line}): ${v.reason}; skipped`);
		}
	};
	for (const f of images) {
		const size = checkedImageSize(f);
		const label = labelOf(f.path, labels, byStem);
		if (!size) {
			if (label && parsedLabels.get(label.path)!.length) throw new FormatError(f.path, '', 'is not a PNG, JPEG, GIF, BMP or WebP file whose size can be read; the labels of it cannot be placed');
			warnings.push(`${f.path}: size unknown`);
		}
		const { name, split } = placeOf(f.path, yaml, listed);
		place({ name, width: size?.width ?? 0, height: size?.height ?? 0, bytes: f.bytes, ...(split ? { split: split === 'valid' || split === 'validation' ? 'val' : split } : {}) }, label);
	}
	for (const f of labelFiles) {
		if (used.has(f.path)) continue;
		const lines = parsedLabels.get(f.path)!;
		const relStem = f.path.replace(/(^|.*\/)labels\//, '').replace(/\.txt$/, '');
		const known = knownByName.get(relStem)?.[0] ?? knownByStem.get(stem(f.path))?.[0];
		if (!known || !known.width || !known.height) {
			if (!lines.length) {
				warnings.push(`${f.path}: no image file and no objects; skipped`);
				continue;
			}
			throw new FormatError(f.path, '', `has no image file among the files (looked for ${relStem}.jpg/.png…); its normalised coordinates need the image's size`);
		}
		const m = /(?:^|\/)labels\/([^/]+)\//.exec(f.path);
		const split = known.split ?? (m && SPLIT_DIRS.has(m[1]) ? m[1] : undefined);
		place({ ...known, ...(split ? { split } : {}) }, f);
	}
	return { dataset, warnings };
}

function annotationOf(file: DatasetFile, l: ParsedLine, image: DatasetImage, names: string[], kpt: [number, number] | null, hasOtherPolygons: boolean): DatasetAnnotation | null {
	const { width: w, height: h } = image;
	const v = l.values;
	const px = (flat: readonly number[]) => flat.map((n, i) => n * (i % 2 === 0 ? w : h));
	const base = { image: image.name, className: names[l.cls], source: `${file.path} › line ${l.line}` };
	const at = `line ${l.line}`;
	const make = (type: ShapeType, geometry: unknown): DatasetAnnotation => withGeometry(base, type, geometry);
	if (kpt) {
		const [k, dims] = kpt;
		if (v.length !== 4 + k * dims) throw new FormatError(file.path, at, `has ${v.length} values after the class; kpt_shape [${k}, ${dims}] needs ${4 + k * dims} (box + ${k} keypoints)`);
		checkRange(file, l, v.slice(0, 4), 'box value');
		const points: number[] = [];
		const visibility: number[] = [];
		for (let i = 0; i < k; i++) {
			const x = v[4 + i * dims],
				y = v[5 + i * dims];
			const vis = dims === 3 ? v[6 + i * dims] : 2;
			if (vis !== 0 && vis !== 1 && vis !== 2) throw new FormatError(file.path, at, `keypoint ${i + 1} has visibility ${vis}; it must be 0, 1 or 2`);
			if (vis) checkRange(file, l, [x, y], `keypoint ${i + 1} coordinate`);
			points.push(vis ? x * w : 0, vis ? y * h : 0);
			visibility.push(vis);
		}
		if (!visibility.some(Boolean)) return null;
		// The line's box is the object's (a person's box may reach past their visible keypoints).
		const [xc, yc, bw, bh] = v;
		return make('skeleton', { points, visibility, box: { x: (xc - bw / 2) * w, y: (yc - bh / 2) * h, width: bw * w, height: bh * h } });
	}
	checkRange(file, l, v, 'coordinate');
	if (v.length === 4) {
		const [xc, yc, bw, bh] = v;
		if (bw < 0 || bh < 0) throw new FormatError(file.path, at, 'width and height must not be negative');
		return make('box', { x: (xc - bw / 2) * w, y: (yc - bh / 2) * h, width: bw * w, height: bh * h });
	}
	if (v.length % 2 !== 0) throw new FormatError(file.path, at, `has ${v.length} values after the class: an odd count, so not x y pairs (and not a box's 4)`);
	if (v.length < 6) throw new FormatError(file.path, at, 'a polygon needs at least 3 points');
	const points = px(v);
	if (v.length === 8 && !hasOtherPolygons) {
		const box = rotatedBoxFromCorners(points);
		if (box) return make('rotatedBox', box);
	}
	return make('polygon', { points });
}
