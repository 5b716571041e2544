import type { Dataset } from '$lib/formats/dataset';
import { planImport, type ImageFileFacts, type PlanResult } from '$lib/formats/project-dataset';
import { packPlannedImport, type ImportBasis } from '$lib/model/import-records';
import type { ProjectDoc } from '$lib/model';

/**
 * An import planned and packed in the exchange worker, against what the page sent of its project
 * (`ImportBasis`): the page then only checks what may have changed since and stores the bytes. The
 * records never cross to the page as objects, and the page does not freeze for the plan or the packing.
 */
export function planAndPack(
	dataset: Dataset,
	files: [string, ImageFileFacts][],
	readWarnings: string[],
	mode: 'new' | 'existing',
	basis: ImportBasis,
	now = Date.now()
): PlanResult {
	const planned = planImport({ images: () => basis.images, classes: () => basis.classes }, dataset, { mode, files: new Map(files) });
	if (!planned.ok) return { ...planned, warnings: [...readWarnings, ...planned.warnings] };
	const warnings = [...readWarnings, ...planned.plan.warnings];
	const packed = packPlannedImport(planned.plan, basis, now);
	if (!packed.ok) return { ok: false, errors: [packed.reason], warnings };
	return { ok: true, plan: { ...planned.plan, annotations: [], packed: packed.value, warnings } };
}

/** What the worker needs of the project an import goes into (a new project: none of it). */
export function importBasisOf(doc: ProjectDoc | null, actorId: string): ImportBasis {
	if (!doc) return { actorId, images: [], classes: [], topZ: [] };
	const images = doc.images();
	const topZ: [string, number][] = [];
	for (const image of images) {
		const z = doc.topZ(image.id);
		if (z) topZ.push([image.id, z]);
	}
	return { actorId, images, classes: doc.classes(), topZ };
}
