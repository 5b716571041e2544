import type { FormatCodec } from '../codec';
import { extension } from '../files';
import { readLabelStudio } from './read';
import { writeLabelStudio } from './write';

export const labelStudioCodec: FormatCodec = {
	id: 'labelstudio',
	label: 'Label Studio JSON',
	detect(files) {
		const head = (b: Uint8Array) => new TextDecoder().decode(b.subarray(0, 8192));
		return files.some((f) => extension(f.path) === 'json' && /^\s*\[/.test(head(f.bytes)) && /"(rectanglelabels|polygonlabels|keypointlabels|ellipselabels|brushlabels|choices)"|"annotations"\s*:\s*\[/.test(head(f.bytes)))
			? 0.7
			: 0;
	},
	read: readLabelStudio,
	write: writeLabelStudio
};
