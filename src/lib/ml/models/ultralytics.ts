import { outputLayout } from '../yolo/decode';
import type { ModelManifest } from '../types';
import type { OnnxHeader } from './onnx-header';

/**
 * What an Ultralytics ONNX export says about itself in metadata_props (names, imgsz, task, license,
 * description, author): a user-added YOLO model gets its class names, input side and licence from
 * there. Values are Python literals (str(dict), str(list)); one that does not parse is ignored.
 */

/** A Python string literal at `at` (single or double quotes, backslash escapes); null when it is not one. */
function pythonString(text: string, at: number): { value: string; end: number } | null {
	const quote = text[at];
	if (quote !== "'" && quote !== '"') return null;
	let value = '';
	for (let i = at + 1; i < text.length; i++) {
		const c = text[i];
		if (c === quote) return { value, end: i + 1 };
		if (c !== '\\') {
			value += c;
			continue;
		}
		const e = text[++i];
		const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0' };
		if (e in simple) value += simple[e];
		else if (e === 'x' || e === 'u' || e === 'U') {
			const digits = e === 'x' ? 2 : e === 'u' ? 4 : 8;
			const hex = text.slice(i + 1, i + 1 + digits);
			if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) return null;
			value += String.fromCodePoint(parseInt(hex, 16));
			i += digits;
		} else if (e === undefined) return null;
		else value += `\\${e}`; // Python keeps unknown escapes as they are
	}
	return null;
}

/**
 * Class names from `names`: a dict {0: 'person', 1: 'bicycle'} (keys may be quoted) or a list
 * ['person', 'bicycle']; ids must run 0 … n − 1. Anything else gives undefined.
 */
export function parseNames(text: string): string[] | undefined {
	let i = 0;
	const space = () => {
		while (i < text.length && /\s/.test(text[i])) i++;
	};
	space();
	const open = text[i];
	if (open !== '{' && open !== '[') return undefined;
	const close = open === '{' ? '}' : ']';
	i++;
	const names: string[] = [];
	for (;;) {
		space();
		if (text[i] === close) {
			i++;
			break;
		}
		let key = names.length;
		if (open === '{') {
			const quoted = pythonString(text, i);
			const digits = /^\d+/.exec(text.slice(i));
			const k = quoted ? quoted.value : digits?.[0];
			if (k === undefined || !/^\d+$/.test(k)) return undefined;
			key = Number(k);
			i = quoted ? quoted.end : i + digits![0].length;
			space();
			if (text[i++] !== ':') return undefined;
			space();
		}
		const value = pythonString(text, i);
		if (!value || key in names) return undefined;
		names[key] = value.value;
		i = value.end;
		space();
		if (text[i] === ',') i++;
		else if (text[i] !== close) return undefined;
	}
	space();
	if (i !== text.length || names.length === 0) return undefined;
	// A dict with a gap (no class 3) does not give a list by id.
	for (let k = 0; k < names.length; k++) if (typeof names[k] !== 'string') return undefined;
	return names;
}

/** The input side from `imgsz` ("[640, 640]" or "640"); a non-square size gives undefined (the export's own shape is used). */
export function parseImgsz(text: string): number | undefined {
	const sides = text
		.replace(/[[\]()\s]/g, '')
		.split(',')
		.filter(Boolean)
		.map(Number);
	if (!sides.length || sides.length > 2 || !sides.every((n) => Number.isInteger(n) && n > 0)) return undefined;
	return sides.every((n) => n === sides[0]) ? sides[0] : undefined;
}

/** Ultralytics tasks Peerlabel's YOLO families do not run: their outputs look like a detector's but mean other things. */
const OTHER_TASKS: Record<string, string> = { pose: 'pose (keypoint)', obb: 'oriented-box', classify: 'classification' };

/** Why an export must be refused although its inputs and outputs fit, e.g. a pose model; null when it may be added. */
export function unsupportedYoloTask(name: string, header: OnnxHeader): string | null {
	const task = header.metadata.task?.trim();
	const what = task ? OTHER_TASKS[task] : undefined;
	return what ? `${name} is a YOLO ${what} model; Peerlabel runs YOLO detectors and segmenters (task "detect" or "segment").` : null;
}

/**
 * The class count from output0's declared shape, when its channel axis is a number (Ultralytics keeps
 * it so even in dynamic exports, which make only the batch and anchor axes symbolic).
 */
export function declaredClassCount(header: OnnxHeader): number | undefined {
	const dims = header.outputShapes.output0;
	if (!dims || dims.length !== 3) return undefined;
	const coefs = header.outputs.includes('output1') ? header.outputShapes.output1?.[1] : 0;
	if (coefs === null || coefs === undefined) return undefined;
	const [, a, b] = dims;
	// The shorter axis holds the channels (84 vs 8400); with one axis symbolic, the numeric one does.
	let shape: number[];
	if (a !== null && b !== null) shape = [1, a, b];
	else if (a !== null) shape = [1, a, a + 1];
	else if (b !== null) shape = [1, b + 1, b];
	else return undefined;
	try {
		return outputLayout(shape, coefs).classes;
	} catch {
		return undefined;
	}
}

/** Labels key the label map and the panel's rows: a repeated name (a dataset's slip) gets its class id, "car (class 3)". */
function distinct(names: string[]): string[] {
	const seen = new Set<string>();
	return names.map((n, i) => {
		const label = seen.has(n) ? `${n} (class ${i})` : n;
		seen.add(label);
		return label;
	});
}

/**
 * What a YOLO export adds to its manifest: labels from `names` (else "class 0", "class 1", … from the
 * declared class count), the input side, licence and description.
 */
export function yoloManifestDetails(header: OnnxHeader): Partial<Pick<ModelManifest, 'labels' | 'inputSize' | 'licence' | 'description'>> {
	const meta = header.metadata;
	const details: Partial<Pick<ModelManifest, 'labels' | 'inputSize' | 'licence' | 'description'>> = {};
	const names = meta.names !== undefined ? parseNames(meta.names) : undefined;
	const count = declaredClassCount(header);
	// Names that do not fit the output (a wrong list) would mislabel every detection: numbered classes instead.
	if (names && (count === undefined || names.length === count)) details.labels = distinct(names);
	else if (count !== undefined) details.labels = Array.from({ length: count }, (_, i) => `class ${i}`);
	const size = meta.imgsz !== undefined ? parseImgsz(meta.imgsz) : undefined;
	if (size) details.inputSize = size;
	if (meta.license?.trim()) details.licence = meta.license.trim();
	const description = [meta.description?.trim(), meta.author?.trim() && `by ${meta.author.trim()}`].filter(Boolean).join(', ');
	if (description) details.description = description;
	return details;
}
