import { encode as encodePng } from 'fast-png';
import { ellipsePolygon, ELLIPSE_POINTS } from '$lib/shapes/ellipse/kind';
import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { unhandledShape } from '$lib/shapes/convert';
import { polygonParts } from '$lib/shapes/polygon/kind';
import { NOT_LABELED, objectBox, OCCLUDED, type SkeletonTemplate } from '$lib/shapes/skeleton/kind';
import { decodeMask } from '$lib/shapes/mask/rle';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation } from '../dataset';
import { annotationsByImage, countSkip, imageFilesOf } from '../dataset-builder';
import { basename, utf8 } from '../files';
import { toBase64 } from './base64';

export const LABELME_VERSION = '5.5.0';

const pairs = (p: readonly number[]) => Array.from({ length: p.length / 2 }, (_, i) => [p[i * 2], p[i * 2 + 1]]);

/** One LabelMe shape of an annotation: its type, points, and the label when it is not the class's. */
interface Shape {
	shape_type: string;
	points: number[][];
	mask?: string;
	label?: string;
	difficult?: boolean;
}

/**
 * The LabelMe shapes of one annotation: one for most; a multi-part polygon one polygon per part; a
 * skeleton a rectangle (its box, else the box of its labeled points) and one point per labeled point,
 * labelled with the point's name (these share a group_id). Empty when LabelMe cannot carry it.
 */
function shapesOf(a: DatasetAnnotation, templates: ReadonlyMap<string, SkeletonTemplate>, warnings: string[]): Shape[] {
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return [{ shape_type: 'rectangle', points: [[g.x, g.y], [g.x + g.width, g.y + g.height]] }];
		}
		case 'rotatedBox': {
			const g = a.geometry;
			warnings.push(`${a.image}: a rotated box of "${a.className}" is written as a 4-point polygon (LabelMe has no rotated box)`);
			return [{ shape_type: 'polygon', points: pairs(rotatedBoxCorners(g)) }];
		}
		case 'polygon': {
			const parts = polygonParts(a.geometry);
			if (parts.some((p) => p.holes?.length)) warnings.push(`${a.image}: a polygon of "${a.className}" has holes, which LabelMe polygons cannot carry; written without them`);
			return parts.map((p) => ({ shape_type: 'polygon', points: pairs(p.points) }));
		}
		case 'polyline':
			return [{ shape_type: 'linestrip', points: pairs(a.geometry.points) }];
		case 'keypoint': {
			const g = a.geometry;
			return [{ shape_type: 'point', points: [[g.x, g.y]] }];
		}
		case 'ellipse': {
			const g = a.geometry;
			if (g.rx === g.ry) return [{ shape_type: 'circle', points: [[g.cx, g.cy], [g.cx + g.rx, g.cy]] }];
			warnings.push(`${a.image}: an ellipse of "${a.className}" is written as a ${ELLIPSE_POINTS}-point polygon (LabelMe has circles only)`);
			return [{ shape_type: 'polygon', points: pairs(ellipsePolygon(g)) }];
		}
		case 'mask': {
			const g = a.geometry;
			const bits = decodeMask(g.rle, g.width, g.height);
			const png = encodePng({ width: g.width, height: g.height, data: bits.map((b) => (b ? 255 : 0)), channels: 1, depth: 8 });
			return [{ shape_type: 'mask', points: [[g.x, g.y], [g.x + g.width - 1, g.y + g.height - 1]], mask: toBase64(png) }];
		}
		case 'skeleton': {
			const g = a.geometry;
			const names = templates.get(a.className)?.points.map((p) => p.name);
			if (!names || names.length !== g.visibility.length) return [];
			const r = objectBox(g);
			const points: Shape[] = [];
			g.visibility.forEach((v, i) => {
				// X-AnyLabeling's `difficult` on a keypoint is COCO's visibility 1.
				if (v !== NOT_LABELED) points.push({ shape_type: 'point', points: [[g.points[i * 2], g.points[i * 2 + 1]]], label: names[i], difficult: v === OCCLUDED });
			});
			return [{ shape_type: 'rectangle', points: [[r.minX, r.minY], [r.maxX, r.maxY]] }, ...points];
		}
		case 'cuboid':
		case 'tag': // written as flags
			return [];
		default:
			return unhandledShape(a);
	}
}

/**
 * group_ids for one image: an annotation written as several shapes (a skeleton, a multi-part polygon)
 * keeps its instance id where no other annotation of the image has it, else takes the lowest id no
 * annotation of the image uses, so that reading the file back groups exactly its own shapes.
 */
function groupIdsOf(annotations: readonly DatasetAnnotation[], shapeCounts: readonly number[]): (number | null)[] {
	const uses = new Map<number, number>();
	for (const a of annotations) if (a.instanceId !== undefined) uses.set(a.instanceId, (uses.get(a.instanceId) ?? 0) + 1);
	let next = 0;
	const free = () => {
		while (uses.has(next)) next++;
		uses.set(next, 1);
		return next;
	};
	return annotations.map((a, i) => {
		if (shapeCounts[i] < 2) return a.instanceId ?? null;
		return a.instanceId !== undefined && uses.get(a.instanceId) === 1 ? a.instanceId : free();
	});
}

export function writeLabelMe(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const skipped: WriteResult['skipped'] = {};
	const byImage = annotationsByImage(d);
	const templates = new Map(d.classes.flatMap((c) => (c.skeleton?.points.length ? [[c.name, c.skeleton] as const] : [])));
	let misfits = 0;
	const files = d.images.map((img) => {
		const flags: Record<string, boolean> = {};
		const shapes: Record<string, unknown>[] = [];
		const annotations = (byImage.get(img.name) ?? []).filter((a) => {
			if (a.type === 'tag') flags[a.className] = true;
			return a.type !== 'tag';
		});
		const shapesByAnnotation = annotations.map((a) => shapesOf(a, templates, warnings));
		const groupIds = groupIdsOf(annotations, shapesByAnnotation.map((s) => s.length));
		annotations.forEach((a, k) => {
			if (!shapesByAnnotation[k].length) {
				if (a.type === 'skeleton') misfits++;
				countSkip(skipped, a.type);
				return;
			}
			const attributes = Object.fromEntries(Object.entries(a.attributes ?? {}).map(([key, v]) => [key, Array.isArray(v) ? v.join(',') : v]));
			for (const s of shapesByAnnotation[k])
				shapes.push({
					label: s.label ?? a.className,
					points: s.points,
					group_id: groupIds[k],
					description: s.label === undefined ? (a.text ?? '') : '',
					shape_type: s.shape_type,
					flags: {},
					mask: s.mask ?? null,
					...(s.difficult !== undefined ? { difficult: s.difficult } : {}),
					...(Object.keys(attributes).length && s.label === undefined ? { attributes } : {})
				});
		});
		const doc = { version: LABELME_VERSION, flags, shapes, imagePath: basename(img.name), imageData: null, imageHeight: img.height, imageWidth: img.width };
		return { path: `${img.name.replace(/\.[^./]+$/, '')}.json`, bytes: utf8(JSON.stringify(doc)) };
	});
	if (misfits) warnings.push(`${misfits} skeletons do not have the points of their class's template; skipped`);
	// LabelMe keeps each image beside its JSON.
	if (options.includeImages) files.push(...imageFilesOf(d));
	return { files, skipped, warnings };
}
