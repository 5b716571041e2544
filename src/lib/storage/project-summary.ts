import type { ClassRecord, Id, ImageRecord, ProjectDoc } from '$lib/model';
import { missingRequired } from '$lib/model/attributes';
import { db } from './db';
import type { Stage } from '$lib/model/team/records';

/** One image as the library shows it. */
export type ImageSummary = Pick<ImageRecord, 'id' | 'name' | 'hash' | 'width' | 'height'> & {
	/** Its review stage (absent in summaries saved before schema v8: annotate). */
	stage?: Stage;
	annotationCount: number;
	classIds: Id[];
	/** How many of its annotations lack a required attribute (absent in summaries saved before v3). */
	missingRequired?: number;
	/** How many of its annotations are model proposals awaiting review (absent: none). */
	proposals?: number;
};

/**
 * What the library shows of a project, saved beside its document: a project of 100,000 annotations
 * takes seconds to load as a CRDT, and its library can be shown and browsed from this meanwhile.
 * It is a cache: the document stays the truth and replaces it as soon as it has loaded.
 */
export interface ProjectSummary {
	projectId: string;
	savedAt: number;
	name: string;
	classes: ClassRecord[];
	images: ImageSummary[];
}

export function summarizeProject(projectId: string, doc: ProjectDoc): ProjectSummary {
	const classIdsOf = new Map<Id, Set<Id>>();
	const missingOf = new Map<Id, number>();
	const proposalsOf = new Map<Id, number>();
	for (const a of doc.allAnnotations()) {
		if (a.proposal) proposalsOf.set(a.imageId, (proposalsOf.get(a.imageId) ?? 0) + 1);
		if (missingRequired(a, doc.getClass(a.classId)).length) missingOf.set(a.imageId, (missingOf.get(a.imageId) ?? 0) + 1);
		let set = classIdsOf.get(a.imageId);
		if (!set) classIdsOf.set(a.imageId, (set = new Set()));
		set.add(a.classId);
	}
	return {
		projectId,
		savedAt: Date.now(),
		name: doc.settings.name,
		classes: doc.classes(),
		images: doc.images().map(({ id, name, hash, width, height }) => ({
			id,
			name,
			hash,
			width,
			height,
			stage: doc.review.stageOf(id).stage,
			annotationCount: doc.annotationIds(id).size,
			classIds: [...(classIdsOf.get(id) ?? [])],
			missingRequired: missingOf.get(id) ?? 0,
			// Only where there are some: most projects never have proposals.
			...(proposalsOf.has(id) && { proposals: proposalsOf.get(id) })
		}))
	};
}

export async function loadSummary(projectId: string): Promise<ProjectSummary | undefined> {
	return (await db()).get('summaries', projectId);
}

/** Saves the summary; a cache, so a full disk only means the next open is slower. */
export async function saveSummary(summary: ProjectSummary): Promise<void> {
	await (await db()).put('summaries', summary).catch(() => {});
}

export async function deleteSummary(projectId: string): Promise<void> {
	await (await db()).delete('summaries', projectId);
}
