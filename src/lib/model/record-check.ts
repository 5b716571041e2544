import type { Size } from '$lib/geometry';
import { isShapeType, shapeKind, type Geometry, type GeometryByType, type ShapeType } from '$lib/shapes/registry';
import { validateAttributeSpecs } from './attributes';
import { MAX_ATTRIBUTES, MAX_DATASET_FIELDS_BYTES, MAX_ID_CHARS, MAX_IMAGE_SIDE, MAX_IMPORTED_BYTES, MAX_JSON_DEPTH, MAX_NAME_CHARS, MAX_OPTIONS, MAX_RECORD_BYTES, MAX_TEMPLATE_POINTS, MAX_TEXT_CHARS, approximateJsonBytes } from './limits';
import {
	type AnnotationRecord,
	type AttributeSpec,
	type AttributeValue,
	type ClassRecord,
	type ImageRecord,
	type ProjectSettings,
	type Proposal,
	type SkeletonTemplate,
	type VersionRecord
} from './records';

/**
 * The read boundary's checks: every record that enters the document from outside (a peer, another
 * tab, a stored document, a bundle) is one of these before anything reads it. Each returns a clean
 * record, indexed by its map key whatever `id` it claims, or why it cannot be read. Total: nothing here
 * throws on any input (the caller still guards against a bug).
 */

export type RecordCheck<T> = { ok: true; record: T } | { ok: false; reason: string };

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

type Raw = Record<string, unknown>;

function isObject(v: unknown): v is Raw {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isString(v: unknown, max: number): v is string {
	return typeof v === 'string' && v.length <= max;
}

function isTime(v: unknown): v is number {
	return typeof v === 'number' && Number.isFinite(v);
}

/** '#rrggbb': the only colour form a record may carry (it is put into style attributes). */
export function isHexColor(v: unknown): v is string {
	return typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v);
}

function tooLarge(raw: unknown): string | null {
	const bytes = approximateJsonBytes(raw);
	return bytes > MAX_RECORD_BYTES ? `it is larger than ${MAX_RECORD_BYTES / 1024 / 1024} MiB` : null;
}

/** The fields this version knows, per map: anything else came from a newer app (or a stranger). */
export const KNOWN_FIELDS = {
	classes: new Set(['id', 'name', 'color', 'hotkey', 'shapeTypes', 'description', 'order', 'attributes', 'text', 'instanceId', 'direction', 'skeleton', 'maskMode', 'supercategory', 'imported']),
	images: new Set(['id', 'name', 'hash', 'width', 'height', 'mime', 'size', 'status', 'addedAt', 'imported']),
	annotations: new Set(['id', 'imageId', 'classId', 'type', 'geometry', 'attributes', 'text', 'instanceId', 'direction', 'locked', 'proposal', 'z', 'author', 'createdAt', 'updatedAt', 'imported', 'layer']),
	versions: new Set(['id', 'name', 'createdAt', 'author', 'authorName', 'hash', 'counts'])
} as const;

/**
 * Geometry fields this version knows, per shape type. A newer app's extra geometry (v6 added a polygon's
 * `parts` and a skeleton's `box`) would be dropped by this version's `validate` and lost at the next edit:
 * such a record counts as unknown, so the newer-schema lock holds while it is there.
 */
const KNOWN_GEOMETRY_FIELDS: { [T in ShapeType]: ReadonlySet<keyof GeometryByType[T] & string> } = {
	box: new Set(['x', 'y', 'width', 'height']),
	rotatedBox: new Set(['cx', 'cy', 'width', 'height', 'angle']),
	polygon: new Set(['points', 'holes', 'parts']),
	polyline: new Set(['points']),
	ellipse: new Set(['cx', 'cy', 'rx', 'ry', 'angle']),
	keypoint: new Set(['x', 'y']),
	skeleton: new Set(['points', 'visibility', 'box']),
	cuboid: new Set(['points']),
	mask: new Set(['x', 'y', 'width', 'height', 'rle']),
	tag: new Set()
};

/** Whether an annotation carries a field, or a geometry field, this version does not know. */
export function hasUnknownAnnotationFields(raw: unknown): boolean {
	if (hasUnknownFields(raw, KNOWN_FIELDS.annotations)) return true;
	if (!isObject(raw) || !isShapeType(raw.type)) return false;
	return hasUnknownFields(raw.geometry, KNOWN_GEOMETRY_FIELDS[raw.type] as ReadonlySet<string>);
}

export function hasUnknownFields(raw: unknown, known: ReadonlySet<string>): boolean {
	if (!isObject(raw)) return false;
	for (const key in raw) if (!known.has(key)) return true;
	return false;
}

