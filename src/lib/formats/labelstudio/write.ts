import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { unhandledShape } from '$lib/shapes/convert';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset, DatasetAnnotation } from '../dataset';
import { annotationsByImage, countSkip, imageFilesOf, isRecord } from '../dataset-builder';
import { utf8 } from '../files';
import { decodeMask } from '$lib/shapes/mask/rle';
import { encodeBrush } from './brush';
import { checkImageToRaster } from '../limits';
import { assignIds } from '../ids';
import { polygonParts } from '$lib/shapes/polygon/kind';
import { COMPUTED_VALUE_KEYS, DEFAULT_TO_NAME, KEYPOINT_WIDTH, POLYGON_CLOSED, type ResultType } from './controls';
import { controlNamer, keptRegion, RegionIds } from './kept';
import { entryIdsOf, labelConfig, taskOf, type Controls } from './task';

/**
 * Percentages of `side` with 4 + k decimals for sides up to 10^k px: the pixel value comes back within
 * 1e-6 px (as YOLO's normalised values), and the file is a third shorter than at full precision.
 */
function percentOf(side: number): (v: number) => number {
	const scale = 10 ** (4 + Math.max(0, Math.ceil(Math.log10(Math.max(1, side)))));
	const factor = (100 * scale) / side;
	return (v) => Math.round(v * factor) / scale;
}

/** The result type and the geometry's value keys: one value per part (only polygons have several). */
function valueOf(a: DatasetAnnotation, W: number, H: number, X: (v: number) => number, Y: (v: number) => number): [ResultType, ...Record<string, unknown>[]] | null {
	switch (a.type) {
		case 'box': {
			const g = a.geometry;
			return ['rectanglelabels', { x: X(g.x), y: Y(g.y), width: X(g.width), height: Y(g.height), rotation: 0 }];
		}
		case 'rotatedBox': {
			const g = a.geometry;
			// Label Studio places a turned rectangle by its (turned) top-left corner.
			const [x, y] = rotatedBoxCorners(g);
			return ['rectanglelabels', { x: X(x), y: Y(y), width: X(g.width), height: Y(g.height), rotation: g.angle < 0 ? g.angle + 360 : g.angle }];
		}
		case 'polygon': {
			// Holes have no place in Label Studio (the writer counts them); each part is a polygon of its own.
			const ring = (p: number[]) => ({ points: Array.from({ length: p.length / 2 }, (_, i) => [X(p[i * 2]), Y(p[i * 2 + 1])]), closed: POLYGON_CLOSED });
			return a.geometry.parts?.length ? ['polygonlabels', ...polygonParts(a.geometry).map((part) => ring(part.points))] : ['polygonlabels', ring(a.geometry.points)];
		}
		case 'keypoint': {
			const g = a.geometry;
			return ['keypointlabels', { x: X(g.x), y: Y(g.y), width: KEYPOINT_WIDTH }];
		}
		case 'ellipse': {
			const g = a.geometry;
			return ['ellipselabels', { x: X(g.cx), y: Y(g.cy), radiusX: X(g.rx), radiusY: Y(g.ry), rotation: g.angle < 0 ? g.angle + 360 : g.angle }];
		}
		case 'tag':
			return ['choices', {}];
		case 'mask': {
			// The brush covers the whole image: the crop is placed into an image-sized bitmap.
			const g = a.geometry;
			const crop = decodeMask(g.rle, g.width, g.height);
			const bits = new Uint8Array(W * H);
			for (let j = 0; j < g.height; j++) for (let i = 0; i < g.width; i++) if (crop[j * g.width + i] && g.x + i < W && g.y + j < H) bits[(g.y + j) * W + g.x + i] = 1;
			return ['brushlabels', { format: 'rle', rle: encodeBrush(bits) }];
		}
		case 'polyline':
		case 'skeleton':
		case 'cuboid':
			return null;
		default:
			return unhandledShape(a);
	}
}

