import type { Geometry, ShapeType } from '$lib/shapes/registry';
import { ByteReader, ByteWriter } from '$lib/shapes/compact/bytes';
import { checkGeometry, KIND_CODES, readGeometry, writeGeometry, type CompactResult, type Encoded } from '$lib/shapes/compact/geometry-codec';
import type { AnnotationRecord, AttributeValue, JsonValue } from './records';

/**
 * A whole annotation record (schema v6's fields) as one Uint8Array: layout (g) of docs/benchmarks.md
 * ("Record layouts"), for the v7 records of issue 14. Pure and total: encode returns a reason for what
 * it cannot hold, decode never throws, and the same record always gives the same bytes (two peers that
 * migrate one document at once write identical values).
 *
 * Layout (version 1):
 *   version byte · flags (varint, FLAG bits) · imageId · classId · author · z · createdAt ·
 *   [updatedAt] · [attributes] · [text] · [instanceId] · [direction.angle] · [proposal] · [imported] ·
 *   [layer] (schema v9: a new flag bit in the same layout; decoders from before refuse the record) ·
 *   geometry (the rest: the geometry codec's bytes, whose header carries the type).
 * - The record's `id` is not stored: the map key gives it (decode takes it back as an argument).
 * - id: varint 0 then 12 bytes for the app's 16-character base-62 ids (two halves of 62^8 < 2^48, little
 *   endian), else varint (UTF-8 length + 1) and the text, so imported ids ('frame_000001') stay as they are.
 * - number: varint 2·zigzag(n) for whole numbers with |n| ≤ 2^50, else varint 1 and a float64. -0 takes
 *   the float64 form, so it comes back as -0; NaN and ±Infinity are refused (the read boundary refuses
 *   them too).
 * - times: varints when both are whole, ≥ 0 and safe (FLAG.floatTimes clear), else both float64;
 *   updatedAt is written only when it differs from createdAt (FLAG.updated).
 * - text: varint UTF-8 length, then UTF-8; a string with a lone surrogate is refused (UTF-8 cannot hold it).
 * - attributes: count, then (key as an id, tagged value) in sorted key order (UTF-16 code units).
 * - imported: a byte of IMPORTED bits, format, id (an id or a number), fields and derived as tagged JSON:
 *   key order kept as read (the same record, read from Yjs by any peer, has the same order).
 * Decode checks every length against the bytes left before allocating and accepts one spelling only:
 * shortest varints, sorted unique keys, no flag for a default, no float64 for what a varint holds.
 * The geometry keeps the geometry codec's exactness (bit-identical up to 3 decimals, else within 1/1000 px;
 * -0 comes back as 0; empty holes and parts are left out); every other field comes back deep-equal, -0
 * included, and `imported`'s keys in their order.
 * Limits are the read boundary's (model/record-check.ts), applied to the decoded record: this layout holds
 * any count or length that fits in its bytes.
 */

export const RECORD_LAYOUT_VERSION = 1;

type Json = JsonValue;

/** The annotation record this codec packs: the model's own (schema v6). */
export type CompactAnnotation = AnnotationRecord;

/** Which optional parts follow; fixed forever (a new part takes the next bit and a new layout version). */
const FLAG = {
	updated: 1,
	attributes: 2,
	text: 4,
	instanceId: 8,
	direction: 16,
	proposal: 32,
	imported: 64,
	locked: 128,
	lockedOn: 256,
	floatTimes: 512,
	/** Schema v9: the record belongs to a member's blind layer (its id follows the imported part). A decoder from before refuses it. */
	layer: 1024
} as const;
const ALL_FLAGS = 2047;

const IMPORTED = { textId: 1, numberId: 2, fields: 4, derived: 8 } as const;

/** Tags of tagged values (attribute values use false, true, number, string and a list of strings). */
const TAG = { null: 0, false: 1, true: 2, number: 3, string: 4, list: 5, object: 6 } as const;

const FIELDS = new Set(['id', 'imageId', 'classId', 'type', 'geometry', 'attributes', 'text', 'instanceId', 'direction', 'locked', 'proposal', 'z', 'imported', 'layer', 'author', 'createdAt', 'updatedAt']);
const IMPORTED_FIELDS = new Set(['format', 'id', 'fields', 'derived']);

