import { stringify } from 'yaml';
import { boxOf, orientedBoxOf, rotatedBoxOf, unhandledShape } from '$lib/shapes/convert';
import { polygonParts } from '$lib/shapes/polygon/kind';
import { objectBox } from '$lib/shapes/skeleton/kind';
import { rotatedBoxCorners, type RotatedBoxGeometry } from '$lib/shapes/rotatedBox/kind';
import type { ShapeType } from '$lib/shapes/registry';
import { annotationsByImage } from '../by-image';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass, DatasetImage } from '../dataset';
import { utf8, type DatasetFile } from '../files';
import { countSkip } from '../dataset-builder';
import { AS_BOXES, AS_ROTATED_BOXES, conversionNotes, type TypeCounts } from '../conversions';
import { mergeMultiSegment } from './merge-segments';

/** A YAML scalar, quoted when plain text would read as something else. */
const scalar = (v: string) => {
	const out = stringify(v, { lineWidth: 0 }).trim();
	return out.includes('\n') ? JSON.stringify(v) : out;
};

export const YOLO_VARIANTS = [
	{ id: 'detect', label: 'Detection (boxes)' },
	{ id: 'segment', label: 'Segmentation (polygons)' },
	{ id: 'pose', label: 'Pose (skeletons)' },
	{ id: 'obb', label: 'Oriented boxes' },
	{ id: 'classify', label: 'Classification (folders)' }
] as const;

export type YoloVariant = (typeof YOLO_VARIANTS)[number]['id'];

/**
 * A normalised coordinate with enough decimals that the pixel value comes back within 1e-6 px for
 * images up to 10^k px (6 + k decimals), trailing zeros trimmed.
 */
export function formatNormalised(v: number, imageSide: number): string {
	const decimals = 6 + Math.max(0, Math.ceil(Math.log10(Math.max(1, imageSide))));
	const s = v.toFixed(decimals);
	const trimmed = s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
	return trimmed === '-0' ? '0' : trimmed;
}

/** Ultralytics' corner order (ops.xywhr2xyxyxyxy): in the box's own frame bottom-right, top-right, top-left, bottom-left. */
export function obbCorners(g: RotatedBoxGeometry): number[] {
	const c = rotatedBoxCorners(g); // top-left, top-right, bottom-right, bottom-left
	return [c[4], c[5], c[2], c[3], c[0], c[1], c[6], c[7]];
}

/** Pairs of point names "left_x" / "right_x" (any case, '_', '-', ' ' or none between): Ultralytics' flip_idx. */
export function flipIndexOf(names: readonly string[]): number[] | null {
	const key = (n: string) => {
		const m = /^(left|right)[_\- ]?(.+)$/i.exec(n);
		if (m) return { side: m[1].toLowerCase(), rest: m[2].toLowerCase(), first: true };
		const e = /^(.+?)[_\- ]?(left|right)$/i.exec(n);
		return e ? { side: e[2].toLowerCase(), rest: e[1].toLowerCase(), first: false } : null;
	};
	if (!names.some((n) => key(n))) return null;
	const out = names.map((n, i) => {
		const k = key(n);
		if (!k) return i;
		const other = names.findIndex((m) => {
			const o = key(m);
			return o && o.rest === k.rest && o.first === k.first && o.side !== k.side;
		});
		return other < 0 ? i : other;
	});
	return out.some((v, i) => v !== i) ? out : null;
}

interface Context {
	classIndex: Map<string, number>;
	image: DatasetImage;
	/** Skeleton point count of the pose dataset. */
	keypoints: number;
	/** Polygons whose holes YOLO cannot carry (only the outer ring is written). */
	holes: { n: number };
	/** Multi-part polygons written as one line, their parts joined. */
	merged: { n: number };
	/** Shapes written as this variant's boxes, by type (a box as a box is not counted). */
	converted: TypeCounts;
}

