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
	'z_order', // kept apart: see keptZ
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

/**
 * CVAT's values for what a shape does not say otherwise: the writer writes them where nothing was kept,
 * so the reader need not keep them (records stay small). Tags and skeletons carry no `occluded`.
 */
export const SHAPE_DEFAULTS: Readonly<Record<string, string>> = { source: 'manual', occluded: '0' };
export const TAG_DEFAULTS: Readonly<Record<string, string>> = { source: 'manual' };
export const defaultsFor = (tag: string) => (tag === 'tag' || tag === 'skeleton' ? TAG_DEFAULTS : SHAPE_DEFAULTS);

/**
 * The element's XML attributes other than `known` and other than `defaults` at their default value (ids.ts
 * extraFields over its attributes, in one pass); undefined when none.
 */
export function extraAttributes(el: XmlNode, known: ReadonlySet<string>, defaults: Readonly<Record<string, string>> = {}): Record<string, string> | undefined {
	const knownKeys = parserKeys(known);
	let out: Record<string, string> | undefined;
	for (const k in el) {
		if (k.charCodeAt(0) !== 64 || k.charCodeAt(1) !== 95 || knownKeys.has(k)) continue; // attributes are '@_name'
		const name = k.slice(2);
		const value = String(el[k]);
		if (defaults[name] !== value) (out ??= {})[name] = value;
	}
	return out;
}

/** The parser's keys ('@_name') of a set of attribute names, made once per set: most attributes are known, and are skipped without a new string. */
const keysOf = new WeakMap<ReadonlySet<string>, ReadonlySet<string>>();
function parserKeys(names: ReadonlySet<string>): ReadonlySet<string> {
	let keys = keysOf.get(names);
	if (!keys) keysOf.set(names, (keys = new Set([...names].map((n) => `@_${n}`))));
	return keys;
}

/** A CVAT id as read: a whole number stays a number (so the next free id can be counted), anything else text. */
export function cvatId(raw: unknown): number | string | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	const s = String(raw).trim();
	return /^\d{1,15}$/.test(s) ? Number(s) : s;
}

/** A name that may stand as an XML element or attribute name (kept names from a peer's record are checked). */
export const XML_NAME = /^[A-Za-z_][\w.-]*$/;

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

/**
 * The z_order the writer gives a shape that kept none: 0 for the first, then one above the shape before
 * it. The reader keeps a file's z_order only where it differs from this, so the writer writes the same
 * numbers and a file this app wrote keeps none.
 */
export const nextZ = (previous: number | undefined): number => (previous === undefined ? 0 : previous + 1);

/**
 * Which of an image's z_orders (as read, in the order they are written back) to keep: those nextZ does
 * not give again. A shape without one counts as nextZ, as the writer will write it; tags have none.
 */
export function keptZ(shapes: readonly { type: string; z?: string }[]): boolean[] {
	let previous: number | undefined;
	return shapes.map(({ type, z }) => {
		if (type === 'tag') return false;
		const keep = z !== undefined && z !== String(nextZ(previous));
		previous = z === undefined ? nextZ(previous) : Number(z);
		return keep;
	});
}
