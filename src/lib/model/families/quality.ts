import { Origin } from '../origins';
import type { AnnotationRecord, Id } from '../records';
import { MAX_CONSENSUS_MEMBERS } from '../team/checks';
import { DEFAULT_STAGE, taskKey, type ConsensusRecord, type GoldRecord, type Stage, type StageRecord, type TaskKind, type TaskRecord } from '../team/records';
import type { NewAnnotation } from './annotations';
import type { DocCore, Result } from './core';

const denied = (reason: string) => ({ ok: false as const, reason });

/** What the quality family needs of the document besides the core: annotation writes that pick the layer. */
export interface QualityWrites {
	createAnnotations(inputs: NewAnnotation[], origin: string, layer: Id | null): Result<AnnotationRecord>[];
	annotationsOf(imageId: Id, layer?: Id): AnnotationRecord[];
}

/**
 * Consensus and gold (schema v9). A member with a task on an image labels it blind: their new shapes go
 * into their own layer (AnnotationRecord.layer), they see only that layer there, and they submit it.
 * A consensus image's layers are compared and merged by a reviewer into the image's own annotations; a
 * gold image's own (accepted) annotations are the reference its members' layers are scored against.
 * Hiding is the app's, not cryptography's: every peer holds the whole document.
 */
export class QualityTasks {
	constructor(
		private readonly core: DocCore,
		private readonly writes: QualityWrites
	) {}

	private get team() {
		return this.core.checked.team;
	}

	private exists(imageId: Id): boolean {
		return this.core.checked.images.has(imageId);
	}

	consensusOf(imageId: Id): ConsensusRecord | undefined {
		return this.exists(imageId) ? this.team.consensus.get(imageId) : undefined;
	}

	/** Tasks by image, sorted by member: built when first asked for after the tasks changed. */
	private byImage: Map<Id, TaskRecord[]> | null = null;

	/** The tasks changed (ProjectDoc calls it after each such transaction). */
	invalidate(): void {
		this.byImage = null;
	}

	/** The members' tasks on an image, by member id. */
	tasksOf(imageId: Id): TaskRecord[] {
		if (!this.exists(imageId)) return [];
		if (!this.byImage) {
			const index = new Map<Id, TaskRecord[]>();
			for (const t of this.team.tasks.values()) {
				const list = index.get(t.imageId);
				if (list) list.push(t);
				else index.set(t.imageId, [t]);
			}
			for (const list of index.values()) list.sort((a, b) => (a.member < b.member ? -1 : a.member > b.member ? 1 : 0));
			this.byImage = index;
		}
		return [...(this.byImage.get(imageId) ?? [])];
	}

	taskOf(imageId: Id, member: Id): TaskRecord | undefined {
		return this.exists(imageId) ? this.team.tasks.get(taskKey(imageId, member)) : undefined;
	}

	isGold(imageId: Id): boolean {
		return this.exists(imageId) && this.team.gold.has(imageId);
	}

	goldImages(): Id[] {
		return [...this.team.gold.keys()].filter((id) => this.exists(id));
	}

	consensusImages(): Id[] {
		return [...this.team.consensus.keys()].filter((id) => this.exists(id));
	}

	/** Whether a task is still open to its member's edits: a gold task always, a consensus task until the merge. */
	private isOpen(t: TaskRecord): boolean {
		return t.kind === 'gold' || !this.team.consensus.get(t.imageId)?.merged;
	}

	/** The layer a member works in on an image (their own id), or undefined when they work on its own annotations. */
	workingLayer(imageId: Id, member: Id = this.core.actor.id): Id | undefined {
		const t = this.taskOf(imageId, member);
		return t && this.isOpen(t) ? member : undefined;
	}

	/** Every member's layer on an image (members with a task, even an empty layer, and any other layer found). */
	layersOf(imageId: Id): Map<Id, AnnotationRecord[]> {
		const out = new Map<Id, AnnotationRecord[]>();
		for (const t of this.tasksOf(imageId)) out.set(t.member, []);
		for (const member of this.core.checked.byLayer.get(imageId)?.keys() ?? []) out.set(member, []);
		for (const member of [...out.keys()].sort()) out.set(member, this.writes.annotationsOf(imageId, member));
		return out;
	}