function checkAttributeSpecsShape(raw: unknown): AttributeSpec[] | string {
	if (!Array.isArray(raw)) return 'its attributes are not a list';
	if (raw.length > MAX_ATTRIBUTES) return `it has more than ${MAX_ATTRIBUTES} attributes`;
	for (const s of raw) {
		if (!isObject(s) || !isString(s.id, MAX_ID_CHARS) || !isString(s.name, MAX_NAME_CHARS) || typeof s.kind !== 'string') return 'an attribute is malformed';
		if (!Array.isArray(s.options) || s.options.length > MAX_OPTIONS || !s.options.every((o) => isString(o, MAX_NAME_CHARS))) return `attribute “${s.name}” has malformed options`;
		if ((s.min !== null && typeof s.min !== 'number') || (s.max !== null && typeof s.max !== 'number')) return `attribute “${s.name}” has a malformed range`;
		if (typeof s.required !== 'boolean') return `attribute “${s.name}” is malformed`;
	}
	const specs = validateAttributeSpecs(raw as AttributeSpec[]);
	return specs.ok ? specs.value : specs.reason;
}

function checkSkeletonTemplate(raw: unknown): SkeletonTemplate | null | string {
	if (raw === null) return null;
	if (!isObject(raw) || !Array.isArray(raw.points) || !Array.isArray(raw.edges)) return 'its skeleton template is malformed';
	const points = raw.points;
	if (points.length > MAX_TEMPLATE_POINTS) return `its skeleton has more than ${MAX_TEMPLATE_POINTS} points`;
	const sigmaOk = (v: unknown) => v === undefined || (typeof v === 'number' && v > 0 && v <= 10);
	if (!points.every((p) => isObject(p) && isString(p.name, MAX_NAME_CHARS) && Number.isFinite(p.x) && Number.isFinite(p.y) && sigmaOk(p.sigma)))
		return 'a point of its skeleton template is malformed';
	const n = points.length;
	const validIndex = (i: unknown) => Number.isInteger(i) && (i as number) >= 0 && (i as number) < n;
	if (raw.edges.length > MAX_TEMPLATE_POINTS * 4 || !raw.edges.every((e) => Array.isArray(e) && e.length === 2 && validIndex(e[0]) && validIndex(e[1])))
		return 'an edge of its skeleton template is malformed';
	return raw as unknown as SkeletonTemplate;
}

/** Whether `v` is plain JSON (finite numbers, no deeper than `depth`): what a file's kept fields may be. */
function isJson(v: unknown, depth = MAX_JSON_DEPTH): boolean {
	if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
	if (typeof v === 'number') return Number.isFinite(v);
	if (depth <= 0 || typeof v !== 'object') return false;
	if (Array.isArray(v)) return v.every((x) => isJson(x, depth - 1));
	for (const key in v) if (!isJson((v as Raw)[key], depth - 1)) return false;
	return true;
}

/** Why a record's `imported` (schema v6) cannot be read, or null when it can (or is absent). */
export function importedProblem(raw: unknown): string | null {
	if (raw === undefined) return null;
	if (!isObject(raw) || !isString(raw.format, 64) || !raw.format) return 'what it keeps from its imported file is malformed';
	if (raw.id !== undefined && !(Number.isSafeInteger(raw.id) || isString(raw.id, MAX_ID_CHARS))) return 'its id from the imported file is malformed';
	for (const part of ['fields', 'derived'] as const) {
		const v = raw[part];
		if (v !== undefined && !(isObject(v) && isJson(v))) return 'the fields kept from its imported file are malformed';
	}
	if (approximateJsonBytes(raw, MAX_IMPORTED_BYTES) > MAX_IMPORTED_BYTES) return `the fields kept from its imported file are larger than ${MAX_IMPORTED_BYTES / 1024} KiB`;
	for (const key in raw) if (!['format', 'id', 'fields', 'derived'].includes(key)) return 'what it keeps from its imported file is malformed';
	return null;
}

export function checkClassRecord(key: string, raw: unknown): RecordCheck<ClassRecord> {
	if (!isObject(raw)) return fail('the class is not a record');
	const big = tooLarge(raw);
	if (big) return fail(big);
	if (!isString(raw.name, MAX_NAME_CHARS) || !raw.name.trim()) return fail('the class has no name');
	if (!isHexColor(raw.color)) return fail('its colour is not of the form #rrggbb');
	if (raw.hotkey !== null && !(typeof raw.hotkey === 'string' && /^[1-9]$/.test(raw.hotkey))) return fail('its hotkey is not a digit from 1 to 9');
	if (!Array.isArray(raw.shapeTypes) || !raw.shapeTypes.every(isShapeType)) return fail('it allows an unknown shape type');
	if (!isString(raw.description, MAX_TEXT_CHARS)) return fail('its description is not text');
	if (!isTime(raw.order)) return fail('its place in the list is not a number');
	for (const flag of ['text', 'instanceId', 'direction'] as const) if (typeof raw[flag] !== 'boolean') return fail(`its “${flag}” switch is not yes or no`);
	if (raw.maskMode !== 'instance' && raw.maskMode !== 'semantic') return fail('its mask mode is unknown');
	const attributes = checkAttributeSpecsShape(raw.attributes);
	if (typeof attributes === 'string') return fail(attributes);
	const skeleton = checkSkeletonTemplate(raw.skeleton);
	if (typeof skeleton === 'string') return fail(skeleton);
	if (raw.supercategory !== undefined && !isString(raw.supercategory, MAX_NAME_CHARS)) return fail('its supercategory is not a name');
	const imported = importedProblem(raw.imported);
	if (imported) return fail(imported);
	return { ok: true, record: { ...(raw as unknown as ClassRecord), id: key, attributes, skeleton } };
}

