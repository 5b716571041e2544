import type { AnnotationRecord, Id, ProjectDoc } from '$lib/model';
import { comparedLayers } from './layers';

/** Where a consensus image is: members still labelling, ready for a reviewer, or merged. */
export type ConsensusState = { kind: 'waiting'; missing: number } | { kind: 'ready' } | { kind: 'merged' };

export interface ReportLayer {
	member: Id;
	annotations: AnnotationRecord[];
}

export interface ConsensusRow {
	imageId: Id;
	name: string;
	width: number;
	height: number;
	members: Id[];
	state: ConsensusState;
	/** The submitted members' layers (all of them once merged). */
	layers: ReportLayer[];
}

export interface GoldRow {
	imageId: Id;
	name: string;
	width: number;
	height: number;
	reference: AnnotationRecord[];
	/** The testers who have submitted, with their layers. */
	testers: ReportLayer[];
}

/**
 * What the quality page counts, read from the document on the main thread as plain records (the worker
 * gets them as they are): every consensus image with its state and submitted layers, every gold image
 * with its reference and submitted testers.
 */
export function reportInputOf(doc: ProjectDoc): { consensus: ConsensusRow[]; gold: GoldRow[] } {
	const q = doc.quality;
	const byName = <T extends { name: string; imageId: Id }>(a: T, b: T) => a.name.localeCompare(b.name) || (a.imageId < b.imageId ? -1 : 1);
	const layersOf = (imageId: Id) => [...comparedLayers(doc, imageId)].map(([member, annotations]) => ({ member, annotations }));
	const consensus: ConsensusRow[] = [];
	for (const imageId of q.consensusImages()) {
		const image = doc.getImage(imageId);
		const c = q.consensusOf(imageId);
		if (!image || !c) continue;
		const tasks = q.tasksOf(imageId).filter((t) => t.kind === 'consensus');
		const missing = tasks.filter((t) => t.submittedAt === undefined).length;
		const state: ConsensusState = c.merged ? { kind: 'merged' } : q.readyToMerge(imageId) ? { kind: 'ready' } : { kind: 'waiting', missing };
		consensus.push({ imageId, name: image.name, width: image.width, height: image.height, members: tasks.map((t) => t.member), state, layers: layersOf(imageId) });
	}
	const gold: GoldRow[] = [];
	for (const imageId of q.goldImages()) {
		const image = doc.getImage(imageId);
		if (!image) continue;
		const testers = layersOf(imageId);
		if (!testers.length) continue;
		gold.push({ imageId, name: image.name, width: image.width, height: image.height, reference: doc.annotationsOf(imageId).filter((a) => !a.proposal), testers });
	}
	return { consensus: consensus.sort(byName), gold: gold.sort(byName) };
}
