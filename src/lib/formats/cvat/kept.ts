import type { JsonValue } from '../dataset';
import type { XmlNode } from './xml';

/**
 * CVAT's own ids and the XML attributes this app has no place for (a shape's `source`, `occluded`,
 * `z_order`; an image's `task_id`), kept on import as `imported.fields` and written back by the writer.
 * What is listed here the reader turns into something of ours (geometry, label, group → instance id)
 * and the writer computes again, so it is never kept nor taken from kept fields.
 */
export const IMAGE_KNOWN: ReadonlySet<string> = new Set(['id', 'name', 'width', 'height', 'subset']);

const CUBOID = ['1', '2'].flatMap((s) => ['xtl', 'ytl', 'xtr', 'ytr', 'xbr', 'ybr', 'xbl', 'ybl'].map((k) => k + s));
export const SHAPE_KNOWN: ReadonlySet<string> = new Set([
	'label',
	'group_id',
	'points',
	'xtl',
	'ytl',
	'xbr',
	'ybr',
	'rotation',
	'cx',
	'cy',
	'rx',
	'ry',
	'rle',
	'left',
	'top',
	'width',
	'height',
	...CUBOID
]);

/** Child elements of a <label> the reader reads (an <id> is the label's id). */
export const LABEL_KNOWN: ReadonlySet<string> = new Set(['id', 'name', 'color', 'type', 'attributes', 'svg', 'parent']);

/** An element's XML attributes by name (the parser keeps them under '@_name'). */
export function xmlAttributes(el: XmlNode): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(el)) if (k.startsWith('@_')) out[k.slice(2)] = String(v);
	return out;
}

/** The element's XML attributes other than `known` (ids.ts extraFields over its attributes, in one pass); undefined when none. */
export function extraAttributes(el: XmlNode, known: ReadonlySet<string>): Record<string, string> | undefined {
	let out: Record<string, string> | undefined;
	for (const k in el) {
		if (k.charCodeAt(0) !== 64 || k.charCodeAt(1) !== 95) continue; // '@_'
		const name = k.slice(2);
		if (!known.has(name)) (out ??= {})[name] = String(el[k]);
	}
	return out;
}

/** A CVAT id as read: a whole number stays a number (so the next free id can be counted), anything else text. */
export function cvatId(raw: unknown): number | string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const s = String(raw).trim();
	return /^\d{1,15}$/.test(s) ? Number(s) : s;
}

const XML_NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * Kept fields as XML attributes (` name="value"` each), in the order they were read: only plain values
 * under names that are XML names and that the writer does not set itself (a peer's record is not trusted
 * to write well-formed XML or to repeat an attribute).
 */
export function keptAttributes(fields: Record<string, JsonValue>, known: ReadonlySet<string>, esc: (s: string) => string): string {
	let out = '';
	for (const [name, v] of Object.entries(fields)) {
		if (known.has(name) || !XML_NAME.test(name) || v === null || typeof v === 'object') continue;
		out += ` ${name}="${esc(String(v))}"`;
	}
	return out;
}
