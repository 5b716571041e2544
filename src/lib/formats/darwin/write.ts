import type { GeometryByType } from '$lib/shapes/registry';
import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { unhandledShape } from '$lib/shapes/convert';
import { polygonParts } from '$lib/shapes/polygon/kind';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation, DatasetClass } from '../dataset';
import { annotationsByImage, countSkip, imageFilesOf } from '../dataset-builder';
import { basename, dirname, utf8 } from '../files';
import { denseRleOfMasks } from './raster';
import { RASTER_LAYER } from './read';
import { checkImageToRaster } from '../limits';

export const DARWIN_SCHEMA = 'https://darwin-public.s3.eu-west-1.amazonaws.com/darwin_json/2.0/schema.json';

const rad = (degrees: number) => (degrees * Math.PI) / 180;
const xy = (p: readonly number[]) => Array.from({ length: p.length / 2 }, (_, i) => ({ x: p[i * 2], y: p[i * 2 + 1] }));

/** Ids must be unique within an item; V7 uses UUIDs, so these look like version-4 UUIDs, made from positions. */
const idOf = (image: number, n: number) => `00000000-0000-4000-8000-${(image * 65536 + n).toString(16).padStart(12, '0')}`;

function boundsOf(points: readonly number[]) {
	const xs = points.filter((_, i) => i % 2 === 0),
		ys = points.filter((_, i) => i % 2 === 1);
	const x = Math.min(...xs),
		y = Math.min(...ys);
	return { h: Math.max(...ys) - y, w: Math.max(...xs) - x, x, y };
}

function geometryOf(a: DatasetAnnotation, c: DatasetClass | undefined, warnings: string[]): Record<string, unknown> | null {
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return { bounding_box: { h: g.height, w: g.width, x: g.x, y: g.y } };
		}
		case 'rotatedBox': {
			const corners = rotatedBoxCorners(a.geometry);
			warnings.push(`${a.image}: a rotated box of "${a.className}" is written as a 4-point polygon (Darwin has no rotated box)`);
			return { bounding_box: boundsOf(corners), polygon: { paths: [xy(corners)] } };
		}
		case 'polygon': {
			// Darwin's complex polygon: every part's outer ring followed by its holes; the reader tells them apart by containment.
			const parts = polygonParts(a.geometry);
			const box = boundsOf(parts.length > 1 ? parts.flatMap((p) => p.points) : parts[0].points);
			return { bounding_box: box, polygon: { paths: parts.flatMap((p) => [p.points, ...(p.holes ?? [])]).map(xy) } };
		}
		case 'polyline':
			return { line: { path: xy(a.geometry.points) } };
		case 'keypoint': {
			const g = a.geometry;
			return { keypoint: { x: g.x, y: g.y } };
		}
		case 'ellipse': {
			const g = a.geometry;
			return { ellipse: { angle: rad(g.angle), center: { x: g.cx, y: g.cy }, radius: { x: g.rx, y: g.ry } } };
		}
		case 'cuboid': {
			// Darwin's cuboid is two axis-aligned faces: each face is written as its bounding box.
			const p = a.geometry.points;
			return { cuboid: { back: boundsOf(p.slice(8)), front: boundsOf(p.slice(0, 8)) } };
		}
		case 'skeleton': {
			const g = a.geometry;
			const names = c?.skeleton?.points.map((p) => p.name) ?? [];
			// Darwin has no "not labeled" node: such nodes are written as occluded.
			return { skeleton: { nodes: g.visibility.map((v, i) => ({ name: names[i] ?? String(i + 1), occluded: v !== 2, x: g.points[i * 2], y: g.points[i * 2 + 1] })) } };
		}
		case 'tag':
			return { tag: {} };
		case 'mask':
			return { mask: {} };
		default:
			return unhandledShape(a);
	}
}

export function writeDarwin(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const skipped: WriteResult['skipped'] = {};
	const byImage = annotationsByImage(d);
	const classes = new Map(d.classes.map((c) => [c.name, c]));
	const files = d.images.map((img, imageIndex) => {
		const annotations: Record<string, unknown>[] = [];
		const masks: { id: string; geometry: GeometryByType['mask'] }[] = [];
		(byImage.get(img.name) ?? []).forEach((a, n) => {
			if (a.type === 'mask' && !(img.width > 0 && img.height > 0)) {
				countSkip(skipped, 'mask');
				return;
			}
			const geometry = geometryOf(a, classes.get(a.className), warnings);
			if (!geometry) return;
			const id = idOf(imageIndex, n);
			if (a.type === 'mask') masks.push({ id, geometry: a.geometry });
			const properties = a.attributes ? Object.entries(a.attributes).flatMap(([name, v]) => (Array.isArray(v) ? v : [v]).map((value) => ({ frame_index: 0, name, value: String(value) }))) : [];
			// Keys in Darwin's (alphabetical) order, set one by one: spreading optional parts cost a third of the write.
			const annotation: Record<string, unknown> = geometry;
			annotation.id = id;
			if (a.direction) annotation.directional_vector = { angle: rad(a.direction.angle), length: 1 };
			if (a.instanceId !== undefined) annotation.instance_id = { value: a.instanceId };
			annotation.name = a.className;
			annotation.properties = properties;
			annotation.slot_names = ['0'];
			if (a.text !== undefined) annotation.text = { text: a.text };
			annotations.push(annotation);
		});
		if (masks.length) checkImageToRaster(img);
		if (masks.length)
			annotations.push({
				id: idOf(imageIndex, 65535),
				name: RASTER_LAYER,
				properties: [],
				raster_layer: {
					dense_rle: denseRleOfMasks(masks.map((m) => m.geometry), img.width, img.height),
					mask_annotation_ids_mapping: Object.fromEntries(masks.map((m, k) => [m.id, k + 1])),
					total_pixels: img.width * img.height
				},
				slot_names: ['0']
			});
		const folder = dirname(img.name);
		const doc = {
			version: '2.0',
			schema_ref: DARWIN_SCHEMA,
			item: {
				name: basename(img.name),
				path: `/${folder}`,
				slots: [{ type: 'image', slot_name: '0', width: img.width, height: img.height, source_files: [{ file_name: basename(img.name) }] }]
			},
			annotations
		};
		return { path: `${img.name.replace(/\.[^./]+$/, '')}.json`, bytes: utf8(JSON.stringify(doc)) };
	});
	if (options.includeImages) files.push(...imageFilesOf(d, 'images'));
	return { files, skipped, warnings };
}
