import type { SkeletonTemplate } from '$lib/model/records';
import { COCO_PERSON } from '$lib/shapes/skeleton/templates';
import type { JsonReader } from './checks';
import { extraFields, importedFrom } from '../ids';
import type { ImportedFrom } from '../dataset';

/** A COCO category as read: its class name and, for keypoint categories, the point names and edges. */
export interface CocoCategory {
	name: string;
	/** Point names ('' where the file gives none: filled in once the point count is known). */
	keypoints: string[] | null;
	/** Edges as written (1- or 0-based), checked once the point count is known. */
	rawSkeleton: number[][];
	place: string;
	semantic: boolean;
	supercategory?: string;
	/** The category's id as written and the fields this app has no place for (written back on export). */
	imported?: ImportedFrom;
}

/** Category fields this app reads into the class; the rest are kept as they are (ids.ts). */
const CATEGORY_FIELDS = new Set(['id', 'name', 'supercategory', 'keypoints', 'skeleton', 'isthing']);

export function readCategory(r: JsonReader, raw: unknown, place: string, warnings?: string[]): { id: string; category: CocoCategory } {
	const c = r.object(raw, place);
	const id = r.id(c.id, `${place}.id`);
	const name = c.name === undefined || c.name === null || c.name === '' ? `category_${id}` : r.string(c.name, `${place}.name`);
	let keypoints: string[] | null = null;
	if (c.keypoints !== undefined && c.keypoints !== null)
		keypoints = r.list(c.keypoints, `${place}.keypoints`).map((k, i) => (typeof k === 'number' ? String(k) : r.string(k, `${place}.keypoints[${i}]`)));
	const rawSkeleton = r.optionalList(c.skeleton, `${place}.skeleton`).map((e, i) => {
		const edge = r.numbers(e, `${place}.skeleton[${i}]`);
		if (edge.length !== 2 || !edge.every(Number.isInteger)) r.fail(`${place}.skeleton[${i}]`, 'should be a pair of point numbers');
		return edge;
	});
	// Panoptic: isthing 0 marks a "stuff" class, one region per image.
	const semantic = c.isthing === 0 || c.isthing === false;
	const category: CocoCategory = { name, keypoints: keypoints && (keypoints.length || rawSkeleton.length) ? keypoints : null, rawSkeleton, place, semantic };
	if (typeof c.supercategory === 'string' && c.supercategory.trim()) category.supercategory = c.supercategory.trim();
	category.imported = importedFrom('coco', c.id, extraFields(c, CATEGORY_FIELDS), undefined, (p) => warnings?.push(`${r.file} (${place}): ${p}`));
	return { id, category };
}

/** COCO skeletons are 1-based; a 0 anywhere means the writer used 0-based indices (Datumaro does). */
export function skeletonEdges(c: CocoCategory, pointCount: number, file: string, warnings: string[]): [number, number][] {
	const zeroBased = c.rawSkeleton.some((e) => e.includes(0));
	const edges: [number, number][] = [];
	let dropped = 0;
	for (const [a, b] of c.rawSkeleton) {
		const i = zeroBased ? a : a - 1,
			j = zeroBased ? b : b - 1;
		if (i < 0 || j < 0 || i >= pointCount || j >= pointCount || i === j) dropped++;
		else edges.push([i, j]);
	}
	if (dropped) warnings.push(`${file} (${c.place}.skeleton): ${dropped} edge${dropped > 1 ? 's' : ''} join points the category does not have (it has ${pointCount}); dropped`);
	return edges;
}

/**
 * Where each point sits in the class's template (a unit box): COCO's person layout when the names are
 * COCO's 17; otherwise the mean pose of the category's annotations (each normalised to its labelled
 * points' bounds); points never labelled, or all of them when no pose has extent, on a circle.
 */
export function templateOf(names: string[], edges: [number, number][], poses: number[][]): SkeletonTemplate {
	if (names.length === COCO_PERSON.points.length && names.every((n, i) => n === COCO_PERSON.points[i].name))
		return { points: COCO_PERSON.points.map((p) => ({ ...p })), edges };
	const n = names.length;
	const sum = Array.from({ length: n }, () => ({ x: 0, y: 0, count: 0 }));
	for (const kp of poses) {
		let minX = Infinity,
			minY = Infinity,
			maxX = -Infinity,
			maxY = -Infinity;
		for (let i = 0; i < n; i++)
			if (kp[3 * i + 2] > 0) {
				minX = Math.min(minX, kp[3 * i]);
				maxX = Math.max(maxX, kp[3 * i]);
				minY = Math.min(minY, kp[3 * i + 1]);
				maxY = Math.max(maxY, kp[3 * i + 1]);
			}
		const size = Math.max(maxX - minX, maxY - minY);
		if (!(size > 0)) continue;
		// Keep the aspect ratio: scale by the longer side and centre the shorter.
		const ox = (size - (maxX - minX)) / 2,
			oy = (size - (maxY - minY)) / 2;
		for (let i = 0; i < n; i++)
			if (kp[3 * i + 2] > 0) {
				sum[i].x += (kp[3 * i] - minX + ox) / size;
				sum[i].y += (kp[3 * i + 1] - minY + oy) / size;
				sum[i].count++;
			}
	}
	const round = (v: number) => Math.round(v * 1000) / 1000;
	return {
		points: names.map((name, i) => {
			if (sum[i].count) return { name, x: round(sum[i].x / sum[i].count), y: round(sum[i].y / sum[i].count) };
			const t = (2 * Math.PI * i) / n - Math.PI / 2;
			return { name, x: round(0.5 + 0.4 * Math.cos(t)), y: round(0.5 + 0.4 * Math.sin(t)) };
		}),
		edges
	};
}