/** Nesting of kept JSON: twice the model's MAX_JSON_DEPTH (32), so nothing the model keeps is refused. */
export const MAX_RECORD_JSON_DEPTH = 64;
/** Whole numbers up to this size take a varint; beyond, a float64 (2·zigzag must stay ≤ 2^53). */
const VARINT_NUMBER_LIMIT = 2 ** 50;
const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HALF_LIMIT = 62 ** 8;
/** The attributes of a record that has none: one frozen object for all of them (records are never changed in place). */
const NO_ATTRIBUTES: Record<string, AttributeValue> = Object.freeze({}) as Record<string, AttributeValue>;
/** Decoded app ids by their first half (48 random bits: two ids sharing one are not cached, only decoded). */
const ID_STRINGS = new Map<number, { lo: number; id: string }>();
const ID_STRINGS_MAX = 65_536;
/** Each base-62 digit's value by its character code (-1: not a digit). */
const BASE62_VALUE = Int8Array.from({ length: 128 }, (_, c) => BASE62.indexOf(String.fromCharCode(c)));
/** Whether `v` is one of the app's ids: 16 base-62 digits. */
function isAppId(v: string): boolean {
	if (v.length !== 16) return false;
	for (let i = 0; i < 16; i++) {
		const c = v.charCodeAt(i);
		if (c > 127 || BASE62_VALUE[c] < 0) return false;
	}
	return true;
}

const BASE62_CODES = Array.from(BASE62, (c) => c.charCodeAt(0));
const ID_CODES: number[] = new Array(16).fill(0);
/**
 * The id whose halves are `hi` and `lo`, as one flat string: joined with `+`, V8 keeps a 16-character
 * string as a pair of pieces, and every map keyed by such ids pays for it on each lookup.
 */
function appIdString(hi: number, lo: number): string {
	for (let i = 7; i >= 0; i--, hi = Math.floor(hi / 62)) ID_CODES[i] = BASE62_CODES[hi % 62];
	for (let i = 15; i >= 8; i--, lo = Math.floor(lo / 62)) ID_CODES[i] = BASE62_CODES[lo % 62];
	return String.fromCharCode.apply(null, ID_CODES);
}
const LONE_SURROGATE = /\p{Cs}/u;
/** Texts up to this length are read and written a character at a time when they are ASCII (no encoder call). */
const SHORT_TEXT = 64;
function isShortAscii(v: string): boolean {
	if (v.length > SHORT_TEXT) return false;
	for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) > 0x7f) return false;
	return true;
}
const utf8 = new TextEncoder();
const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isWholeTime = (t: number) => Number.isSafeInteger(t) && t >= 0 && !Object.is(t, -0);
const isVarintNumber = (n: number) => Number.isInteger(n) && Math.abs(n) <= VARINT_NUMBER_LIMIT && !Object.is(n, -0);
/** `key` on `o` as an own field, `__proto__` included (as JSON.parse and Yjs make it). */
function put(o: Record<string, unknown>, key: string, value: unknown): void {
	if (key === '__proto__') Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
	else o[key] = value;
}

/** Writes and checks in one pass; the first problem is kept and the bytes are then thrown away. */
class Encoder {
	reason: string | null = null;
	constructor(readonly w: ByteWriter) {}

	fail(reason: string): void {
		this.reason ??= reason;
	}

	number(v: unknown, what: string): void {
		if (typeof v !== 'number' || !Number.isFinite(v)) return this.fail(`${what} is not a finite number`);
		if (isVarintNumber(v)) this.w.uint(v < 0 ? -4 * v - 2 : 4 * v);
		else {
			this.w.uint(1);
			this.w.float64(v);
		}
	}

	text(v: unknown, what: string): void {
		if (typeof v !== 'string') return this.fail(`${what} is not text`);
		this.utf8(v, 0, what);
	}

	/** `v`'s UTF-8 after a varint of its length + `lengthBias`. */
	private utf8(v: string, lengthBias: number, what: string): void {
		if (isShortAscii(v)) {
			// The common case (names, formats, imported ids): one byte a character, no encoder call.
			this.w.uint(v.length + lengthBias);
			for (let i = 0; i < v.length; i++) this.w.byte(v.charCodeAt(i));
			return;
		}
		if (LONE_SURROGATE.test(v)) return this.fail(`${what} has a lone surrogate, which UTF-8 cannot hold`);
		const bytes = utf8.encode(v);
		this.w.uint(bytes.length + lengthBias);
		this.w.raw(bytes);
	}

