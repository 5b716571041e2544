import type { DatasetAnnotation } from '../dataset';
import { isRecord } from '../dataset-builder';
import { isImagePath } from '../files';
import { ownId } from '../ids';
import { CONTROLS, imageKeyOf, type ResultType } from './controls';
import { imageNameOf } from './read';

/**
 * Region ids: each imported region keeps its own (the first copy in dataset order), every other region
 * gets one made from a base name, changed until it is free (Label Studio's ids are strings).
 */
export class RegionIds {
	private readonly used = new Set<string>();

	keep(ref: DatasetAnnotation['imported']): string | undefined {
		const id = ownId('labelstudio', ref);
		if (id === undefined || this.used.has(String(id))) return undefined;
		this.used.add(String(id));
		return String(id);
	}

	fresh(base: string): string {
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