	/** Images where one of these ids has a task not yet submitted (part of the member's work). */
	openTasksOf(memberIds: ReadonlySet<Id>): Set<Id> {
		const out = new Set<Id>();
		for (const t of this.team.tasks.values()) if (memberIds.has(t.member) && t.submittedAt === undefined && this.isOpen(t) && this.exists(t.imageId)) out.add(t.imageId);
		return out;
	}

	/** A consensus image whose members have all submitted and that nobody merged yet. */
	readyToMerge(imageId: Id): boolean {
		const c = this.consensusOf(imageId);
		if (!c || c.merged) return false;
		const tasks = this.tasksOf(imageId).filter((t) => t.kind === 'consensus');
		return tasks.length > 0 && tasks.every((t) => t.submittedAt !== undefined);
	}

	/**
	 * The stage an image is in as one member sees it: a blind task is that member's own work (annotate until
	 * submitted, then review), whatever the image's stage (a gold image is done).
	 */
	stageSeenBy(imageId: Id, memberIds: ReadonlySet<Id>): Stage {
		for (const id of memberIds) {
			const t = this.taskOf(imageId, id);
			if (t && this.isOpen(t)) return t.submittedAt === undefined ? 'annotate' : 'review';
		}
		return this.team.stages.get(imageId)?.stage ?? DEFAULT_STAGE;
	}

	private checkMembers(members: readonly Id[]): string | null {
		for (const m of members) if (!this.team.members.has(m)) return 'That member is not in this project';
		return null;
	}

	/**
	 * Puts images in consensus for k members of `pool`, spread evenly: image i gets the k members after
	 * where image i−1's ended (round the pool). Images already in consensus (not merged) or gold are left
	 * as they are. The images go back to annotate. Returns how many were put in consensus.
	 */
	startConsensus(imageIds: readonly Id[], pool: readonly Id[], k: number, now = Date.now()): Result<{ started: number; skipped: number }> {
		const guard = this.core.writable();
		if (guard) return guard;
		const members = [...new Set(pool)].sort();
		if (!Number.isSafeInteger(k) || k < 2) return denied('Consensus needs at least 2 members an image');
		if (k > MAX_CONSENSUS_MEMBERS) return denied(`Consensus takes at most ${MAX_CONSENSUS_MEMBERS} members an image`);
		if (members.length < k) return denied(`Choose at least ${k} members`);
		const bad = this.checkMembers(members);
		if (bad) return denied(bad);
		const ids = [...new Set(imageIds)].filter((id) => this.exists(id));
		const eligible = ids.filter((id) => !this.isGold(id) && !(this.consensusOf(id) && !this.consensusOf(id)!.merged));
		const by = this.core.actor.id;
		this.core.ydoc.transact(() => {
			eligible.forEach((imageId, i) => {
				for (const t of this.tasksOf(imageId)) this.core.maps.tasks.delete(taskKey(t.imageId, t.member));
				this.core.maps.consensus.set(imageId, { imageId, k, by, at: now } satisfies ConsensusRecord);
				for (let j = 0; j < k; j++) {
					const member = members[(i * k + j) % members.length];
					this.core.maps.tasks.set(taskKey(imageId, member), { imageId, member, kind: 'consensus', by, at: now } satisfies TaskRecord);
				}
				this.core.maps.stages.set(imageId, { imageId, stage: 'annotate', by, at: now } satisfies StageRecord);
			});
		}, Origin.admin);
		return { ok: true, value: { started: eligible.length, skipped: ids.length - eligible.length } };
	}

	/**
	 * This member submits their layer on an image. When it is the last of a consensus image's members to do
	 * so, the image moves to review (a peer submitting at the same time offline may leave it in annotate:
	 * `readyToMerge` reads the tasks, not the stage).
	 */
	submit(imageId: Id, now = Date.now()): Result<{ allSubmitted: boolean }> {
		const guard = this.core.writable();
		if (guard) return guard;
		const me = this.core.actor.id;
		const task = this.taskOf(imageId, me);
		if (!task || !this.isOpen(task)) return denied('You have no task on this image');
		if (task.submittedAt !== undefined) return denied('You have submitted this image already');
		const allSubmitted = task.kind === 'consensus' && this.tasksOf(imageId).every((t) => t.member === me || t.kind !== 'consensus' || t.submittedAt !== undefined);
		this.core.ydoc.transact(() => {
			this.core.maps.tasks.set(taskKey(imageId, me), { ...task, submittedAt: now } satisfies TaskRecord);
			if (allSubmitted) this.core.maps.stages.set(imageId, { imageId, stage: 'review', by: me, at: now } satisfies StageRecord);
		}, Origin.admin);
		return { ok: true, value: { allSubmitted } };
	}

