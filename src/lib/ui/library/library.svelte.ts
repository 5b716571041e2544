import { onPageHide } from '$lib/storage/page-hide';
import { updateProjectEntry } from '$lib/storage/projects';
import { saveSummary, summarizeProject, type ImageSummary, type ProjectSummary } from '$lib/storage/project-summary';
import type { ClassRecord, Id, Problem, ProjectDoc } from '$lib/model';
import { DEFAULT_STAGE, type MemberRecord, type Stage } from '$lib/model/team/records';
import { missingRequired } from '$lib/model/attributes';
import type { ProjectSession } from '$lib/ui/project-session.svelte';
import { anyFilter, filterImages, walkLabel, type AssigneeFilter, type FilterChoice, type SplitFilter, type StageFilter } from './filters';
import { LibrarySplits } from './split-state.svelte';

export type { AssigneeFilter, SplitFilter, StageFilter };
export type LibraryImage = Pick<ImageSummary, 'id' | 'name' | 'hash' | 'width' | 'height'>;
export { STAGE_LABEL } from '$lib/model/team/records';

const OPENING = 'Still opening the project…';

/** How often the library redraws while a project arrives from a teammate in parts. */
const RECEIVING_REDRAW_MS = 250;

/**
 * What the library page shows of a project: its images, filtered by status and class, and its
 * classes. It starts from the saved summary of the project, if any, so that a large project can be
 * browsed at once, and follows the document itself as soon as it has loaded (`attach`). Once live, it
 * listens to the document's changes and recomputes only what a change touched.
 */
export class LibraryState {
	readonly projectId: string;
	/** The open document; null while only the summary is shown. */
	session = $state<ProjectSession | null>(null);
	private readonly summary: ProjectSummary | null;

	/** Bumped when image records, annotations, classes or settings change. */
	imagesVersion = $state(0);
	annotationsVersion = $state(0);
	classesVersion = $state(0);
	metaVersion = $state(0);
	problemsVersion = $state(0);
	/** Bumped when the team's records change (stages, assignments, threads, members). */
	teamVersion = $state(0);

	stage = $state<StageFilter>('all');
	/** Show only images with at least one annotation of this class. */
	classId = $state<Id | null>(null);
	/** Show only images with an annotation that lacks a required attribute. */
	needsAttributes = $state(false);
	/** Show only images with model proposals awaiting review. */
	awaitingReview = $state(false);
	/** Show only images assigned to someone (me, a member) or to nobody. */
	assignee = $state<AssigneeFilter>('any');
	/** Show only my work: images assigned to me that wait in annotate. */
	myWork = $state(false);
	/** Show only images with open comment threads. */
	openThreads = $state(false);
	/** Show only images of one stored split, or without one. */
	split = $state<SplitFilter>('any');

	/** The project's stored splits: each image's, their counts, the writes. */
	readonly splits = new LibrarySplits(this);

	/** Images picked in the grid (for Assign…); cleared when the filters change. */
	selected = $state.raw<ReadonlySet<Id>>(new Set());
	/** Where a shift-click's range starts. */
	private anchor: Id | null = null;

	private readonly summaryById: Map<Id, ImageSummary>;

	readonly images: LibraryImage[] = $derived.by(() => {
		void this.imagesVersion;
		return this.doc ? this.doc.images() : (this.summary?.images ?? []);
	});

	readonly classes: ClassRecord[] = $derived.by(() => {
		void this.classesVersion;
		return this.doc ? this.doc.classes() : (this.summary?.classes ?? []);
	});

	/** Records kept out of the project as unreadable (model/checked-records.ts). */
	readonly problems: Problem[] = $derived.by(() => {
		void this.problemsVersion;
		return this.doc ? this.doc.problems() : [];
	});

	readonly name: string = $derived.by(() => {
		void this.metaVersion;
		return this.doc ? this.doc.settings.name : (this.summary?.name ?? '');
	});

	readonly stageCounts: Record<StageFilter, number> = $derived.by(() => {
		const counts: Record<StageFilter, number> = { all: this.images.length, annotate: 0, review: 0, done: 0 };
		for (const image of this.images) counts[this.stageOf(image.id)]++;
		return counts;
	});

	/** An image's review stage (reactive). */
	stageOf(imageId: Id): Stage {
		void this.teamVersion;
		const doc = this.doc;
		if (!doc) return this.summaryById.get(imageId)?.stage ?? DEFAULT_STAGE;
		// A blind task (consensus, gold) is this member's own work: its stage is theirs.
		return doc.quality.stageSeenBy(imageId, this.myIds);
	}