	id(v: unknown, what: string): void {
		if (typeof v !== 'string') return this.fail(`${what} is not text`);
		if (!isAppId(v)) return this.utf8(v, 1, what);
		// Varint 0, then two halves of 6 little-endian bytes (parsed each time: cheaper than a cache's lookup).
		this.w.byte(0);
		for (let h = 0; h < 2; h++) {
			let n = 0;
			for (let i = 0; i < 8; i++) n = n * 62 + BASE62_VALUE[v.charCodeAt(h * 8 + i)];
			this.w.littleEndian(n, 6);
		}
	}

	json(v: unknown, depth: number): void {
		if (v === null) return this.w.byte(TAG.null);
		if (typeof v === 'boolean') return this.w.byte(v ? TAG.true : TAG.false);
		if (typeof v === 'number') {
			this.w.byte(TAG.number);
			return this.number(v, 'a number of its imported fields');
		}
		if (typeof v === 'string') {
			this.w.byte(TAG.string);
			return this.text(v, 'a text of its imported fields');
		}
		if (typeof v !== 'object') return this.fail('its imported fields hold something that is not JSON');
		if (depth >= MAX_RECORD_JSON_DEPTH) return this.fail(`its imported fields are nested more than ${MAX_RECORD_JSON_DEPTH} deep`);
		if (Array.isArray(v)) {
			this.w.byte(TAG.list);
			this.w.uint(v.length);
			for (const item of v) if (!this.reason) this.json(item, depth + 1);
			return;
		}
		const keys = Object.keys(v);
		this.w.byte(TAG.object);
		this.w.uint(keys.length);
		for (const key of keys) {
			if (this.reason) return;
			this.text(key, 'a key of its imported fields');
			this.json((v as Record<string, unknown>)[key], depth + 1);
		}
	}

	attributes(values: Record<string, unknown>, keys: string[]): void {
		this.w.uint(keys.length);
		for (const key of keys) {
			if (this.reason) return;
			this.id(key, 'an attribute key');
			const v = values[key];
			if (typeof v === 'boolean') this.w.byte(v ? TAG.true : TAG.false);
			else if (typeof v === 'number') {
				this.w.byte(TAG.number);
				this.number(v, `attribute ${key}`);
			} else if (typeof v === 'string') {
				this.w.byte(TAG.string);
				this.text(v, `attribute ${key}`);
			} else if (Array.isArray(v)) {
				this.w.byte(TAG.list);
				this.w.uint(v.length);
				for (const option of v) this.text(option, `an option of attribute ${key}`);
			} else this.fail(`attribute ${key} is not text, a number, yes/no or a list of options`);
		}
	}

	imported(v: unknown): void {
		if (!isObject(v)) return this.fail('what it keeps from its imported file is not a record');
		const extra = Object.keys(v).find((k) => !IMPORTED_FIELDS.has(k) && v[k] !== undefined);
		if (extra) return this.fail(`what it keeps from its imported file has a field this layout cannot hold: ${extra}`);
		for (const part of ['fields', 'derived'] as const)
			if (v[part] !== undefined && !isObject(v[part])) return this.fail(`its imported ${part} are not a record`);
		const id = v.id;
		if (id !== undefined && typeof id !== 'string' && typeof id !== 'number') return this.fail('its id from the imported file is not text or a number');
		this.w.byte(
			(typeof id === 'string' ? IMPORTED.textId : 0) |
				(typeof id === 'number' ? IMPORTED.numberId : 0) |
				(v.fields !== undefined ? IMPORTED.fields : 0) |
				(v.derived !== undefined ? IMPORTED.derived : 0)
		);
		this.text(v.format, 'the format it was imported from');
		if (typeof id === 'string') this.id(id, 'its id from the imported file');
		if (typeof id === 'number') this.number(id, 'its id from the imported file');
		if (v.fields !== undefined) this.json(v.fields, 0);
		if (v.derived !== undefined) this.json(v.derived, 0);
	}
}

const SCRATCH = new ByteWriter(256);

/** Sets `bit` when `v` is present (not undefined). */
const when = (v: unknown, bit: number) => (v === undefined ? 0 : bit);

