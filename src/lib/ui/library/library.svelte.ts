import { onPageHide } from '$lib/storage/page-hide';
import { updateProjectEntry } from '$lib/storage/projects';
import { saveSummary, summarizeProject, type ImageSummary, type ProjectSummary } from '$lib/storage/project-summary';
import type { ClassRecord, Id, Problem, ProjectDoc } from '$lib/model';
import { DEFAULT_STAGE, type Stage } from '$lib/model/team/records';
import { missingRequired } from '$lib/model/attributes';
import type { ProjectSession } from '$lib/ui/project-session.svelte';

export type StageFilter = 'all' | Stage;
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
		return doc.review.stageOf(imageId).stage;
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

	readonly filtered: LibraryImage[] = $derived.by(() => {
		const stage = this.stage;
		const ofClass = this.imagesOfClass;
		const needs = this.needsAttributes;
		const review = this.awaitingReview;
		if (stage === 'all' && !ofClass && !needs && !review) return this.images;
		return this.images.filter(
			(i) =>
				(stage === 'all' || this.stageOf(i.id) === stage) &&
				(!ofClass || ofClass.has(i.id)) &&
				(!needs || this.missingRequired(i.id) > 0) &&
				(!review || this.proposalCount(i.id) > 0)
		);
	});

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
		return this.doc ? this.doc.annotationIds(imageId).size : (this.summaryById.get(imageId)?.annotationCount ?? 0);
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
