import type { AnnotationRecord, ClassRecord, Id, ProjectDoc } from '$lib/model';
import { imageAgreement as engineAgreement } from '$lib/quality/agreement';
import { agreementInWorker, goldInWorker } from '$lib/quality/agreement-client';
import type { MemberGold } from '$lib/quality/batch';
import { figuresOf, scoreAgainstGold, type GoldScore } from '$lib/quality/gold';
import { mergeImage, type GroupPick } from '$lib/quality/merge';
import type { MemberLayer } from '$lib/quality/types';
import type { ReviewMatchSettings } from './match-settings.svelte';
import type { ConsensusRow, GoldRow } from './report-input';
import type { ClassAgreement, GoldFigures, ImageAgreement, MergePlan, ReviewGroup } from './review-types';

/**
 * The reviewer's screens over the quality engine (src/lib/quality): its results read once into the
 * screens' terms (groups numbered 1, 2, … in the engine's order, shapes as records, attributes by name).
 */

/** An image's agreement between the members' layers (or the shapes each member made). */
export function imageAgreement(doc: ProjectDoc, layers: ReadonlyMap<Id, AnnotationRecord[]>, settings: ReviewMatchSettings): ImageAgreement {
	const classes = doc.classes();
	const memberLayers: MemberLayer[] = [...layers].map(([member, annotations]) => ({ member, annotations }));
	const engine = engineAgreement(memberLayers, classes, settings);
	const byId = new Map([...layers.values()].flat().map((a) => [a.id, a]));
	const attributeName = new Map(classes.flatMap((c) => c.attributes.map((spec) => [spec.id, spec.name] as const)));
	const groups: ReviewGroup[] = engine.groups.map((g, i) => ({
		id: g.id,
		number: i + 1,
		shapes: g.entries.flatMap((e) => {
			const annotation = byId.get(e.shapeId);
			return annotation ? [{ member: e.member, annotation }] : [];
		}),
		lone: g.lone,
		classMismatch: g.classMismatch,
		attributeDiffs: g.attributeDiffs.map((id) => attributeName.get(id) ?? id),
		similarity: g.similarity
	}));
	return {
		engine,
		layers: memberLayers,
		members: engine.members,
		score: engine.score,
		similarity: engine.similarity,
		perClass: engine.perClass.map((c): ClassAgreement => ({ classId: c.classId, score: c.score, similarity: c.similarity, shapes: c.shapes })),
		groups
	};
}

/** The merged set by the engine's rules and the reviewer's picks (by group number). */
export function mergePlan(imageId: Id, agreement: ImageAgreement, picks: ReadonlyMap<number, GroupPick>): MergePlan {
	const byNumber = new Map(agreement.groups.map((g) => [g.number, g.id]));
	const numberOf = new Map(agreement.groups.map((g) => [g.id, g.number]));
	const byId: Record<string, GroupPick> = {};
	for (const [n, pick] of picks) {
		const id = byNumber.get(n);
		if (id) byId[id] = pick;
	}
	const merged = mergeImage(imageId, agreement.layers, agreement.engine, byId);
	return {
		outputs: merged.outputs.map(({ annotation: { imageId: _image, ...shape }, group }) => ({ shape, group: numberOf.get(group) ?? 0 })),
		decisions: new Map(merged.decisions.map((d) => [numberOf.get(d.group) ?? 0, { majority: d.majority, kept: d.kept }]))
	};
}

/** Totals of counts over classes as figures, one row a class. */
function perClassFigures(perClass: GoldScore['perClass']): (GoldFigures & { classId: Id })[] {
	return Object.entries(perClass)
		.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
		.map(([classId, counts]) => ({ classId, ...figuresOf(counts) }));
}

/** One tester's shapes against an image's reference. */
export function goldScore(doc: ProjectDoc, reference: readonly AnnotationRecord[], shapes: readonly AnnotationRecord[], settings: ReviewMatchSettings): GoldFigures & { perClass: (GoldFigures & { classId: Id })[] } {
	const score = scoreAgainstGold(shapes, reference, doc.classes(), settings);
	return { ...figuresOf(score), perClass: perClassFigures(score.perClass) };
}

export interface ReportFigures {
	consensus: [Id, { score: number; similarity: number | null }][];
	gold: MemberGold[];
}

/** The quality page's figures, computed in the engine's workers (agreement and gold scores at once). */
export async function reportInWorker(input: { consensus: ConsensusRow[]; gold: GoldRow[] }, classes: ClassRecord[], settings: ReviewMatchSettings): Promise<ReportFigures> {
	const compared = input.consensus.filter((r) => r.layers.length >= 2);
	const [agreement, gold] = await Promise.all([
		compared.length ? agreementInWorker({ images: compared.map(({ imageId, width, height, layers }) => ({ imageId, width, height, layers })), classes, settings }) : null,
		input.gold.length
			? goldInWorker({ images: input.gold.map(({ imageId, width, height, testers, reference }) => ({ imageId, width, height, layers: testers, gold: reference })), classes, settings })
			: null
	]);
	return {
		consensus: (agreement?.images ?? []).flatMap((i) => (i.ok ? [[i.imageId, { score: i.agreement.score, similarity: i.agreement.similarity }] as [Id, { score: number; similarity: number | null }]] : [])),
		gold: gold?.members ?? []
	};
}
