import { validateAttributeSpecs } from '../attributes';
import type { PackedAnnotation } from '../annotation-store';
import {
	IMPORT_TRANSACTION_BYTES,
	batchesOf,
	classRules,
	importedClass,
	packImportedAnnotations,
	packedEntries,
	packedImportProblem,
	type PackedEntry,
	type PackedImport,
	type PlannedAnnotation
} from '../import-records';
import { Origin } from '../origins';
import { checkSettings, importedProblem } from '../record-check';
import { MAX_NAME_CHARS } from '../limits';
import type { ClassRecord, Id, ImageRecord, ImportedFrom, JsonValue, ProjectSettings } from '../records';
import type { ClassRecords } from './classes';
import type { ProjectDoc } from '../project-doc';
import type { DocCore, Result } from './core';
import { SPLITS, type SplitName, type SplitRecord } from '../team/records';

/** A planned dataset import (`formats/project-dataset.ts`): new records with their ids, written at once. */
export interface DatasetImportWrite {
	classes: ClassRecord[];
	images: ImageRecord[];
	/** z, author and times are set when written; `source` names the input place for errors. */
	annotations: PlannedAnnotation[];
	/** The annotations already checked and packed (by the exchange worker): then `annotations` is empty. */
	packed?: PackedImport;
	/**
	 * Set by planImport: every annotation's geometry was validated against its image's size (which never
	 * changes) as the plan was made, so it is not validated a second time as it is written.
	 */
	geometryChecked?: true;
	/** Set on a new project from the dataset. */
	tagMode?: 'single' | 'multi';
	/** Dataset-level fields of the input by format (COCO's info and licenses): kept for its export. */
	datasetFields?: Record<string, Record<string, JsonValue>>;
	/** The splits the input gives its images (new ones, or the project's it names): stored where an image has none yet. */
	splits?: { imageId: Id; split: SplitName }[];
	/** Project images and classes the input names: the file's ids (and a class's supercategory) they now keep. */
	importedOnExisting?: {
		images: { id: Id; imported: ImportedFrom }[];
		classes: { id: Id; imported?: ImportedFrom; supercategory?: string }[];
	};
}

/**
 * The settings an import leaves, or null when it changes none: its tag mode, and its dataset-level
 * fields per format (a later import of the same format replaces that format's fields field by field).
 */
function settingsAfterImport(settings: ProjectSettings, plan: DatasetImportWrite): ProjectSettings | null {
	const formats = Object.keys(plan.datasetFields ?? {});
	if (!plan.tagMode && !formats.length) return null;
	const next: ProjectSettings = { ...settings };
	if (plan.tagMode) next.tagMode = plan.tagMode;
	if (formats.length) {
		next.imported = { ...settings.imported };
		for (const f of formats) next.imported[f] = { ...settings.imported?.[f], ...plan.datasetFields![f] };
	}
	return next;
}

/** A planned dataset import written to the project (`formats/project-dataset.ts` plans it). */
export class DatasetImport {
	constructor(
		private readonly doc: ProjectDoc,
		private readonly core: DocCore,
		private readonly classRecords: ClassRecords
	) {}