	/** Images having an annotation of the filtered class (computed only while that filter is on). */
	private readonly imagesOfClass: Set<Id> | null = $derived.by(() => {
		const classId = this.classId;
		if (!classId) return null;
		void this.annotationsVersion;
		const ids = new Set<Id>();
		if (this.doc) {
			for (const a of this.doc.allAnnotations()) if (a.classId === classId) ids.add(a.imageId);
		} else for (const i of this.summary?.images ?? []) if (i.classIds.includes(classId)) ids.add(i.id);
		return ids;
	});

	/** The project's members, by name (none while only the summary is shown). */
	readonly members: MemberRecord[] = $derived.by(() => {
		void this.teamVersion;
		return this.doc ? this.doc.members.list() : [];
	});

	/** This device's member's ids (its member id and earlier ones); empty while its identity loads. */
	readonly myIds: ReadonlySet<Id> = $derived(this.session?.myIds ?? new Set());

	/** My work: images assigned to me waiting in annotate, and my open blind tasks, in project order. */
	readonly myWorkIds: Id[] = $derived.by(() => {
		void this.teamVersion;
		void this.imagesVersion;
		const doc = this.doc;
		if (!doc || !this.myIds.size) return [];
		const assigned = doc.assignments.workOf(this.myIds);
		const blind = doc.quality.openTasksOf(this.myIds);
		if (!blind.size) return assigned;
		// Blind tasks (consensus, gold) are work too, in the project's order.
		const mine = new Set([...assigned, ...blind]);
		return this.images.filter((i) => mine.has(i.id)).map((i) => i.id);
	});
	private readonly myWorkSet: ReadonlySet<Id> = $derived(new Set(this.myWorkIds));

	/** Open comment threads per image (of images still in the project). */
	private readonly openCounts: Map<Id, number> = $derived.by(() => {
		void this.teamVersion;
		void this.imagesVersion;
		const doc = this.doc;
		if (!doc) return new Map();
		const counts = doc.comments.openCounts();
		for (const id of counts.keys()) if (!doc.getImage(id)) counts.delete(id);
		return counts;
	});

	/** How many images have open threads. */
	readonly openThreadImages: number = $derived(this.openCounts.size);

	/** Open threads on an image (reactive). */
	openThreadsOf(imageId: Id): number {
		return this.openCounts.get(imageId) ?? 0;
	}

	/** Who an image is assigned to (reactive); null when nobody (or a member not in the list yet). */
	assigneeOf(imageId: Id): MemberRecord | null {
		void this.teamVersion;
		const doc = this.doc;
		const a = doc?.assignments.of(imageId);
		if (!doc || !a) return null;
		return doc.members.resolve(a.member) ?? null;
	}

	/** Whether a reviewer sent the image back (reactive). */
	rejectedOf(imageId: Id): boolean {
		void this.teamVersion;
		return !!this.doc?.review.stageOf(imageId).rejected;
	}

	/** The images assigned to whom the assignee filter names (for 'none': to anyone). */
	private readonly assignedSet: ReadonlySet<Id> = $derived.by(() => {
		const who = this.assignee;
		if (who === 'any') return new Set<Id>();
		void this.teamVersion;
		void this.imagesVersion;
		const doc = this.doc;
		if (!doc) return new Set<Id>();
		if (who === 'me') return doc.assignments.imagesOf(this.myIds);
		if (who === 'none') {
			const all = new Set<Id>();
			for (const i of this.images) if (doc.assignments.of(i.id)) all.add(i.id);
			return all;
		}
		const member = doc.members.get(who.member);
		return member ? doc.assignments.imagesOf(doc.members.idsOf(member)) : new Set<Id>();
	});

	/** How many images each member has assigned (under any of its ids), by member id. */
	readonly assignedCounts: Map<Id, number> = $derived.by(() => {
		void this.teamVersion;
		void this.imagesVersion;
		const counts = new Map<Id, number>();
		const doc = this.doc;
		if (!doc) return counts;
		for (const i of this.images) {
			const a = doc.assignments.of(i.id);
			const m = a && doc.members.resolve(a.member);
			if (m) counts.set(m.id, (counts.get(m.id) ?? 0) + 1);
		}
		return counts;
	});

	/** How many images are assigned to nobody. */
	readonly unassignedCount: number = $derived.by(() => {
		void this.teamVersion;
		void this.imagesVersion;
		const doc = this.doc;
		if (!doc) return this.images.length;
		let n = 0;
		for (const i of this.images) if (!doc.assignments.of(i.id)) n++;
		return n;
	});

	/** The filters as they are set now. */
	get choice(): FilterChoice {
		return {
			stage: this.stage,
			classId: this.classId,
			needsAttributes: this.needsAttributes,
			awaitingReview: this.awaitingReview,
			assignee: this.assignee,
			myWork: this.myWork,
			openThreads: this.openThreads,
			split: this.split
		};
	}

