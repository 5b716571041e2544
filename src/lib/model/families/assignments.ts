import { Origin } from '../origins';
import type { Id } from '../records';
import { DEFAULT_STAGE, type AssignmentRecord, type Stage } from '../team/records';
import type { DocCore, Result } from './core';

const denied = (reason: string) => ({ ok: false as const, reason });

/**
 * Who works on which image (schema v8): one record per assigned image, under the image's id, so a
 * reassignment replaces the previous one (concurrent ones: last writer wins, on every replica) and
 * assignments of different images never collide.
 */
export class Assignments {
	constructor(
		private readonly core: DocCore,
		/** The project's images in their order (ImageRecords.images). */
		private readonly orderedImages: () => readonly { id: Id }[]
	) {}

	of(imageId: Id): AssignmentRecord | undefined {
		const a = this.core.checked.team.assignments.get(imageId);
		return a && this.core.checked.images.has(imageId) ? a : undefined;
	}

	/** Image ids assigned to one member. */
	imagesOf(memberIds: ReadonlySet<Id>): Set<Id> {
		const out = new Set<Id>();
		for (const a of this.core.checked.team.assignments.values()) if (memberIds.has(a.member) && this.core.checked.images.has(a.imageId)) out.add(a.imageId);
		return out;
	}

	/**
	 * A member's work: the images assigned to it (any of its ids) that wait in `stage` (annotate: to
	 * label, including those sent back), in the project's image order.
	 */
	workOf(memberIds: ReadonlySet<Id>, stage: Stage = 'annotate'): Id[] {
		const mine = this.imagesOf(memberIds);
		const out: Id[] = [];
		for (const { id } of this.orderedImages()) if (mine.has(id) && (this.core.checked.team.stages.get(id)?.stage ?? DEFAULT_STAGE) === stage) out.push(id);
		return out;
	}

	/** Assigns images to a member (null: unassigns them), one transaction; returns how many changed. */
	assign(imageIds: Iterable<Id>, member: Id | null, now = Date.now()): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		if (member !== null && !this.core.checked.team.members.has(member)) return denied('That member is not in this project');
		const ids = [...new Set(imageIds)].filter((id) => this.core.checked.images.has(id));
		const changing = ids.filter((id) => (this.of(id)?.member ?? null) !== member);
		if (!changing.length) return { ok: true, value: 0 };
		this.core.ydoc.transact(() => {
			for (const imageId of changing) {
				if (member === null) this.core.maps.assignments.delete(imageId);
				else this.core.maps.assignments.set(imageId, { imageId, member, by: this.core.actor.id, at: now } satisfies AssignmentRecord);
			}
		}, Origin.admin);
		return { ok: true, value: changing.length };
	}

	/**
	 * Splits images evenly among members, in the order given (the library's order): the first image
	 * to the first member, the next to the next, round the list. Counts differ by at most one.
	 */
	splitEvenly(imageIds: readonly Id[], members: readonly Id[], now = Date.now()): Result<Map<Id, number>> {
		const guard = this.core.writable();
		if (guard) return guard;
		const unique = [...new Set(members)];
		if (!unique.length) return denied('Choose at least one member');
		for (const m of unique) if (!this.core.checked.team.members.has(m)) return denied('That member is not in this project');
		const ids = [...new Set(imageIds)].filter((id) => this.core.checked.images.has(id));
		const counts = new Map(unique.map((m) => [m, 0]));
		this.core.ydoc.transact(() => {
			ids.forEach((imageId, i) => {
				const member = unique[i % unique.length];
				counts.set(member, (counts.get(member) ?? 0) + 1);
				if (this.of(imageId)?.member !== member) this.core.maps.assignments.set(imageId, { imageId, member, by: this.core.actor.id, at: now } satisfies AssignmentRecord);
			});
		}, Origin.admin);
		return { ok: true, value: counts };
	}
}
