import { MAX_TEMPLATE_POINTS } from '$lib/model/limits';
import { boundsOfFlat } from '$lib/geometry';
import { NOT_LABELED, OCCLUDED, VISIBLE, type SkeletonBox, type SkeletonTemplate } from '$lib/shapes/skeleton/kind';
import type { DatasetAnnotation, DatasetAnnotationFields } from '../dataset';
import type { DatasetBuilder } from '../dataset-builder';
import { groupBy } from '../by-image';

/** One LabelMe shape as read: its label, type, points and the annotation fields it carries. */
export interface LabelMeShape {
	label: string;
	type: string;
	pts: number[][];
	groupId?: number;
	/** X-AnyLabeling's per-shape flag; on a keypoint it means occluded (its YOLO/COCO converters write visibility 1). */
	difficult: boolean;
	common: DatasetAnnotationFields;
	/** 'shapes[3]', for messages. */
	place: string;
	/** LabelMe 5's mask PNG (base64), for `mask` shapes. */
	mask?: unknown;
}

/**
 * What the shapes of one file become: a shape on its own; a person's group (a rectangle labelled with the
 * class, or none, and one point per keypoint labelled with the keypoint's name, sharing a group_id); or the
 * polygons of one object (same label and group_id), one multi-part polygon.
 */
export type ShapeGroup =
	| { kind: 'shape'; shape: LabelMeShape }
	| { kind: 'pose'; box?: LabelMeShape; points: LabelMeShape[] }
	| { kind: 'parts'; shapes: LabelMeShape[] };

/** The class of a person's group that has no rectangle and whose names no rectangle group's class holds. */
export const POINTS_ONLY_CLASS = 'pose';

/**
 * Whether a group's shapes are one posed object: at most one rectangle, the rest single `point` shapes
 * whose labels are distinct and not the rectangle's (points sharing a label, or labelled with the class,
 * are not keypoint names: they stay loose keypoints, as group_id marks other kinds of instances too);
 * without a rectangle at least two points.
 */
function isPose(members: readonly LabelMeShape[]): boolean {
	const rects = members.filter((s) => s.type === 'rectangle');
	const points = members.filter((s) => s.type === 'point' && s.pts.length === 1);
	if (rects.length > 1 || rects.length + points.length !== members.length) return false;
	if (points.length < (rects.length ? 1 : 2)) return false;
	const names = new Set(points.map((p) => p.label));
	return names.size === points.length && !(rects.length && names.has(rects[0].label));
}

/** The file's shapes grouped, in file order (a group where its first shape is). */
export function groupShapes(shapes: readonly LabelMeShape[]): ShapeGroup[] {
	const byGroup = groupBy(shapes.filter((s) => s.groupId !== undefined), (s) => String(s.groupId));
	const groupOf = new Map<LabelMeShape, ShapeGroup>();
	for (const members of byGroup.values()) {
		if (isPose(members)) {
			const group: ShapeGroup = { kind: 'pose', box: members.find((s) => s.type === 'rectangle'), points: members.filter((s) => s.type === 'point') };
			for (const s of members) groupOf.set(s, group);
			continue;
		}
		const polygonsByLabel = groupBy(members.filter((s) => s.type === 'polygon'), (s) => s.label);
		for (const polygons of polygonsByLabel.values()) {
			if (polygons.length < 2) continue;
			const group: ShapeGroup = { kind: 'parts', shapes: polygons };
			for (const s of polygons) groupOf.set(s, group);
		}
	}
	const out: ShapeGroup[] = [];
	const emitted = new Set<ShapeGroup>();
	for (const s of shapes) {
		const g = groupOf.get(s);
		if (!g) out.push({ kind: 'shape', shape: s });
		else if (!emitted.has(g)) {
			emitted.add(g);
			out.push(g);
		}
	}
	return out;
}

/** A person's group waiting for its class's template (known once every file is read). */
export interface PendingPose {
	/** The rectangle's label; undefined without a rectangle. */
	className?: string;
	names: string[];
	/** x, y per name. */
	xy: number[];
	visibility: number[];
	box?: SkeletonBox;
	common: DatasetAnnotationFields;
	/** What the group is read as when it cannot be a skeleton (its class would pass the template cap). */
	loose: DatasetAnnotation[];
}

