import type { ModelFamily } from '../family';
import type { ModelFile, ModelManifest } from '../types';
import { checkModelFile, nameList } from './check';
import type { OnnxHeader } from './onnx-header';
import { unsupportedYoloTask, yoloManifestDetails } from './ultralytics';

/** Roles a model of the family needs: its ONNX files, and an OCR model's character dictionary. */
export function requiredRoles(family: ModelFamily): string[] {
	const roles = Object.keys(family.signature);
	return family.task === 'ocr' ? [...roles, 'dictionary'] : roles;
}

export interface PendingModel {
	manifest: ModelManifest;
	missing: string[];
}

export interface IncomingFile {
	name: string;
	bytes: Uint8Array;
	url?: string;
}

/** A model to store: new, or a pending one given more files. `files` are the incoming files it takes. */
export interface Assembly {
	model: PendingModel;
	files: IncomingFile[];
}

const isDetector = (family: ModelFamily) => family.task === 'detection' || family.task === 'instance-segmentation';
const isDictionary = (name: string) => /\.txt$/i.test(name);
const baseName = (name: string) => name.replace(/\.[^.]+$/, '');

function roleOf(manifest: ModelManifest, role: string): ModelFile | undefined {
	return manifest.files.find((f) => f.role === role);
}

/**
 * Sorts dropped or downloaded files into models. Files fitting one family go together (SAM's encoder
 * and decoder dropped at once); a file that completes a pending model of its family joins it (the
 * decoder dropped after the encoder); anything else starts a model that waits for its other files.
 */
export function assembleModels(
	files: IncomingFile[],
	families: readonly ModelFamily[],
	pending: PendingModel[],
	newId: () => string
): { assemblies: Assembly[]; refused: string[] } {
	const refused: string[] = [];
	const groups = new Map<ModelFamily, { role: string; file: IncomingFile; header: OnnxHeader }[]>();
	const dictionaries: IncomingFile[] = [];
	for (const file of files) {
		if (isDictionary(file.name)) {
			dictionaries.push(file);
			continue;
		}
		const check = checkModelFile(file.name, file.bytes, families);
		if (!check.ok) {
			refused.push(check.message);
			continue;
		}
		const otherTask = check.matches.some((m) => isDetector(m.family)) ? unsupportedYoloTask(file.name, check.header) : null;
		if (otherTask) {
			refused.push(otherTask);
			continue;
		}
		// A file fitting several roles (same inputs, e.g. an OCR detector and recognizer when a family
		// checks inputs only) takes a free role of a family other dropped files chose, else one a pending
		// model lacks, else any free one.
		const free = check.matches.filter((m) => !groups.get(m.family)?.some((g) => g.role === m.role));
		const match =
			free.find((m) => groups.has(m.family)) ??
			free.find((m) => pending.some((p) => p.manifest.family === m.family.family && p.missing.includes(m.role))) ??
			free[0];
		if (!match) {
			const taken = groups.get(check.matches[0].family)!.find((g) => g.role === check.matches[0].role)!;
			refused.push(`${file.name} and ${taken.file.name} are both a ${check.matches[0].family.label} ${check.matches[0].role}: add one at a time.`);
			continue;
		}
		groups.set(match.family, [...(groups.get(match.family) ?? []), { role: match.role, file, header: check.header }]);
	}

	const assemblies: Assembly[] = [];
	for (const [family, members] of groups) {
		const roles = members.map((m) => m.role);
		const into = pending.find((p) => p.manifest.family === family.family && roles.every((r) => p.missing.includes(r)));
		const manifest: ModelManifest = into
			? { ...into.manifest, files: [...into.manifest.files] }
			: {
					id: newId(),
					name: baseName(members[0].file.name),
					task: family.task,
					family: family.family,
					files: [],
					licence: 'licence not stated',
					...(members[0].file.url ? { source: members[0].file.url } : {}),
					// A detector's class names, input side and licence, as its export states them.
					...(isDetector(family) ? yoloManifestDetails(members[0].header) : {})
				};
		for (const { role, file } of members) {
			// Files are stored by name within their model: two 'model.onnx' (encoder and decoder) stay apart.
			if (manifest.files.some((f) => f.name === file.name)) file.name = `${role}-${file.name}`;
			manifest.files.push(fileEntry(role, file));
		}
		assemblies.push({ model: { manifest, missing: requiredRoles(family).filter((r) => !roleOf(manifest, r)) }, files: members.map((m) => m.file) });
	}

	for (const file of dictionaries) {
		const needing = [...assemblies.map((a) => a.model), ...pending].find((m) => m.missing.includes('dictionary'));
		if (!needing) {
			refused.push(`${file.name} is a text file: a character dictionary goes with an OCR model's ONNX files.`);
			continue;
		}
		needing.manifest = { ...needing.manifest, files: [...needing.manifest.files, fileEntry('dictionary', file)] };
		needing.missing = needing.missing.filter((r) => r !== 'dictionary');
		const assembly = assemblies.find((a) => a.model === needing);
		if (assembly) assembly.files.push(file);
		else assemblies.push({ model: needing, files: [file] });
	}
	return { assemblies, refused };
}

function fileEntry(role: string, file: IncomingFile): ModelFile {
	return { role, name: file.name, bytes: file.bytes.length, ...(file.url ? { url: file.url } : {}) };
}

/** "needs its decoder", "needs its recognizer and dictionary". */
export function missingText(missing: string[]): string {
	return missing.length ? `needs its ${nameList(missing)}` : '';
}
