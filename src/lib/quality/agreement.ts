import type { Id } from '$lib/model/records';
import { differingAttributes } from './attributes';
import { bestMatches } from './hungarian';
import { byFamily, matchLists, matchWeight } from './matching';
import { compare, METRIC_OF, prepare, type Comparison, type Family, type Prepared } from './similarity';
import { classMapOf, meanOf, type Classes, type MatchSettings, type MeanOf, type MemberLayer, type Metric } from './types';

/**
 * Agreement between k ≥ 2 members on one image (issue 16, items 1 and 3). Each pair of members is
 * matched one-to-one (Hungarian, matching.ts); a pair's agreement is 2·(matched same-class pairs) /
 * (n_a + n_b), 1 when both drew nothing, and the image's the mean over member pairs. Shapes are also
 * gathered into groups across all members (the reviewer's side-by-side view and the merge): members
 * in id order, each next member's shapes Hungarian-matched to the groups so far by mean similarity to
 * the group's shapes. The same layers give the same result on every peer: members and shapes are
 * sorted by id first.
 */

/** A shape in a group. */
export interface GroupEntry {
	member: Id;
	shapeId: Id;
	classId: Id;
	/** Mean similarity to the group's other shapes (0 when alone): the merge's "best-agreeing" order. */
	agreement: number;
}

export interface AgreementGroup {
	/** `member/shapeId` of its first shape: stable while that shape exists. */
	id: string;
	family: Family;
	/** One shape per member who has it, in member order. */
	entries: GroupEntry[];
	/** Only one member has it. */
	lone: boolean;
	/** Its shapes are not all of one class. */
	classMismatch: boolean;
	/** Attribute ids whose values differ between its same-class shapes. */
	attributeDiffs: Id[];
	/** Mean similarity of its matching pairs; null when none. */
	similarity: number | null;
}

export interface PairAgreement {
	members: [Id, Id];
	/** 2·sameClass / (shapes[0] + shapes[1]); 1 when both are empty. */
	score: number;
	matched: number;
	sameClass: number;
	shapes: [number, number];
}

export interface ClassAgreement {
	classId: Id;
	/** Over member pairs that have the class: 2·matched same-class / shapes of the class, averaged. */
	score: number;
	/** Mean similarity of its matched same-class pairs; null when none. */
	similarity: number | null;
	/** Shapes of the class over all members. */
	shapes: number;
	/** Sums over member pairs, for totals over many images: 2·matched, shapes, matched similarity. */
	pooled: { matched: number; shapes: number; similarity: MeanOf };
}

export interface ClassMismatch {
	members: [Id, Id];
	shapes: [Id, Id];
	classes: [Id, Id];
	similarity: number;
}

export interface AttributeDifference {
	members: [Id, Id];
	shapes: [Id, Id];
	attributes: Id[];
}

export interface ImageAgreement {
	members: Id[];
	score: number;
	/** Mean similarity over all matched pairs of all member pairs; null when none matched. */
	similarity: number | null;
	/** The same by how it was measured (IoU, OKS, distance, exact). */
	metrics: Partial<Record<Metric, MeanOf>>;
	pairs: PairAgreement[];
	perClass: ClassAgreement[];
	groups: AgreementGroup[];
	/** By member: shapes nobody else has. */
	unmatched: Record<Id, Id[]>;
	classMismatches: ClassMismatch[];
	attributeDifferences: AttributeDifference[];
}

const byId = <T extends { id: Id }>(p: T, q: T) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0);

/** The layers in member order, each with its shapes in id order; a member named twice keeps one layer of both. */
function orderedLayers(layers: readonly MemberLayer[]): { member: Id; annotations: MemberLayer['annotations'] }[] {
	const merged = new Map<Id, MemberLayer['annotations'][number][]>();
	for (const l of layers) merged.set(l.member, [...(merged.get(l.member) ?? []), ...l.annotations]);
	return [...merged.keys()].sort().map((member) => ({ member, annotations: [...merged.get(member)!].sort(byId) }));
}

/** Comparisons between the shapes of two members, each computed once (a flat table per pair of members). */
function comparisonsOf(shapes: Prepared[][], settings: MatchSettings) {
	const tables = new Map<number, (Comparison | undefined)[]>();
	return (m: number, i: number, n: number, j: number): Comparison => {
		if (m > n) [m, i, n, j] = [n, j, m, i];
		const key = m * shapes.length + n;
		let table = tables.get(key);
		if (!table) tables.set(key, (table = new Array(shapes[m].length * shapes[n].length)));
		const at = i * shapes[n].length + j;
		return (table[at] ??= compare(shapes[m][i], shapes[n][j], settings));
	};
}

