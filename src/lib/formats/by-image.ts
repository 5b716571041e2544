import type { DatasetAnnotation } from './dataset';

/** Annotations grouped by image name, in input order (Map.groupBy, which Node 20 lacks). */
export function annotationsByImage(annotations: readonly DatasetAnnotation[]): Map<string, DatasetAnnotation[]> {
	const out = new Map<string, DatasetAnnotation[]>();
	for (const a of annotations) {
		const list = out.get(a.image);
		if (list) list.push(a);
		else out.set(a.image, [a]);
	}
	return out;
}
