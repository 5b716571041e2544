import type { AnnotationRecord, AttributeValue, ClassRecord, Id } from '$lib/model/records';

/** What the quality engine reads of an annotation (an AnnotationRecord has all of it). */
export type QualityShape = Pick<AnnotationRecord, 'id' | 'classId' | 'type' | 'geometry' | 'attributes' | 'text' | 'instanceId' | 'direction'> & {
	attributes: Record<string, AttributeValue>;
};

/** One member's shapes on one image (their blind layer, or what they made there). */
export interface MemberLayer {
	member: Id;
	annotations: readonly QualityShape[];
}

/** When two shapes are the same object: the reviewer's threshold and the keypoint distance. */
export interface MatchSettings {
	/** IoU (boxes, rotated boxes, polygons, ellipses, cuboids, masks) or OKS (skeletons) a match reaches; default 0.5. */
	threshold: number;
	/** Keypoints and polylines match within this many pixels (similarity 1 − d / D); default 10. */
	pointDistance: number;
}

export const DEFAULT_MATCH_SETTINGS: MatchSettings = { threshold: 0.5, pointDistance: 10 };

/** How a pair's similarity was measured: IoU, OKS, 1 − distance / D, or exact (tags). */
export type Metric = 'iou' | 'oks' | 'distance' | 'exact';

/** A running mean. */
export interface MeanOf {
	sum: number;
	count: number;
}

export const meanOf = (m: MeanOf): number | null => (m.count ? m.sum / m.count : null);

/** Settings from outside (a stored document, a message): checked, each out-of-range value replaced by the default. */
export function checkedSettings(raw: Partial<MatchSettings> | null | undefined): MatchSettings {
	const t = raw?.threshold,
		d = raw?.pointDistance;
	return {
		threshold: typeof t === 'number' && t > 0 && t <= 1 ? t : DEFAULT_MATCH_SETTINGS.threshold,
		pointDistance: typeof d === 'number' && d > 0 && Number.isFinite(d) ? d : DEFAULT_MATCH_SETTINGS.pointDistance
	};
}

export type Classes = readonly ClassRecord[] | ReadonlyMap<Id, ClassRecord>;

/** Classes by id, however the caller holds them. */
export function classMapOf(classes: Classes): ReadonlyMap<Id, ClassRecord> {
	return classes instanceof Map ? classes : new Map((classes as readonly ClassRecord[]).map((c) => [c.id, c]));
}