export function imageAgreement(layers: readonly MemberLayer[], classes: Classes, settings: MatchSettings): ImageAgreement {
	const classMap = classMapOf(classes);
	const ordered = orderedLayers(layers);
	const members = ordered.map((l) => l.member);
	const shapes = ordered.map((l) => l.annotations.map((a) => prepare(a, classMap)));
	const cmp = comparisonsOf(shapes, settings);

	const metrics: Partial<Record<Metric, MeanOf>> = {};
	const all: MeanOf = { sum: 0, count: 0 };
	const perClass = new Map<Id, { scores: number[]; shapes: number; pooled: ClassAgreement['pooled'] }>();
	const classEntry = (c: Id) => {
		let e = perClass.get(c);
		if (!e) perClass.set(c, (e = { scores: [], shapes: 0, pooled: { matched: 0, shapes: 0, similarity: { sum: 0, count: 0 } } }));
		return e;
	};
	shapes.forEach((list) => list.forEach((s) => classEntry(s.classId).shapes++));

	const pairs: PairAgreement[] = [];
	const classMismatches: ClassMismatch[] = [];
	const attributeDifferences: AttributeDifference[] = [];
	for (let p = 0; p < shapes.length; p++)
		for (let q = p + 1; q < shapes.length; q++) {
			const A = shapes[p],
				B = shapes[q];
			const matches = matchLists(A, B, settings, {}, (i, j) => cmp(p, i, q, j));
			const counts = new Map<Id, { n: number; matched: number }>();
			const count = (c: Id) => counts.get(c) ?? (counts.set(c, { n: 0, matched: 0 }), counts.get(c)!);
			for (const s of A) count(s.classId).n++;
			for (const s of B) count(s.classId).n++;
			let same = 0;
			for (const m of matches) {
				const a = A[m.a],
					b = B[m.b];
				const metric = METRIC_OF[a.family];
				const mm = (metrics[metric] ??= { sum: 0, count: 0 });
				mm.sum += m.similarity;
				mm.count++;
				all.sum += m.similarity;
				all.count++;
				if (m.sameClass) {
					same++;
					count(a.classId).matched++;
					const sim = classEntry(a.classId).pooled.similarity;
					sim.sum += m.similarity;
					sim.count++;
					const diff = differingAttributes(a.attributes, b.attributes);
					if (diff.length) attributeDifferences.push({ members: [members[p], members[q]], shapes: [a.id, b.id], attributes: diff });
				} else classMismatches.push({ members: [members[p], members[q]], shapes: [a.id, b.id], classes: [a.classId, b.classId], similarity: m.similarity });
			}
			const n = A.length + B.length;
			pairs.push({ members: [members[p], members[q]], score: n ? (2 * same) / n : 1, matched: matches.length, sameClass: same, shapes: [A.length, B.length] });
			for (const [c, { n, matched }] of counts) {
				const e = classEntry(c);
				e.scores.push((2 * matched) / n);
				e.pooled.matched += 2 * matched;
				e.pooled.shapes += n;
			}
		}

	const groups = buildGroups(members, shapes, settings, cmp);
	const unmatched: Record<Id, Id[]> = Object.fromEntries(members.map((m) => [m, []]));
	for (const g of groups) if (g.lone) unmatched[g.entries[0].member].push(g.entries[0].shapeId);
	return {
		members,
		score: pairs.length ? pairs.reduce((s, p) => s + p.score, 0) / pairs.length : 1,
		similarity: meanOf(all),
		metrics,
		pairs,
		perClass: [...perClass]
			.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
			.map(([classId, e]) => ({
				classId,
				score: e.scores.length ? e.scores.reduce((s, v) => s + v, 0) / e.scores.length : 1,
				similarity: meanOf(e.pooled.similarity),
				shapes: e.shapes,
				pooled: e.pooled
			})),
		groups,
		unmatched,
		classMismatches,
		attributeDifferences
	};
}

/** Gathers the members' shapes into groups, member by member (see the module's comment). */
function buildGroups(members: Id[], shapes: Prepared[][], settings: MatchSettings, cmp: (m: number, i: number, n: number, j: number) => Comparison): AgreementGroup[] {
	/** Each group as [member index, shape index] pairs. */
	const groups: { family: Family; at: [number, number][] }[] = [];
	shapes.forEach((list, m) => {
		for (const [family, indices] of byFamily(list)) {
			const open = groups.filter((g) => g.family === family);
			const weights = open.map((g) =>
				indices.map((i) => {
					const cs = g.at.map(([n, j]) => cmp(n, j, m, i));
					// A shape joins a group when it matches at least half of its shapes.
					if (cs.filter((c) => c.match).length * 2 < cs.length) return 0;
					const mean = cs.reduce((s, c) => s + c.similarity, 0) / cs.length;
					const sameClass = g.at.filter(([n, j]) => shapes[n][j].classId === list[i].classId).length / g.at.length;
					return matchWeight({ similarity: mean, match: true }, false) + sameClass;
				})
			);
			const taken = new Set<number>();
			for (const [g, k] of bestMatches(weights)) {
				open[g].at.push([m, indices[k]]);
				taken.add(k);
			}
			indices.forEach((i, k) => taken.has(k) || groups.push({ family, at: [[m, i]] }));
		}
	});
	return groups.map(({ family, at }) => describeGroup(family, at, members, shapes, cmp));
}

function describeGroup(family: Family, at: [number, number][], members: Id[], shapes: Prepared[][], cmp: (m: number, i: number, n: number, j: number) => Comparison): AgreementGroup {
	const sorted = [...at].sort((p, q) => p[0] - q[0]);
	const entries: GroupEntry[] = [];
	const sim: MeanOf = { sum: 0, count: 0 };
	const diffs = new Set<Id>();
	for (const [m, i] of sorted) {
		let total = 0;
		for (const [n, j] of sorted) {
			if (n === m) continue;
			const c = cmp(m, i, n, j);
			total += c.similarity;
			if (n > m) {
				if (c.match) {
					sim.sum += c.similarity;
					sim.count++;
				}
				if (shapes[m][i].classId === shapes[n][j].classId) for (const d of differingAttributes(shapes[m][i].attributes, shapes[n][j].attributes)) diffs.add(d);
			}
		}
		const s = shapes[m][i];
		entries.push({ member: members[m], shapeId: s.id, classId: s.classId, agreement: sorted.length > 1 ? total / (sorted.length - 1) : 0 });
	}
	return {
		id: `${entries[0].member}/${entries[0].shapeId}`,
		family,
		entries,
		lone: entries.length === 1,
		classMismatch: new Set(entries.map((e) => e.classId)).size > 1,
		attributeDiffs: [...diffs].sort(),
		similarity: meanOf(sim)
	};
}
