import type { FormatCodec, WriteOptions, WriteResult } from './codec';
import type { Dataset } from './dataset';
import { safeOutputFiles, withSafeImageNames } from './output-paths';

/**
 * How the app and the CLI write a dataset: image names made safe paths first (so the annotation files
 * name what is written), the codec's files checked again after (class and split names make folders too).
 */
export function writeDataset(codec: FormatCodec, dataset: Dataset, options: WriteOptions): WriteResult {
	const safe = withSafeImageNames(dataset);
	const result = codec.write(safe.dataset, options);
	const warnings = [...result.warnings];
	if (safe.renamed.length) {
		const [from, to] = safe.renamed[0];
		const more = safe.renamed.length - 1;
		warnings.push(`${safe.renamed.length} image name${more ? 's' : ''} could not be used as a path and ${more ? 'were' : 'was'} written safely (“${from}” as “${to}”${more ? `, and ${more} more` : ''})`);
	}
	return { ...result, files: safeOutputFiles(result.files), warnings };
}
