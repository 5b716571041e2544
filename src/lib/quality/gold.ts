import type { Id } from '$lib/model/records';
import { matchLists } from './matching';
import { prepare } from './similarity';
import { classMapOf, type Classes, type MatchSettings, type QualityShape } from './types';

/**
 * A member's shapes against the reference (gold) shapes of the same image (issue 16, item 2): matched
 * one-to-one within a class at the threshold; a matched pair is a true positive, a member's shape left
 * over a false positive, a reference shape left over a false negative. Skeletons are scored by OKS with
 * the reference as COCO's ground truth. Counts add up over images (sumGold), so figures over many
 * images are the pooled precision and recall, not a mean of per-image ones.
 */

export interface GoldCounts {
	tp: number;
	fp: number;
	fn: number;
	/** Sum of the true positives' similarity (IoU, OKS, 1 − d / D, 1 for a tag). */
	similaritySum: number;
}

export interface GoldFigures extends GoldCounts {
	/** tp / (tp + fp); null when the member drew nothing. */
	precision: number | null;
	/** tp / (tp + fn); null when the reference is empty. */
	recall: number | null;
	/** Mean similarity of the true positives; null when none. */
	similarity: number | null;
}

export interface GoldScore extends GoldCounts {
	perClass: Record<Id, GoldCounts>;
	/** The member's shapes that matched, with the reference shape each matched. */
	matches: { shapeId: Id; goldId: Id; similarity: number }[];
}

export const emptyCounts = (): GoldCounts => ({ tp: 0, fp: 0, fn: 0, similaritySum: 0 });

function add(into: GoldCounts, c: GoldCounts): void {
	into.tp += c.tp;
	into.fp += c.fp;
	into.fn += c.fn;
	into.similaritySum += c.similaritySum;
}

export function figuresOf(c: GoldCounts): GoldFigures {
	return {
		...c,
		precision: c.tp + c.fp ? c.tp / (c.tp + c.fp) : null,
		recall: c.tp + c.fn ? c.tp / (c.tp + c.fn) : null,
		similarity: c.tp ? c.similaritySum / c.tp : null
	};
}

/** One member's shapes against the reference shapes on one image. */
export function scoreAgainstGold(
	shapes: readonly QualityShape[],
	gold: readonly QualityShape[],
	classes: Classes,
	settings: MatchSettings
): GoldScore {
	const classMap = classMapOf(classes);
	const byId = (p: QualityShape, q: QualityShape) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0);
	const ref = [...gold].sort(byId).map((s) => prepare(s, classMap));
	const mine = [...shapes].sort(byId).map((s) => prepare(s, classMap));
	const matches = matchLists(ref, mine, settings, { sameClassOnly: true, reference: true });
	const perClass: Record<Id, GoldCounts> = {};
	const of = (c: Id) => (perClass[c] ??= emptyCounts());
	const matchedRef = new Set(matches.map((m) => m.a));
	const matchedMine = new Set(matches.map((m) => m.b));
	for (const m of matches) {
		const c = of(ref[m.a].classId);
		c.tp++;
		c.similaritySum += m.similarity;
	}
	ref.forEach((s, i) => matchedRef.has(i) || of(s.classId).fn++);
	mine.forEach((s, i) => matchedMine.has(i) || of(s.classId).fp++);
	const total = emptyCounts();
	for (const c of Object.values(perClass)) add(total, c);
	return { ...total, perClass, matches: matches.map((m) => ({ shapeId: mine[m.b].id, goldId: ref[m.a].id, similarity: m.similarity })) };
}

/** Counts summed over images: per class and in all. */
export interface GoldTotals extends GoldCounts {
	perClass: Record<Id, GoldCounts>;
	images: number;
}

export function sumGold(scores: readonly GoldScore[]): GoldTotals {
	const out: GoldTotals = { ...emptyCounts(), perClass: {}, images: scores.length };
	for (const s of scores) {
		add(out, s);
		for (const [c, counts] of Object.entries(s.perClass)) add((out.perClass[c] ??= emptyCounts()), counts);
	}
	return out;
}
