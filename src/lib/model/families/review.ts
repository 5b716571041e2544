import { newId } from '../ids';
import { Origin } from '../origins';
import type { Id } from '../records';
import { DEFAULT_STAGE, type CommentRecord, type ReviewAction, type ReviewFlag, type ReviewRecord, type Stage, type StageRecord, type ThreadRecord } from '../team/records';
import type { CommentThreads } from './comments';
import type { DocCore, Result } from './core';

const denied = (reason: string) => ({ ok: false as const, reason });

/** Which stage each decision takes an image from, and to. */
const TRANSITIONS: Record<ReviewAction, { from: Stage; to: Stage; rejected?: true }> = {
	submit: { from: 'annotate', to: 'review' },
	accept: { from: 'review', to: 'done' },
	reject: { from: 'review', to: 'annotate', rejected: true },
	reopen: { from: 'done', to: 'review' }
};

const WORDS: Record<ReviewAction, string> = { submit: 'submitted', accept: 'accepted', reject: 'rejected', reopen: 'reopened' };

/** A rejection's reasons: on the image as a whole, and/or one per shape concerned (CVAT's review issues). */
export interface Rejection {
	reason: string;
	/** Flags on shapes: each opens a thread on its shape, mentioning the annotator. */
	flags?: { annotationId: Id; flag: ReviewFlag; note?: string }[];
}

/** A decision made but not written: sign `review` (and `comments`), then `Review.commit`. */
export interface PreparedDecision {
	review: ReviewRecord;
	stage: StageRecord;
	threads: ThreadRecord[];
	comments: CommentRecord[];
}

/**
 * Review stages (schema v8): each image is in annotate, review or done. The current stage is one
 * record per image (last writer wins); every decision is also kept as a signed record of its own
 * (the log that history and statistics read, never overwritten).
 */
export class Review {
	constructor(
		private readonly core: DocCore,
		private readonly comments: CommentThreads
	) {}

	stageOf(imageId: Id): StageRecord {
		return this.core.checked.team.stages.get(imageId) ?? { imageId, stage: DEFAULT_STAGE, by: '', at: 0 };
	}

	/** Every decision on an image, oldest first. */
	reviewsOf(imageId: Id): ReviewRecord[] {
		return this.reviews().filter((r) => r.imageId === imageId);
	}

	review(id: Id): ReviewRecord | undefined {
		return this.core.checked.team.reviews.get(id);
	}

	reviews(): ReviewRecord[] {
		return [...this.core.checked.team.reviews.values()].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
	}

	/** Whether a decision may be made on an image now (the reason when not). */
	check(action: ReviewAction, imageId: Id): string | null {
		if (!this.core.checked.images.has(imageId)) return 'That image no longer exists';
		const consensus = this.core.checked.team.consensus.get(imageId);
		if (consensus && !consensus.merged)
			return action === 'accept' ? 'Merge the members’ work first (the Quality tab)' : 'This image is in consensus: each of its members submits their own work';
		const { from } = TRANSITIONS[action];
		const stage = this.stageOf(imageId).stage;
		if (stage !== from) return `This image is in ${stage}: it cannot be ${WORDS[action]} (only from ${from})`;
		return null;
	}

	/** Who a rejection goes back to: the image's assignee, else who submitted it last, else nobody. */
	annotatorOf(imageId: Id): Id | undefined {
		const assigned = this.core.checked.team.assignments.get(imageId)?.member;
		if (assigned) return assigned;
		return this.reviewsOf(imageId).filter((r) => r.action === 'submit').at(-1)?.by;
	}

	/** Makes a decision's records (not written). A rejection needs a reason; its threads mention the annotator. */
	prepare(action: ReviewAction, imageId: Id, rejection?: Rejection, now = Date.now()): Result<PreparedDecision> {
		const guard = this.core.writable();
		if (guard) return guard;
		const bad = this.check(action, imageId);
		if (bad) return denied(bad);
		const t = TRANSITIONS[action];
		const by = this.core.actor.id;
		const review: ReviewRecord = { id: newId(), imageId, action, by, at: now, from: t.from };
		const stage: StageRecord = { imageId, stage: t.to, by, at: now };
		if (t.rejected) stage.rejected = true;
		const threads: ThreadRecord[] = [];
		const comments: CommentRecord[] = [];
		if (action === 'reject') {
			const reason = rejection?.reason.trim() ?? '';
			if (!reason && !rejection?.flags?.length) return denied('Say why the image is rejected');
			const annotator = this.annotatorOf(imageId);
			const mentions = annotator ? [annotator] : [];
			const opened = (input: Parameters<CommentThreads['newThread']>[0]) => {
				const made = this.comments.newThread({ ...input, reviewId: review.id }, now);
				if (!made.ok) return made.reason;
				threads.push(made.value.thread);
				comments.push(made.value.comment);
				return null;
			};
			if (reason) {
				review.reason = reason;
				const failed = opened({ imageId, anchor: { kind: 'image' }, text: reason, mentions });
				if (failed) return denied(failed);
			}
			for (const f of rejection?.flags ?? []) {
				const failed = opened({ imageId, anchor: { kind: 'annotation', annotationId: f.annotationId }, text: f.note?.trim() || 'Flagged in review', mentions, flag: f.flag });
				if (failed) return denied(failed);
			}
			review.threads = threads.map((x) => x.id);
			if (annotator) review.annotator = annotator;
		}
		return { ok: true, value: { review, stage, threads, comments } };
	}

	/**
	 * Writes a prepared decision in one transaction: the stage, the decision, its threads. Checked again:
	 * a peer may have moved the image since (then nothing is written).
	 */
	commit(p: PreparedDecision): Result<StageRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const bad = this.check(p.review.action, p.review.imageId);
		if (bad) return denied(bad);
		let written: Result<void> = { ok: true, value: undefined };
		this.core.ydoc.transact(() => {
			if (p.threads.length || p.comments.length) written = this.comments.write({ threads: p.threads, comments: p.comments }, true);
			if (!written.ok) return;
			this.core.maps.reviews.set(p.review.id, p.review);
			this.core.maps.stages.set(p.stage.imageId, p.stage);
		}, Origin.admin);
		return written.ok ? { ok: true, value: p.stage } : written;
	}

	/** Moves an image to a stage by hand (a lead's correction, not a review decision): no record in the log. */
	setStage(imageIds: Iterable<Id>, stage: Stage, now = Date.now()): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const ids = [...new Set(imageIds)].filter((id) => this.core.checked.images.has(id) && this.stageOf(id).stage !== stage);
		this.core.ydoc.transact(() => {
			for (const imageId of ids) this.core.maps.stages.set(imageId, { imageId, stage, by: this.core.actor.id, at: now } satisfies StageRecord);
		}, Origin.admin);
		return { ok: true, value: ids.length };
	}
}
