import { parseDocument } from 'yaml';
import { FormatError } from '../errors';
import { textOf, type DatasetFile } from '../files';

type Node = Record<string, unknown>;

export interface DataYaml {
	file: DatasetFile;
	names: string[] | null;
	kpt: [number, number] | null;
	kptNames: string[] | null;
	/** split → image directories or listed image paths */
	splits: Map<string, string[]>;
}

function yamlOf(file: DatasetFile): Node {
	const text = textOf(file);
	const doc = parseDocument(text, { prettyErrors: false });
	if (doc.errors.length) {
		const e = doc.errors[0];
		const before = text.slice(0, e.pos[0]);
		const place = `line ${before.split('\n').length}, column ${e.pos[0] - before.lastIndexOf('\n')}`;
		throw new FormatError(file.path, place, `is not valid YAML (${e.message.split('\n')[0]})`);
	}
	const v = doc.toJS() as unknown;
	if (!v || typeof v !== 'object' || Array.isArray(v)) throw new FormatError(file.path, '', 'is not a YAML mapping of keys (path, train, val, names…)');
	return v as Node;
}

function namesOf(file: DatasetFile, raw: unknown): string[] {
	if (Array.isArray(raw)) {
		return raw.map((n, i) => {
			if (typeof n !== 'string' && typeof n !== 'number') throw new FormatError(file.path, `names[${i}]`, 'is not a class name');
			return String(n);
		});
	}
	if (raw && typeof raw === 'object') {
		const out: string[] = [];
		for (const [k, n] of Object.entries(raw as Node)) {
			const i = Number(k);
			if (!Number.isInteger(i) || i < 0) throw new FormatError(file.path, `names › ${k}`, 'keys of names must be class indices 0, 1, …');
			if (typeof n !== 'string' && typeof n !== 'number') throw new FormatError(file.path, `names › ${k}`, 'is not a class name');
			out[i] = String(n);
		}
		for (let i = 0; i < out.length; i++) if (out[i] === undefined) throw new FormatError(file.path, 'names', `has no name for class ${i}`);
		return out;
	}
	throw new FormatError(file.path, 'names', 'must be a list of class names or a map of index → name');
}

/** X-AnyLabeling's pose class file: `classes: {name: [point names]}`, `has_visible`. */
function xAnyLabelingPose(file: DatasetFile, y: Node): DataYaml | null {
	const c = y.classes;
	if (!c || typeof c !== 'object' || Array.isArray(c)) return null;
	const lists = Object.values(c as Node);
	if (!lists.length || !lists.every((l) => Array.isArray(l) && l.length === (lists[0] as unknown[]).length)) return null;
	const kptNames = (lists[0] as unknown[]).map(String);
	return { file, names: Object.keys(c as Node), kpt: [kptNames.length, y.has_visible === false ? 2 : 3], kptNames, splits: new Map() };
}

export function readDataYaml(file: DatasetFile): DataYaml {
	const y = yamlOf(file);
	if (y.names === undefined && y.kpt_shape === undefined) {
		const pose = xAnyLabelingPose(file, y);
		if (pose) return pose;
	}
	const names = y.names === undefined ? null : namesOf(file, y.names);
	let kpt: [number, number] | null = null;
	if (y.kpt_shape !== undefined) {
		const k = y.kpt_shape;
		if (!Array.isArray(k) || k.length !== 2 || !Number.isInteger(k[0]) || k[0] < 1 || (k[1] !== 2 && k[1] !== 3))
			throw new FormatError(file.path, 'kpt_shape', 'must be [number of keypoints, 2 or 3]');
		kpt = [k[0], k[1]];
	}
	let kptNames: string[] | null = null;
	const kn = y.kpt_names as unknown;
	const firstList = Array.isArray(kn) ? kn : kn && typeof kn === 'object' ? Object.values(kn)[0] : null;
	if (Array.isArray(firstList) && kpt && firstList.length === kpt[0]) kptNames = firstList.map(String);
	const splits = new Map<string, string[]>();
	for (const key of ['train', 'val', 'test']) {
		const v = y[key];
		if (typeof v === 'string' && v) splits.set(key, [v]);
		else if (Array.isArray(v)) splits.set(key, v.filter((p): p is string => typeof p === 'string'));
	}
	return { file, names, kpt, kptNames, splits };
}
