import type { FormatCodec } from '../codec';
import { jsonOutlines, type JsonOutline } from '../json-outline';
import { readLabelStudio } from './read';
import { writeLabelStudio } from './write';

const MIN_KEYS = 'rectanglelabels|polygonlabels|keypointlabels|ellipselabels|brushlabels|choices';
const MIN_REGION_IN_LIST = new RegExp(`^\\[\\]\\.[^.]+\\[\\]\\.(${MIN_KEYS})$`);
const MIN_REGION = new RegExp(`^[^.]+\\[\\]\\.(${MIN_KEYS})$`);

/** Label Studio tasks, a list or one: full ({data, annotations: [{result}]}) or JSON-MIN ({image, label: [{rectanglelabels}]}). */
function isTasks({ root, paths }: JsonOutline): boolean {
	const task = root === 'array' ? '[].' : '';
	if (paths.has(`${task}data{}`) && paths.has(`${task}annotations[]`)) return true;
	const region = root === 'array' ? MIN_REGION_IN_LIST : MIN_REGION;
	for (const p of paths) if (region.test(p)) return true;
	return false;
}

export const labelStudioCodec: FormatCodec = {
	id: 'labelstudio',
	label: 'Label Studio JSON',
	detect(files) {
		return jsonOutlines(files).some((f) => isTasks(f.outline)) ? 0.7 : 0;
	},
	read: readLabelStudio,
	write: writeLabelStudio
};
