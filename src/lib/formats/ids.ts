import { importedProblem } from '$lib/model/record-check';
import type { ImportedFrom, JsonValue } from './dataset';

/**
 * A format's ids on export: an item imported from this format keeps its own id (so that results files
 * and other tools keyed by it still match); the rest, and any later copy of an id already used, get the
 * next free number above every kept one. One pass to reserve, one to hand out, so the order of items
 * does not decide which keeps its id: the first in dataset order does.
 */
export function assignIds(format: string, refs: readonly (ImportedFrom | undefined)[], first = 1): (number | string)[] {
	const used = new Set<number | string>();
	const kept: (number | string | undefined)[] = refs.map((ref) => {
		const id = ownId(format, ref);
		if (id === undefined || used.has(id)) return undefined;
		used.add(id);
		return id;
	});
	let next = first;
	for (const id of used) if (typeof id === 'number' && id >= next) next = id + 1;
	return kept.map((id) => id ?? next++);
}

/** The item's id in `format`, when it was imported from that format with a usable id. */
export function ownId(format: string, ref: ImportedFrom | undefined): number | string | undefined {
	if (!ref || ref.format !== format) return undefined;
	const id = ref.id;
	if (typeof id === 'number' && Number.isSafeInteger(id)) return id;
	if (typeof id === 'string' && id !== '') return id;
	return undefined;
}

/** The extra fields kept for `format` (empty when the item came from elsewhere). */
export function ownFields(format: string, ref: ImportedFrom | undefined): Readonly<Record<string, JsonValue>> {
	return ref?.format === format && ref.fields ? ref.fields : NONE;
}

/** What an item from elsewhere keeps: nothing (one object for all: writers call this per annotation). */
const NONE: Readonly<Record<string, JsonValue>> = Object.freeze({});

/** The values `format` derived from the geometry as imported (absent once the geometry was edited). */
export function ownDerived(format: string, ref: ImportedFrom | undefined): Readonly<Record<string, JsonValue>> {
	return ref?.format === format && ref.derived ? ref.derived : NONE;
}

/** The fields of `raw` other than `known`: what an import keeps for the writer; undefined when none. */
export function extraFields(raw: Record<string, unknown>, known: ReadonlySet<string>): Record<string, JsonValue> | undefined {
	let out: Record<string, JsonValue> | undefined;
	for (const key of Object.keys(raw)) {
		if (known.has(key) || raw[key] === undefined) continue;
		(out ??= {})[key] = raw[key] as JsonValue;
	}
	return out;
}

/**
 * An ImportedFrom with only what is set (records stay compact). Fields the document would refuse (over
 * its size cap, nested too deep) are left behind, and `warn` says so: the import itself goes on.
 */
export function importedFrom(
	format: string,
	id: unknown,
	fields?: Record<string, JsonValue>,
	derived?: Record<string, JsonValue>,
	warn?: (problem: string) => void
): ImportedFrom {
	const ref: ImportedFrom = { format };
	if ((typeof id === 'number' && Number.isSafeInteger(id)) || (typeof id === 'string' && id !== '' && id.length <= 256)) ref.id = id;
	if (fields && Object.keys(fields).length) ref.fields = fields;
	if (derived && Object.keys(derived).length) ref.derived = derived;
	if ((ref.fields || ref.derived) && importedProblem(ref)) {
		warn?.(`${importedProblem(ref)}: they are not kept`);
		delete ref.fields;
		delete ref.derived;
	}
	return ref;
}
