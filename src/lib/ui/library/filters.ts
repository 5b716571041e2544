import type { Id } from '$lib/model';
import type { Stage } from '$lib/model/team/records';
import type { SplitName } from '$lib/formats/split';

/**
 * The library's filters (issue 15): stage, class, attributes, proposals, assignee, "My work" and open
 * threads; the stored split (issue 16). Each one on narrows the list; they combine (every one must hold). Pure: the library state
 * hands in what each filter needs to know of an image.
 */

export type StageFilter = 'all' | Stage;
/** Anyone, me, nobody, or a member by id. */
export type AssigneeFilter = 'any' | 'me' | 'none' | { member: Id };
/** Any split, one split, or images without one. */
export type SplitFilter = 'any' | SplitName | 'none';

export interface FilterChoice {
	stage: StageFilter;
	classId: Id | null;
	needsAttributes: boolean;
	awaitingReview: boolean;
	assignee: AssigneeFilter;
	myWork: boolean;
	openThreads: boolean;
	split: SplitFilter;
}

export const NO_FILTERS: FilterChoice = {
	stage: 'all',
	classId: null,
	needsAttributes: false,
	awaitingReview: false,
	assignee: 'any',
	myWork: false,
	openThreads: false,
	split: 'any'
};

/** What the filters on ask of an image. Sets are asked only while their filter is on. */
export interface ImageFacts {
	stageOf(id: Id): Stage;
	/** Images with an annotation of the filtered class. */
	ofClass: ReadonlySet<Id> | null;
	missingRequired(id: Id): number;
	proposals(id: Id): number;
	/** The images assigned to the filtered member (or to me); for 'none', those assigned to anyone. */
	assigned: ReadonlySet<Id>;
	/** My images waiting in annotate. */
	myWork: ReadonlySet<Id>;
	openThreads(id: Id): number;
	splitOf(id: Id): SplitName | undefined;
}

export function anyFilter(c: FilterChoice): boolean {
	return c.stage !== 'all' || !!c.classId || c.needsAttributes || c.awaitingReview || c.assignee !== 'any' || c.myWork || c.openThreads || c.split !== 'any';
}

/** The images every filter on lets through, in the order given (the list itself when none is on). */
export function filterImages<T extends { id: Id }>(images: T[], c: FilterChoice, facts: ImageFacts): T[] {
	if (!anyFilter(c)) return images;
	const tests: ((id: Id) => boolean)[] = [];
	if (c.myWork) tests.push((id) => facts.myWork.has(id));
	if (c.stage !== 'all') tests.push((id) => facts.stageOf(id) === c.stage);
	if (c.assignee === 'none') tests.push((id) => !facts.assigned.has(id));
	else if (c.assignee !== 'any') tests.push((id) => facts.assigned.has(id));
	if (c.classId) tests.push((id) => !!facts.ofClass?.has(id));
	if (c.openThreads) tests.push((id) => facts.openThreads(id) > 0);
	if (c.needsAttributes) tests.push((id) => facts.missingRequired(id) > 0);
	if (c.awaitingReview) tests.push((id) => facts.proposals(id) > 0);
	if (c.split !== 'any') tests.push((id) => (facts.splitOf(id) ?? 'none') === c.split);
	return images.filter((i) => tests.every((t) => t(i.id)));
}

/**
 * What the editor's next/previous walk is called when an image is opened from the filtered list:
 * "My work" when that is the only filter on, else "Filtered images"; null when no filter is on
 * (the editor walks every image).
 */
export function walkLabel(c: FilterChoice): string | null {
	if (!anyFilter(c)) return null;
	if (c.myWork && !anyFilter({ ...c, myWork: false })) return 'My work';
	return 'Filtered images';
}
