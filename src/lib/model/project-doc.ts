import * as Y from 'yjs';
import { Origin, isLocalOrigin } from './origins';
import { FIRST_SCHEMA_VERSION, MIGRATIONS, SCHEMA_VERSION, TEAM_MAPS, type DocMaps, type TeamMap } from './schema';
import { AnnotationStore, LEGACY_ANNOTATIONS, PACKED_ANNOTATIONS } from './annotation-store';
import { CheckedRecords, type ChangeAction, type CheckedChange, type Problem, type RecordMap } from './checked-records';
import type { Actor, Id, ProjectSettings } from './records';
import type { DocCore, Result } from './families/core';
import { ClassRecords } from './families/classes';
import { ImageRecords } from './families/images';
import { AnnotationRecords, type AnnotationPatch, type NewAnnotation, type NewProposal } from './families/annotations';
import { Proposals } from './families/proposals';
import { ZOrder } from './families/z-order';
import { Versions } from './families/versions';
import { DatasetImport, type DatasetImportWrite } from './families/dataset-import';
import { MemberRecords } from './families/members';
import { CommentThreads } from './families/comments';
import { Assignments } from './families/assignments';
import { Review } from './families/review';
import { ActivityLog } from './families/activity';
import { Splits } from './families/splits';
import { QualityTasks } from './families/quality';

export type { Result } from './families/core';
export type { AnnotationPatch, NewAnnotation, NewProposal } from './families/annotations';
export { LOCKED_REASON } from './families/annotations';
export { DEFAULT_CLASS_COLORS } from './families/classes';
export type { DatasetImportWrite } from './families/dataset-import';
export type { ChangeAction };

/** What one transaction changed, as a reader of the checked records sees it (see CheckedChange). */
export interface DocChange extends CheckedChange {
	origin: unknown;
	/** True when the change was made through this replica's model (not loaded, not from a peer). */
	local: boolean;
}

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

