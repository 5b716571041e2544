import type { FormatCodec } from '../codec';
import { extension, type DatasetFile } from '../files';
import { writePanoptic } from './panoptic';
import { readCoco } from './read';
import { writeInstances } from './write';

/** The start of a JSON file, enough to see its top-level keys without parsing a large file. */
function head(f: DatasetFile): string {
	return new TextDecoder().decode(f.bytes.subarray(0, 4096));
}

function jsonFiles(files: readonly DatasetFile[]) {
	return files.filter((f) => extension(f.path) === 'json');
}

/** COCO datasets name their keys "images", "annotations", "categories"; results files are lists of "image_id"s. */
function looksLikeCoco(f: DatasetFile): boolean {
	const text = head(f);
	if (/^\s*\[\s*\{\s*"image_id"/.test(text)) return true;
	return /"(images|categories)"\s*:/.test(text) && /"(annotations|categories|images)"\s*:/.test(text) && !/"items"\s*:/.test(text);
}

export const cocoFormat: FormatCodec = {
	id: 'coco',
	label: 'COCO',
	variants: [
		{ id: 'instances', label: 'Instances (boxes, polygons, masks, keypoints)' },
		{ id: 'panoptic', label: 'Panoptic (segment PNGs)' }
	],
	detect(files) {
		const json = jsonFiles(files);
		if (!json.length) return 0;
		if (json.some((f) => /(^|\/)(instances|person_keypoints)_[^/]*\.json$/i.test(f.path) && looksLikeCoco(f))) return 0.95;
		if (json.some((f) => /segments_info/.test(head(f)))) return 0.5;
		if (json.some(looksLikeCoco)) return 0.7;
		// Segment Anything's per-image JSON: {"image": {…}, "annotations": [{"segmentation": {"counts": …}}]}.
		return json.some((f) => /"image"\s*:\s*\{/.test(head(f)) && /"counts"\s*:/.test(head(f))) ? 0.5 : 0;
	},
	read: readCoco,
	write: (dataset, options) => (options.variant === 'panoptic' ? writePanoptic(dataset, options) : writeInstances(dataset, options))
};

export const cocoPanopticFormat: FormatCodec = {
	id: 'coco-panoptic',
	label: 'COCO panoptic',
	detect(files) {
		return jsonFiles(files).some((f) => /segments_info/.test(head(f)) || /(^|\/)panoptic[^/]*\.json$/i.test(f.path)) && files.some((f) => extension(f.path) === 'png') ? 0.96 : 0;
	},
	read: readCoco,
	write: (dataset, options) => writePanoptic(dataset, options)
};
