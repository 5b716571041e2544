import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { jsonOutlines, type JsonOutline } from '../json-outline';
import { writePanoptic } from './panoptic';
import { readCoco } from './read';
import { writeInstances } from './write';

/** A COCO dataset has "images" or "categories" at its root, in any order (no Datumaro "items"); a results file is a list of "image_id"s. */
function looksLikeCoco({ root, paths }: JsonOutline): boolean {
	if (root === 'array') return paths.has('[].image_id');
	const has = (k: string) => paths.has(k);
	return (has('images') || has('categories')) && !has('items');
}

const isPanoptic = (o: JsonOutline) => o.paths.has('annotations[].segments_info');
/** Segment Anything's per-image JSON: {"image": {…}, "annotations": [{"segmentation": {"counts": …}}]}. */
const isSam = (o: JsonOutline) => o.paths.has('image{}') && o.paths.has('annotations[].segmentation.counts');

export const cocoFormat: FormatCodec = {
	id: 'coco',
	label: 'COCO',
	variants: [
		{ id: 'instances', label: 'Instances (boxes, polygons, masks, keypoints)' },
		{ id: 'panoptic', label: 'Panoptic (segment PNGs)' }
	],
	detect(files) {
		const json = jsonOutlines(files);
		if (!json.length) return 0;
		if (json.some((f) => /(^|\/)(instances|person_keypoints)_[^/]*\.json$/i.test(f.path) && looksLikeCoco(f.outline))) return 0.95;
		if (json.some((f) => isPanoptic(f.outline))) return 0.5;
		if (json.some((f) => looksLikeCoco(f.outline))) return 0.7;
		return json.some((f) => isSam(f.outline)) ? 0.5 : 0;
	},
	read: readCoco,
	write: (dataset, options) => (options.variant === 'panoptic' ? writePanoptic(dataset, options) : writeInstances(dataset, options))
};

export const cocoPanopticFormat: FormatCodec = {
	id: 'coco-panoptic',
	label: 'COCO panoptic',
	detect(files) {
		return jsonOutlines(files).some((f) => isPanoptic(f.outline) || /(^|\/)panoptic[^/]*\.json$/i.test(f.path)) && files.some((f) => extension(f.path) === 'png') ? 0.96 : 0;
	},
	read: readCoco,
	write: (dataset, options) => writePanoptic(dataset, options)
};
