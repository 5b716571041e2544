import type { AnnotationRecord, Id, ProjectDoc } from '$lib/model';
import type { TaskRecord } from '$lib/model/team/records';
import { creatorsOf } from './quality-case';

/**
 * The sets of shapes a reviewer compares on an image, by member: on a consensus image the layers of
 * the members who have submitted (all of them once merged: nobody edits any more), on a gold image the
 * submitted testers' layers, elsewhere the image's own shapes by who made them (item 3).
 */
export function comparedLayers(doc: ProjectDoc, imageId: Id): Map<Id, AnnotationRecord[]> {
	const q = doc.quality;
	const consensus = q.consensusOf(imageId);
	if (consensus || q.isGold(imageId)) {
		const kind: TaskRecord['kind'] = consensus ? 'consensus' : 'gold';
		const done = new Set(q.tasksOf(imageId).filter((t) => t.kind === kind && (t.submittedAt !== undefined || consensus?.merged)).map((t) => t.member));
		return new Map([...q.layersOf(imageId)].filter(([member]) => done.has(member)));
	}
	return creatorsOf(doc, doc.annotationsOf(imageId));
}

