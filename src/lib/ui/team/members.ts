import type { Id, ProjectDoc } from '$lib/model';
import type { MemberRecord } from '$lib/model/team/records';

/**
 * The team as the library shows it (issue 15): a member's initials and the text colour that reads on
 * its colour, the member panel's rows, and what an assignment or an even split will do before it is done.
 */

/** "Bea Lopez" → "BL", "bea" → "B", "jean-luc picard" → "JP"; at most two letters; "?" for no name. */
export function initials(name: string): string {
	const words = name
		.trim()
		.split(/[\s._-]+/u)
		.filter(Boolean);
	if (!words.length) return '?';
	const first = (w: string) => [...w][0].toUpperCase();
	return words.length === 1 ? first(words[0]) : first(words[0]) + first(words[words.length - 1]);
}

/** The relative luminance of '#rrggbb' (WCAG 2); 0 for anything else. */
function luminance(color: string): number {
	const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
	if (!m) return 0;
	const [r, g, b] = m.slice(1).map((h) => {
		const c = parseInt(h, 16) / 255;
		return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
	});
	return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Black or white, whichever contrasts more with the colour (initials on a member's circle). */
export function textOn(color: string): '#000000' | '#ffffff' {
	const l = luminance(color);
	return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000000' : '#ffffff';
}

/** One member as the member panel lists it. */
export interface MemberRow {
	id: Id;
	name: string;
	color: string;
	/** This device's member. */
	you: boolean;
	online: boolean;
	lastSeen: number;
	/** Images assigned to the member, and of those, how many wait in review and are done. */
	assigned: number;
	inReview: number;
	done: number;
	/** Annotations the member authored (under any of its ids). */
	annotations: number;
}

/** Annotations per member, an author's earlier ids counted as the member's; unknown authors left out. */
export function annotationsByMember(doc: ProjectDoc): Map<Id, number> {
	const counts = new Map<Id, number>();
	const memberOf = new Map<Id, Id | null>();
	for (const a of doc.allAnnotations()) {
		let member = memberOf.get(a.author);
		if (member === undefined) memberOf.set(a.author, (member = doc.members.resolve(a.author)?.id ?? null));
		if (member) counts.set(member, (counts.get(member) ?? 0) + 1);
	}
	return counts;
}

/**
 * The member panel's rows: online first (this device's member is online), then by name. `online` holds
 * the author ids peers present themselves with (a member id, or an earlier id the member names).
 */
export function memberRows(doc: ProjectDoc, options: { myIds: ReadonlySet<Id>; online: Iterable<Id>; annotations: Map<Id, number> }): MemberRow[] {
	const onlineMembers = new Set<Id>();
	for (const id of options.online) {
		const m = doc.members.resolve(id);
		if (m) onlineMembers.add(m.id);
	}
	const rows = doc.members.list().map((m: MemberRecord): MemberRow => {
		const images = doc.assignments.imagesOf(doc.members.idsOf(m));
		let inReview = 0;
		let done = 0;
		for (const id of images) {
			const stage = doc.review.stageOf(id).stage;
			if (stage === 'review') inReview++;
			else if (stage === 'done') done++;
		}
		const you = options.myIds.has(m.id);
		return {
			id: m.id,
			name: m.name,
			color: m.color,
			you,
			online: you || onlineMembers.has(m.id),
			lastSeen: m.lastSeen,
			assigned: images.size,
			inReview,
			done,
			annotations: options.annotations.get(m.id) ?? 0
		};
	});
	return rows.sort((a, b) => Number(b.online) - Number(a.online) || Number(b.you) - Number(a.you) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
}

/**
 * How an even split will fall, as `Assignments.splitEvenly` makes it: image i to member i mod n, so the
 * first members get one more when the count does not divide.
 */
export function splitCounts(imageCount: number, memberIds: readonly Id[]): Map<Id, number> {
	const unique = [...new Set(memberIds)];
	const counts = new Map<Id, number>();
	unique.forEach((m, i) => counts.set(m, Math.floor(imageCount / unique.length) + (i < imageCount % unique.length ? 1 : 0)));
	return counts;
}
