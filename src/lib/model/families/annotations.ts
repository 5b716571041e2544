import type { ShapeType } from '$lib/shapes/registry';
import { attributeDefaults, mapAttributesByName } from '../attributes';
import { checkNewShape, checkShape } from '../annotation-rules';
import { AnnotationStore, type PackedAnnotation } from '../annotation-store';
import { newId } from '../ids';
import { Origin } from '../origins';
import { isProposal } from '../record-check';
import { MAX_TEXT_CHARS } from '../limits';
import type { AnnotationRecord, AttributeValue, Id, ImportedFrom, Proposal } from '../records';
import type { ProjectDoc } from '../project-doc';
import type { DocCore, Result } from './core';

export interface NewAnnotation {
	imageId: Id;
	classId: Id;
	type: ShapeType;
	geometry: unknown;
	attributes?: Record<string, AttributeValue>;
	/** Sub-annotations carried over by copy and paste. */
	text?: string;
	instanceId?: number;
	direction?: { angle: number };
	/** A model made it: it waits for a person to accept or reject it (see `addProposals`). */
	proposal?: Proposal;
}

/** A model's annotation for `addProposals`: the image is given once, the proposal is required. */
export type NewProposal = Omit<NewAnnotation, 'imageId' | 'proposal'> & { proposal: Proposal };

export interface AnnotationPatch {
	classId?: Id;
	geometry?: unknown;
	attributes?: Record<string, AttributeValue>;
	z?: number;
	/** Sub-annotations and flags: null removes the field from the record. */
	text?: string | null;
	instanceId?: number | null;
	direction?: { angle: number } | null;
	locked?: boolean | null;
}

const OPTIONAL_FIELDS = ['text', 'instanceId', 'direction', 'locked'] as const;

function withoutDerived({ derived, ...rest }: ImportedFrom): ImportedFrom {
	void derived;
	return rest;
}

/** Why a locked shape's geometry or existence cannot change (its class and attributes still can). */
export const LOCKED_REASON = 'This shape is locked (Ctrl+L to unlock): it cannot be moved, reshaped or deleted';

const TEXT_REASON = `A text has at most ${MAX_TEXT_CHARS.toLocaleString('en')} characters`;

function validText(text: unknown): boolean {
	return typeof text === 'string' && text.length <= MAX_TEXT_CHARS;
}

/** The annotations of a project: reads by image, and the writes of a person or a tool (create, update, tag, delete). */
export class AnnotationRecords {
	constructor(
		private readonly doc: ProjectDoc,
		private readonly core: DocCore
	) {}

	/** The images' own annotations (members' blind layers are not counted). */
	get annotationCount(): number {
		return this.core.checked.annotations.size - this.core.checked.layered;
	}

	/** Any readable annotation by id, an image's own or in a member's layer. */
	getAnnotation(id: Id): AnnotationRecord | undefined {
		return this.core.checked.annotations.get(id);
	}

	/** The ids of an image's own annotations, or (with `layer`) of that member's blind layer on it. */
	annotationIds(imageId: Id, layer?: Id): ReadonlySet<Id> {
		const ids = layer === undefined ? this.core.checked.byImage.get(imageId) : this.core.checked.byLayer.get(imageId)?.get(layer);
		return ids ?? new Set();
	}

	/** The annotations of one image (or of one member's layer on it), bottom to top. */
	annotationsOf(imageId: Id, layer?: Id): AnnotationRecord[] {
		const out: AnnotationRecord[] = [];
		for (const id of this.annotationIds(imageId, layer)) {
			const a = this.getAnnotation(id);
			if (a) out.push(a);
		}
		return out.sort((a, b) => a.z - b.z || (a.id < b.id ? -1 : 1));
	}

	/** Every image's own annotations (what exports, statistics and counts read); members' layers are left out. */
	allAnnotations(): IterableIterator<AnnotationRecord> {
		const all = this.core.checked.annotations.values();
		if (!this.core.checked.layered) return all;
		return (function* () {
			for (const a of all) if (a.layer === undefined) yield a;
		})();
	}