	/**
	 * A reviewer's merge: the image's own annotations become `merged` (those there before are replaced), and
	 * the consensus is marked merged, in one transaction. The layers stay (history, agreement figures).
	 */
	merge(imageId: Id, merged: readonly Omit<NewAnnotation, 'imageId'>[], now = Date.now()): Result<AnnotationRecord[]> {
		const guard = this.core.writable();
		if (guard) return guard;
		const c = this.consensusOf(imageId);
		if (!c) return denied('This image is not in consensus');
		if (c.merged) return denied('This image was merged already');
		let results: Result<AnnotationRecord>[] = [];
		this.core.ydoc.transact(() => {
			for (const a of this.writes.annotationsOf(imageId)) this.core.store.delete(a.id);
			results = this.writes.createAnnotations(
				merged.map((m) => ({ ...m, imageId })),
				Origin.admin,
				null
			);
			this.core.maps.consensus.set(imageId, { ...c, merged: { by: this.core.actor.id, at: now } } satisfies ConsensusRecord);
		}, Origin.admin);
		const refused = results.find((r) => !r.ok);
		if (refused && !refused.ok) return denied(`A merged shape was refused: ${refused.reason}`);
		return { ok: true, value: results.flatMap((r) => (r.ok ? [r.value] : [])) };
	}

	/** Marks images as gold (their accepted annotations are the reference) or unmarks them; returns how many changed. */
	setGold(imageIds: Iterable<Id>, on: boolean, now = Date.now()): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const ids = [...new Set(imageIds)].filter((id) => this.exists(id) && this.isGold(id) !== on);
		if (on) {
			const inConsensus = ids.find((id) => this.consensusOf(id) && !this.consensusOf(id)!.merged);
			if (inConsensus) return denied('An image in consensus cannot be gold until it is merged');
		}
		this.core.ydoc.transact(() => {
			for (const imageId of ids) {
				if (on) this.core.maps.gold.set(imageId, { imageId, by: this.core.actor.id, at: now } satisfies GoldRecord);
				else this.core.maps.gold.delete(imageId);
			}
		}, Origin.admin);
		return { ok: true, value: ids.length };
	}

	/**
	 * Mixes gold images into members' work without telling them: each member gets a blind task on each gold
	 * image they have none on. Returns how many tasks were made.
	 */
	mixGold(imageIds: readonly Id[], members: readonly Id[], now = Date.now()): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const unique = [...new Set(members)];
		if (!unique.length) return denied('Choose at least one member');
		const bad = this.checkMembers(unique);
		if (bad) return denied(bad);
		const gold = [...new Set(imageIds)].filter((id) => this.isGold(id));
		if (!gold.length) return denied('Choose gold images first');
		let made = 0;
		this.core.ydoc.transact(() => {
			for (const imageId of gold)
				for (const member of unique) {
					if (this.taskOf(imageId, member)) continue;
					this.core.maps.tasks.set(taskKey(imageId, member), { imageId, member, kind: 'gold' as TaskKind, by: this.core.actor.id, at: now } satisfies TaskRecord);
					made++;
				}
		}, Origin.admin);
		return { ok: true, value: made };
	}

	/** Ends the blind tasks on images (consensus and gold tests): tasks, consensus marks and the members' layers go. */
	endTasks(imageIds: Iterable<Id>): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const ids = [...new Set(imageIds)].filter((id) => this.tasksOf(id).length || this.consensusOf(id));
		this.core.ydoc.transact(() => {
			for (const imageId of ids) {
				for (const t of this.tasksOf(imageId)) this.core.maps.tasks.delete(taskKey(imageId, t.member));
				this.core.maps.consensus.delete(imageId);
				for (const [member] of this.core.checked.byLayer.get(imageId) ?? []) for (const a of this.writes.annotationsOf(imageId, member)) this.core.store.delete(a.id);
			}
		}, Origin.admin);
		return { ok: true, value: ids.length };
	}
}
