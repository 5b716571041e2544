import type { ShapeType } from '$lib/shapes/registry';
import { annotationsByImage } from '../by-image';
import type { WriteOptions, WriteResult } from '../codec';
import type { Dataset } from '../dataset';
import { utf8, type DatasetFile } from '../files';
import { encodeGreyPng, newLabelMap, paint, VOID } from './label-map';
import { checkImageToRaster } from '../limits';

/** Class values 1…254: 0 is background and 255 is left for "ignore", as segmentation trainers read it. */
export const MAX_SEMANTIC_CLASSES = VOID - 1;

export const maskPathOf = (imageName: string) => `masks/${imageName.replace(/\.[^./]+$/, '')}.png`;

/**
 * Class-index PNGs: `masks/<image path without extension>.png`, 8-bit greyscale, value = class index + 1
 * (class order of the dataset), 0 background; masks and polygons painted in dataset order (a later one
 * covers an earlier one). `classes.txt` (one name per line: line k names value k) and `palette.json`.
 */
export function writeSemantic(dataset: Dataset, options: WriteOptions): WriteResult {
	const files: DatasetFile[] = [];
	const skipped: Partial<Record<ShapeType, number>> = {};
	const warnings: string[] = [];
	const valueOf = new Map(dataset.classes.map((c, i) => [c.name, i + 1]));
	const byImage = annotationsByImage(dataset.annotations);
	for (const image of dataset.images) {
		const annotations = byImage.get(image.name) ?? [];
		if (options.includeImages && image.bytes) files.push({ path: `images/${image.name}`, bytes: image.bytes });
		if (!image.width || !image.height) {
			if (annotations.length) warnings.push(`${image.name}: size unknown; its ${annotations.length} annotations are not written`);
			continue;
		}
		checkImageToRaster(image);
		const map = newLabelMap(image.width, image.height);
		for (const a of annotations) {
			const value = valueOf.get(a.className) ?? 0;
			if (value > MAX_SEMANTIC_CLASSES) {
				warnings.push(`${image.name}: class ${a.className} is beyond the ${MAX_SEMANTIC_CLASSES} values an 8-bit mask holds; skipped`);
				skipped[a.type] = (skipped[a.type] ?? 0) + 1;
			} else if (!paint(map, a, value)) skipped[a.type] = (skipped[a.type] ?? 0) + 1;
		}
		files.push({ path: maskPathOf(image.name), bytes: encodeGreyPng(map) });
	}
	files.push({ path: 'classes.txt', bytes: utf8(dataset.classes.map((c) => c.name).join('\n') + '\n') });
	const palette = [{ value: 0, name: 'background', color: '#000000' }, ...dataset.classes.map((c, i) => ({ value: i + 1, name: c.name, ...(c.color ? { color: c.color } : {}) }))];
	files.push({ path: 'palette.json', bytes: utf8(JSON.stringify(palette, null, 2) + '\n') });
	return { files, skipped, warnings };
}