/** One label line, or null when this variant cannot carry the annotation. */
function lineOf(a: DatasetAnnotation, variant: YoloVariant, ctx: Context): string | null {
	const { width: w, height: h } = ctx.image;
	const c = ctx.classIndex.get(a.className);
	if (c === undefined) return null;
	const nx = (x: number) => formatNormalised(x / w, w);
	const ny = (y: number) => formatNormalised(y / h, h);
	const xy = (flat: readonly number[]) => flat.map((v, i) => (i % 2 === 0 ? nx(v) : ny(v)));
	const box = (r: RotatedBoxGeometry) => [c, nx(r.cx), ny(r.cy), nx(r.width), ny(r.height)].join(' ');
	const obb = (r: RotatedBoxGeometry) => [c, ...xy(obbCorners(r))].join(' ');
	if (variant === 'detect') {
		if (a.type === 'box') return box(rotatedBoxOf(a)!);
		// Any shape with an extent is its box, as Ultralytics' own converters write COCO's polygons and masks.
		const r = boxOf(a);
		if (!r) return null;
		countSkip(ctx.converted, a.type);
		return box({ cx: (r.minX + r.maxX) / 2, cy: (r.minY + r.maxY) / 2, width: r.maxX - r.minX, height: r.maxY - r.minY, angle: 0 });
	}
	if (variant === 'obb') {
		const r = orientedBoxOf(a);
		if (!r) return null;
		if (a.type !== 'box' && a.type !== 'rotatedBox') countSkip(ctx.converted, a.type);
		return obb(r);
	}
	switch (a.type) {
		case 'polygon': {
			if (variant !== 'segment') return null;
			const parts = polygonParts(a.geometry);
			if (parts.some((p) => p.holes?.length)) ctx.holes.n++;
			if (parts.length > 1) ctx.merged.n++;
			return [c, ...xy(mergeMultiSegment(parts.map((p) => p.points)))].join(' ');
		}
		case 'skeleton': {
			const g = a.geometry;
			if (variant !== 'pose' || g.visibility.length !== ctx.keypoints) return null;
			const r = objectBox(g);
			const kpts = g.visibility.flatMap((v, i) => (v ? [nx(g.points[2 * i]), ny(g.points[2 * i + 1]), String(v)] : ['0', '0', '0']));
			return [c, nx((r.minX + r.maxX) / 2), ny((r.minY + r.maxY) / 2), nx(r.maxX - r.minX), ny(r.maxY - r.minY), ...kpts].join(' ');
		}
		case 'box':
		case 'rotatedBox':
		case 'polyline':
		case 'ellipse':
		case 'keypoint':
		case 'cuboid':
		case 'mask':
		case 'tag':
			return null;
		default:
			return unhandledShape(a);
	}
}

const labelPathOf = (split: string, name: string) => `labels/${split}/${name.replace(/\.[^./]+$/, '')}.txt`;

/**
 * Ultralytics YOLO: `data.yaml`, `images/<split>/<name>`, `labels/<split>/<name without extension>.txt`
 * (split from the image, 'train' when it has none); classify: `<split>/<class>/<name>` folders.
 */
