import type { AnnotationRecord, Id, NewAnnotation } from '$lib/model';
import type { ImageAgreement as EngineAgreement } from '$lib/quality/agreement';
import type { MemberLayer } from '$lib/quality/types';

/**
 * What the reviewer's screens show, in the screens' terms: the engine's results (src/lib/quality) read
 * once by review-engine.ts, so that each component reads plain numbers and records.
 */

/** A shape of one member's layer (or, on an image labelled by several without a task, made by that member). */
export interface MemberShape {
	member: Id;
	annotation: AnnotationRecord;
}

/** Shapes matched one-to-one across members, numbered the same in every view. */
export interface ReviewGroup {
	/** The engine's id of the group (stable while its first shape exists): what a reviewer's pick names. */
	id: string;
	/** 1, 2, …: the order the views list and label groups in. */
	number: number;
	/** One shape per member who has it, in member order. */
	shapes: MemberShape[];
	/** Found by one member only. */
	lone: boolean;
	/** Its shapes are not all of one class. */
	classMismatch: boolean;
	/** Attribute names whose values differ between its shapes (same-class shapes only). */
	attributeDiffs: string[];
	/** Mean IoU (OKS, keypoint similarity) of its matched pairs; null for a lone shape. */
	similarity: number | null;
}

export interface ClassAgreement {
	classId: Id;
	/** 2·matched / (shapes of both), averaged over member pairs; 1 when nobody has the class. */
	score: number;
	/** Mean similarity of its matched pairs; null when none matched. */
	similarity: number | null;
	/** Shapes of the class over all members. */
	shapes: number;
}

export interface ImageAgreement {
	/** What the engine said, and of which layers: the merge reads them. */
	engine: EngineAgreement;
	layers: MemberLayer[];
	members: Id[];
	/** The image's agreement (0–1). */
	score: number;
	/** Mean IoU / OKS over all matched pairs; null when none matched. */
	similarity: number | null;
	perClass: ClassAgreement[];
	groups: ReviewGroup[];
}

/** The groups a reviewer should look at: lone shapes, class mismatches, attribute differences. */
export function disagreements(a: ImageAgreement): ReviewGroup[] {
	return a.groups.filter((g) => g.lone || g.classMismatch || g.attributeDiffs.length > 0);
}

/** Precision, recall and mean similarity against the reference (gold) at the threshold: the engine's figures. */
export type { GoldFigures } from '$lib/quality/gold';

/** A member's figures over the gold images they were tested on, in all and per class (the engine's). */
export type { MemberGold } from '$lib/quality/batch';

/** A reviewer's choice for one group of the merge (the engine's). */
export type { GroupPick } from '$lib/quality/merge';

/** The merged set a merge would write, each shape with the number of the group it came from, and each group's fate. */
export interface MergePlan {
	outputs: { shape: Omit<NewAnnotation, 'imageId'>; group: number }[];
	/** By group number: whether a strict majority of the members has it (the rule), and whether it is kept after the picks. */
	decisions: Map<number, { majority: boolean; kept: boolean }>;
}
