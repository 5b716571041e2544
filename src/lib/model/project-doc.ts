import * as Y from 'yjs';
import { shapeKind, isShapeType, type ShapeType } from '$lib/shapes/registry';
import { attributeDefaults, checkAttributeValues, mapAttributesByName, validateAttributeSpecs } from './attributes';
import { newId } from './ids';
import { skeletonMismatch, type SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import { Origin, isLocalOrigin } from './origins';
import { FIRST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_VERSION, type DocMaps } from './schema';
import { checkNewShape } from './annotation-rules';
import { IMPORT_TRANSACTION_BYTES, batchesOf, classRules, importedClass, packImportedAnnotations, packedEntries, packedImportProblem, type PackedEntry, type PackedImport, type PlannedAnnotation } from './import-records';
import { AnnotationStore, LEGACY_ANNOTATIONS, PACKED_ANNOTATIONS, type PackedAnnotation } from './annotation-store';
import { CheckedRecords, type ChangeAction, type CheckedChange, type Problem, type RecordMap } from './checked-records';
import { checkSettings, importedProblem, isHexColor, isProposal } from './record-check';
import { MAX_NAME_CHARS, MAX_TEXT_CHARS, approximateJsonBytes } from './limits';
import {
	CLASS_DEFAULTS,
	type Actor,
	type AnnotationRecord,
	type AttributeValue,
	type ClassRecord,
	type Id,
	type ImageRecord,
	type ImageStatus,
	type ImportedFrom,
	type JsonValue,
	type ProjectSettings,
	type Proposal,
	type VersionRecord
} from './records';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

export type { ChangeAction };

/** What one transaction changed, as a reader of the checked records sees it (see CheckedChange). */
export interface DocChange extends CheckedChange {
	origin: unknown;
	/** True when the change was made through this replica's model (not loaded, not from a peer). */
	local: boolean;
}

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

function withoutDerived({ derived, ...rest }: ImportedFrom): ImportedFrom {
	void derived;
	return rest;
}

/** Why a locked shape's geometry or existence cannot change (its class and attributes still can). */
export const LOCKED_REASON = 'This shape is locked (Ctrl+L to unlock): it cannot be moved, reshaped or deleted';

/**
 * Yjs #514: when this replica's value of a map key won over a concurrent value from another replica,
 * undo cannot restore the previous value (the other replica's value sits between them, so Yjs refuses
 * to overwrite it) yet still deletes ours, and the key — the whole record — vanishes on every replica.
 * Such a value is kept instead: the undo step leaves that record as it is.
 */
function isConcurrentlyContested(item: Y.Item): boolean {
	const left = item.left;
	return (
		item.parentSub !== null &&
		!item.deleted &&
		item.origin !== null &&
		left !== null &&
		left.origin !== null &&
		Y.compareIDs(left.origin, item.origin)
	);
}

const TEXT_REASON = `A text has at most ${MAX_TEXT_CHARS.toLocaleString('en')} characters`;

function validText(text: unknown): boolean {
	return typeof text === 'string' && text.length <= MAX_TEXT_CHARS;
}

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

/**
 * The project document: one Y.Doc per project, four top-level maps of plain-JSON records keyed by id.
 * This class is the only code that touches Y types; everything else reads records and calls its methods.
 * A record is always replaced whole, so concurrent edits of one record resolve last-writer-wins,
 * identically on every replica (Y.Map's rule).
 */
export class ProjectDoc {
	readonly ydoc: Y.Doc;
	readonly undoManager: Y.UndoManager;

	private readonly maps: DocMaps;
	/** The annotations as stored (packed bytes; v6 records until they are moved). */
	private readonly store: AnnotationStore;
	private readonly versionMap: Y.Map<unknown>;
	/** Every read goes through here: the records as checked at the read boundary. */
	private readonly checked: CheckedRecords;
	private readonly listeners = new Set<(change: DocChange) => void>();
	private actor: Actor;
	/** Read-only imposed from outside (a frozen version, a view-only link). */
	private imposedReadOnly: string | null = null;
	/** Read-only because the document holds what this version cannot read (a newer schema's records). */
	private versionReadOnly: string | null = null;
	/** How many records the latest migration could not migrate, counted per step (they are listed as problems). */
	migrationSkipped = 0;
	private legacyMoveScheduled = false;

	constructor(ydoc: Y.Doc = new Y.Doc(), actor: Actor = { id: 'local', name: 'Local user' }) {
		this.ydoc = ydoc;
		this.actor = actor;
		this.maps = {
			meta: ydoc.getMap('meta'),
			classes: ydoc.getMap('classes'),
			images: ydoc.getMap('images'),
			annotations: ydoc.getMap(LEGACY_ANNOTATIONS),
			packedAnnotations: ydoc.getMap(PACKED_ANNOTATIONS)
		};
		this.store = new AnnotationStore(this.maps.packedAnnotations, this.maps.annotations);
		this.versionMap = ydoc.getMap('versions');
		this.undoManager = new Y.UndoManager([this.maps.packedAnnotations, this.maps.images], {
			trackedOrigins: new Set([Origin.edit]),
			captureTimeout: 0, // one user action, one undo step
			deleteFilter: (item) => !isConcurrentlyContested(item)
		});
		this.checked = new CheckedRecords(this.maps, this.versionMap, this.store);
		ydoc.on('afterTransaction', (tr: Y.Transaction) => this.afterTransaction(tr));
		this.checked.rebuild();
	}

	/** Why this replica must not write (a view-only link, a frozen version, a newer schema), or null. */
	get readOnlyReason(): string | null {
		return this.imposedReadOnly ?? this.versionReadOnly;
	}

	set readOnlyReason(reason: string | null) {
		this.imposedReadOnly = reason;
	}

	// ---- lifecycle -------------------------------------------------------------------------------

	/** Starts a brand-new project document. */
	initialize(settings: Partial<ProjectSettings> & { name: string }): void {
		this.ydoc.transact(() => {
			this.maps.meta.set('schemaVersion', SCHEMA_VERSION);
			this.maps.meta.set('settings', { description: '', createdAt: Date.now(), ...settings });
		}, Origin.admin);
	}

	/**
	 * Brings a loaded document up to this app's schema. A document from a newer app is read-only only
	 * while it holds what this version cannot read: a bare version number (from a peer, say) freezes
	 * nobody, and the newer app's records are never rewritten in a layout this one does not understand.
	 * Records a migration cannot migrate are skipped (they stay listed as problems); it never throws.
	 */
	migrate(): void {
		const stored = this.maps.meta.get('schemaVersion');
		const hasRecords = this.store.size + this.maps.images.size + this.maps.classes.size > 0;
		if (stored === undefined && !hasRecords) return; // empty: nothing to migrate yet
		let version = Number.isSafeInteger(stored) && (stored as number) >= FIRST_SCHEMA_VERSION ? (stored as number) : FIRST_SCHEMA_VERSION;
		this.refreshVersionLock();
		if (version > SCHEMA_VERSION) return;
		if (version === SCHEMA_VERSION) {
			this.moveLegacyAnnotations();
			return;
		}
		let skipped = 0;
		this.ydoc.transact(() => {
			for (const m of MIGRATIONS) {
				if (m.from !== version) continue;
				skipped += m.migrate(this.maps);
				version = m.to;
			}
			this.maps.meta.set('schemaVersion', SCHEMA_VERSION);
		}, Origin.migration);
		this.migrationSkipped = skipped;
	}

	/** Why a document of a newer schema cannot be edited here, or null when it holds nothing this app cannot read. */
	private newerSchemaReason(version: number): string | null {
		const ours = new Set<string>(['meta', 'classes', 'images', LEGACY_ANNOTATIONS, PACKED_ANNOTATIONS, 'versions']);
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any root type
		const holdsSomething = (type: Y.AbstractType<any>) => type._length > 0 || [...type._map.values()].some((item) => !item.deleted);
		const foreignMaps = [...this.ydoc.share.entries()].filter(([name, type]) => !ours.has(name) && holdsSomething(type)).length;
		const foreignMeta = [...this.maps.meta.keys()].filter((k) => k !== 'schemaVersion' && k !== 'settings').length;
		const unknown = this.checked.unreadableRecords + foreignMaps + foreignMeta;
		if (!unknown) return null;
		return `This project holds ${unknown} record${unknown === 1 ? '' : 's'} this app cannot read, saved by a newer version of Peerlabel (schema ${version}; this app knows ${SCHEMA_VERSION}). Update the app to edit it, or delete the records listed as unreadable.`;
	}

	get schemaVersion(): number | undefined {
		const v = this.maps.meta.get('schemaVersion');
		return typeof v === 'number' ? v : v === undefined ? undefined : FIRST_SCHEMA_VERSION;
	}

	setActor(actor: Actor): void {
		this.actor = actor;
	}

	onChange(listener: (change: DocChange) => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	destroy(): void {
		this.listeners.clear();
		this.undoManager.destroy();
	}

	// ---- records kept out ----------------------------------------------------------------------

	/** Records that cannot be read (from a peer, a stored document or a bundle): never indexed, drawn or exported. */
	problems(): Problem[] {
		return this.checked.problems();
	}

	/** Whether `deleteProblem` may run (not in a frozen version or a view-only project). */
	get canDeleteProblems(): boolean {
		return !this.imposedReadOnly;
	}

	/** Deletes a record kept out as a problem (only such a record: a readable one is left alone). */
	deleteProblem(map: RecordMap, key: string): Result<void> {
		// Allowed while a newer schema locks the rest: deleting what cannot be read is the way out of a lock
		// a peer's junk (with a large version number) would otherwise make permanent.
		if (this.imposedReadOnly) return { ok: false, reason: this.imposedReadOnly };
		if (!this.checked.problems().some((p) => p.map === map && p.key === key)) return { ok: false, reason: 'That record is no longer a problem' };
		this.ydoc.transact(() => {
			if (map === 'annotations') this.store.deleteUnreadable(key);
			else (map === 'versions' ? this.versionMap : this.maps[map]).delete(key);
		}, Origin.admin);
		return { ok: true, value: undefined };
	}

	// ---- settings --------------------------------------------------------------------------------

	get settings(): ProjectSettings {
		return this.checked.settings ?? { name: 'Untitled', description: '', createdAt: 0 };
	}

	updateSettings(patch: Partial<ProjectSettings>): Result<ProjectSettings> {
		const guard = this.writable();
		if (guard) return guard;
		if (patch.name !== undefined && !patch.name.trim()) return { ok: false, reason: 'A project needs a name' };
		const next = { ...this.settings, ...patch };
		if (patch.name !== undefined) next.name = patch.name.trim();
		this.ydoc.transact(() => this.maps.meta.set('settings', next), Origin.admin);
		return { ok: true, value: next };
	}

	/** Image tags: 'single' keeps one tag per image (classification), 'multi' any number. */
	get tagMode(): 'single' | 'multi' {
		return this.settings.tagMode ?? 'multi';
	}

	setTagMode(mode: 'single' | 'multi'): Result<ProjectSettings> {
		return this.updateSettings({ tagMode: mode });
	}

	// ---- classes ---------------------------------------------------------------------------------

	classes(): ClassRecord[] {
		return [...this.checked.classes.values()].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : 1));
	}

	getClass(id: Id): ClassRecord | undefined {
		return this.checked.classes.get(id);
	}

	addClass(input: Partial<Omit<ClassRecord, 'id'>> & { name: string }): Result<ClassRecord> {
		const guard = this.writable();
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
		this.ydoc.transact(() => this.maps.classes.set(record.id, record), Origin.admin);
		return { ok: true, value: record };
	}

	updateClass(id: Id, patch: Partial<Omit<ClassRecord, 'id'>>): Result<ClassRecord> {
		const guard = this.writable();
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
		this.ydoc.transact(() => this.maps.classes.set(id, next), Origin.admin);
		return { ok: true, value: next };
	}

	/** Checks the fields of a class beyond its name: attribute specs, a free hotkey, known shape types. */
	private checkClassFields(patch: Partial<Omit<ClassRecord, 'id'>>, id: Id | null): Result<Partial<ClassRecord>> {
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
		for (const a of this.allAnnotations()) if (a.classId === id) n++;
		return n;
	}

	/** Deletes a class and all its annotations in one transaction; returns how many annotations went. */
	deleteClass(id: Id): Result<number> {
		const guard = this.writable();
		if (guard) return guard;
		if (!this.getClass(id)) return { ok: false, reason: 'That class no longer exists' };
		const doomed = [...this.allAnnotations()].filter((a) => a.classId === id).map((a) => a.id);
		this.ydoc.transact(() => {
			for (const a of doomed) this.store.delete(a);
			this.maps.classes.delete(id);
		}, Origin.admin);
		return { ok: true, value: doomed.length };
	}

	/**
	 * Moves every annotation of `fromId` to `intoId` and deletes `fromId`, in one transaction. Attribute
	 * values follow by attribute name; a tag that `into` already has on the image is dropped, not doubled.
	 * Returns how many annotations moved.
	 */
	mergeClasses(fromId: Id, intoId: Id): Result<number> {
		const guard = this.writable();
		if (guard) return guard;
		const from = this.getClass(fromId);
		const into = this.getClass(intoId);
		if (!from || !into) return { ok: false, reason: 'That class no longer exists' };
		if (fromId === intoId) return { ok: false, reason: 'Pick another class to merge into' };
		const moving = [...this.allAnnotations()].filter((a) => a.classId === fromId);
		const refused = moving.find((a) => into.shapeTypes.length && !into.shapeTypes.includes(a.type));
		if (refused)
			return { ok: false, reason: `Class “${into.name}” cannot be drawn as ${shapeKind(refused.type).label.toLowerCase()}` };
		const tagged = new Set(
			[...this.allAnnotations()].filter((a) => a.classId === intoId && a.type === 'tag').map((a) => a.imageId)
		);
		const now = Date.now();
		let moved = 0;
		this.ydoc.transact(() => {
			for (const a of moving) {
				if (a.type === 'tag' && tagged.has(a.imageId)) {
					this.store.delete(a.id);
					continue;
				}
				const attributes = { ...attributeDefaults(into), ...mapAttributesByName(a.attributes, from, into) };
				if (this.putAnnotation({ ...a, classId: intoId, attributes, author: this.actor.id, updatedAt: now })) moved++;
			}
			this.maps.classes.delete(fromId);
		}, Origin.admin);
		return { ok: true, value: moved };
	}

	/** Moves a class to `newIndex` of the class list, rewriting every class's `order` as 0…n-1. */
	reorderClass(id: Id, newIndex: number): Result<ClassRecord[]> {
		const guard = this.writable();
		if (guard) return guard;
		const list = this.classes();
		const at = list.findIndex((c) => c.id === id);
		if (at < 0) return { ok: false, reason: 'That class no longer exists' };
		const [moved] = list.splice(at, 1);
		list.splice(Math.max(0, Math.min(list.length, Math.round(newIndex))), 0, moved);
		const next = list.map((c, order) => ({ ...c, order }));
		this.ydoc.transact(() => {
			for (const c of next) if (c.order !== this.getClass(c.id)?.order) this.maps.classes.set(c.id, c);
		}, Origin.admin);
		return { ok: true, value: next };
	}

	// ---- images ----------------------------------------------------------------------------------

	images(): ImageRecord[] {
		return [...this.checked.images.values()].sort(
			(a, b) => a.addedAt - b.addedAt || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)
		);
	}

	get imageCount(): number {
		return this.checked.images.size;
	}

	getImage(id: Id): ImageRecord | undefined {
		return this.checked.images.get(id);
	}

	findImageByHash(hash: string): ImageRecord | undefined {
		for (const v of this.checked.images.values()) if (v.hash === hash) return v;
		return undefined;
	}

	/** Adds image records in one transaction (an import is all or nothing). */
	addImages(inputs: Omit<ImageRecord, 'id' | 'status' | 'addedAt'>[]): Result<ImageRecord[]> {
		const guard = this.writable();
		if (guard) return guard;
		for (const i of inputs) {
			if (!(i.width > 0 && i.height > 0)) return { ok: false, reason: `${i.name}: the image has no pixels` };
			const bad = importedProblem(i.imported);
			if (bad) return { ok: false, reason: `${i.name}: ${bad}` };
		}
		const now = Date.now();
		const records = inputs.map((i, n): ImageRecord => ({ ...i, id: newId(), status: 'new', addedAt: now + n * 1e-3 }));
		this.ydoc.transact(() => {
			for (const r of records) this.maps.images.set(r.id, r);
		}, Origin.import);
		return { ok: true, value: records };
	}

	setImageStatus(id: Id, status: ImageStatus): Result<ImageRecord> {
		const guard = this.writable();
		if (guard) return guard;
		const current = this.getImage(id);
		if (!current) return { ok: false, reason: 'That image no longer exists' };
		const next = { ...current, status };
		this.ydoc.transact(() => this.maps.images.set(id, next), Origin.edit);
		return { ok: true, value: next };
	}

	// ---- annotations -----------------------------------------------------------------------------

	get annotationCount(): number {
		return this.checked.annotations.size;
	}

	getAnnotation(id: Id): AnnotationRecord | undefined {
		return this.checked.annotations.get(id);
	}

	annotationIds(imageId: Id): ReadonlySet<Id> {
		return this.checked.byImage.get(imageId) ?? new Set();
	}

	/** The annotations of one image, bottom to top. */
	annotationsOf(imageId: Id): AnnotationRecord[] {
		const out: AnnotationRecord[] = [];
		for (const id of this.annotationIds(imageId)) {
			const a = this.getAnnotation(id);
			if (a) out.push(a);
		}
		return out.sort((a, b) => a.z - b.z || (a.id < b.id ? -1 : 1));
	}

	allAnnotations(): IterableIterator<AnnotationRecord> {
		return this.checked.annotations.values();
	}

	createAnnotation(input: NewAnnotation): Result<AnnotationRecord> {
		const [result] = this.createAnnotations([input]);
		return result;
	}

	/** Creates several annotations as one undo step; each input gets its own result. */
	createAnnotations(inputs: NewAnnotation[], origin: string = Origin.edit): Result<AnnotationRecord>[] {
		const guard = this.writable();
		if (guard) return inputs.map(() => guard);
		const now = Date.now();
		const topZ = new Map<Id, number>();
		const stored: PackedAnnotation[] = [];
		const results = inputs.map((input): Result<AnnotationRecord> => {
			const image = this.getImage(input.imageId);
			if (!image) return { ok: false, reason: 'That image no longer exists' };
			const cls = this.getClass(input.classId);
			if (!cls) return { ok: false, reason: 'Pick a class first' };
			const shape = checkNewShape(input, cls, image, 'copy');
			if (!shape.ok) return shape;
			if (input.text !== undefined && !validText(input.text)) return { ok: false, reason: TEXT_REASON };
			if (input.proposal !== undefined && !isProposal(input.proposal))
				return { ok: false, reason: 'A proposal names its model and has a score from 0 to 1' };
			const z = (topZ.get(image.id) ?? this.topZ(image.id)) + 1;
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
					author: this.actor.id,
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
		this.ydoc.transact(() => {
			for (const p of stored) this.store.put(p);
			for (const r of results) {
				if (!r.ok) continue;
				const image = this.getImage(r.value.imageId)!;
				// A model's proposal is not a person's work on the image: the status waits for a review.
				if (image.status === 'new' && !r.value.proposal) this.maps.images.set(image.id, { ...image, status: 'in_progress' });
			}
		}, origin);
		return results;
	}

	updateAnnotation(id: Id, patch: AnnotationPatch): Result<AnnotationRecord> {
		const guard = this.writable();
		if (guard) return guard;
		const current = this.getAnnotation(id);
		if (!current) return { ok: false, reason: 'That shape no longer exists' };
		const next: AnnotationRecord = { ...current, author: this.actor.id, updatedAt: Date.now() };
		if (patch.classId !== undefined) {
			const cls = this.getClass(patch.classId);
			if (!cls) return { ok: false, reason: 'That class no longer exists' };
			if (cls.shapeTypes.length && !cls.shapeTypes.includes(current.type))
				return { ok: false, reason: `Class “${cls.name}” cannot be drawn as ${shapeKind(current.type).label.toLowerCase()}` };
			next.classId = cls.id;
			// Values follow by attribute name; the new class's defaults fill the rest.
			const old = this.getClass(current.classId);
			if (old && cls.id !== old.id && patch.attributes === undefined)
				next.attributes = { ...attributeDefaults(cls), ...mapAttributesByName(current.attributes, old, cls) };
		}
		if (patch.geometry !== undefined && current.locked && patch.locked !== false && patch.locked !== null)
			return { ok: false, reason: LOCKED_REASON };
		if (patch.geometry !== undefined) {
			const image = this.getImage(current.imageId);
			if (!image) return { ok: false, reason: 'That image no longer exists' };
			const checked = shapeKind(current.type).validate(structuredClone(patch.geometry), image);
			if (!checked.ok) return checked;
			next.geometry = checked.geometry;
			// What a format derived from the imported geometry (COCO's area, bbox) no longer holds.
			if (current.imported?.derived) next.imported = withoutDerived(current.imported);
		}
		if (current.type === 'skeleton' && (patch.geometry !== undefined || patch.classId !== undefined)) {
			const misfit = skeletonMismatch(next.geometry as SkeletonGeometry, this.getClass(next.classId)?.skeleton);
			if (misfit) return { ok: false, reason: misfit };
		}
		if (patch.attributes !== undefined) {
			const cls = this.getClass(next.classId);
			if (!cls) return { ok: false, reason: 'That class no longer exists' };
			const values = checkAttributeValues(cls, patch.attributes);
			if (!values.ok) return values;
			next.attributes = values.value;
		}
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
		const packed = AnnotationStore.pack(next, this.getImage(current.imageId));
		if (!packed.ok) return packed;
		this.ydoc.transact(() => this.store.put(packed.value), Origin.edit);
		return { ok: true, value: packed.value.record };
	}

	/**
	 * Puts the tag of a class on an image or takes it off, as one undoable edit. In 'single' tag mode a
	 * new tag replaces the image's other tags in the same transaction.
	 */
	setTag(imageId: Id, classId: Id, on: boolean): Result<AnnotationRecord | null> {
		const guard = this.writable();
		if (guard) return guard;
		const cls = this.getClass(classId);
		if (!cls) return { ok: false, reason: 'That class no longer exists' };
		if (on && cls.shapeTypes.length && !cls.shapeTypes.includes('tag'))
			return { ok: false, reason: `Class “${cls.name}” is not an image tag` };
		if (!this.getImage(imageId)) return { ok: false, reason: 'That image no longer exists' };
		const tags = this.annotationsOf(imageId).filter((a) => a.type === 'tag');
		const own = tags.filter((a) => a.classId === classId);
		if (!on) {
			if (own.length) this.deleteAnnotations(own.map((a) => a.id));
			return { ok: true, value: null };
		}
		if (own.length && (this.tagMode === 'multi' || tags.length === own.length)) return { ok: true, value: own[0] };
		let result: Result<AnnotationRecord> = { ok: false, reason: 'Nothing was tagged' };
		this.ydoc.transact(() => {
			if (this.tagMode === 'single') for (const a of tags) if (a.classId !== classId) this.store.delete(a.id);
			result = own.length ? { ok: true, value: own[0] } : this.createAnnotation({ imageId, classId, type: 'tag', geometry: {} });
		}, Origin.edit);
		return result;
	}

	/** Stores a record changed from a readable one (inside the caller's transaction); false when it cannot be stored. */
	private putAnnotation(record: AnnotationRecord): boolean {
		const packed = AnnotationStore.pack(record, this.getImage(record.imageId));
		if (!packed.ok) return false;
		this.store.put(packed.value);
		return true;
	}

	deleteAnnotations(ids: Iterable<Id>): void {
		if (this.readOnlyReason) return;
		this.ydoc.transact(() => {
			for (const id of ids) this.store.delete(id);
		}, Origin.edit);
	}

	// ---- model proposals --------------------------------------------------------------------------

	/**
	 * Adds a model's annotations to an image as proposals, checked as any write, in one undoable
	 * transaction; each input gets its own result (a refused one is left out).
	 */
	addProposals(imageId: Id, proposals: NewProposal[]): Result<AnnotationRecord>[] {
		return this.createAnnotations(proposals.map((p) => ({ ...p, imageId })));
	}

	/** The proposals on an image awaiting review, bottom to top. */
	proposalsOf(imageId: Id): AnnotationRecord[] {
		return this.annotationsOf(imageId).filter((a) => a.proposal);
	}

	/** Makes proposals a person's annotations (the mark goes), one undo step; returns how many. */
	acceptProposals(ids: Iterable<Id>): Result<number> {
		const guard = this.writable();
		if (guard) return guard;
		const accepted = [...new Set(ids)].map((id) => this.getAnnotation(id)).filter((a): a is AnnotationRecord => !!a?.proposal);
		if (!accepted.length) return { ok: true, value: 0 };
		const now = Date.now();
		this.ydoc.transact(() => {
			for (const a of accepted) {
				const { proposal: _proposal, ...rest } = a;
				this.putAnnotation({ ...rest, author: this.actor.id, updatedAt: now });
				const image = this.getImage(a.imageId);
				if (image?.status === 'new') this.maps.images.set(image.id, { ...image, status: 'in_progress' });
			}
		}, Origin.edit);
		return { ok: true, value: accepted.length };
	}

	/** Deletes proposals (only proposals: a person's annotation among the ids stays), one undo step. */
	rejectProposals(ids: Iterable<Id>): Result<number> {
		const guard = this.writable();
		if (guard) return guard;
		const rejected = [...new Set(ids)].filter((id) => this.getAnnotation(id)?.proposal);
		if (rejected.length) this.deleteAnnotations(rejected);
		return { ok: true, value: rejected.length };
	}

	acceptAllProposals(imageId: Id): Result<number> {
		return this.acceptProposals(this.proposalsOf(imageId).map((a) => a.id));
	}

	/** Puts a shape above (+1) or below (-1) every other shape of its image; false when it already is. */
	setZExtreme(id: Id, side: 1 | -1): Result<AnnotationRecord> {
		const current = this.getAnnotation(id);
		if (!current) return { ok: false, reason: 'That shape no longer exists' };
		const others = this.annotationsOf(current.imageId).filter((a) => a.id !== id);
		if (!others.length) return { ok: true, value: current };
		const z = side > 0 ? Math.max(...others.map((a) => a.z)) + 1 : Math.min(...others.map((a) => a.z)) - 1;
		if (side > 0 ? current.z >= z : current.z <= z) return { ok: true, value: current };
		return this.updateAnnotation(id, { z });
	}

	/** Moves a shape one place up (+1) or down (-1) the drawing order of its image: one undo step. */
	stepZ(id: Id, step: 1 | -1): Result<AnnotationRecord> {
		const guard = this.writable();
		if (guard) return guard;
		const current = this.getAnnotation(id);
		if (!current) return { ok: false, reason: 'That shape no longer exists' };
		const order = this.annotationsOf(current.imageId);
		const neighbour = order[order.findIndex((a) => a.id === id) + step];
		if (!neighbour) return { ok: true, value: current };
		// Swap the two z values; equal ones (concurrent creations) are split so the order really changes.
		const z = neighbour.z === current.z ? neighbour.z + step * 0.5 : neighbour.z;
		const now = Date.now();
		const moved = { ...current, z, author: this.actor.id, updatedAt: now };
		this.ydoc.transact(() => {
			this.putAnnotation(moved);
			if (neighbour.z !== current.z) this.putAnnotation({ ...neighbour, z: current.z, author: this.actor.id, updatedAt: now });
		}, Origin.edit);
		return { ok: true, value: moved };
	}

	/** The highest z on an image (0: no annotations). */
	topZ(imageId: Id): number {
		let z = 0;
		for (const id of this.annotationIds(imageId)) z = Math.max(z, this.getAnnotation(id)?.z ?? 0);
		return z;
	}

	// ---- versions --------------------------------------------------------------------------------

	/**
	 * A read-only document of a frozen version, from its snapshot (`snapshot()` of the project then).
	 * Migrated in memory when an older app froze it; never written back.
	 */
	static fromSnapshot(bytes: Uint8Array, name: string): ProjectDoc {
		const ydoc = new Y.Doc();
		Y.applyUpdate(ydoc, bytes);
		const doc = new ProjectDoc(ydoc);
		doc.migrate();
		doc.readOnlyReason ??= `This is the frozen version “${name}”: it cannot be edited.`;
		return doc;
	}

	/** The whole document as one Yjs update: a version's snapshot. */
	snapshot(): Uint8Array {
		return Y.encodeStateAsUpdate(this.ydoc);
	}

	/** What a version record counts. */
	counts(): VersionRecord['counts'] {
		return { images: this.checked.images.size, classes: this.checked.classes.size, annotations: this.checked.annotations.size };
	}

	/** Frozen versions, oldest first. */
	versions(): VersionRecord[] {
		return [...this.checked.versions.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	}

	/** Checks a new version's name before its snapshot is stored. */
	checkVersionName(name: string): Result<string> {
		const guard = this.writable();
		if (guard) return guard;
		const trimmed = name.trim();
		if (!trimmed) return { ok: false, reason: 'A version needs a name' };
		if (this.versions().some((v) => v.name.toLowerCase() === trimmed.toLowerCase()))
			return { ok: false, reason: `A version named “${trimmed}” already exists` };
		return { ok: true, value: trimmed };
	}

	/** Records a frozen version whose snapshot (with `counts` taken with it) is stored under `hash`. */
	recordVersion(input: { name: string; hash: string; counts: VersionRecord['counts'] }): Result<VersionRecord> {
		const name = this.checkVersionName(input.name);
		if (!name.ok) return name;
		if (!/^[0-9a-f]{64}$/.test(input.hash)) return { ok: false, reason: 'A version is named by the SHA-256 of its snapshot' };
		const record: VersionRecord = {
			id: newId(),
			name: name.value,
			createdAt: Date.now(),
			author: this.actor.id,
			authorName: this.actor.name,
			hash: input.hash,
			counts: { ...input.counts }
		};
		this.ydoc.transact(() => this.versionMap.set(record.id, record), Origin.admin);
		return { ok: true, value: record };
	}

	// ---- dataset import --------------------------------------------------------------------------

	/**
	 * Writes a planned dataset import — new classes, image records and annotations (origin `import`, not
	 * undoable). Everything is checked first: one bad record and nothing is written. The writes are
	 * transactions of at most IMPORT_TRANSACTION_BYTES, one after the other in this call: classes and
	 * images first, so no annotation arrives before its image anywhere.
	 */
	importDataset(plan: DatasetImportWrite): Result<{ classes: number; images: number; annotations: number }> {
		const guard = this.writable();
		if (guard) return guard;
		const classes = new Map<Id, ClassRecord>(this.classes().map((c) => [c.id, c]));
		const names = new Set(this.classes().map((c) => c.name.toLowerCase()));
		for (const c of plan.classes) {
			if (classes.has(c.id)) return { ok: false, reason: `Class “${c.name}”: its id is taken` };
			if (!c.name.trim() || names.has(c.name.trim().toLowerCase())) return { ok: false, reason: `A class named “${c.name}” already exists` };
			const fields = this.checkClassFields({ name: c.name, color: c.color, description: c.description }, c.id);
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
			if (this.getImage(i.id) || images.has(i.id)) return { ok: false, reason: `${i.name}: its id is taken` };
			if (!(i.width > 0 && i.height > 0)) return { ok: false, reason: `${i.name}: the image has no pixels` };
			const bad = importedProblem(i.imported);
			if (bad) return { ok: false, reason: `${i.name}: ${bad}` };
			images.set(i.id, i);
		}
		for (const u of [...(plan.importedOnExisting?.images ?? []), ...(plan.importedOnExisting?.classes ?? [])]) {
			const bad = importedProblem(u.imported) ?? ('supercategory' in u && u.supercategory !== undefined && !(typeof u.supercategory === 'string' && u.supercategory.length <= MAX_NAME_CHARS) ? 'its supercategory is too long' : null);
			if (bad) return { ok: false, reason: `${this.getImage(u.id)?.name ?? this.getClass(u.id)?.name ?? u.id}: ${bad}` };
		}
		const written = plan.packed ? this.checkPackedImport(plan.packed, classes, images) : this.packImport(plan, classes, images);
		if (!written.ok) return written;
		const annotated = new Set<Id>();
		for (const r of written.value) annotated.add('record' in r ? r.record.imageId : r.imageId);
		const settings = settingsAfterImport(this.settings, plan);
		const settingsCheck = settings && checkSettings(settings);
		if (settingsCheck && !settingsCheck.ok) return { ok: false, reason: `The dataset's own fields: ${settingsCheck.reason}` };
		this.ydoc.transact(() => {
			if (settings) this.maps.meta.set('settings', settings);
			for (const c of plan.classes) this.maps.classes.set(c.id, classes.get(c.id)!);
			for (const u of plan.importedOnExisting?.classes ?? []) {
				const c = this.getClass(u.id);
				if (c) this.maps.classes.set(c.id, { ...c, ...(u.imported && { imported: u.imported }), ...(u.supercategory && { supercategory: u.supercategory }) });
			}
			for (const i of images.values()) this.maps.images.set(i.id, annotated.has(i.id) && i.status === 'new' ? { ...i, status: 'in_progress' } : i);
		}, Origin.import);
		// Annotations in bounded transactions: each is one stored update, so a large import is loaded again
		// (and sent to a joining peer) in slices rather than as one update that takes seconds to apply.
		for (const batch of batchesOf<PackedAnnotation | PackedEntry>(written.value, IMPORT_TRANSACTION_BYTES))
			this.ydoc.transact(() => {
				for (const r of batch) {
					if ('record' in r) this.store.put(r);
					else this.store.putBytes(r.id, r.bytes);
				}
			}, Origin.import);
		this.ydoc.transact(() => {
			// Project images the input named: now in progress when they got annotations, and the file's id.
			const importedOn = new Map((plan.importedOnExisting?.images ?? []).map((u) => [u.id, u.imported]));
			for (const imageId of new Set([...annotated, ...importedOn.keys()])) {
				const existing = images.has(imageId) ? undefined : this.getImage(imageId);
				if (!existing) continue;
				const started = annotated.has(imageId) && existing.status === 'new';
				const imported = importedOn.get(imageId);
				if (started || imported) this.maps.images.set(imageId, { ...existing, ...(started && { status: 'in_progress' as const }), ...(imported && { imported }) });
			}
		}, Origin.import);
		return { ok: true, value: { classes: plan.classes.length, images: images.size, annotations: plan.packed?.ids.length ?? plan.annotations.length } };
	}

	/** Checks and packs a plan's annotations here (the converter's path; the app packs in its worker). */
	private packImport(plan: DatasetImportWrite, classes: ReadonlyMap<Id, ClassRecord>, images: ReadonlyMap<Id, ImageRecord>): Result<PackedAnnotation[]> {
		return packImportedAnnotations(plan.annotations, {
			actorId: this.actor.id,
			now: Date.now(),
			geometryChecked: plan.geometryChecked === true,
			image: (id) => images.get(id) ?? this.getImage(id),
			cls: (id) => classes.get(id),
			taken: (id) => this.getAnnotation(id) !== undefined,
			topZ: (id) => (images.has(id) ? 0 : this.topZ(id))
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
		if (packed.author !== this.actor.id) return { ok: false, reason: `The import was prepared for another member; ${again}` };
		for (const [id, json] of packed.classBasis) {
			const now = classes.get(id);
			if (!now || classRules(now) !== json) return { ok: false, reason: `The class “${now?.name ?? id}” changed while the import was prepared; ${again}` };
		}
		const entries: PackedEntry[] = [];
		const ids = new Set<Id>();
		for (const entry of packedEntries(packed)) {
			if (this.getAnnotation(entry.id) || ids.has(entry.id)) return { ok: false, reason: `An imported annotation's id is taken; ${again}` };
			ids.add(entry.id);
			if (!images.has(entry.imageId) && !this.getImage(entry.imageId)) return { ok: false, reason: `An image the import annotates was deleted while the import was prepared; ${again}` };
			entries.push(entry);
		}
		return { ok: true, value: entries };
	}

	// ---- undo ------------------------------------------------------------------------------------

	/** Reverts this user's latest edit. Edits that arrived from other replicas are never reverted. */
	undo(): boolean {
		return this.undoManager.undo() !== null;
	}

	redo(): boolean {
		return this.undoManager.redo() !== null;
	}

	get canUndo(): boolean {
		return this.undoManager.canUndo();
	}

	get canRedo(): boolean {
		return this.undoManager.canRedo();
	}

	// ---- change tracking -------------------------------------------------------------------------

	private writable(): { ok: false; reason: string } | null {
		return this.readOnlyReason ? { ok: false, reason: this.readOnlyReason } : null;
	}

	/** Checks what the transaction changed (see CheckedRecords) and tells the listeners what a reader sees change. */
	private afterTransaction(tr: Y.Transaction): void {
		const changed = new Map<RecordMap, Set<string>>();
		// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs keys `changed` by its types of any event
		const names: [RecordMap, Y.AbstractType<any>][] = [
			['meta', this.maps.meta],
			['classes', this.maps.classes],
			['images', this.maps.images],
			['annotations', this.maps.annotations],
			['annotations', this.maps.packedAnnotations],
			['versions', this.versionMap]
		];
		for (const [name, type] of names) {
			const keys = tr.changed.get(type);
			if (!keys?.size) continue;
			const known = changed.get(name);
			if (!known) changed.set(name, new Set(keys as Set<string>));
			else for (const k of keys as Set<string>) known.add(k);
		}
		if (changed.has('annotations') && this.maps.annotations.size && tr.origin !== Origin.migration) this.scheduleLegacyMove();
		const wasReadOnly = this.versionReadOnly;
		// This replica's model checked its own writes before making them; a migration's and undo's are checked here.
		const trusted = tr.local && (tr.origin === Origin.edit || tr.origin === Origin.admin || tr.origin === Origin.import);
		const c = changed.size ? this.checked.apply(changed, trusted) : null;
		this.store.endTransaction();
		this.refreshVersionLock();
		const lockChanged = wasReadOnly !== this.versionReadOnly;
		if (!lockChanged && (!c || (!c.annotations.size && !c.images.size && !c.classes && !c.meta && !c.versions && !c.problems))) return;
		this.emit({
			origin: tr.origin,
			local: isLocalOrigin(tr.origin) || tr.origin instanceof Y.UndoManager,
			annotations: c?.annotations ?? new Map(),
			images: c?.images ?? new Map(),
			classes: c?.classes ?? false,
			meta: (c?.meta ?? false) || lockChanged,
			versions: c?.versions ?? false,
			problems: c?.problems ?? false
		});
	}

	/**
	 * Moves annotations a v6 peer wrote into the map of packed ones (its offline work, merged now). Not
	 * inside the transaction that brought them: a write there would be part of applying a peer's update.
	 */
	private scheduleLegacyMove(): void {
		if (this.legacyMoveScheduled || !this.maps.annotations.size) return;
		this.legacyMoveScheduled = true;
		queueMicrotask(() => {
			this.legacyMoveScheduled = false;
			if (this.schemaVersion === SCHEMA_VERSION) this.moveLegacyAnnotations();
		});
	}

	private moveLegacyAnnotations(): void {
		if (!this.maps.annotations.size || this.readOnlyReason) return;
		this.ydoc.transact(() => (this.migrationSkipped = this.store.moveLegacy()), Origin.migration);
	}

	/** A newer schema locks this replica only while the document holds what it cannot read (see migrate). */
	private refreshVersionLock(): void {
		const version = this.maps.meta.get('schemaVersion');
		this.versionReadOnly = typeof version === 'number' && version > SCHEMA_VERSION ? this.newerSchemaReason(version) : null;
	}

	private emit(change: DocChange): void {
		for (const l of this.listeners) {
			try {
				l(change);
			} catch (e) {
				// One broken view must not stop the others, nor the sync that delivered the change.
				console.error('A document listener failed', e);
			}
		}
	}
}
