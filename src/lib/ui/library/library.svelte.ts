import { updateProjectEntry } from '$lib/storage/projects';
import type { ClassRecord, Id, ImageRecord, ImageStatus, ProjectDoc } from '$lib/model';
import type { ProjectSession } from '$lib/ui/project-session.svelte';

export type StatusFilter = 'all' | ImageStatus;

export const STATUS_LABEL: Record<ImageStatus, string> = { new: 'New', in_progress: 'In progress', done: 'Done' };

/**
 * What the library page shows of a project: its images, filtered by status and class, and its
 * classes. Listens to the document's changes and recomputes only what a change touched: adding a
 * class does not re-sort 10,000 images, an annotation edit does not rebuild the image list.
 */
export class LibraryState {
	readonly session: ProjectSession;
	readonly doc: ProjectDoc;

	/** Bumped when image records, annotations, classes or settings change. */
	imagesVersion = $state(0);
	annotationsVersion = $state(0);
	classesVersion = $state(0);
	metaVersion = $state(0);

	status = $state<StatusFilter>('all');
	/** Show only images with at least one annotation of this class. */
	classId = $state<Id | null>(null);

	readonly images: ImageRecord[] = $derived.by(() => {
		void this.imagesVersion;
		return this.doc.images();
	});

	readonly classes: ClassRecord[] = $derived.by(() => {
		void this.classesVersion;
		return this.doc.classes();
	});

	readonly name: string = $derived.by(() => {
		void this.metaVersion;
		return this.doc.settings.name;
	});

	readonly statusCounts: Record<StatusFilter, number> = $derived.by(() => {
		const counts = { all: this.images.length, new: 0, in_progress: 0, done: 0 };
		for (const image of this.images) counts[image.status]++;
		return counts;
	});

	/** Images having an annotation of the filtered class (computed only while that filter is on). */
	private readonly imagesOfClass: Set<Id> | null = $derived.by(() => {
		const classId = this.classId;
		if (!classId) return null;
		void this.annotationsVersion;
		const ids = new Set<Id>();
		for (const a of this.doc.allAnnotations()) if (a.classId === classId) ids.add(a.imageId);
		return ids;
	});

	readonly filtered: ImageRecord[] = $derived.by(() => {
		const status = this.status;
		const ofClass = this.imagesOfClass;
		if (status === 'all' && !ofClass) return this.images;
		return this.images.filter((i) => (status === 'all' || i.status === status) && (!ofClass || ofClass.has(i.id)));
	});

	private readonly stop: () => void;
	private countTimer: ReturnType<typeof setTimeout> | null = null;

	constructor(session: ProjectSession) {
		this.session = session;
		this.doc = session.doc;
		this.stop = this.doc.onChange((change) => {
			if (change.images.size) {
				this.imagesVersion++;
				this.saveImageCount();
			}
			if (change.annotations.size) this.annotationsVersion++;
			if (change.classes) this.classesVersion++;
			if (change.meta) this.metaVersion++;
		});
	}

	/** The number of annotations on an image (reactive). */
	annotationCount(imageId: Id): number {
		void this.annotationsVersion;
		return this.doc.annotationIds(imageId).size;
	}

	/** Adds a class; returns why not, or null. */
	addClass(name: string, color: string): string | null {
		const result = this.doc.addClass({ name, color });
		return result.ok ? null : result.reason;
	}

	updateClass(id: Id, patch: { name?: string; color?: string }): string | null {
		if (patch.name !== undefined) {
			const name = patch.name.trim();
			if (!name) return 'A class needs a name';
			if (this.classes.some((c) => c.id !== id && c.name.toLowerCase() === name.toLowerCase()))
				return `A class named “${name}” already exists`;
			patch = { ...patch, name };
		}
		const result = this.doc.updateClass(id, patch);
		return result.ok ? null : result.reason;
	}

	/** Renames the project; returns why not, or null. */
	rename(name: string): string | null {
		const result = this.doc.updateSettings({ name });
		if (!result.ok) return result.reason;
		void updateProjectEntry(this.session.id, { name: result.value.name }).catch(() => {});
		return null;
	}

	get readOnlyReason(): string | null {
		return this.doc.readOnlyReason;
	}

	/** Keeps the project list's image count current, without writing on every batch of an import. */
	private saveImageCount(delay = 1000): void {
		if (this.countTimer) clearTimeout(this.countTimer);
		this.countTimer = setTimeout(() => {
			this.countTimer = null;
			void updateProjectEntry(this.session.id, { imageCount: this.doc.imageCount }).catch(() => {});
		}, delay);
	}

	destroy(): void {
		this.stop();
		if (this.countTimer) {
			clearTimeout(this.countTimer);
			this.countTimer = null;
			void updateProjectEntry(this.session.id, { imageCount: this.doc.imageCount }).catch(() => {});
		}
	}
}
