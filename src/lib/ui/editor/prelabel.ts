import type { ClassRecord, NewProposal } from '$lib/model';
import type { Detection, TextRegion, TracedPolygon } from '$lib/ml/types';
import { signedArea } from '$lib/geometry';

/**
 * From a model's results to proposals of the project: label → class mapping, boxes and traced masks.
 * Pure, so the mapping rules are tested without a model.
 */

/** Model label → class id, or SKIP (the label's detections are dropped). */
export type LabelMap = Record<string, string>;
export const SKIP = 'skip';

/** Same name, case-insensitive; labels without a namesake class are skipped. */
export function defaultLabelMap(labels: readonly string[], classes: readonly ClassRecord[]): LabelMap {
	const byName = new Map(classes.map((c) => [c.name.trim().toLowerCase(), c.id]));
	return Object.fromEntries(labels.map((l) => [l, byName.get(l.trim().toLowerCase()) ?? SKIP]));
}

/** A stored map, with labels it lacks (a new model version) and classes since deleted filled by default. */
export function mergeLabelMap(stored: LabelMap | null, labels: readonly string[], classes: readonly ClassRecord[]): LabelMap {
	const base = defaultLabelMap(labels, classes);
	if (!stored) return base;
	const ids = new Set(classes.map((c) => c.id));
	for (const l of labels) {
		const v = stored[l];
		if (v === SKIP || (v && ids.has(v))) base[l] = v;
	}
	return base;
}

export function labelMapKey(projectId: string, modelId: string): string {
	return `peerlabel.assist.labels.${projectId}.${modelId}`;
}

const score01 = (s: number) => (Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0);

/**
 * Detections as proposals: a box, or (instance segmenters, when `trace` is given) the largest polygon of
 * its mask. Labels mapped to SKIP, or to no class, are left out.
 */
export function detectionsToProposals(
	detections: readonly Detection[],
	labels: readonly string[],
	map: LabelMap,
	modelId: string,
	trace?: (d: Detection) => TracedPolygon[]
): NewProposal[] {
	const out: NewProposal[] = [];
	for (const d of detections) {
		const label = labels[d.classIndex] ?? String(d.classIndex);
		const classId = map[label];
		if (!classId || classId === SKIP) continue;
		const proposal = { model: modelId, score: score01(d.score) };
		const polygon = (d.mask || d.polygons) && trace ? largestPolygon(trace(d)) : null;
		if (polygon) {
			out.push({ classId, type: 'polygon', geometry: polygon.holes.length ? { points: polygon.points, holes: polygon.holes } : { points: polygon.points }, proposal });
			continue;
		}
		const [x1, y1, x2, y2] = d.box;
		out.push({ classId, type: 'box', geometry: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, proposal });
	}
	return out;
}

/** Text regions as 4-point polygons of one class carrying their text. */
export function textRegionsToProposals(regions: readonly TextRegion[], classId: string, modelId: string): NewProposal[] {
	return regions
		.filter((r) => r.text.trim() !== '' && r.quad.length === 4)
		.map((r) => ({
			classId,
			type: 'polygon',
			geometry: { points: r.quad.flatMap(([x, y]) => [x, y]) },
			text: r.text,
			proposal: { model: modelId, score: score01(r.score) }
		}));
}

function largestPolygon(polygons: readonly TracedPolygon[]): TracedPolygon | null {
	let best: TracedPolygon | null = null;
	let area = 0;
	for (const p of polygons) {
		const a = Math.abs(signedArea(p.points));
		if (p.points.length >= 6 && a > area) (best = p), (area = a);
	}
	return best;
}
