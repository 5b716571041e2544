import { shapeKind, isShapeType } from '$lib/shapes/registry';
import { attributeDefaults, mapAttributesByName, validateAttributeSpecs } from '../attributes';
import { newId } from '../ids';
import { Origin } from '../origins';
import { isHexColor } from '../record-check';
import { MAX_NAME_CHARS, MAX_TEXT_CHARS } from '../limits';
import { CLASS_DEFAULTS, type ClassRecord, type Id } from '../records';
import type { ProjectDoc } from '../project-doc';
import type { DocCore, Result } from './core';

export const DEFAULT_CLASS_COLORS = [
	'#e6194b',
	'#3cb44b',
	'#4363d8',
	'#f58231',
	'#911eb4',
	'#42d4f4',
	'#f032e6',
	'#bfef45',
	'#fabed4',
	'#469990'
];

/** The classes of a project: the list in order, and their writes (add, update, delete, merge, reorder). */
export class ClassRecords {
	constructor(
		private readonly doc: ProjectDoc,
		private readonly core: DocCore
	) {}

	classes(): ClassRecord[] {
		return [...this.core.checked.classes.values()].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
	}

	getClass(id: Id): ClassRecord | undefined {
		return this.core.checked.classes.get(id);
	}

	addClass(input: Partial<Omit<ClassRecord, 'id'>> & { name: string }): Result<ClassRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const name = input.name.trim();
		if (!name) return { ok: false, reason: 'A class needs a name' };
		const existing = this.classes();
		if (existing.some((c) => c.name.toLowerCase() === name.toLowerCase()))
			return { ok: false, reason: `A class named “${name}” already exists` };
		const checked = this.checkClassFields(input, null);
		if (!checked.ok) return checked;
		const usedKeys = new Set(existing.map((c) => c.hotkey));
		const freeKey = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].find((k) => !usedKeys.has(k)) ?? null;
		const record: ClassRecord = {
			...CLASS_DEFAULTS,
			id: newId(),
			color: DEFAULT_CLASS_COLORS[existing.length % DEFAULT_CLASS_COLORS.length],
			hotkey: freeKey,
			order: existing.length ? Math.max(...existing.map((c) => c.order)) + 1 : 0,
			...input,
			...checked.value,
			name
		};
		if (record.supercategory === undefined) delete record.supercategory;
		this.core.ydoc.transact(() => this.core.maps.classes.set(record.id, record), Origin.admin);
		return { ok: true, value: record };
	}

	updateClass(id: Id, patch: Partial<Omit<ClassRecord, 'id'>>): Result<ClassRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const current = this.getClass(id);
		if (!current) return { ok: false, reason: 'That class no longer exists' };
		const next = { ...current, ...patch, id };
		if (patch.name !== undefined) {
			next.name = patch.name.trim();
			if (!next.name) return { ok: false, reason: 'A class needs a name' };
			if (this.classes().some((c) => c.id !== id && c.name.toLowerCase() === next.name.toLowerCase()))
				return { ok: false, reason: `A class named “${next.name}” already exists` };
		}
		const checked = this.checkClassFields(patch, id);
		if (!checked.ok) return checked;
		Object.assign(next, checked.value);
		if (next.supercategory === undefined) delete next.supercategory;
		this.core.ydoc.transact(() => this.core.maps.classes.set(id, next), Origin.admin);
		return { ok: true, value: next };
	}

	/** Checks the fields of a class beyond its name: attribute specs, a free hotkey, known shape types. */
	checkClassFields(patch: Partial<Omit<ClassRecord, 'id'>>, id: Id | null): Result<Partial<ClassRecord>> {
		const out: Partial<ClassRecord> = {};
		if (patch.name !== undefined && patch.name.length > MAX_NAME_CHARS) return { ok: false, reason: `A class name has at most ${MAX_NAME_CHARS} characters` };
		if (patch.color !== undefined && !isHexColor(patch.color)) return { ok: false, reason: 'A colour is written #rrggbb' };
		if (patch.description !== undefined && (typeof patch.description !== 'string' || patch.description.length > MAX_TEXT_CHARS))
			return { ok: false, reason: `A description has at most ${MAX_TEXT_CHARS} characters` };
		if (patch.attributes !== undefined) {
			const specs = validateAttributeSpecs(patch.attributes);
			if (!specs.ok) return specs;
			out.attributes = specs.value;
		}
		if (patch.hotkey !== undefined && patch.hotkey !== null) {
			if (!/^[1-9]$/.test(patch.hotkey)) return { ok: false, reason: 'A hotkey is a digit from 1 to 9' };
			const holder = this.classes().find((c) => c.id !== id && c.hotkey === patch.hotkey);
			if (holder) return { ok: false, reason: `Hotkey ${patch.hotkey} is taken by “${holder.name}”` };
		}
		if (patch.supercategory !== undefined) {
			if (typeof patch.supercategory !== 'string' || patch.supercategory.length > MAX_NAME_CHARS)
				return { ok: false, reason: `A supercategory has at most ${MAX_NAME_CHARS} characters` };
			// Kept only when set, so that a class without one stays as compact as before v6.
			out.supercategory = patch.supercategory.trim() || undefined;
		}
		if (patch.shapeTypes?.some((t) => !isShapeType(t))) return { ok: false, reason: 'Unknown shape type' };
		if (patch.maskMode !== undefined && patch.maskMode !== 'instance' && patch.maskMode !== 'semantic')
			return { ok: false, reason: 'Unknown mask mode' };
		return { ok: true, value: out };
	}

	/** How many annotations, on every image, have this class. */
	countAnnotationsOfClass(id: Id): number {
		let n = 0;
		for (const a of this.doc.allAnnotations()) if (a.classId === id) n++;
		return n;
	}

	/** Deletes a class and all its annotations in one transaction; returns how many annotations went. */
	deleteClass(id: Id): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		if (!this.getClass(id)) return { ok: false, reason: 'That class no longer exists' };
		const doomed = [...this.doc.allAnnotations()].filter((a) => a.classId === id).map((a) => a.id);
		this.core.ydoc.transact(() => {
			for (const a of doomed) this.core.store.delete(a);
			this.core.maps.classes.delete(id);
		}, Origin.admin);
		return { ok: true, value: doomed.length };
	}

	/**
	 * Moves every annotation of `fromId` to `intoId` and deletes `fromId`, in one transaction. Attribute
	 * values follow by attribute name; a tag that `into` already has on the image is dropped, not doubled.
	 * Returns how many annotations moved.
	 */
	mergeClasses(fromId: Id, intoId: Id): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		const from = this.getClass(fromId);
		const into = this.getClass(intoId);
		if (!from || !into) return { ok: false, reason: 'That class no longer exists' };
		if (fromId === intoId) return { ok: false, reason: 'Pick another class to merge into' };
		const moving = [...this.doc.allAnnotations()].filter((a) => a.classId === fromId);
		const refused = moving.find((a) => into.shapeTypes.length && !into.shapeTypes.includes(a.type));
		if (refused)
			return { ok: false, reason: `Class “${into.name}” cannot be drawn as ${shapeKind(refused.type).label.toLowerCase()}` };
		const tagged = new Set(
			[...this.doc.allAnnotations()].filter((a) => a.classId === intoId && a.type === 'tag').map((a) => a.imageId)
		);
		const now = Date.now();
		let moved = 0;
		this.core.ydoc.transact(() => {
			for (const a of moving) {
				if (a.type === 'tag' && tagged.has(a.imageId)) {
					this.core.store.delete(a.id);
					continue;
				}
				const attributes = { ...attributeDefaults(into), ...mapAttributesByName(a.attributes, from, into) };
				if (this.core.putAnnotation({ ...a, classId: intoId, attributes, author: this.core.actor.id, updatedAt: now })) moved++;
			}
			this.core.maps.classes.delete(fromId);
		}, Origin.admin);
		return { ok: true, value: moved };
	}

	/** Moves a class to `newIndex` of the class list, rewriting every class's `order` as 0…n-1. */
	reorderClass(id: Id, newIndex: number): Result<ClassRecord[]> {
		const guard = this.core.writable();
		if (guard) return guard;
		const list = this.classes();
		const at = list.findIndex((c) => c.id === id);
		if (at < 0) return { ok: false, reason: 'That class no longer exists' };
		const [moved] = list.splice(at, 1);
		list.splice(Math.max(0, Math.min(list.length, Math.round(newIndex))), 0, moved);
		const next = list.map((c, order) => ({ ...c, order }));
		this.core.ydoc.transact(() => {
			for (const c of next) if (c.order !== this.getClass(c.id)?.order) this.core.maps.classes.set(c.id, c);
		}, Origin.admin);
		return { ok: true, value: next };
	}
}