/** `record` as the bytes of layout version 1, or why it cannot be (a field it cannot hold, a number that is not finite). */
export function encodeAnnotation(record: unknown): Encoded {
	const refuse = (reason: string) => ({ ok: false as const, reason: `Cannot store this annotation compactly: ${reason}` });
	if (!isObject(record)) return refuse('it is not a record');
	const a = record;
	const extra = Object.keys(a).find((k) => !FIELDS.has(k) && a[k] !== undefined);
	if (extra) return refuse(`it has a field this layout cannot hold: ${extra}`);
	if (typeof a.type !== 'string' || !Object.hasOwn(KIND_CODES, a.type)) return refuse(`its shape type ${String(a.type).slice(0, 40)} is unknown`);
	const geometry = checkGeometry(a.type as ShapeType, a.geometry);
	if (!geometry.ok) return refuse(geometry.reason);
	if (!isObject(a.attributes)) return refuse('its attributes are not a record');
	const attributeKeys = Object.keys(a.attributes).sort();
	if (a.locked !== undefined && typeof a.locked !== 'boolean') return refuse('its lock is not yes or no');
	if (a.direction !== undefined && !(isObject(a.direction) && Object.keys(a.direction).every((k) => k === 'angle')))
		return refuse('its direction is not { angle }');
	if (a.proposal !== undefined && !(isObject(a.proposal) && Object.keys(a.proposal).every((k) => k === 'model' || k === 'score')))
		return refuse('its proposal is not { model, score }');
	for (const t of ['createdAt', 'updatedAt'] as const)
		if (typeof a[t] !== 'number' || !Number.isFinite(a[t])) return refuse(`its ${t} is not a finite number`);
	const createdAt = a.createdAt as number;
	const updatedAt = a.updatedAt as number;
	const updated = !Object.is(createdAt, updatedAt);
	const floatTimes = !isWholeTime(createdAt) || (updated && !isWholeTime(updatedAt));

	// One writer for every record: encoding is synchronous and never re-entered, and `done` copies out.
	const w = SCRATCH;
	w.reset();
	const e = new Encoder(w);
	w.byte(RECORD_LAYOUT_VERSION);
	w.uint(
		(updated ? FLAG.updated : 0) |
			(attributeKeys.length ? FLAG.attributes : 0) |
			when(a.text, FLAG.text) |
			when(a.instanceId, FLAG.instanceId) |
			when(a.direction, FLAG.direction) |
			when(a.proposal, FLAG.proposal) |
			when(a.imported, FLAG.imported) |
			when(a.locked, FLAG.locked) |
			(a.locked === true ? FLAG.lockedOn : 0) |
			(floatTimes ? FLAG.floatTimes : 0) |
			when(a.layer, FLAG.layer)
	);
	e.id(a.imageId, 'its image id');
	e.id(a.classId, 'its class id');
	e.id(a.author, 'its author');
	e.number(a.z, 'its drawing order (z)');
	for (const t of updated ? [createdAt, updatedAt] : [createdAt]) {
		if (floatTimes) w.float64(t);
		else w.uint(t);
	}
	if (attributeKeys.length) e.attributes(a.attributes, attributeKeys);
	if (a.text !== undefined) e.text(a.text, 'its text');
	if (a.instanceId !== undefined) e.number(a.instanceId, 'its instance id');
	if (a.direction) e.number(a.direction.angle, 'its direction');
	if (a.proposal) {
		e.text(a.proposal.model, 'the model of its proposal');
		e.number(a.proposal.score, 'the score of its proposal');
	}
	if (a.imported !== undefined) e.imported(a.imported);
	if (a.layer !== undefined) e.id(a.layer, 'its layer');
	if (e.reason) return refuse(e.reason);
	// Every field but the geometry comes back as written; the geometry says whether it does.
	const lossless = writeGeometry(geometry.value, w);
	return { ok: true, value: w.done(), lossless };
}

/** Reads what Encoder wrote; every count is checked against the bytes left before anything is allocated. */
class Decoder {
	constructor(readonly r: ByteReader) {}

	/** A count of items of at least `minBytes` each: never more than the bytes left could hold. */
	count(minBytes: number): number {
		const n = this.r.uint();
		if (n * minBytes > this.r.remaining) {
			this.r.fail('a count is larger than what follows');
			return 0;
		}
		return n;
	}