export function writeYolo(dataset: Dataset, options: WriteOptions): WriteResult {
	const variant = (options.variant ?? 'detect') as YoloVariant;
	if (!YOLO_VARIANTS.some((v) => v.id === variant)) throw new Error(`YOLO has no variant '${variant}'`);
	if (variant === 'classify') return writeClassify(dataset);
	const files: DatasetFile[] = [];
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const classIndex = new Map(dataset.classes.map((c, i) => [c.name, i]));
	const byImage = annotationsByImage(dataset.annotations);
	const poseClass: DatasetClass | undefined = dataset.classes.find((c) => c.skeleton?.points.length);
	const keypoints = poseClass?.skeleton?.points.length ?? 0;
	const splits = new Set<string>();
	let mismatchedSkeletons = 0;
	const holes = { n: 0 };
	const merged = { n: 0 };
	const converted: TypeCounts = {};
	for (const image of dataset.images) {
		const split = image.split || 'train';
		splits.add(split);
		if (options.includeImages && image.bytes) files.push({ path: `images/${split}/${image.name}`, bytes: image.bytes });
		const annotations = byImage.get(image.name) ?? [];
		const lines: string[] = [];
		for (const a of annotations) {
			const line = image.width && image.height ? lineOf(a, variant, { classIndex, image, keypoints, holes, merged, converted }) : null;
			if (line) lines.push(line);
			else {
				skipped[a.type] = (skipped[a.type] ?? 0) + 1;
				if (variant === 'pose' && a.type === 'skeleton') mismatchedSkeletons++;
			}
		}
		if (annotations.length && !(image.width && image.height)) warnings.push(`${image.name}: size unknown, so its annotations cannot be normalised; skipped`);
		files.push({ path: labelPathOf(split, image.name), bytes: utf8(lines.map((l) => l + '\n').join('')) });
	}
	if (mismatchedSkeletons) warnings.push(`${mismatchedSkeletons} skeletons do not have the ${keypoints} points of ${poseClass?.name}'s template (YOLO pose has one keypoint count); skipped`);
	warnings.push(...conversionNotes(converted, variant === 'obb' ? AS_ROTATED_BOXES : AS_BOXES));
	if (holes.n) warnings.push(`${holes.n} polygons have holes; YOLO segment keeps only their outer ring`);
	if (merged.n) warnings.push(`${merged.n} polygons of several parts are written as one line each, their parts joined at their closest points (as Ultralytics joins COCO's)`);
	const ordered = ['train', 'val', 'test'].filter((s) => splits.has(s)).concat([...splits].filter((s) => !['train', 'val', 'test'].includes(s)).sort());
	const entries: Record<string, string> = {};
	for (const s of ordered) entries[s] = `images/${s}`;
	// Ultralytics requires train and val: without a val split it validates on the training images.
	entries.train ??= `images/${ordered[0] ?? 'train'}`;
	entries.val ??= entries.train;
	const lines = ['path: .', ...Object.entries(entries).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`)];
	if (variant === 'pose' && poseClass?.skeleton) {
		const names = poseClass.skeleton.points.map((p) => p.name);
		lines.push(`kpt_shape: [${keypoints}, 3]`);
		const flip = flipIndexOf(names);
		if (flip) lines.push(`flip_idx: [${flip.join(', ')}]`);
		lines.push('kpt_names:', `  ${classIndex.get(poseClass.name)}: [${names.map((n) => JSON.stringify(n)).join(', ')}]`);
	}
	lines.push('names:', ...dataset.classes.map((c, i) => `  ${i}: ${scalar(c.name)}`));
	files.unshift({ path: 'data.yaml', bytes: utf8(lines.join('\n') + '\n') });
	return { files, skipped, warnings };
}

function writeClassify(dataset: Dataset): WriteResult {
	const files: DatasetFile[] = [];
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const tags = annotationsByImage(dataset.annotations.filter((a) => a.type === 'tag'));
	for (const a of dataset.annotations) if (a.type !== 'tag') skipped[a.type] = (skipped[a.type] ?? 0) + 1;
	let untagged = 0,
		noBytes = 0,
		multi = 0;
	for (const image of dataset.images) {
		const t = tags.get(image.name) ?? [];
		if (!t.length) untagged++;
		else if (!image.bytes) noBytes++;
		else {
			if (t.length > 1) {
				multi++;
				skipped.tag = (skipped.tag ?? 0) + t.length - 1;
			}
			files.push({ path: `${image.split || 'train'}/${t[0].className}/${image.name}`, bytes: image.bytes });
		}
	}
	if (untagged) warnings.push(`${untagged} images have no tag and are not written (a classification dataset is its class folders)`);
	if (noBytes) warnings.push(`${noBytes} tagged images have no image file to put in their class folder; not written`);
	if (multi) warnings.push(`${multi} images have several tags; each is filed under its first`);
	return { files, skipped, warnings };
}
