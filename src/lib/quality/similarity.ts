import { segmentDistanceSq } from '$lib/geometry';
import type { ClassRecord, Id } from '$lib/model/records';
import { unhandledShape, type TypedShape } from '$lib/shapes/convert';
import { iouUpperBound, regionIou, type Region } from './iou';
import { cocoKeypointsOf, computeOks, oksBothWays, sigmasOf, type CocoKeypoints } from './oks';
import { boxRegion, cuboidRegion, ellipseRegion, maskRegion, polygonRegion, rotatedBoxRegion } from './regions';
import type { MatchSettings, Metric, QualityShape } from './types';

/**
 * How alike two shapes are, by family: regions by IoU (a box and a polygon compare by their outlines, a
 * mask and a polygon on pixels), skeletons by OKS, keypoints and polylines by distance (1 − d / D, a
 * match within D px), tags exactly. Shapes of different families never match.
 */

export type Family = 'region' | 'skeleton' | 'keypoint' | 'polyline' | 'tag';

export const METRIC_OF: Record<Family, Metric> = { region: 'iou', skeleton: 'oks', keypoint: 'distance', polyline: 'distance', tag: 'exact' };

/** A shape made ready for comparison once per run: its region, sigmas or samples. */
export type Prepared = QualityShape &
	(
		| { family: 'region'; region: Region }
		| { family: 'skeleton'; coco: CocoKeypoints; sigmas: number[] | null }
		| { family: 'keypoint'; x: number; y: number }
		| { family: 'polyline'; points: readonly number[]; samples: number[] }
		| { family: 'tag' }
	);

/** Points sampled along a polyline for its distance to another: evenly by length, both ends included. */
const POLYLINE_SAMPLES = 32;

function samplesAlong(points: readonly number[]): number[] {
	const lengths = [0];
	for (let i = 2; i < points.length; i += 2) lengths.push(lengths[lengths.length - 1] + Math.hypot(points[i] - points[i - 2], points[i + 1] - points[i - 1]));
	const total = lengths[lengths.length - 1];
	const out: number[] = [];
	let seg = 1;
	for (let k = 0; k < POLYLINE_SAMPLES; k++) {
		const at = (total * k) / (POLYLINE_SAMPLES - 1);
		while (seg < lengths.length - 1 && lengths[seg] < at) seg++;
		const span = lengths[seg] - lengths[seg - 1];
		const t = span > 0 ? Math.min(1, Math.max(0, (at - lengths[seg - 1]) / span)) : 0;
		out.push(points[2 * seg - 2] + t * (points[2 * seg] - points[2 * seg - 2]), points[2 * seg - 1] + t * (points[2 * seg + 1] - points[2 * seg - 1]));
	}
	return out;
}

/** Mean distance from sampled points to a polyline. */
function meanDistanceTo(samples: readonly number[], line: readonly number[]): number {
	let sum = 0;
	for (let s = 0; s < samples.length; s += 2) {
		let best = Infinity;
		const p = { x: samples[s], y: samples[s + 1] };
		for (let i = 2; i < line.length; i += 2) best = Math.min(best, segmentDistanceSq(p, line[i - 2], line[i - 1], line[i], line[i + 1]));
		sum += Math.sqrt(best);
	}
	return sum / (samples.length / 2);
}

/** A shape ready to compare, by type. A new shape type fails to compile here until it says how it compares. */
export function prepare(shape: QualityShape, classes: ReadonlyMap<Id, ClassRecord>): Prepared {
	const s = shape as TypedShape;
	switch (s.type) {
		case 'box':
			return { ...shape, family: 'region', region: boxRegion(s.geometry) };
		case 'rotatedBox':
			return { ...shape, family: 'region', region: rotatedBoxRegion(s.geometry) };
		case 'polygon':
			return { ...shape, family: 'region', region: polygonRegion(s.geometry) };
		case 'ellipse':
			return { ...shape, family: 'region', region: ellipseRegion(s.geometry) };
		case 'cuboid':
			return { ...shape, family: 'region', region: cuboidRegion(s.geometry) };
		case 'mask':
			return { ...shape, family: 'region', region: maskRegion(s.geometry) };
		case 'skeleton': {
			const template = classes.get(shape.classId)?.skeleton;
			const sigmas = template && template.points.length === s.geometry.visibility.length ? sigmasOf(template) : null;
			return { ...shape, family: 'skeleton', coco: cocoKeypointsOf(s.geometry), sigmas };
		}
		case 'keypoint':
			return { ...shape, family: 'keypoint', x: s.geometry.x, y: s.geometry.y };
		case 'polyline':
			return { ...shape, family: 'polyline', points: s.geometry.points, samples: samplesAlong(s.geometry.points) };
		case 'tag':
			return { ...shape, family: 'tag' };
		default:
			return unhandledShape(s);
	}
}

export interface Comparison {
	/** 0…1; exact for a match, 0 where a pair could not reach the threshold and was not measured further. */
	similarity: number;
	match: boolean;
}

const NO_MATCH: Comparison = { similarity: 0, match: false };

/**
 * How alike `a` and `b` are. Symmetric, except skeletons against a reference: with `reference` the OKS
 * is taken with `a` as the ground truth (gold), else as the mean of both ways (two members).
 */
export function compare(a: Prepared, b: Prepared, settings: MatchSettings, reference = false): Comparison {
	if (a.family === 'region' && b.family === 'region') {
		if (iouUpperBound(a.region, b.region) < settings.threshold) return NO_MATCH;
		const iou = regionIou(a.region, b.region);
		return { similarity: iou, match: iou >= settings.threshold };
	}
	if (a.family === 'skeleton' && b.family === 'skeleton') {
		if (!a.sigmas || !b.sigmas || a.sigmas.length !== b.sigmas.length) return NO_MATCH;
		const oks = reference ? computeOks(a.coco, b.coco, a.sigmas) : oksBothWays(a.coco, a.sigmas, b.coco, b.sigmas);
		return { similarity: oks, match: oks >= settings.threshold };
	}
	if (a.family === 'keypoint' && b.family === 'keypoint') return byDistance(Math.hypot(a.x - b.x, a.y - b.y), settings);
	if (a.family === 'polyline' && b.family === 'polyline') {
		const d = (meanDistanceTo(a.samples, b.points) + meanDistanceTo(b.samples, a.points)) / 2;
		return byDistance(d, settings);
	}
	if (a.family === 'tag' && b.family === 'tag') return a.classId === b.classId ? { similarity: 1, match: true } : NO_MATCH;
	return NO_MATCH;
}

function byDistance(d: number, settings: MatchSettings): Comparison {
	return d <= settings.pointDistance ? { similarity: Math.max(0, 1 - d / settings.pointDistance), match: true } : NO_MATCH;
}
