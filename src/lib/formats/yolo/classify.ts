import type { Dataset } from '../dataset';
import type { DatasetFile } from '../files';
import { checkedImageSize } from '../limits';

export const SPLIT_DIRS = new Set(['train', 'val', 'valid', 'validation', 'test']);

/** `<split>/<class>/<image>` folders (Ultralytics classification): one tag per image. */
export function readClassify(images: readonly DatasetFile[]): Dataset | null {
	if (!images.length) return null;
	const placed = images.map((f) => ({ f, m: /(?:^|\/)([^/]+)\/([^/]+)\/([^/]+)$/.exec(f.path) }));
	if (!placed.every((p) => p.m && SPLIT_DIRS.has(p.m[1]))) return null;
	const classNames = [...new Set(placed.map((p) => p.m![2]))].sort();
	const dataset: Dataset = { images: [], classes: classNames.map((name) => ({ name })), annotations: [], tagMode: 'single' };
	for (const { f, m } of placed) {
		const size = checkedImageSize(f);
		const split = m![1] === 'valid' || m![1] === 'validation' ? 'val' : m![1];
		const name = dataset.images.some((i) => i.name === m![3]) ? `${m![1]}/${m![2]}/${m![3]}` : m![3];
		dataset.images.push({ name, width: size?.width ?? 0, height: size?.height ?? 0, bytes: f.bytes, split });
		dataset.annotations.push({ image: name, className: m![2], type: 'tag', geometry: {}, source: f.path });
	}
	return dataset;
}
