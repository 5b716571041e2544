/**
 * The outline of a JSON file, for format detection: which key paths it has, whatever their order, its
 * whitespace or its size, without parsing it. A small tokenizer walks the bytes once (strings are skipped
 * with a native search for the closing quote); keys are decoded only near the top and inside the first
 * few elements of each list, so a 100,000-annotation file costs one linear scan and a few dozen keys.
 */

/**
 * Key paths: `images`, `annotations[].segmentation.counts`, `[].image_id` (`x[].` = inside an element of the
 * list `x`); a value that is a list or an object also gives `images[]` or `info{}`, even when empty.
 */
export interface JsonOutline {
	root: 'object' | 'array';
	paths: ReadonlySet<string>;
	/** Short string values of the root object's keys (`schema_ref`, `version`). */
	rootStrings: ReadonlyMap<string, string>;
}

/** Keys deeper than this many containers are not recorded (still scanned past). */
const MAX_DEPTH = 6;
/** Elements of a list whose keys are recorded; the rest are only scanned past. */
const SAMPLED_ELEMENTS = 4;
/** A key or root string value longer than this (in bytes, quotes included) is not decoded: detection needs only short ones. */
const MAX_DECODED = 256;

const QUOTE = 0x22,
	BACKSLASH = 0x5c,
	COLON = 0x3a,
	COMMA = 0x2c;

interface Container {
	path: string;
	object: boolean;
	/** Whether keys inside it are recorded. */
	record: boolean;
	/** Elements before the current one (lists). */
	index: number;
	/** The key whose value comes next (objects). */
	key: string;
	expectKey: boolean;
}

const cache = new WeakMap<Uint8Array, JsonOutline | null>();
const decoder = new TextDecoder();

/** The index just past the string whose opening quote is at `start` (the length when unterminated). */
function stringEnd(bytes: Uint8Array, start: number): number {
	let i = start + 1;
	for (;;) {
		const q = bytes.indexOf(QUOTE, i);
		if (q < 0) return bytes.length;
		let slashes = 0;
		while (bytes[q - 1 - slashes] === BACKSLASH) slashes++;
		if (slashes % 2 === 0) return q + 1;
		i = q + 1;
	}
}

function firstNonSpace(bytes: Uint8Array): number {
	let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // a UTF-8 byte order mark
	while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
	return i;
}

function decodeString(bytes: Uint8Array, start: number, end: number): string {
	try {
		return JSON.parse(decoder.decode(bytes.subarray(start, end))) as string;
	} catch {
		return '';
	}
}

/** The outline of `bytes`, or null when they do not start like a JSON object or list. Cached per file. */
export function jsonOutline(bytes: Uint8Array): JsonOutline | null {
	if (cache.has(bytes)) return cache.get(bytes)!;
	const outline = scan(bytes);
	cache.set(bytes, outline);
	return outline;
}

function scan(bytes: Uint8Array): JsonOutline | null {
	const start = firstNonSpace(bytes);
	const open = bytes[start];
	if (open !== 0x7b && open !== 0x5b) return null;
	const paths = new Set<string>();
	const rootStrings = new Map<string, string>();
	const stack: Container[] = [];
	const n = bytes.length;
	for (let i = start; i < n; i++) {
		const b = bytes[i];
		const top = stack[stack.length - 1];
		if (b === QUOTE) {
			const end = stringEnd(bytes, i);
			if (top?.object && top.expectKey) {
				if (top.record) {
					top.key = end - i <= MAX_DECODED ? decodeString(bytes, i, end) : '';
					if (top.key) paths.add(top.path ? `${top.path}.${top.key}` : top.key);
				}
				top.expectKey = false;
			} else if (stack.length === 1 && top.object && end - i <= MAX_DECODED) rootStrings.set(top.key, decodeString(bytes, i, end));
			i = end - 1;
		} else if (b === 0x7b || b === 0x5b) {
			const path = !top ? '' : top.object ? (top.path ? `${top.path}.${top.key}` : top.key) : `${top.path}[]`;
			const record = !top || (top.record && stack.length < MAX_DEPTH && (top.object || top.index < SAMPLED_ELEMENTS));
			if (top && record) paths.add(path + (b === 0x7b ? '{}' : '[]'));
			stack.push({ path, object: b === 0x7b, record, index: 0, key: '', expectKey: b === 0x7b });
		} else if (b === 0x7d || b === 0x5d) {
			stack.pop();
			if (!stack.length) break;
		} else if (b === COMMA && top) {
			if (top.object) top.expectKey = true;
			else top.index++;
		} else if (b === COLON && top?.object) top.expectKey = false;
	}
	return { root: open === 0x7b ? 'object' : 'array', paths, rootStrings };
}

/** The outlines of the `.json` files among `files` that are JSON objects or lists. */
export function jsonOutlines(files: readonly { path: string; bytes: Uint8Array }[]): { path: string; outline: JsonOutline }[] {
	return files.flatMap((f) => {
		if (!/\.json$/i.test(f.path)) return [];
		const outline = jsonOutline(f.bytes);
		return outline ? [{ path: f.path, outline }] : [];
	});
}
