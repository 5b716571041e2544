import { bestMatches } from './hungarian';
import { compare, type Comparison, type Family, type Prepared } from './similarity';
import type { MatchSettings } from './types';

/** A pair matched one-to-one: indices into the two lists. */
export interface Match {
	a: number;
	b: number;
	similarity: number;
	sameClass: boolean;
}

/** Past a match's similarity, what a same-class pair weighs more: a class mismatch never beats a same-class match of similar geometry. */
const SAME_CLASS_BONUS = 1;
/** A match at similarity 0 (a keypoint exactly D px away) still outweighs no match. */
const MATCH_FLOOR = 1e-9;

/** The weight of a pair for the assignment: 0 when it is no match. */
export function matchWeight(c: Comparison, sameClass: boolean): number {
	return c.match ? c.similarity + (sameClass ? SAME_CLASS_BONUS : 0) + MATCH_FLOOR : 0;
}

/** Indices of a list by family, in list order. */
export function byFamily(list: readonly Prepared[]): Map<Family, number[]> {
	const out = new Map<Family, number[]>();
	list.forEach((s, i) => {
		const f = out.get(s.family);
		if (f) f.push(i);
		else out.set(s.family, [i]);
	});
	return out;
}

export interface MatchOptions {
	/** Gold scoring: a pair of different classes is never a match. */
	sameClassOnly?: boolean;
	/** `a` is the reference (gold): skeletons are scored with it as the ground truth. */
	reference?: boolean;
}

/**
 * The one-to-one matches between two shape lists: Hungarian assignment within each family on the
 * similarity (plus the same-class bonus), pairs that are no match dropped. Sorted by `a`.
 */
export function matchLists(
	as: readonly Prepared[],
	bs: readonly Prepared[],
	settings: MatchSettings,
	options: MatchOptions = {},
	comparison: (a: number, b: number) => Comparison = (a, b) => compare(as[a], bs[b], settings, options.reference)
): Match[] {
	const out: Match[] = [];
	const bFamilies = byFamily(bs);
	for (const [family, ia] of byFamily(as)) {
		const ib = bFamilies.get(family);
		if (!ib) continue;
		const comparisons = ia.map((i) => ib.map((j) => (options.sameClassOnly && as[i].classId !== bs[j].classId ? null : comparison(i, j))));
		const weights = comparisons.map((row, r) => row.map((c, k) => (c ? matchWeight(c, as[ia[r]].classId === bs[ib[k]].classId) : 0)));
		for (const [r, k] of bestMatches(weights)) {
			const a = ia[r],
				b = ib[k];
			out.push({ a, b, similarity: comparisons[r][k]!.similarity, sameClass: as[a].classId === bs[b].classId });
		}
	}
	return out.sort((p, q) => p.a - q.a);
}
