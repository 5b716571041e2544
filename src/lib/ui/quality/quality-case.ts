import type { AnnotationRecord, Id, ProjectDoc } from '$lib/model';

/**
 * Which of the review panel's cases an image is for this viewer (issue 16, items 1–3):
 * - `blind`: the viewer labels it on a task of their own (consensus or gold: never said which) and the
 *   others' work stays hidden;
 * - `consensus`: a consensus image the viewer reviews (not one of its members, or everyone submitted);
 * - `gold`: a gold image the viewer is not tested on;
 * - `incidental`: the image's own shapes were made by two members or more, though nobody asked;
 * - `none`: nothing to compare.
 */
export type QualityCase =
	| { kind: 'blind'; submitted: boolean }
	| { kind: 'consensus'; submitted: number; members: number; merged: boolean }
	| { kind: 'gold'; testers: number; submitted: number }
	| { kind: 'incidental'; creators: Id[] }
	| { kind: 'none' };

/** The members who made an image's own shapes (proposals left out), each id resolved to its member, as `by` orders them. */
export function creatorsOf(doc: ProjectDoc, annotations: readonly AnnotationRecord[]): Map<Id, AnnotationRecord[]> {
	const out = new Map<Id, AnnotationRecord[]>();
	for (const a of annotations) {
		if (a.proposal) continue;
		const who = doc.activity.historyOf(a).created.member;
		const member = doc.members.resolve(who)?.id ?? who;
		const list = out.get(member);
		if (list) list.push(a);
		else out.set(member, [a]);
	}
	return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function qualityCase(doc: ProjectDoc, imageId: Id, myIds: ReadonlySet<Id>): QualityCase {
	if (!doc.getImage(imageId)) return { kind: 'none' };
	const q = doc.quality;
	const tasks = q.tasksOf(imageId);
	const mine = tasks.find((t) => myIds.has(t.member) && q.workingLayer(imageId, t.member) !== undefined);
	const consensus = q.consensusOf(imageId);
	if (consensus) {
		const own = tasks.filter((t) => t.kind === 'consensus');
		const submitted = own.filter((t) => t.submittedAt !== undefined).length;
		const everyone = own.length > 0 && submitted === own.length;
		if (mine && !everyone) return { kind: 'blind', submitted: mine.submittedAt !== undefined };
		return { kind: 'consensus', submitted, members: own.length, merged: !!consensus.merged };
	}
	if (q.isGold(imageId)) {
		// A tester is never told the image is gold, submitted or not.
		if (mine) return { kind: 'blind', submitted: mine.submittedAt !== undefined };
		const testers = tasks.filter((t) => t.kind === 'gold');
		return { kind: 'gold', testers: testers.length, submitted: testers.filter((t) => t.submittedAt !== undefined).length };
	}
	if (mine) return { kind: 'blind', submitted: mine.submittedAt !== undefined };
	const creators = [...creatorsOf(doc, doc.annotationsOf(imageId)).keys()];
	return creators.length >= 2 ? { kind: 'incidental', creators } : { kind: 'none' };
}
