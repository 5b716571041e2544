import type { NewAnnotation } from '$lib/model/families/annotations';
import type { AttributeValue, Id } from '$lib/model/records';
import type { BoxGeometry } from '$lib/shapes/box/kind';
import type { KeypointGeometry } from '$lib/shapes/keypoint/kind';
import type { Geometry, ShapeType } from '$lib/shapes/registry';
import type { SkeletonBox, SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import type { AgreementGroup, ImageAgreement } from './agreement';
import { valueKey, vote } from './attributes';
import type { MemberLayer, QualityShape } from './types';

/**
 * The merged set of a consensus image (issue 16, item 1): a group is kept when a strict majority of the
 * k members has it (both of two); boxes, keypoints and skeletons are averaged (a skeleton point over
 * the members who labelled it, its visibility by vote); every other shape is the outline of the member
 * whose shape agrees best with the group's others; the class by vote, each attribute by vote among the
 * shapes of that class. A tie goes to the best-agreeing member, then to member order. A reviewer's pick
 * overrides a group: take one member's shape as it is, drop the group, or keep a minority group.
 */

export type GroupPick = { kind: 'auto' } | { kind: 'take'; member: Id } | { kind: 'drop' } | { kind: 'keep' };

export interface MergedShape {
	annotation: NewAnnotation;
	/** The group (AgreementGroup.id) it came from. */
	group: string;
	/** The members' shapes it was made from. */
	sources: { member: Id; shapeId: Id }[];
}

export interface MergeDecision {
	group: string;
	/** A strict majority of the members has the group. */
	majority: boolean;
	/** Written by the merge, after the picks. */
	kept: boolean;
}

export interface MergeResult {
	outputs: MergedShape[];
	decisions: MergeDecision[];
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

function averageBox(boxes: readonly (BoxGeometry | SkeletonBox)[]): BoxGeometry {
	return { x: mean(boxes.map((b) => b.x)), y: mean(boxes.map((b) => b.y)), width: mean(boxes.map((b) => b.width)), height: mean(boxes.map((b) => b.height)) };
}

/** Per point: the mean over the members who labelled it and its visibility by vote; the box by vote, averaged. */
function averageSkeleton(skeletons: readonly SkeletonGeometry[]): SkeletonGeometry {
	const points: number[] = [];
	const visibility: number[] = [];
	skeletons[0].visibility.forEach((_, i) => {
		const labelled = skeletons.filter((s) => s.visibility[i] > 0);
		const from = labelled.length ? labelled : [skeletons[0]];
		points.push(mean(from.map((s) => s.points[2 * i])), mean(from.map((s) => s.points[2 * i + 1])));
		visibility.push(vote(skeletons.map((s, rank) => ({ voter: rank, value: s.visibility[i], key: String(s.visibility[i]) })))!);
	});
	const boxes = skeletons.map((s) => s.box).filter((b): b is SkeletonBox => !!b);
	const boxed = vote(skeletons.map((s, rank) => ({ voter: rank, value: !!s.box, key: String(!!s.box) })));
	return boxed && boxes.length ? { points, visibility, box: averageBox(boxes) } : { points, visibility };
}

/** The geometry of a group's shapes (best-agreeing first): averaged where the rule says so and all are of one type, else the first's. */
function mergedGeometry(shapes: readonly QualityShape[]): { type: ShapeType; geometry: Geometry } {
	const type = shapes[0].type;
	const geometries = shapes.map((s) => s.geometry);
	if (shapes.some((s) => s.type !== type) || shapes.length === 1) return { type, geometry: structuredClone(shapes[0].geometry) };
	switch (type) {
		case 'box':
			return { type, geometry: averageBox(geometries as BoxGeometry[]) };
		case 'keypoint': {
			const points = geometries as KeypointGeometry[];
			return { type, geometry: { x: mean(points.map((p) => p.x)), y: mean(points.map((p) => p.y)) } };
		}
		case 'skeleton': {
			const skeletons = geometries as SkeletonGeometry[];
			if (skeletons.some((s) => s.visibility.length !== skeletons[0].visibility.length)) break;
			return { type, geometry: averageSkeleton(skeletons) };
		}
	}
	return { type, geometry: structuredClone(shapes[0].geometry) };
}

function annotationOf(imageId: Id, shape: QualityShape, type: ShapeType, geometry: Geometry, classId: Id, attributes: Record<string, AttributeValue>): NewAnnotation {
	const out: NewAnnotation = { imageId, classId, type, geometry, attributes };
	if (shape.text !== undefined) out.text = shape.text;
	if (shape.instanceId !== undefined) out.instanceId = shape.instanceId;
	if (shape.direction !== undefined) out.direction = { ...shape.direction };
	return out;
}

/** A group's shapes, best-agreeing first (ties: member order, the order of the group's entries). */
function byAgreement(group: AgreementGroup, shapeOf: (member: Id, id: Id) => QualityShape | undefined): QualityShape[] {
	return group.entries
		.map((e, order) => ({ e, order }))
		.sort((p, q) => q.e.agreement - p.e.agreement || p.order - q.order)
		.map(({ e }) => shapeOf(e.member, e.shapeId))
		.filter((s): s is QualityShape => !!s);
}

/** One group merged by the rules. */
function mergeGroup(imageId: Id, ranked: QualityShape[]): NewAnnotation {
	const classId = vote(ranked.map((s, rank) => ({ voter: rank, value: s.classId, key: s.classId })))!;
	const ofClass = ranked.filter((s) => s.classId === classId);
	const attributes: Record<string, AttributeValue> = {};
	const keys = [...new Set(ofClass.flatMap((s) => Object.keys(s.attributes)))].sort();
	for (const key of keys) {
		const ballots = ofClass.flatMap((s, rank) => (key in s.attributes ? [{ voter: rank, value: s.attributes[key], key: valueKey(s.attributes[key]) }] : []));
		const value = vote(ballots);
		if (value !== null) attributes[key] = structuredClone(value);
	}
	const { type, geometry } = mergedGeometry(ranked);
	return annotationOf(imageId, ofClass[0], type, geometry, classId, attributes);
}

/** The merged set of one image from its agreement (imageAgreement of the same layers) and the reviewer's picks by group id. */
export function mergeImage(imageId: Id, layers: readonly MemberLayer[], agreement: ImageAgreement, picks: Readonly<Record<string, GroupPick>> = {}): MergeResult {
	const shapes = new Map<Id, Map<Id, QualityShape>>();
	for (const l of layers) {
		const m = shapes.get(l.member) ?? new Map<Id, QualityShape>();
		for (const a of l.annotations) m.set(a.id, a);
		shapes.set(l.member, m);
	}
	const shapeOf = (member: Id, id: Id) => shapes.get(member)?.get(id);
	const k = agreement.members.length;
	const outputs: MergedShape[] = [];
	const decisions: MergeDecision[] = [];
	for (const group of agreement.groups) {
		const majority = group.entries.length * 2 > k;
		const pick = picks[group.id] ?? { kind: 'auto' };
		const sources = group.entries.map((e) => ({ member: e.member, shapeId: e.shapeId }));
		const taken = pick.kind === 'take' ? group.entries.find((e) => e.member === pick.member) : undefined;
		const kept = pick.kind === 'drop' ? false : pick.kind === 'keep' || taken ? true : majority;
		decisions.push({ group: group.id, majority, kept });
		if (!kept) continue;
		const source = taken && shapeOf(taken.member, taken.shapeId);
		if (source) {
			const annotation = annotationOf(imageId, source, source.type, structuredClone(source.geometry), source.classId, structuredClone(source.attributes));
			outputs.push({ annotation, group: group.id, sources });
			continue;
		}
		const ranked = byAgreement(group, shapeOf);
		if (ranked.length) outputs.push({ annotation: mergeGroup(imageId, ranked), group: group.id, sources });
	}
	return { outputs, decisions };
}
