import { encode as encodePng } from 'fast-png';
import { ellipsePolygon, ELLIPSE_POINTS } from '$lib/shapes/ellipse/kind';
import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { unhandledShape } from '$lib/shapes/convert';
import { decodeMask } from '$lib/shapes/mask/rle';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation } from '../dataset';
import { annotationsByImage, countSkip, imageFilesOf } from '../dataset-builder';
import { basename, utf8 } from '../files';
import { toBase64 } from './base64';

export const LABELME_VERSION = '5.5.0';

const pairs = (p: readonly number[]) => Array.from({ length: p.length / 2 }, (_, i) => [p[i * 2], p[i * 2 + 1]]);

function shapeOf(a: DatasetAnnotation, warnings: string[]): { shape_type: string; points: number[][]; mask?: string } | null {
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return { shape_type: 'rectangle', points: [[g.x, g.y], [g.x + g.width, g.y + g.height]] };
		}
		case 'rotatedBox': {
			const g = a.geometry;
			warnings.push(`${a.image}: a rotated box of "${a.className}" is written as a 4-point polygon (LabelMe has no rotated box)`);
			return { shape_type: 'polygon', points: pairs(rotatedBoxCorners(g)) };
		}
		case 'polygon': {
			const g = a.geometry;
			if (g.holes?.length) warnings.push(`${a.image}: a polygon of "${a.className}" has holes, which LabelMe polygons cannot carry; written without them`);
			return { shape_type: 'polygon', points: pairs(g.points) };
		}
		case 'polyline':
			return { shape_type: 'linestrip', points: pairs(a.geometry.points) };
		case 'keypoint': {
			const g = a.geometry;
			return { shape_type: 'point', points: [[g.x, g.y]] };
		}
		case 'ellipse': {
			const g = a.geometry;
			if (g.rx === g.ry) return { shape_type: 'circle', points: [[g.cx, g.cy], [g.cx + g.rx, g.cy]] };
			warnings.push(`${a.image}: an ellipse of "${a.className}" is written as a ${ELLIPSE_POINTS}-point polygon (LabelMe has circles only)`);
			return { shape_type: 'polygon', points: pairs(ellipsePolygon(g)) };
		}
		case 'mask': {
			const g = a.geometry;
			const bits = decodeMask(g.rle, g.width, g.height);
			const png = encodePng({ width: g.width, height: g.height, data: bits.map((b) => (b ? 255 : 0)), channels: 1, depth: 8 });
			return { shape_type: 'mask', points: [[g.x, g.y], [g.x + g.width - 1, g.y + g.height - 1]], mask: toBase64(png) };
		}
		case 'skeleton':
		case 'cuboid':
		case 'tag': // written as flags
			return null;
		default:
			return unhandledShape(a);
	}
}

export function writeLabelMe(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const skipped: WriteResult['skipped'] = {};
	const byImage = annotationsByImage(d);
	const files = d.images.map((img) => {
		const flags: Record<string, boolean> = {};
		const shapes: Record<string, unknown>[] = [];
		for (const a of byImage.get(img.name) ?? []) {
			if (a.type === 'tag') {
				flags[a.className] = true;
				continue;
			}
			const s = shapeOf(a, warnings);
			if (!s) {
				countSkip(skipped, a.type);
				continue;
			}
			const attributes = Object.fromEntries(Object.entries(a.attributes ?? {}).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]));
			shapes.push({
				label: a.className,
				points: s.points,
				group_id: a.instanceId ?? null,
				description: a.text ?? '',
				shape_type: s.shape_type,
				flags: {},
				mask: s.mask ?? null,
				...(Object.keys(attributes).length ? { attributes } : {})
			});
		}
		const doc = { version: LABELME_VERSION, flags, shapes, imagePath: basename(img.name), imageData: null, imageHeight: img.height, imageWidth: img.width };
		return { path: `${img.name.replace(/\.[^./]+$/, '')}.json`, bytes: utf8(JSON.stringify(doc)) };
	});
	// LabelMe keeps each image beside its JSON.
	if (options.includeImages) files.push(...imageFilesOf(d));
	return { files, skipped, warnings };
}
