import { Origin } from '../origins';
import type { AnnotationRecord, Id } from '../records';
import type { NewProposal } from './annotations';
import type { ProjectDoc } from '../project-doc';
import type { DocCore, Result } from './core';

/** A model's annotations awaiting review: added as any write, accepted (the mark goes) or rejected. */
export class Proposals {
	constructor(
		private readonly doc: ProjectDoc,
		private readonly core: DocCore
	) {}

	/**
	 * Adds a model's annotations to an image as proposals, checked as any write, in one undoable
	 * transaction; each input gets its own result (a refused one is left out).
	 */
	addProposals(imageId: Id, proposals: NewProposal[]): Result<AnnotationRecord>[] {
		return this.doc.createAnnotations(proposals.map((p) => ({ ...p, imageId })));
	}

	/** The proposals on an image awaiting review (in the set this member works on), bottom to top. */
	proposalsOf(imageId: Id): AnnotationRecord[] {
		return this.doc.workingAnnotationsOf(imageId).filter((a) => a.proposal);
	}

	/** Makes proposals a person's annotations (the mark goes), one undo step; returns how many. */
	acceptProposals(ids: Iterable<Id>): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const accepted = [...new Set(ids)].map((id) => this.doc.getAnnotation(id)).filter((a): a is AnnotationRecord => !!a?.proposal);
		if (!accepted.length) return { ok: true, value: 0 };
		const now = Date.now();
		this.core.ydoc.transact(() => {
			for (const a of accepted) {
				const { proposal: _proposal, ...rest } = a;
				this.core.putAnnotation({ ...rest, author: this.core.actor.id, updatedAt: now });
			}
		}, Origin.edit);
		return { ok: true, value: accepted.length };
	}

	/** Deletes proposals (only proposals: a person's annotation among the ids stays), one undo step. */
	rejectProposals(ids: Iterable<Id>): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const rejected = [...new Set(ids)].filter((id) => this.doc.getAnnotation(id)?.proposal);
		if (rejected.length) this.doc.deleteAnnotations(rejected);
		return { ok: true, value: rejected.length };
	}

	acceptAllProposals(imageId: Id): Result<number> {
		return this.acceptProposals(this.proposalsOf(imageId).map((a) => a.id));
	}
}