	number(): number {
		const u = this.r.uint();
		if (u % 2 === 0) {
			const z = u / 2;
			return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
		}
		if (u !== 1) this.r.fail('a number has an unknown form');
		const v = this.r.float64();
		if (!Number.isFinite(v)) this.r.fail('a number is not finite');
		else if (isVarintNumber(v)) this.r.fail('a whole number is written as a float64');
		return v;
	}

	utf8(n: number): string {
		const bytes = this.r.raw(n);
		if (this.r.failed) return '';
		if (n <= SHORT_TEXT) {
			let i = 0;
			while (i < n && bytes[i] < 0x80) i++;
			// One call, one flat string (a string grown with `+=` is a chain of pieces in V8).
			if (i === n) return String.fromCharCode.apply(null, bytes as unknown as number[]);
		}
		try {
			return utf8Strict.decode(bytes);
		} catch {
			this.r.fail('a text is not UTF-8');
			return '';
		}
	}

	text(): string {
		return this.utf8(this.count(1));
	}

	id(): string {
		// Text ids are written with their length + 1 (0 marks an app id): n - 1 bytes follow.
		const n = this.r.uint();
		if (n - 1 > this.r.remaining) {
			this.r.fail('a count is larger than what follows');
			return '';
		}
		if (n > 0) {
			const s = this.utf8(n - 1);
			if (isAppId(s)) this.r.fail('an id of the app is written as text');
			return s;
		}
		// Two halves of 6 little-endian bytes.
		const hi = this.r.littleEndian(6);
		const lo = this.r.littleEndian(6);
		if (this.r.failed) return '';
		if (hi >= HALF_LIMIT || lo >= HALF_LIMIT) {
			this.r.fail('an id is out of range');
			return '';
		}
		// The same few image, class and author ids recur in every record: one string each, not one per record.
		const known = ID_STRINGS.get(hi);
		if (known?.lo === lo) return known.id;
		const id = appIdString(hi, lo);
		if (ID_STRINGS.size >= ID_STRINGS_MAX) ID_STRINGS.clear();
		ID_STRINGS.set(hi, { lo, id });
		return id;
	}

	json(depth: number): Json {
		const tag = this.r.byte();
		switch (tag) {
			case TAG.null:
				return null;
			case TAG.false:
			case TAG.true:
				return tag === TAG.true;
			case TAG.number:
				return this.number();
			case TAG.string:
				return this.text();
		}
		if (depth >= MAX_RECORD_JSON_DEPTH) {
			this.r.fail('its imported fields are nested too deep');
			return null;
		}
		if (tag === TAG.list) {
			const n = this.count(1);
			const out: Json[] = [];
			for (let i = 0; i < n && !this.r.failed; i++) out.push(this.json(depth + 1));
			return out;
		}
		if (tag === TAG.object) return this.object(depth);
		this.r.fail('a value has an unknown tag');
		return null;
	}

	object(depth: number): { [key: string]: Json } {
		const n = this.count(2);
		const out: { [key: string]: Json } = {};
		for (let i = 0; i < n && !this.r.failed; i++) {
			const key = this.text();
			if (Object.hasOwn(out, key)) this.r.fail('a key of its imported fields comes twice');
			put(out, key, this.json(depth + 1));
		}
		return out;
	}

	/** An object at the top of `imported.fields` or `derived`. */
	record(): Record<string, Json> {
		if (this.r.byte() !== TAG.object) this.r.fail('its imported fields are not a record');
		return this.object(0);
	}

	attributes(): Record<string, AttributeValue> {
		const n = this.count(2);
		if (n === 0) this.r.fail('empty attributes are flagged as present');
		const out: Record<string, AttributeValue> = {};
		let previous: string | null = null;
		for (let i = 0; i < n && !this.r.failed; i++) {
			const key = this.id();
			if (previous !== null && !(previous < key)) this.r.fail('attribute keys are not in sorted order');
			previous = key;
			const tag = this.r.byte();
			let value: AttributeValue = false;
			if (tag === TAG.false || tag === TAG.true) value = tag === TAG.true;
			else if (tag === TAG.number) value = this.number();
			else if (tag === TAG.string) value = this.text();
			else if (tag === TAG.list) {
				const m = this.count(1);
				const options: string[] = [];
				for (let j = 0; j < m && !this.r.failed; j++) options.push(this.text());
				value = options;
			} else this.r.fail('an attribute value has an unknown tag');
			put(out, key, value);
		}
		return out;
	}