	/** Whether any filter is on. */
	readonly filtering: boolean = $derived(anyFilter(this.choice));

	readonly filtered: LibraryImage[] = $derived.by(() =>
		filterImages(this.images, this.choice, {
			stageOf: (id) => this.stageOf(id),
			ofClass: this.imagesOfClass,
			missingRequired: (id) => this.missingRequired(id),
			proposals: (id) => this.proposalCount(id),
			assigned: this.assignedSet,
			myWork: this.myWorkSet,
			openThreads: (id) => this.openThreadsOf(id),
			splitOf: (id) => this.splits.of(id)
		})
	);

	/** Turns every filter off. */
	clearFilters(): void {
		this.stage = 'all';
		this.classId = null;
		this.needsAttributes = false;
		this.awaitingReview = false;
		this.assignee = 'any';
		this.myWork = false;
		this.openThreads = false;
		this.split = 'any';
	}

	/** Picks or unpicks an image; with `range`, every image of the filtered list from the last one picked. */
	toggleSelected(imageId: Id, range = false): void {
		const next = new Set(this.selected);
		const list = this.filtered;
		const from = range && this.anchor ? list.findIndex((i) => i.id === this.anchor) : -1;
		const to = list.findIndex((i) => i.id === imageId);
		if (from >= 0 && to >= 0) {
			const on = this.selected.has(this.anchor!);
			for (let k = Math.min(from, to); k <= Math.max(from, to); k++) {
				if (on) next.add(list[k].id);
				else next.delete(list[k].id);
			}
		} else if (next.has(imageId)) next.delete(imageId);
		else next.add(imageId);
		this.anchor = imageId;
		this.selected = next;
	}

	/** Picks every image the filters show. */
	selectAllFiltered(): void {
		this.selected = new Set(this.filtered.map((i) => i.id));
	}

	clearSelection(): void {
		this.anchor = null;
		if (this.selected.size) this.selected = new Set();
	}

	/** The picked images that the filters show (an assignment may have taken some out), in the library's order. */
	readonly selectedInView: Id[] = $derived.by(() => {
		const picked = this.selected;
		if (!picked.size) return [];
		return this.filtered.filter((i) => picked.has(i.id)).map((i) => i.id);
	});

	/**
	 * Called when an image is opened from the grid: the editor's next/previous (D/F) walks the filtered
	 * list ("My work", say); every image when no filter is on.
	 */
	opening(): void {
		const session = this.session;
		if (!session) return;
		const label = walkLabel(this.choice);
		session.walk = label ? { label, ids: this.filtered.map((i) => i.id) } : null;
	}

	private stop: (() => void) | null = null;
	private saveTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(projectId: string, summary: ProjectSummary | null) {
		this.projectId = projectId;
		this.summary = summary;
		this.summaryById = new Map(summary?.images.map((i) => [i.id, i]));
	}

	get doc(): ProjectDoc | null {
		return this.session?.doc ?? null;
	}

	/** Switches from the summary to the loaded document. */
	attach(session: ProjectSession): void {
		if (this.session) return;
		this.session = session;
		// While a project arrives from a teammate (a part every few tens of milliseconds), what the library
		// derives from the document is brought up to date a few times a second, not once per part.
		const pending = { images: false, annotations: false, classes: false, meta: false, problems: false, team: false };
		let bumpTimer: ReturnType<typeof setTimeout> | null = null;
		const bump = () => {
			bumpTimer = null;
			if (pending.images) this.imagesVersion++;
			if (pending.annotations) this.annotationsVersion++;
			if (pending.classes) this.classesVersion++;
			if (pending.meta) this.metaVersion++;
			if (pending.problems) this.problemsVersion++;
			if (pending.team) this.teamVersion++;
			pending.images = pending.annotations = pending.classes = pending.meta = pending.problems = pending.team = false;
		};
		const stopChanges = session.doc.onChange((change) => {
			pending.images ||= change.images.size > 0;
			pending.annotations ||= change.annotations.size > 0;
			pending.classes ||= change.classes;
			pending.meta ||= change.meta;
			pending.problems ||= change.problems;
			pending.team ||= change.team.size > 0;
			if (!session.incoming) {
				if (bumpTimer) clearTimeout(bumpTimer);
				bump();
			} else bumpTimer ??= setTimeout(bump, RECEIVING_REDRAW_MS);
			this.scheduleSave();
		});
		// Only a cache, but a stale one shows wrong counts until the document has loaded again.
		const stopFlush = onPageHide(() => this.saveTimer && this.saveNow());
		this.stop = () => {
			stopChanges();
			stopFlush();
			if (bumpTimer) clearTimeout(bumpTimer);
		};
		this.imagesVersion++;
		this.annotationsVersion++;
		this.classesVersion++;
		this.metaVersion++;
		this.teamVersion++;
		this.scheduleSave(); // the summary may be stale (edits in the editor, or none saved yet)
	}

