import { newId } from './ids';
import { MAX_TEXT_CHARS } from './limits';
import type { AnnotationRecord, AttributeKind, AttributeSpec, AttributeValue, ClassRecord } from './records';

/**
 * Class attributes (CVAT's and V7's per-label attributes): checking a class's list of specs, checking
 * and coercing one value against its spec, the defaults of a new annotation, and which required
 * attributes an annotation still lacks. Pure: used by the model on every write and by the UI.
 */

export const ATTRIBUTE_KINDS: readonly AttributeKind[] = ['text', 'number', 'select', 'multiselect', 'checkbox'];

export const ATTRIBUTE_KIND_LABEL: Record<AttributeKind, string> = {
	text: 'Text',
	number: 'Number',
	select: 'One of',
	multiselect: 'Any of',
	checkbox: 'Yes / no'
};

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A new spec with every field filled (the class dialog's "Add attribute"). */
export function newAttributeSpec(name: string, kind: AttributeKind = 'text'): AttributeSpec {
	return { id: newId(), name, kind, options: [], min: null, max: null, default: null, required: false };
}

/** Checks a class's attribute list: unique non-empty names, usable options and ranges, valid defaults. */
export function validateAttributeSpecs(specs: readonly AttributeSpec[]): Checked<AttributeSpec[]> {
	const names = new Set<string>();
	const ids = new Set<string>();
	const out: AttributeSpec[] = [];
	for (const raw of specs) {
		if (typeof raw?.name !== 'string' || !Array.isArray(raw.options) || raw.options.some((o) => typeof o !== 'string'))
			return { ok: false, reason: 'An attribute is malformed' };
		const name = raw.name.trim();
		if (!name) return { ok: false, reason: 'Every attribute needs a name' };
		if (names.has(name.toLowerCase())) return { ok: false, reason: `Two attributes are named “${name}”` };
		names.add(name.toLowerCase());
		if (!raw.id || ids.has(raw.id)) return { ok: false, reason: `Attribute “${name}” has no unique id` };
		ids.add(raw.id);
		if (!ATTRIBUTE_KINDS.includes(raw.kind)) return { ok: false, reason: `Attribute “${name}” has an unknown kind` };
		const spec: AttributeSpec = { ...raw, name, options: [], min: null, max: null };
		if (raw.kind === 'select' || raw.kind === 'multiselect') {
			const options = raw.options.map((o) => o.trim());
			if (!options.length) return { ok: false, reason: `Attribute “${name}” needs at least one option` };
			if (options.some((o) => !o)) return { ok: false, reason: `Attribute “${name}” has an empty option` };
			if (new Set(options).size !== options.length) return { ok: false, reason: `Attribute “${name}” lists an option twice` };
			spec.options = options;
		}
		if (raw.kind === 'number') {
			for (const bound of [raw.min, raw.max])
				if (bound !== null && !Number.isFinite(bound)) return { ok: false, reason: `Attribute “${name}”: the range must be numbers` };
			if (raw.min !== null && raw.max !== null && raw.min > raw.max)
				return { ok: false, reason: `Attribute “${name}”: the minimum is above the maximum` };
			spec.min = raw.min;
			spec.max = raw.max;
		}
		if (raw.default !== null) {
			const d = checkAttributeValue(spec, raw.default);
			if (!d.ok) return { ok: false, reason: `Default of “${name}”: ${d.reason}` };
			spec.default = d.value;
		}
		out.push(spec);
	}
	return { ok: true, value: out };
}

/**
 * Checks a value against its spec, coercing what a form gives (a number typed as text, "true"):
 * numbers in range, one of the options, a subset of the options, a boolean, a string.
 */
export function checkAttributeValue(spec: AttributeSpec, value: unknown): Checked<AttributeValue> {
	switch (spec.kind) {
		case 'text':
			if (typeof value === 'string') return value.length <= MAX_TEXT_CHARS ? { ok: true, value } : { ok: false, reason: `has at most ${MAX_TEXT_CHARS} characters` };
			if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
			return { ok: false, reason: 'must be text' };
		case 'number': {
			const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
			if (typeof n !== 'number' || !Number.isFinite(n)) return { ok: false, reason: 'must be a number' };
			if (spec.min !== null && n < spec.min) return { ok: false, reason: `must be at least ${spec.min}` };
			if (spec.max !== null && n > spec.max) return { ok: false, reason: `must be at most ${spec.max}` };
			return { ok: true, value: n };
		}
		case 'select':
			if (typeof value === 'string' && spec.options.includes(value)) return { ok: true, value };
			return { ok: false, reason: `must be one of ${spec.options.join(', ')}` };
		case 'multiselect': {
			if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !spec.options.includes(v)))
				return { ok: false, reason: `must be some of ${spec.options.join(', ')}` };
			// Kept in the options' order, once each: equal choices are equal records.
			return { ok: true, value: spec.options.filter((o) => value.includes(o)) };
		}
		case 'checkbox':
			if (typeof value === 'boolean') return { ok: true, value };
			if (value === 'true' || value === 'false') return { ok: true, value: value === 'true' };
			return { ok: false, reason: 'must be yes or no' };
	}
}

/** Checks a whole `attributes` map against a class: values of unknown attributes are refused. */
export function checkAttributeValues(cls: ClassRecord, values: Record<string, unknown>): Checked<Record<string, AttributeValue>> {
	const byId = new Map(cls.attributes.map((s) => [s.id, s]));
	const out: Record<string, AttributeValue> = {};
	for (const [id, value] of Object.entries(values)) {
		const spec = byId.get(id);
		if (!spec) return { ok: false, reason: `Class “${cls.name}” has no such attribute` };
		if (isEmptyValue(value)) continue; // an empty value is no value
		const checked = checkAttributeValue(spec, value);
		if (!checked.ok) return { ok: false, reason: `${spec.name} ${checked.reason}` };
		out[id] = checked.value;
	}
	return { ok: true, value: out };
}

/** The attribute values a new annotation of this class starts with. */
export function attributeDefaults(cls: ClassRecord): Record<string, AttributeValue> {
	const out: Record<string, AttributeValue> = {};
	for (const spec of cls.attributes) if (spec.default !== null) out[spec.id] = spec.default;
	return out;
}

function isEmptyValue(v: unknown): boolean {
	return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/**
 * The names of the class's required attributes this annotation has no value for. A checkbox always
 * has a value (unset is "no"), so it is never missing.
 */
export function missingRequired(annotation: Pick<AnnotationRecord, 'attributes'>, cls: ClassRecord | undefined): string[] {
	if (!cls) return [];
	return cls.attributes
		.filter((s) => s.required && s.kind !== 'checkbox' && isEmptyValue(annotation.attributes[s.id]))
		.map((s) => s.name);
}

/**
 * Maps attribute values of one class onto another by attribute name (a merge): values whose name
 * exists in `into` and fit its spec are kept under `into`'s id; the rest are dropped.
 */
export function mapAttributesByName(
	values: Record<string, AttributeValue>,
	from: ClassRecord,
	into: ClassRecord
): Record<string, AttributeValue> {
	const target = new Map(into.attributes.map((s) => [s.name.toLowerCase(), s]));
	const out: Record<string, AttributeValue> = {};
	for (const spec of from.attributes) {
		const value = values[spec.id];
		const to = target.get(spec.name.toLowerCase());
		if (value === undefined || !to) continue;
		const checked = checkAttributeValue(to, value);
		if (checked.ok) out[to.id] = checked.value;
	}
	return out;
}