	createAnnotation(input: NewAnnotation): Result<AnnotationRecord> {
		const [result] = this.createAnnotations([input]);
		return result;
	}

	/**
	 * Creates several annotations as one undo step; each input gets its own result. A member with an open
	 * blind task on the image draws into their own layer (`layer`: undefined picks it so; null writes the
	 * image's own set, as a reviewer's merge does).
	 */
	createAnnotations(inputs: NewAnnotation[], origin: string = Origin.edit, layer?: Id | null): Result<AnnotationRecord>[] {
		const guard = this.core.writable();
		if (guard) return inputs.map(() => guard);
		const now = Date.now();
		const topZ = new Map<Id, number>();
		const stored: PackedAnnotation[] = [];
		const results = inputs.map((input): Result<AnnotationRecord> => {
			const image = this.doc.getImage(input.imageId);
			if (!image) return { ok: false, reason: 'That image no longer exists' };
			const cls = this.doc.getClass(input.classId);
			if (!cls) return { ok: false, reason: 'Pick a class first' };
			const shape = checkNewShape(input, cls, image, 'copy');
			if (!shape.ok) return shape;
			if (input.text !== undefined && !validText(input.text)) return { ok: false, reason: TEXT_REASON };
			if (input.proposal !== undefined && !isProposal(input.proposal))
				return { ok: false, reason: 'A proposal names its model and has a score from 0 to 1' };
			const into = layer === undefined ? this.doc.quality.workingLayer(image.id) : (layer ?? undefined);
			const z = (topZ.get(image.id) ?? this.topZ(image.id, into)) + 1;
			const packed = AnnotationStore.pack(
				{
					id: newId(),
					imageId: image.id,
					classId: cls.id,
					type: shape.value.type,
					geometry: shape.value.geometry,
					attributes: { ...attributeDefaults(cls), ...shape.value.attributes },
					...(input.text !== undefined && { text: input.text }),
					...(input.instanceId !== undefined && { instanceId: input.instanceId }),
					...(input.direction !== undefined && { direction: input.direction }),
					...(input.proposal !== undefined && { proposal: { model: input.proposal.model, score: input.proposal.score } }),
					z,
					...(into !== undefined && { layer: into }),
					author: this.core.actor.id,
					createdAt: now,
					updatedAt: now
				},
				image
			);
			if (!packed.ok) return packed;
			topZ.set(image.id, z);
			stored.push(packed.value);
			return { ok: true, value: packed.value.record };
		});
		this.core.ydoc.transact(() => {
			for (const p of stored) this.core.store.put(p);
		}, origin);
		return results;
	}

