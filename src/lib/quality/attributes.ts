import type { AttributeValue, Id } from '$lib/model/records';

/** Attribute values compared exactly; a multiselect's choices as a set (their order means nothing). */
export function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
	if (Array.isArray(a) && Array.isArray(b)) {
		if (a.length !== b.length) return false;
		const sa = [...a].sort(),
			sb = [...b].sort();
		return sa.every((v, i) => v === sb[i]);
	}
	return a === b;
}

/** Attribute ids whose values differ between two shapes (one missing counts as differing), sorted. */
export function differingAttributes(a: Readonly<Record<Id, AttributeValue>>, b: Readonly<Record<Id, AttributeValue>>): Id[] {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...keys].filter((k) => !sameValue(a[k], b[k])).sort();
}

/** A key a value votes under: equal values (sameValue) share one. */
export function valueKey(v: AttributeValue): string {
	return JSON.stringify(Array.isArray(v) ? [...v].sort() : v);
}

/**
 * The value most voters gave; a tie goes to the value of the most preferred voter (`voter` is a rank:
 * lower is preferred). Null when nobody voted.
 */
export function vote<T>(ballots: readonly { voter: number; value: T; key: string }[]): T | null {
	const tally = new Map<string, { count: number; first: number; value: T }>();
	for (const b of ballots) {
		const t = tally.get(b.key);
		if (t) {
			t.count++;
			t.first = Math.min(t.first, b.voter);
		} else tally.set(b.key, { count: 1, first: b.voter, value: b.value });
	}
	let best: { count: number; first: number; value: T } | null = null;
	for (const t of tally.values()) if (!best || t.count > best.count || (t.count === best.count && t.first < best.first)) best = t;
	return best?.value ?? null;
}