export function checkImageRecord(key: string, raw: unknown): RecordCheck<ImageRecord> {
	if (!isObject(raw)) return fail('the image is not a record');
	if (!isString(raw.name, MAX_NAME_CHARS) || !raw.name) return fail('the image has no file name');
	// A SHA-256 in hex from this app; empty when the bytes are unknown (a converted dataset without its images).
	if (!isString(raw.hash, MAX_ID_CHARS)) return fail('its content hash is not text');
	for (const side of ['width', 'height'] as const) {
		const v = raw[side];
		if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_IMAGE_SIDE) return fail(`its ${side} is not a whole number of pixels from 1 to ${MAX_IMAGE_SIDE}`);
	}
	if (!isString(raw.mime, 255)) return fail('its file type is not text');
	if (!Number.isSafeInteger(raw.size) || (raw.size as number) < 0) return fail('its file size is not a number of bytes');
	// A v7 record's status (read before the migration moves it, or from a v7 peer's offline work): kept as it is.
	if (raw.status !== undefined && raw.status !== 'new' && raw.status !== 'in_progress' && raw.status !== 'done') return fail('its status is unknown');
	if (!isTime(raw.addedAt)) return fail('its time is not a number');
	const imported = importedProblem(raw.imported);
	if (imported) return fail(imported);
	return { ok: true, record: raw.id === key ? (raw as unknown as ImageRecord) : { ...(raw as unknown as ImageRecord), id: key } };
}

function isAttributeValue(v: unknown): v is AttributeValue {
	if (typeof v === 'string') return v.length <= MAX_TEXT_CHARS;
	if (typeof v === 'number') return Number.isFinite(v);
	if (typeof v === 'boolean') return true;
	return Array.isArray(v) && v.length <= MAX_OPTIONS && v.every((o) => isString(o, MAX_NAME_CHARS));
}

/** A model's mark on an annotation: its model named, a score from 0 to 1 (the same rule for reads and writes). */
export function isProposal(p: unknown): p is Proposal {
	return isObject(p) && isString(p.model, MAX_NAME_CHARS) && p.model.trim() !== '' && typeof p.score === 'number' && p.score >= 0 && p.score <= 1;
}

/** Bounds for an annotation whose image is unknown: its geometry is checked for form, not clamped. */
const UNBOUNDED: Size = { width: MAX_IMAGE_SIDE, height: MAX_IMAGE_SIDE };

/**
 * Checks an annotation. Its geometry goes through its kind's `validate`, against its image when known
 * (clamped as any write is), so what is read is what this app would have written.
 */
/**
 * `sizeBounded`: the record was unpacked from bytes small enough that its JSON cannot pass MAX_RECORD_BYTES
 * (annotation-store.ts), so its size is not measured again.
 */
export function checkAnnotationRecord(key: string, raw: unknown, image: Size | undefined, sizeBounded = false): RecordCheck<AnnotationRecord> {
	if (!isObject(raw)) return fail('the annotation is not a record');
	const named = namesProblem(raw);
	if (named) return fail(named);
	const big = sizeBounded ? null : tooLarge(raw);
	if (big) return fail(big);
	const fields = fieldsProblem(raw);
	if (fields) return fail(fields);
	const geometry = shapeKind(raw.type as ShapeType).validate(raw.geometry, image ?? UNBOUNDED);
	if (!geometry.ok) return fail(geometry.reason);
	// Almost every record is already clean: keep Yjs' own object rather than a copy (half the memory at 100,000).
	if (raw.id === key && sameJson(raw.geometry, geometry.geometry)) return { ok: true, record: raw as unknown as AnnotationRecord };
	return { ok: true, record: { ...(raw as unknown as AnnotationRecord), id: key, geometry: geometry.geometry as Geometry } };
}

/**
 * What checkAnnotationRecord finds wrong with an annotation apart from its geometry and its size, or
 * null: for a writer whose geometry comes back from packing bit for bit, so that only these can differ
 * from what a reader accepts.
 */
