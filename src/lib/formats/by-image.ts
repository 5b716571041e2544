import type { DatasetAnnotation } from './dataset';

/** Items grouped by a key, each group in input order (Map.groupBy, which Node 20 lacks). */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
	const out = new Map<string, T[]>();
	for (const item of items) {
		const k = key(item);
		const list = out.get(k);
		if (list) list.push(item);
		else out.set(k, [item]);
	}
	return out;
}

/** Annotations grouped by image name, in input order. */
export function annotationsByImage(annotations: readonly DatasetAnnotation[]): Map<string, DatasetAnnotation[]> {
	return groupBy(annotations, (a) => a.image);
}