export function writeLabelStudio(d: Dataset, options: WriteOptions): WriteResult {
	const warnings: string[] = [];
	const skipped: WriteResult['skipped'] = {};
	const byImage = annotationsByImage(d);
	const controls: Controls = new Map();
	const controlName = controlNamer();
	const toNames = new Set<string>();
	const usualNames: Partial<Record<ResultType, string>> = {};
	let attributesDropped = 0,
		holesDropped = 0,
		relationsDropped = 0,
		imageKey: string | undefined;
	const taskIds = assignIds('labelstudio', d.images.map((img) => img.imported));
	const entryIds = entryIdsOf(d.images);
	const regionIds = new RegionIds();
	// Kept ids are reserved first, so that no new one takes them whatever the order.
	const keptIds = new Map<DatasetAnnotation, string | undefined>();
	const keptPartIds = new Map<DatasetAnnotation, (string | undefined)[]>();
	for (const a of d.annotations) {
		if (a.imported?.format !== 'labelstudio') continue;
		keptIds.set(a, regionIds.keep(a.imported.id));
		const parts = a.imported.fields?.partIds;
		if (Array.isArray(parts)) keptPartIds.set(a, parts.map((id) => regionIds.keep(id)));
	}
	const tasks = d.images.map((img, i) => {
		const result: Record<string, unknown>[] = [];
		const anns = byImage.get(img.name) ?? [];
		if (anns.some((a) => a.type !== 'tag') && !(img.width > 0 && img.height > 0)) {
			for (const a of anns) if (a.type !== 'tag') countSkip(skipped, a.type);
			warnings.push(`${img.name}: the image size is unknown, so its shapes cannot be written in percent`);
		}
		const X = percentOf(img.width),
			Y = percentOf(img.height);
		// A brush covers the whole image: its size is checked before one is allocated.
		if (anns.some((a) => a.type === 'mask')) checkImageToRaster(img);
		const ids = anns.map((a, n) => keptIds.get(a) ?? regionIds.fresh(`r${i + 1}-${n + 1}`));
		// An instance's regions hang under its (first) rectangle by parentID, as Label Studio ties keypoints to a person box.
		const boxOf = new Map<number, string>();
		for (let n = 0; n < anns.length; n++) {
			const a = anns[n];
			if ((a.type === 'box' || a.type === 'rotatedBox') && a.instanceId !== undefined && !boxOf.has(a.instanceId)) boxOf.set(a.instanceId, ids[n]);
		}
		anns.forEach((a, n) => {
			if (a.type !== 'tag' && !(img.width > 0 && img.height > 0)) return;
			const v = valueOf(a, img.width, img.height, X, Y);
			if (!v) return void countSkip(skipped, a.type);
			const [type, ...values] = v;
			const keptFields = a.imported?.format === 'labelstudio' ? a.imported.fields : undefined;
			const toName = typeof keptFields?.to_name === 'string' ? keptFields.to_name : DEFAULT_TO_NAME;
			const fromName = typeof keptFields?.from_name === 'string' ? controlName(type, keptFields.from_name) : (usualNames[type] ??= controlName(type, undefined));
			const control = controls.get(fromName) ?? { type, toName, labels: new Set<string>() };
			controls.set(fromName, control.labels.add(a.className) && control);
			toNames.add(toName);
			const id = ids[n];
			const parent = a.instanceId !== undefined ? boxOf.get(a.instanceId) : undefined;
			// One object literal where nothing was kept (100,000 regions in a large export).
			const region = (rid: string, from: string, rtype: string, value: Record<string, unknown>, parentID?: string): Record<string, unknown> => {
				const out: Record<string, unknown> = keptFields
					? Object.assign(keptRegion(keptFields), { id: rid, from_name: from, to_name: toName, original_width: img.width, original_height: img.height, type: rtype, value })
					: { id: rid, from_name: from, to_name: toName, original_width: img.width, original_height: img.height, image_rotation: 0, origin: 'manual', type: rtype, value };
				if (parentID !== undefined) out.parentID = parentID;
				if (a.score !== undefined) out.score = a.score;
				return out;
			};
			for (let k = 0; k < values.length; k++) {
				const value = values[k];
				if (keptFields && isRecord(keptFields.value)) for (const key in keptFields.value) if (!COMPUTED_VALUE_KEYS[type].has(key)) value[key] = keptFields.value[key];
				value[type] = [a.className];
				// Further parts of a polygon: nested under the first by parentID, as Label Studio's region tree shows one object.
				if (k === 0) result.push(region(id, fromName, type, value, parent !== id ? parent : undefined));
				else result.push(region(keptPartIds.get(a)?.[k - 1] ?? regionIds.fresh(`${id}_${k + 1}`), fromName, type, value, id));
			}
			if (a.type === 'polygon') {
				holesDropped += a.geometry.holes?.length ?? 0;
				for (const part of a.geometry.parts ?? []) holesDropped += part.holes?.length ?? 0;
			}
			if (a.text !== undefined) result.push(region(id, controlName('textarea', 'text'), 'textarea', { text: [a.text] }));
			if (a.attributes && Object.keys(a.attributes).length) attributesDropped++;
		});
		const { task, relationsLeft, imageKey: key } = taskOf(img, taskIds[i], entryIds[i], result);
		imageKey ??= key;
		relationsDropped += relationsLeft;
		return task;
	});
	if (attributesDropped) warnings.push(`attributes of ${attributesDropped} annotations are not written (Label Studio keeps them in per-region controls of its own config)`);
	if (relationsDropped) warnings.push(`${relationsDropped} relation${relationsDropped > 1 ? 's are' : ' is'} not written: a region it links is gone`);
	if (holesDropped) warnings.push(`${holesDropped} polygon hole${holesDropped > 1 ? 's are' : ' is'} not written (Label Studio polygons have no holes)`);
	const config = labelConfig(controls, toNames, imageKey ?? 'image', d);
	const files = [
		{ path: 'label_studio.json', bytes: utf8(JSON.stringify(tasks)) },
		{ path: 'label_config.xml', bytes: utf8(config) }
	];
	if (options.includeImages) files.push(...imageFilesOf(d));
	return { files, skipped, warnings };
}