	updateAnnotation(id: Id, patch: AnnotationPatch): Result<AnnotationRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const current = this.getAnnotation(id);
		if (!current) return { ok: false, reason: 'That shape no longer exists' };
		const next: AnnotationRecord = { ...current, author: this.core.actor.id, updatedAt: Date.now() };
		// Undefined when a peer deleted the class meanwhile: the shape still moves, its class cannot be kept.
		const cls = this.doc.getClass(patch.classId ?? current.classId);
		if (patch.classId !== undefined) {
			if (!cls) return { ok: false, reason: 'That class no longer exists' };
			next.classId = cls.id;
			// Values follow by attribute name; the new class's defaults fill the rest.
			const old = this.doc.getClass(current.classId);
			if (old && cls.id !== old.id && patch.attributes === undefined)
				next.attributes = { ...attributeDefaults(cls), ...mapAttributesByName(current.attributes, old, cls) };
		}
		if (patch.geometry !== undefined && current.locked && patch.locked !== false && patch.locked !== null)
			return { ok: false, reason: LOCKED_REASON };
		// The rules of a new annotation, those the patch touches: a shape whose class was narrowed since it
		// was drawn still moves, and values kept from before are not checked again.
		const shape = checkShape({ type: current.type, geometry: patch.geometry ?? next.geometry, attributes: patch.attributes ?? next.attributes }, cls, this.doc.getImage(current.imageId), {
			geometry: patch.geometry !== undefined ? 'copy' : 'checked',
			typeAllowed: patch.classId !== undefined,
			skeleton: patch.geometry !== undefined || patch.classId !== undefined,
			attributes: patch.attributes !== undefined
		});
		if (!shape.ok) return shape;
		next.geometry = shape.value.geometry;
		next.attributes = shape.value.attributes;
		// What a format derived from the imported geometry (COCO's area, bbox) no longer holds.
		if (patch.geometry !== undefined && current.imported?.derived) next.imported = withoutDerived(current.imported);
		if (patch.z !== undefined) {
			if (!Number.isFinite(patch.z)) return { ok: false, reason: 'A drawing order is a number' };
			next.z = patch.z;
		}
		if (typeof patch.text === 'string' && !validText(patch.text)) return { ok: false, reason: TEXT_REASON };
		for (const field of OPTIONAL_FIELDS) {
			const value = patch[field];
			if (value === null || value === false || value === '') delete next[field];
			else if (value !== undefined) (next as unknown as Record<string, unknown>)[field] = value;
		}
		const packed = AnnotationStore.pack(next, this.doc.getImage(current.imageId));
		if (!packed.ok) return packed;
		this.core.ydoc.transact(() => this.core.store.put(packed.value), Origin.edit);
		return { ok: true, value: packed.value.record };
	}

	/**
	 * Puts the tag of a class on an image or takes it off, as one undoable edit. In 'single' tag mode a
	 * new tag replaces the image's other tags in the same transaction.
	 */
	setTag(imageId: Id, classId: Id, on: boolean): Result<AnnotationRecord | null> {
		const guard = this.core.writable();
		if (guard) return guard;
		const cls = this.doc.getClass(classId);
		if (!cls) return { ok: false, reason: 'That class no longer exists' };
		if (on && cls.shapeTypes.length && !cls.shapeTypes.includes('tag'))
			return { ok: false, reason: `Class “${cls.name}” is not an image tag` };
		if (!this.doc.getImage(imageId)) return { ok: false, reason: 'That image no longer exists' };
		const tags = this.annotationsOf(imageId, this.doc.quality.workingLayer(imageId)).filter((a) => a.type === 'tag');
		const own = tags.filter((a) => a.classId === classId);
		if (!on) {
			if (own.length) this.deleteAnnotations(own.map((a) => a.id));
			return { ok: true, value: null };
		}
		if (own.length && (this.doc.tagMode === 'multi' || tags.length === own.length)) return { ok: true, value: own[0] };
		let result: Result<AnnotationRecord> = { ok: false, reason: 'Nothing was tagged' };
		this.core.ydoc.transact(() => {
			if (this.doc.tagMode === 'single') for (const a of tags) if (a.classId !== classId) this.core.store.delete(a.id);
			result = own.length ? { ok: true, value: own[0] } : this.createAnnotation({ imageId, classId, type: 'tag', geometry: {} });
		}, Origin.edit);
		return result;
	}

	/** Stores a record changed from a readable one (inside the caller's transaction); false when it cannot be stored. */
	private putAnnotation(record: AnnotationRecord): boolean {
		const packed = AnnotationStore.pack(record, this.doc.getImage(record.imageId));
		if (!packed.ok) return false;
		this.core.store.put(packed.value);
		return true;
	}

	deleteAnnotations(ids: Iterable<Id>): void {
		if (this.doc.readOnlyReason) return;
		this.core.ydoc.transact(() => {
			for (const id of ids) this.core.store.delete(id);
		}, Origin.edit);
	}

	/** The highest z on an image, or on a member's layer on it (0: no annotations). */
	topZ(imageId: Id, layer?: Id): number {
		let z = 0;
		for (const id of this.annotationIds(imageId, layer)) z = Math.max(z, this.getAnnotation(id)?.z ?? 0);
		return z;
	}
}
