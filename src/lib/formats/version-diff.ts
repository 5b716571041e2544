import type { AnnotationRecord, ClassRecord, Id, ImageRecord } from '$lib/model/records';

/** What a diff reads of a project document (a `ProjectDoc`, or one opened from a version's snapshot). */
export interface DiffSource {
	classes(): ClassRecord[];
	images(): ImageRecord[];
	allAnnotations(): Iterable<AnnotationRecord>;
}

export interface ClassDiff {
	classId: Id;
	/** The class's name in the newer version, or in the older one when it was removed. */
	name: string;
	color: string;
	added: number;
	removed: number;
	changed: number;
}

export interface VersionDiff {
	annotations: {
		added: number;
		removed: number;
		/** Annotations present in both whose geometry, class or attributes differ (each counted once). */
		changed: number;
		/** Of the changed: how many changed in each respect (one annotation may count in several). */
		geometry: number;
		class: number;
		attributes: number;
	};
	/** One row per class that has any difference, in the newer version's class order, then removed classes. */
	perClass: ClassDiff[];
	classes: { added: string[]; removed: string[]; renamed: { from: string; to: string }[] };
	images: { added: string[]; removed: string[] };
}

/** Deep equality of plain JSON values, key order ignored. */
function same(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
	const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
	if (ka.length !== kb.length) return false;
	return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Attribute values and sub-annotations: what the "attributes" column counts. */
const attributesOf = (a: AnnotationRecord) => ({ attributes: a.attributes, text: a.text, instanceId: a.instanceId, direction: a.direction });

/**
 * The differences from `older` to `newer`, matched by annotation, class and image id (ids survive
 * edits, so a moved box is "changed", not removed and added). A class change counts under the class
 * the annotation has in the newer version. Drawing order (z), locks, image status and who edited are
 * not differences of the dataset.
 */
export function diffVersions(older: DiffSource, newer: DiffSource): VersionDiff {
	const oldClasses = new Map(older.classes().map((c) => [c.id, c]));
	const newClasses = new Map(newer.classes().map((c) => [c.id, c]));
	const rows = new Map<Id, ClassDiff>();
	for (const c of [...newClasses.values(), ...[...oldClasses.values()].filter((c) => !newClasses.has(c.id))])
		rows.set(c.id, { classId: c.id, name: c.name, color: c.color, added: 0, removed: 0, changed: 0 });
	const row = (id: Id) => {
		let r = rows.get(id);
		if (!r) rows.set(id, (r = { classId: id, name: '(unknown class)', color: '#888888', added: 0, removed: 0, changed: 0 }));
		return r;
	};

	const annotations = { added: 0, removed: 0, changed: 0, geometry: 0, class: 0, attributes: 0 };
	const before = new Map<Id, AnnotationRecord>();
	for (const a of older.allAnnotations()) before.set(a.id, a);
	for (const a of newer.allAnnotations()) {
		const old = before.get(a.id);
		before.delete(a.id);
		if (!old) {
			annotations.added++;
			row(a.classId).added++;
			continue;
		}
		const geometry = !same(old.geometry, a.geometry);
		const cls = old.classId !== a.classId;
		const attributes = !same(attributesOf(old), attributesOf(a));
		if (!geometry && !cls && !attributes) continue;
		annotations.changed++;
		if (geometry) annotations.geometry++;
		if (cls) annotations.class++;
		if (attributes) annotations.attributes++;
		row(a.classId).changed++;
	}
	for (const a of before.values()) {
		annotations.removed++;
		row(a.classId).removed++;
	}

	const oldImages = new Map(older.images().map((i) => [i.id, i.name]));
	const newImages = new Map(newer.images().map((i) => [i.id, i.name]));
	return {
		annotations,
		perClass: [...rows.values()].filter((r) => r.added || r.removed || r.changed),
		classes: {
			added: [...newClasses.values()].filter((c) => !oldClasses.has(c.id)).map((c) => c.name),
			removed: [...oldClasses.values()].filter((c) => !newClasses.has(c.id)).map((c) => c.name),
			renamed: [...newClasses.values()]
				.filter((c) => oldClasses.has(c.id) && oldClasses.get(c.id)!.name !== c.name)
				.map((c) => ({ from: oldClasses.get(c.id)!.name, to: c.name }))
		},
		images: {
			added: [...newImages].filter(([id]) => !oldImages.has(id)).map(([, name]) => name),
			removed: [...oldImages].filter(([id]) => !newImages.has(id)).map(([, name]) => name)
		}
	};
}
