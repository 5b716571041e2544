import type { ModelManifest, ModelTask } from '../types';

const TASKS: ModelTask[] = ['interactive-segmentation', 'detection', 'instance-segmentation', 'ocr'];
const ID = /^[a-z0-9][a-z0-9._-]*$/;

function isTriple(v: unknown): v is [number, number, number] {
	return Array.isArray(v) && v.length === 3 && v.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** Problems of a manifest (models/<id>/manifest.json or a stored user model), each a sentence; empty when it is valid. */
export function manifestProblems(value: unknown): string[] {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['The manifest is not a JSON object.'];
	const m = value as Record<string, unknown>;
	const problems: string[] = [];
	const need = (ok: boolean, problem: string) => void (ok || problems.push(problem));
	need(typeof m.id === 'string' && ID.test(m.id), 'id must be lower-case letters, digits, ".", "_" or "-".');
	need(typeof m.name === 'string' && m.name.trim() !== '', 'name must be a non-empty text.');
	need(TASKS.includes(m.task as ModelTask), `task must be one of ${TASKS.join(', ')}.`);
	need(typeof m.family === 'string' && m.family !== '', 'family must name a model family.');
	need(typeof m.licence === 'string' && m.licence !== '', 'licence must be given.');
	need(m.description === undefined || typeof m.description === 'string', 'description must be a text.');
	if (!Array.isArray(m.files) || m.files.length === 0) problems.push('files must list at least one file.');
	else {
		const roles = new Set<string>();
		m.files.forEach((f: unknown, i) => {
			const file = f as Record<string, unknown> | null;
			if (typeof file !== 'object' || file === null) return void problems.push(`files[${i}] is not an object.`);
			need(typeof file.role === 'string' && file.role !== '', `files[${i}] has no role.`);
			need(typeof file.name === 'string' && file.name !== '' && !/[/\\]/.test(file.name), `files[${i}] must name a file without a folder.`);
			need(file.bytes === undefined || (Number.isInteger(file.bytes) && (file.bytes as number) >= 0), `files[${i}].bytes must be a whole number.`);
			need(!roles.has(file.role as string), `files[${i}] repeats the role "${file.role}".`);
			roles.add(file.role as string);
		});
	}
	need(m.inputSize === undefined || (Number.isInteger(m.inputSize) && (m.inputSize as number) > 0), 'inputSize must be a positive whole number.');
	if (m.normalisation !== undefined) {
		const n = m.normalisation as Record<string, unknown> | null;
		need(
			typeof n === 'object' && n !== null && isTriple(n.mean) && isTriple(n.std) && n.std.every((s) => s > 0) && typeof n.scale === 'number' && (n.channelOrder === 'rgb' || n.channelOrder === 'bgr'),
			'normalisation needs mean and std (three numbers each, std above 0), scale and channelOrder "rgb" or "bgr".'
		);
	}
	need(m.labels === undefined || (Array.isArray(m.labels) && m.labels.every((l) => typeof l === 'string')), 'labels must be a list of texts.');
	need(m.source === undefined || typeof m.source === 'string', 'source must be a URL.');
	need(m.bundled === undefined || typeof m.bundled === 'boolean', 'bundled must be true or false.');
	return problems;
}

export function validateManifest(value: unknown, where: string): ModelManifest {
	const problems = manifestProblems(value);
	if (problems.length) throw new Error(`${where}: ${problems.join(' ')}`);
	return value as ModelManifest;
}