export function pendingPose(group: Extract<ShapeGroup, { kind: 'pose' }>, loose: DatasetAnnotation[]): PendingPose {
	const r = group.box && boundsOfFlat(group.box.pts.flat());
	const common = group.box?.common ?? { ...group.points[0].common, className: POINTS_ONLY_CLASS };
	const { attributes: _a, text: _t, score: _s, ...bare } = common;
	return {
		className: group.box?.label,
		names: group.points.map((p) => p.label),
		xy: group.points.flatMap((p) => p.pts[0]),
		visibility: group.points.map((p) => (p.difficult ? OCCLUDED : VISIBLE)),
		...(r ? { box: { x: r.minX, y: r.minY, width: r.maxX - r.minX, height: r.maxY - r.minY } } : {}),
		// Without a rectangle, the first point's description, score and attributes are that point's, not the object's.
		common: group.box ? common : bare,
		loose
	};
}

interface Template {
	names: string[];
	/** Unit-box position by name: where the name was first seen, relative to its object's box. */
	at: Map<string, [number, number]>;
}

/** The frame a group's points are placed in: its box, or the box of its points. */
function frameOf(p: PendingPose): SkeletonBox {
	if (p.box) return p.box;
	const r = boundsOfFlat(p.xy);
	return { x: r.minX, y: r.minY, width: r.maxX - r.minX, height: r.maxY - r.minY };
}

function learn(t: Template, p: PendingPose): void {
	const f = frameOf(p);
	const unit = (v: number, o: number, size: number) => (size > 0 ? Math.min(1, Math.max(0, (v - o) / size)) : 0.5);
	p.names.forEach((name, i) => {
		if (t.at.has(name)) return;
		t.names.push(name);
		t.at.set(name, [unit(p.xy[i * 2], f.x, f.width), unit(p.xy[i * 2 + 1], f.y, f.height)]);
	});
}

/**
 * Adds the annotations in order, each person's group as one skeleton of its class, whose template has
 * the point names in first-seen order across the files (a group without a rectangle takes the first
 * class whose names hold all of its own, else POINTS_ONLY_CLASS). Points a group lacks are not labeled,
 * placed where the template puts them in its box so that labelling them is a drag.
 */
export function addGroups(b: DatasetBuilder, pending: readonly (DatasetAnnotation | PendingPose)[]): void {
	const poses = pending.filter((p): p is PendingPose => 'names' in p);
	const templates = new Map<string, Template>();
	const templateOf = (name: string) => templates.get(name) ?? templates.set(name, { names: [], at: new Map() }).get(name)!;
	for (const p of poses) if (p.className !== undefined) learn(templateOf(p.className), p);
	for (const p of poses) {
		if (p.className !== undefined) continue;
		p.className = [...templates].find(([, t]) => p.names.every((n) => t.at.has(n)))?.[0] ?? POINTS_ONLY_CLASS;
		learn(templateOf(p.className), p);
	}
	const tooBig = [...templates].filter(([, t]) => t.names.length > MAX_TEMPLATE_POINTS).map(([name]) => name);
	for (const name of tooBig)
		b.warnings.push(`class "${name}": its groups name more than ${MAX_TEMPLATE_POINTS} different keypoints, too many for a skeleton; read as a box and loose keypoints`);
	for (const item of pending) {
		if (!('names' in item)) {
			b.add(item);
			continue;
		}
		const className = item.className!;
		if (tooBig.includes(className)) {
			for (const a of item.loose) b.add(a);
			continue;
		}
		const t = templates.get(className)!;
		const skeleton: SkeletonTemplate = { points: t.names.map((name) => ({ name, x: t.at.get(name)![0], y: t.at.get(name)![1] })), edges: [] };
		b.class(className, { skeleton });
		const f = frameOf(item);
		const points: number[] = [];
		const visibility: number[] = [];
		for (const name of t.names) {
			const i = item.names.indexOf(name);
			const [ux, uy] = t.at.get(name)!;
			points.push(i < 0 ? f.x + ux * f.width : item.xy[i * 2], i < 0 ? f.y + uy * f.height : item.xy[i * 2 + 1]);
			visibility.push(i < 0 ? NOT_LABELED : item.visibility[i]);
		}
		b.add({ ...item.common, className, type: 'skeleton', geometry: { points, visibility, ...(item.box ? { box: item.box } : {}) } });
	}
}
