import { Origin } from '../origins';
import type { AnnotationRecord, Id } from '../records';
import type { ProjectDoc } from '../project-doc';
import type { DocCore, Result } from './core';

/** The drawing order of the shapes of an image: to the top or bottom, one place up or down. */
export class ZOrder {
	constructor(
		private readonly doc: ProjectDoc,
		private readonly core: DocCore
	) {}

	/** Puts a shape above (+1) or below (-1) every other shape of its image; false when it already is. */
	setZExtreme(id: Id, side: 1 | -1): Result<AnnotationRecord> {
		const current = this.doc.getAnnotation(id);
		if (!current) return { ok: false, reason: 'That shape no longer exists' };
		const others = this.doc.annotationsOf(current.imageId, current.layer).filter((a) => a.id !== id);
		if (!others.length) return { ok: true, value: current };
		const z = side > 0 ? Math.max(...others.map((a) => a.z)) + 1 : Math.min(...others.map((a) => a.z)) - 1;
		if (side > 0 ? current.z >= z : current.z <= z) return { ok: true, value: current };
		return this.doc.updateAnnotation(id, { z });
	}

	/** Moves a shape one place up (+1) or down (-1) the drawing order of its image: one undo step. */
	stepZ(id: Id, step: 1 | -1): Result<AnnotationRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const current = this.doc.getAnnotation(id);
		if (!current) return { ok: false, reason: 'That shape no longer exists' };
		const order = this.doc.annotationsOf(current.imageId, current.layer);
		const neighbour = order[order.findIndex((a) => a.id === id) + step];
		if (!neighbour) return { ok: true, value: current };
		// Swap the two z values; equal ones (concurrent creations) are split so the order really changes.
		const z = neighbour.z === current.z ? neighbour.z + step * 0.5 : neighbour.z;
		const now = Date.now();
		const moved = { ...current, z, author: this.core.actor.id, updatedAt: now };
		this.core.ydoc.transact(() => {
			this.core.putAnnotation(moved);
			if (neighbour.z !== current.z) this.core.putAnnotation({ ...neighbour, z: current.z, author: this.core.actor.id, updatedAt: now });
		}, Origin.edit);
		return { ok: true, value: moved };
	}
}