	imported(): NonNullable<CompactAnnotation['imported']> {
		const bits = this.r.byte();
		if (bits > 15 || (bits & IMPORTED.textId && bits & IMPORTED.numberId)) this.r.fail('what it keeps from its imported file has unknown parts');
		const out: NonNullable<CompactAnnotation['imported']> = { format: this.text() };
		if (bits & IMPORTED.textId) out.id = this.id();
		if (bits & IMPORTED.numberId) out.id = this.number();
		if (bits & IMPORTED.fields) out.fields = this.record();
		if (bits & IMPORTED.derived) out.derived = this.record();
		return out;
	}
}

/**
 * The annotation stored under map key `id` in `bytes`, or why they cannot be read. Never throws; work
 * and memory are linear in the bytes' length.
 */
export function decodeAnnotation(id: string, bytes: unknown): CompactResult<CompactAnnotation> {
	const refuse = (reason: string) => ({ ok: false as const, reason: `Cannot read annotation ${id}: ${reason}` });
	if (!(bytes instanceof Uint8Array)) return refuse('it is not bytes');
	const r = new ByteReader(bytes, 'the record bytes');
	const version = r.byte();
	if (r.failed) return refuse('the record bytes are empty');
	if (version > RECORD_LAYOUT_VERSION) return refuse('it was written by a newer version of the app');
	if (version !== RECORD_LAYOUT_VERSION) return refuse(`unknown record layout ${version}`);
	const flags = r.uint();
	if (flags > ALL_FLAGS) r.fail('it has parts this version of the app does not know');
	if (flags & FLAG.lockedOn && !(flags & FLAG.locked)) r.fail('its lock is on but absent');
	const d = new Decoder(r);
	const imageId = d.id();
	const classId = d.id();
	const author = d.id();
	const z = d.number();
	const floatTimes = (flags & FLAG.floatTimes) !== 0;
	const time = () => (floatTimes ? r.float64() : r.uint());
	const createdAt = time();
	const updatedAt = flags & FLAG.updated ? time() : createdAt;
	if (floatTimes && ![createdAt, updatedAt].every(Number.isFinite)) r.fail('a time is not finite');
	if (flags & FLAG.updated && Object.is(createdAt, updatedAt)) r.fail('its update time is written though it equals its creation time');
	if (floatTimes && isWholeTime(createdAt) && isWholeTime(updatedAt)) r.fail('whole times are written as float64');
	const attributes = flags & FLAG.attributes ? d.attributes() : NO_ATTRIBUTES;
	const text = flags & FLAG.text ? d.text() : undefined;
	const instanceId = flags & FLAG.instanceId ? d.number() : undefined;
	const direction = flags & FLAG.direction ? { angle: d.number() } : undefined;
	const proposal = flags & FLAG.proposal ? { model: d.text(), score: d.number() } : undefined;
	const imported = flags & FLAG.imported ? d.imported() : undefined;
	const layer = flags & FLAG.layer ? d.id() : undefined;
	if (r.failed) return refuse(r.failed);
	const shape = readGeometry(r);
	if (!shape.ok) return refuse(shape.reason);
	// Fields in the order the model writes them; optional ones only when present. Assigned one by one:
	// an object literal with conditional spreads is several times slower to build (100,000 per project).
	const record = { id, imageId, classId, type: shape.value.type, geometry: shape.value.geometry as Geometry, attributes } as CompactAnnotation;
	if (text !== undefined) record.text = text;
	if (instanceId !== undefined) record.instanceId = instanceId;
	if (direction) record.direction = direction;
	if (flags & FLAG.locked) record.locked = (flags & FLAG.lockedOn) !== 0;
	if (proposal) record.proposal = proposal;
	record.z = z;
	if (imported) record.imported = imported;
	if (layer !== undefined) record.layer = layer;
	record.author = author;
	record.createdAt = createdAt;
	record.updatedAt = updatedAt;
	return { ok: true, value: record };
}

/** Writes an id as the annotation layout does (the app's ids in 1 + 12 bytes); the reason when it cannot. */
export function writeId(w: ByteWriter, id: unknown): string | null {
	const e = new Encoder(w);
	e.id(id, 'an id');
	return e.reason;
}

/** Reads an id written by `writeId` (failures latch in the reader, as every read here). */
export function readId(r: ByteReader): string {
	return new Decoder(r).id();
}