	/** The number of annotations on an image (reactive). */
	annotationCount(imageId: Id): number {
		void this.annotationsVersion;
		// On a blind task, this member's own layer (a gold image's reference stays unseen).
		return this.doc ? this.doc.annotationIds(imageId, this.doc.quality.workingLayer(imageId)).size : (this.summaryById.get(imageId)?.annotationCount ?? 0);
	}

	/** How many annotations the loaded document holds (null while only the summary is shown). */
	get annotationTotal(): number | null {
		void this.annotationsVersion;
		return this.doc ? this.doc.annotationCount : null;
	}

	/** Adds a class; returns why not, or null. */
	addClass(name: string, color: string): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.addClass({ name, color });
		return result.ok ? null : result.reason;
	}

	updateClass(id: Id, patch: Partial<Omit<ClassRecord, 'id'>>): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.updateClass(id, patch);
		return result.ok ? null : result.reason;
	}

	/** How many annotations a class has (for the delete and merge confirmations). */
	countOfClass(id: Id): number {
		void this.annotationsVersion;
		return this.doc?.countAnnotationsOfClass(id) ?? 0;
	}

	deleteClass(id: Id): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.deleteClass(id);
		if (result.ok && this.classId === id) this.classId = null;
		return result.ok ? null : result.reason;
	}

	mergeClasses(fromId: Id, intoId: Id): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.mergeClasses(fromId, intoId);
		if (result.ok && this.classId === fromId) this.classId = intoId;
		return result.ok ? null : result.reason;
	}

	moveClass(id: Id, newIndex: number): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.reorderClass(id, newIndex);
		return result.ok ? null : result.reason;
	}

	readonly tagMode: 'single' | 'multi' = $derived.by(() => {
		void this.metaVersion;
		return this.doc?.tagMode ?? 'multi';
	});

	setTagMode(mode: 'single' | 'multi'): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.setTagMode(mode);
		return result.ok ? null : result.reason;
	}

	/** How many annotations of an image lack a required attribute (reactive). */
	missingRequired(imageId: Id): number {
		void this.annotationsVersion;
		void this.classesVersion;
		const doc = this.doc;
		if (!doc) return this.summaryById.get(imageId)?.missingRequired ?? 0;
		let n = 0;
		for (const id of doc.annotationIds(imageId)) {
			const a = doc.getAnnotation(id);
			if (a && missingRequired(a, doc.getClass(a.classId)).length) n++;
		}
		return n;
	}

	/** How many model proposals on an image await review (reactive). */
	proposalCount(imageId: Id): number {
		void this.annotationsVersion;
		const doc = this.doc;
		if (!doc) return this.summaryById.get(imageId)?.proposals ?? 0;
		let n = 0;
		for (const id of doc.annotationIds(imageId)) if (doc.getAnnotation(id)?.proposal) n++;
		return n;
	}

	/** Renames the project; returns why not, or null. */
	rename(name: string): string | null {
		if (!this.doc) return OPENING;
		const result = this.doc.updateSettings({ name });
		if (!result.ok) return result.reason;
		void updateProjectEntry(this.projectId, { name: result.value.name }).catch(() => {});
		return null;
	}

	/** Why nothing can be changed now (still opening, or a newer schema), or null. */
	get readOnlyReason(): string | null {
		if (!this.doc) return OPENING;
		void this.metaVersion; // a newer schema's lock comes and goes with the document's changes
		void this.problemsVersion;
		if (this.session?.awaitingDocument && this.session.sharing) {
			const incoming = this.session.incoming;
			if (incoming) {
				const mb = (n: number) => (n / 1e6).toFixed(1);
				return `Receiving the project from a teammate… ${Math.floor((100 * incoming.received) / incoming.total)} % (${mb(incoming.received)} of ${mb(incoming.total)} MB)`;
			}
			return 'Waiting for a teammate who has this project to come online: it arrives from them, directly.';
		}
		return this.doc.readOnlyReason;
	}

	/** Keeps the summary and the project list's image count current, without writing on every change. */
	private scheduleSave(delay = 1000): void {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.saveTimer = setTimeout(() => this.save(), delay);
	}

	private save(): void {
		this.saveTimer = null;
		const doc = this.doc;
		if (!doc) return;
		void saveSummary(summarizeProject(this.projectId, doc));
		void updateProjectEntry(this.projectId, { imageCount: doc.imageCount }).catch(() => {});
	}

	private saveNow(): void {
		if (this.saveTimer) clearTimeout(this.saveTimer);
		this.save();
	}

	destroy(): void {
		this.stop?.();
		if (this.saveTimer) this.saveNow();
	}
}