export function annotationFieldsProblem(raw: Raw): string | null {
	return namesProblem(raw) ?? fieldsProblem(raw);
}

function namesProblem(raw: Raw): string | null {
	if (!isString(raw.imageId, MAX_ID_CHARS) || !isString(raw.classId, MAX_ID_CHARS)) return 'its image or class is not named by an id';
	if (!isShapeType(raw.type)) return `its shape type “${String(raw.type).slice(0, 40)}” is unknown`;
	return null;
}

function fieldsProblem(raw: Raw): string | null {
	const attributes = raw.attributes;
	if (!isObject(attributes)) return 'its attributes are not a record';
	let count = 0;
	for (const id in attributes) if (++count > MAX_ATTRIBUTES || !isAttributeValue(attributes[id])) return 'an attribute value is malformed';
	if (!isTime(raw.z)) return 'its drawing order is not a number';
	if (!isString(raw.author, MAX_ID_CHARS)) return 'its author is not an id';
	if (!isTime(raw.createdAt) || !isTime(raw.updatedAt)) return 'its times are not numbers';
	if (raw.text !== undefined && !isString(raw.text, MAX_TEXT_CHARS)) return `its text is not text of at most ${MAX_TEXT_CHARS} characters`;
	if (raw.instanceId !== undefined && !Number.isSafeInteger(raw.instanceId)) return 'its instance id is not a whole number';
	if (raw.direction !== undefined && !(isObject(raw.direction) && isTime(raw.direction.angle))) return 'its direction is not an angle';
	if (raw.locked !== undefined && typeof raw.locked !== 'boolean') return 'its lock is not yes or no';
	if (raw.proposal !== undefined && !isProposal(raw.proposal)) return 'its proposal does not name a model and a score from 0 to 1';
	if (raw.layer !== undefined && !isString(raw.layer, MAX_ID_CHARS)) return 'its layer is not a member id';
	return importedProblem(raw.imported);
}

/** Whether two JSON values (numbers, strings, arrays, plain objects) are equal, key for key. */
function sameJson(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a)) {
		if (!Array.isArray(b) || a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !sameJson(a[i], b[i])) return false;
		return true;
	}
	if (Array.isArray(b)) return false;
	const ka = Object.keys(a),
		kb = Object.keys(b);
	if (ka.length !== kb.length) return false;
	for (const k of ka) if (!sameJson((a as Raw)[k], (b as Raw)[k])) return false;
	return true;
}

export function checkVersionRecord(key: string, raw: unknown): RecordCheck<VersionRecord> {
	if (!isObject(raw)) return fail('the version is not a record');
	if (!isString(raw.name, MAX_NAME_CHARS) || !raw.name.trim()) return fail('the version has no name');
	if (!isTime(raw.createdAt)) return fail('its time is not a number');
	if (!isString(raw.author, MAX_ID_CHARS) || !isString(raw.authorName, MAX_NAME_CHARS)) return fail('its author is not named');
	if (typeof raw.hash !== 'string' || !/^[0-9a-f]{64}$/.test(raw.hash)) return fail('its snapshot hash is not a SHA-256');
	const c = raw.counts;
	if (!isObject(c) || !['images', 'classes', 'annotations'].every((k) => Number.isSafeInteger(c[k]) && (c[k] as number) >= 0))
		return fail('its counts are not numbers');
	return { ok: true, record: { ...(raw as unknown as VersionRecord), id: key, counts: { images: c.images as number, classes: c.classes as number, annotations: c.annotations as number } } };
}

export function checkSettings(raw: unknown): RecordCheck<ProjectSettings> {
	if (!isObject(raw)) return fail('the project settings are not a record');
	if (!isString(raw.name, MAX_NAME_CHARS)) return fail('the project name is not text');
	if (!isString(raw.description, MAX_TEXT_CHARS)) return fail('the project description is not text');
	if (!isTime(raw.createdAt)) return fail('the project’s creation time is not a number');
	if (raw.tagMode !== undefined && raw.tagMode !== 'single' && raw.tagMode !== 'multi') return fail('the tag mode is unknown');
	if (raw.imported !== undefined) {
		const byFormat = raw.imported;
		if (!isObject(byFormat) || !Object.values(byFormat).every((v) => isObject(v) && isJson(v))) return fail('the fields kept from imported datasets are malformed');
		if (approximateJsonBytes(byFormat, MAX_DATASET_FIELDS_BYTES) > MAX_DATASET_FIELDS_BYTES)
			return fail(`the fields kept from imported datasets are larger than ${MAX_DATASET_FIELDS_BYTES / 1024 / 1024} MiB`);
	}
	return { ok: true, record: raw as unknown as ProjectSettings };
}
