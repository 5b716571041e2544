import { approximateJsonBytes, MAX_IMPORTED_BYTES } from '$lib/model/limits';
import type { ImportedFrom, JsonValue } from '../dataset';
import { isRecord } from '../dataset-builder';
import { isImagePath } from '../files';
import { importedFrom } from '../ids';
import { CONTROLS, imageKeyOf, imageNameOf, type ResultType } from './controls';

/**
 * Region ids: each imported region keeps its own (the first copy in dataset order), every other region
 * gets one made from a base name, changed until it is free (Label Studio's ids are strings).
 */
export class RegionIds {
	private readonly used = new Set<string>();

	/** Reserves an imported id (a string or a number), unless it is taken; what to write, or undefined. */
	keep(id: unknown): string | undefined {
		if (!((typeof id === 'string' && id !== '') || typeof id === 'number') || this.used.has(String(id))) return undefined;
		this.used.add(String(id));
		return String(id);
	}

	fresh(base: string): string {
		// Without kept ids the bases are unique by construction ('r<task>-<n>', then '_<part>'): nothing to look up.
		if (!this.used.size) return base;
		let id = base;
		for (let k = 2; this.used.has(id); k++) id = `${base}~${k}`;
		this.used.add(id);
		return id;
	}
}

/**
 * Control names: a region keeps its from_name unless a control of another type already has it (the
 * config would hold two controls of one name); then the type's usual name, then one made unique.
 */
export function controlNamer(): (type: ResultType | 'textarea', wanted: string | undefined) => string {
	const owners = new Map<string, string>([['text', 'textarea']]);
	return (type, wanted) => {
		const usual = type === 'textarea' ? 'text' : CONTROLS[type].name;
		for (const name of [wanted, usual, `${usual}-${type}`]) {
			if (name === undefined) continue;
			const owner = owners.get(name);
			if (owner === undefined || owner === type) {
				owners.set(name, type);
				return name;
			}
		}
		return `${usual}-${type}`;
	}
}

/** The task's data: as imported (other data keys, the image's URL while it still names this image), else {image: name}. */
export function dataOf(name: string, kept: unknown): { data: Record<string, unknown>; imageKey: string } {
	const data = isRecord(kept) ? { ...kept } : {};
	const imageKey = imageKeyOf(data, (url) => isImagePath(imageNameOf(url))) ?? 'image';
	if (typeof data[imageKey] !== 'string' || imageNameOf(data[imageKey] as string) !== name) data[imageKey] = name;
	return { data, imageKey };
}

/** The annotation entry of a task that Peerlabel reads (and writes back in its place): the first not cancelled. */
export function readEntryIndex(entries: readonly unknown[]): number {
	return entries.findIndex((e) => isRecord(e) && e.was_cancelled !== true);
}

/**
 * The ImportedFrom of a task or region, less its largest fields until the document keeps it (a task's
 * `predictions`, `drafts` or other annotators' entries can be megabytes): the rest is still kept, and
 * `warn` names what is not. Of the entries, the one read stays while any other can go instead.
 */
export function keptWithin(id: unknown, fields: Record<string, JsonValue> | undefined, warn: (problem: string) => void): ImportedFrom {
	if (!fields) return importedFrom('labelstudio', id);
	const rest = { ...fields };
	const left: string[] = [];
	for (;;) {
		const ref = importedFrom('labelstudio', id, rest);
		if (ref.fields || !Object.keys(rest).length) {
			if (left.length) warn(`${left.join(', ')} not kept: the fields kept from a file are at most ${MAX_IMPORTED_BYTES / 1024} KiB per record`);
			return ref;
		}
		const largest = Object.keys(rest).reduce((a, b) => (approximateJsonBytes(rest[b]) > approximateJsonBytes(rest[a]) ? b : a));
		const entries = rest[largest];
		const own = Array.isArray(entries) && largest === 'annotations' ? readEntryIndex(entries) : -1;
		if (Array.isArray(entries) && own >= 0 && entries.length > 1) {
			const drop = entries.reduce<number>((a, e, k) => (k !== own && (a < 0 || approximateJsonBytes(e) > approximateJsonBytes(entries[a])) ? k : a), -1);
			left.push(`annotation ${JSON.stringify(isRecord(entries[drop]) ? (entries[drop].id ?? drop) : drop)}`);
			rest.annotations = entries.filter((_, k) => k !== drop);
		} else {
			left.push(largest);
			delete rest[largest];
		}
	}
}

/** A written region's start: its kept fields with the writer's defaults under them (the writer then sets what it computes). */
export function keptRegion(fields: Record<string, JsonValue>): Record<string, unknown> {
	const out: Record<string, unknown> = { image_rotation: 0, origin: 'manual' };
	for (const key in fields) if (key !== 'value' && key !== 'partIds') out[key] = fields[key];
	return out;
}