	/**
	 * Writes a planned dataset import — new classes, image records and annotations (origin `import`, not
	 * undoable). Everything is checked first: one bad record and nothing is written. The writes are
	 * transactions of at most IMPORT_TRANSACTION_BYTES, one after the other in this call: classes and
	 * images first, so no annotation arrives before its image anywhere.
	 */
	importDataset(plan: DatasetImportWrite): Result<{ classes: number; images: number; annotations: number }> {
		const guard = this.core.writable();
		if (guard) return guard;
		const classes = new Map<Id, ClassRecord>(this.doc.classes().map((c) => [c.id, c]));
		const names = new Set(this.doc.classes().map((c) => c.name.toLowerCase()));
		for (const c of plan.classes) {
			if (classes.has(c.id)) return { ok: false, reason: `Class “${c.name}”: its id is taken` };
			if (!c.name.trim() || names.has(c.name.trim().toLowerCase())) return { ok: false, reason: `A class named “${c.name}” already exists` };
			const fields = this.classRecords.checkClassFields({ name: c.name, color: c.color, description: c.description }, c.id);
			if (!fields.ok) return { ok: false, reason: `Class “${c.name}”: ${fields.reason}` };
			const specs = validateAttributeSpecs(c.attributes);
			if (!specs.ok) return { ok: false, reason: `Class “${c.name}”: ${specs.reason}` };
			const record = importedClass(c)!;
			const bad = importedProblem(c.imported) ?? (c.supercategory !== undefined && !(typeof c.supercategory === 'string' && c.supercategory.length <= MAX_NAME_CHARS) ? 'its supercategory is too long' : null);
			if (bad) return { ok: false, reason: `Class “${c.name}”: ${bad}` };
			names.add(c.name.trim().toLowerCase());
			classes.set(c.id, record);
		}
		const images = new Map<Id, ImageRecord>();
		for (const i of plan.images) {
			if (this.doc.getImage(i.id) || images.has(i.id)) return { ok: false, reason: `${i.name}: its id is taken` };
			if (!(i.width > 0 && i.height > 0)) return { ok: false, reason: `${i.name}: the image has no pixels` };
			const bad = importedProblem(i.imported);
			if (bad) return { ok: false, reason: `${i.name}: ${bad}` };
			// A v7 plan's `status` is not part of a v8 image record (the stage is: annotate, the default).
			const { status: _status, ...record } = i;
			images.set(i.id, record);
		}
		for (const u of [...(plan.importedOnExisting?.images ?? []), ...(plan.importedOnExisting?.classes ?? [])]) {
			const bad = importedProblem(u.imported) ?? ('supercategory' in u && u.supercategory !== undefined && !(typeof u.supercategory === 'string' && u.supercategory.length <= MAX_NAME_CHARS) ? 'its supercategory is too long' : null);
			if (bad) return { ok: false, reason: `${this.doc.getImage(u.id)?.name ?? this.doc.getClass(u.id)?.name ?? u.id}: ${bad}` };
		}
		const written = plan.packed ? this.checkPackedImport(plan.packed, classes, images) : this.packImport(plan, classes, images);
		if (!written.ok) return written;
		const settings = settingsAfterImport(this.doc.settings, plan);
		const settingsCheck = settings && checkSettings(settings);
		if (settingsCheck && !settingsCheck.ok) return { ok: false, reason: `The dataset's own fields: ${settingsCheck.reason}` };
		this.core.ydoc.transact(() => {
			if (settings) this.core.maps.meta.set('settings', settings);
			for (const c of plan.classes) this.core.maps.classes.set(c.id, classes.get(c.id)!);
			for (const u of plan.importedOnExisting?.classes ?? []) {
				const c = this.doc.getClass(u.id);
				if (c) this.core.maps.classes.set(c.id, { ...c, ...(u.imported && { imported: u.imported }), ...(u.supercategory && { supercategory: u.supercategory }) });
			}
			for (const i of images.values()) this.core.maps.images.set(i.id, i);
		}, Origin.import);
		// Annotations in bounded transactions: each is one stored update, so a large import is loaded again
		// (and sent to a joining peer) in slices rather than as one update that takes seconds to apply.
		for (const batch of batchesOf<PackedAnnotation | PackedEntry>(written.value, IMPORT_TRANSACTION_BYTES))
			this.core.ydoc.transact(() => {
				for (const r of batch) {
					if ('record' in r) this.core.store.put(r);
					else this.core.store.putBytes(r.id, r.bytes);
				}
			}, Origin.import);
		this.core.ydoc.transact(() => {
			// Project images the input named: the file's id.
			for (const { id, imported } of plan.importedOnExisting?.images ?? []) {
				const existing = images.has(id) ? undefined : this.doc.getImage(id);
				if (existing && imported) this.core.maps.images.set(id, { ...existing, imported });
			}
			// The input's splits, where an image has none (an import never moves an image between splits).
			const at = Date.now();
			for (const { imageId, split } of plan.splits ?? [])
				if ((images.has(imageId) || this.doc.getImage(imageId)) && SPLITS.includes(split) && !this.core.checked.team.splits.has(imageId))
					this.core.maps.splits.set(imageId, { imageId, split, by: this.core.actor.id, at } satisfies SplitRecord);
		}, Origin.import);
		return { ok: true, value: { classes: plan.classes.length, images: images.size, annotations: plan.packed?.ids.length ?? plan.annotations.length } };
	}

	/** Checks and packs a plan's annotations here (the converter's path; the app packs in its worker). */
	private packImport(plan: DatasetImportWrite, classes: ReadonlyMap<Id, ClassRecord>, images: ReadonlyMap<Id, ImageRecord>): Result<PackedAnnotation[]> {
		return packImportedAnnotations(plan.annotations, {
			actorId: this.core.actor.id,
			now: Date.now(),
			geometryChecked: plan.geometryChecked === true,
			image: (id) => images.get(id) ?? this.doc.getImage(id),
			cls: (id) => classes.get(id),
			taken: (id) => this.doc.getAnnotation(id) !== undefined,
			topZ: (id) => (images.has(id) ? 0 : this.doc.topZ(id))
		});
	}

	/**
	 * Checks annotations the exchange worker packed (`packPlannedImport`) against the project as it is now:
	 * what a peer may have changed since the plan was made (a class, a deleted image, an id) refuses them.
	 */
	private checkPackedImport(packed: PackedImport, classes: ReadonlyMap<Id, ClassRecord>, images: ReadonlyMap<Id, ImageRecord>): Result<PackedEntry[]> {
		const again = 'read the files again';
		const problem = packedImportProblem(packed);
		if (problem) return { ok: false, reason: `The prepared import is damaged: ${problem}` };
		if (packed.author !== this.core.actor.id) return { ok: false, reason: `The import was prepared for another member; ${again}` };
		const checkedClasses = new Set(packed.classBasis.map(([id]) => id));
		for (const [id, json] of packed.classBasis) {
			const now = classes.get(id);
			if (!now || classRules(now) !== json) return { ok: false, reason: `The class “${now?.name ?? id}” changed while the import was prepared; ${again}` };
		}
		const entries: PackedEntry[] = [];
		const ids = new Set<Id>();
		for (const entry of packedEntries(packed)) {
			if (this.doc.getAnnotation(entry.id) || ids.has(entry.id)) return { ok: false, reason: `An imported annotation's id is taken; ${again}` };
			ids.add(entry.id);
			// Every record's class is one whose rules were compared above.
			if (!checkedClasses.has(entry.classId)) return { ok: false, reason: 'The prepared import is damaged: a record names a class it was not checked against' };
			if (!images.has(entry.imageId) && !this.doc.getImage(entry.imageId)) return { ok: false, reason: `An image the import annotates was deleted while the import was prepared; ${again}` };
			entries.push(entry);
		}
		return { ok: true, value: entries };
	}
}