/**
 * The project document: one Y.Doc per project, top-level maps of records keyed by id. The model
 * (this class and `model/families/`) is the only code that touches Y types; everything else reads
 * records and calls these methods. This class is the core: the Y types, the read boundary, the read-only
 * lock, migration, undo and change events. Each record family's reads and writes live in a module of its
 * own (`model/families/*.ts`), reached through the methods below. A record is always replaced whole, so
 * concurrent edits of one record resolve last-writer-wins, identically on every replica (Y.Map's rule).
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

	private readonly classRecords: ClassRecords;
	private readonly imageRecords: ImageRecords;
	private readonly annotationRecords: AnnotationRecords;
	private readonly proposalRecords: Proposals;
	private readonly zOrder: ZOrder;
	private readonly versionRecords: Versions;
	private readonly datasetImport: DatasetImport;

	/** The team (schema v8): reached directly, one object per record family. */
	readonly members: MemberRecords;
	readonly comments: CommentThreads;
	readonly assignments: Assignments;
	readonly review: Review;
	readonly activity: ActivityLog;
	/** Label quality (schema v9): stored splits; consensus, gold and members' blind layers. */
	readonly splits: Splits;
	readonly quality: QualityTasks;

	constructor(ydoc: Y.Doc = new Y.Doc(), actor: Actor = { id: 'local', name: 'Local user' }) {
		this.ydoc = ydoc;
		this.actor = actor;
		this.maps = {
			meta: ydoc.getMap('meta'),
			classes: ydoc.getMap('classes'),
			images: ydoc.getMap('images'),
			annotations: ydoc.getMap(LEGACY_ANNOTATIONS),
			packedAnnotations: ydoc.getMap(PACKED_ANNOTATIONS),
			members: ydoc.getMap('members'),
			threads: ydoc.getMap('threads'),
			comments: ydoc.getMap('comments'),
			assignments: ydoc.getMap('assignments'),
			stages: ydoc.getMap('stages'),
			reviews: ydoc.getMap('reviews'),
			activity: ydoc.getMap('activity'),
			splits: ydoc.getMap('splits'),
			consensus: ydoc.getMap('consensus'),
			tasks: ydoc.getMap('tasks'),
			gold: ydoc.getMap('gold')
		};
		this.store = new AnnotationStore(this.maps.packedAnnotations, this.maps.annotations);
		this.versionMap = ydoc.getMap('versions');
		this.undoManager = new Y.UndoManager([this.maps.packedAnnotations, this.maps.images], {
			trackedOrigins: new Set([Origin.edit]),
			captureTimeout: 0, // one user action, one undo step
			deleteFilter: (item) => !isConcurrentlyContested(item)
		});
		this.checked = new CheckedRecords(this.maps, this.versionMap, this.store);
		// The families read the member as it is now (setActor may change it).
		const doc = this;
		const core: DocCore = {
			ydoc,
			maps: this.maps,
			store: this.store,
			versionMap: this.versionMap,
			checked: this.checked,
			get actor() {
				return doc.actor;
			},
			writable: () => this.writable(),
			putAnnotation: (record) => {
				const packed = AnnotationStore.pack(record, this.getImage(record.imageId));
				if (!packed.ok) return false;
				this.store.put(packed.value);
				return true;
			}
		};
		this.classRecords = new ClassRecords(this, core);
		this.imageRecords = new ImageRecords(core);
		this.annotationRecords = new AnnotationRecords(this, core);
		this.proposalRecords = new Proposals(this, core);
		this.zOrder = new ZOrder(this, core);
		this.versionRecords = new Versions(core);
		this.datasetImport = new DatasetImport(this, core, this.classRecords);
		this.members = new MemberRecords(core);
		this.comments = new CommentThreads(core);
		this.assignments = new Assignments(core, () => this.imageRecords.images());
		this.review = new Review(core, this.comments);
		this.activity = new ActivityLog(core);
		this.splits = new Splits(core);
		this.quality = new QualityTasks(core, {
			createAnnotations: (inputs, origin, layer) => this.annotationRecords.createAnnotations(inputs, origin, layer),
			annotationsOf: (imageId, layer) => this.annotationRecords.annotationsOf(imageId, layer)
		});
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
		const ours = new Set<string>(['meta', 'classes', 'images', LEGACY_ANNOTATIONS, PACKED_ANNOTATIONS, 'versions', ...TEAM_MAPS]);
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


	// ---- classes (model/families/classes.ts) ------------------------------------

	classes() {
		return this.classRecords.classes();
	}

	getClass(id: Id) {
		return this.classRecords.getClass(id);
	}

	addClass(input: Parameters<ClassRecords['addClass']>[0]) {
		return this.classRecords.addClass(input);
	}

	updateClass(id: Id, patch: Parameters<ClassRecords['updateClass']>[1]) {
		return this.classRecords.updateClass(id, patch);
	}

	countAnnotationsOfClass(id: Id) {
		return this.classRecords.countAnnotationsOfClass(id);
	}

	deleteClass(id: Id) {
		return this.classRecords.deleteClass(id);
	}

	mergeClasses(fromId: Id, intoId: Id) {
		return this.classRecords.mergeClasses(fromId, intoId);
	}

	reorderClass(id: Id, newIndex: number) {
		return this.classRecords.reorderClass(id, newIndex);
	}

	// ---- images (model/families/images.ts) --------------------------------------

	images() {
		return this.imageRecords.images();
	}

	get imageCount() {
		return this.imageRecords.imageCount;
	}

	getImage(id: Id) {
		return this.imageRecords.getImage(id);
	}

	findImageByHash(hash: string) {
		return this.imageRecords.findImageByHash(hash);
	}

	addImages(inputs: Parameters<ImageRecords['addImages']>[0]) {
		return this.imageRecords.addImages(inputs);
	}

	// ---- annotations (model/families/annotations.ts) ----------------------------

	get annotationCount() {
		return this.annotationRecords.annotationCount;
	}

	getAnnotation(id: Id) {
		return this.annotationRecords.getAnnotation(id);
	}

	/** The ids of an image's own annotations, or (with `layer`) of that member's blind layer on it. */
	annotationIds(imageId: Id, layer?: Id) {
		return this.annotationRecords.annotationIds(imageId, layer);
	}

	/** An image's own annotations (what exports read), or (with `layer`) a member's blind layer on it. */
	annotationsOf(imageId: Id, layer?: Id) {
		return this.annotationRecords.annotationsOf(imageId, layer);
	}

	/** What this member works on and sees on an image: their blind layer while they have an open task there, else the image's own annotations. */
	workingAnnotationsOf(imageId: Id) {
		return this.annotationRecords.annotationsOf(imageId, this.quality.workingLayer(imageId));
	}

	allAnnotations() {
		return this.annotationRecords.allAnnotations();
	}

	createAnnotation(input: NewAnnotation) {
		return this.annotationRecords.createAnnotation(input);
	}

	createAnnotations(inputs: NewAnnotation[], origin?: string) {
		return this.annotationRecords.createAnnotations(inputs, origin);
	}

	updateAnnotation(id: Id, patch: AnnotationPatch) {
		return this.annotationRecords.updateAnnotation(id, patch);
	}

	setTag(imageId: Id, classId: Id, on: boolean) {
		return this.annotationRecords.setTag(imageId, classId, on);
	}

	deleteAnnotations(ids: Iterable<Id>) {
		return this.annotationRecords.deleteAnnotations(ids);
	}

	topZ(imageId: Id, layer?: Id) {
		return this.annotationRecords.topZ(imageId, layer);
	}

	// ---- proposals (model/families/proposals.ts) --------------------------------

	addProposals(imageId: Id, proposals: NewProposal[]) {
		return this.proposalRecords.addProposals(imageId, proposals);
	}

	proposalsOf(imageId: Id) {
		return this.proposalRecords.proposalsOf(imageId);
	}

	acceptProposals(ids: Iterable<Id>) {
		return this.proposalRecords.acceptProposals(ids);
	}

	rejectProposals(ids: Iterable<Id>) {
		return this.proposalRecords.rejectProposals(ids);
	}

	acceptAllProposals(imageId: Id) {
		return this.proposalRecords.acceptAllProposals(imageId);
	}

	// ---- z-order (model/families/z-order.ts) ------------------------------------

	setZExtreme(id: Id, side: 1 | -1) {
		return this.zOrder.setZExtreme(id, side);
	}

	stepZ(id: Id, step: 1 | -1) {
		return this.zOrder.stepZ(id, step);
	}

	// ---- versions (model/families/versions.ts) ----------------------------------

	snapshot() {
		return this.versionRecords.snapshot();
	}

	counts() {
		return this.versionRecords.counts();
	}

	versions() {
		return this.versionRecords.versions();
	}

	checkVersionName(name: string) {
		return this.versionRecords.checkVersionName(name);
	}

	recordVersion(input: Parameters<Versions['recordVersion']>[0]) {
		return this.versionRecords.recordVersion(input);
	}

	// ---- dataset-import (model/families/dataset-import.ts) ----------------------

	importDataset(plan: DatasetImportWrite) {
		return this.datasetImport.importDataset(plan);
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
			['versions', this.versionMap],
			...TEAM_MAPS.map((m): [RecordMap, Y.Map<unknown>] => [m, this.maps[m]])
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
		if (c) this.afterTeamChange(c.team, c.annotations.size > 0);
		// What this replica's own edits did goes into its activity log (an undo is an edit too).
		const own = tr.local && (trusted || tr.origin instanceof Y.UndoManager);
		if (c && own && c.annotations.size) this.activity.note(c.annotations, tr.origin);
		this.refreshVersionLock();
		const lockChanged = wasReadOnly !== this.versionReadOnly;
		if (!lockChanged && (!c || (!c.annotations.size && !c.images.size && !c.classes && !c.meta && !c.versions && !c.problems && !c.team.size))) return;
		this.emit({
			origin: tr.origin,
			local: isLocalOrigin(tr.origin) || tr.origin instanceof Y.UndoManager,
			annotations: c?.annotations ?? new Map(),
			images: c?.images ?? new Map(),
			classes: c?.classes ?? false,
			meta: (c?.meta ?? false) || lockChanged,
			versions: c?.versions ?? false,
			problems: c?.problems ?? false,
			team: c?.team ?? new Set()
		});
	}

	/** Drops what the team's families derived from records that changed (rebuilt when next asked). */
	private afterTeamChange(team: ReadonlySet<TeamMap>, annotationsChanged: boolean): void {
		if (team.has('members')) this.members.invalidate();
		if (team.has('comments')) this.comments.invalidate();
		if (team.has('activity') || annotationsChanged) this.activity.invalidate();
		if (team.has('tasks')) this.quality.invalidate();
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
