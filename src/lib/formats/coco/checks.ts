import { FormatError } from '../errors';

/**
 * Typed reads of untrusted JSON that refuse with a FormatError naming the file and the JSON path
 * ('annotations[3].bbox'), so a user can find the broken value.
 */
export class JsonReader {
	constructor(readonly file: string) {}

	fail(place: string, problem: string): never {
		throw new FormatError(this.file, place, problem);
	}

	object(v: unknown, place: string): Record<string, unknown> {
		if (!v || typeof v !== 'object' || Array.isArray(v)) this.fail(place, `should be an object, not ${describe(v)}`);
		return v as Record<string, unknown>;
	}

	list(v: unknown, place: string): unknown[] {
		if (!Array.isArray(v)) this.fail(place, `should be a list, not ${describe(v)}`);
		return v;
	}

	/** An optional list: absent or null reads as empty. */
	optionalList(v: unknown, place: string): unknown[] {
		return v === undefined || v === null ? [] : this.list(v, place);
	}

	number(v: unknown, place: string): number {
		if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(place, `should be a number, not ${describe(v)}`);
		return v;
	}

	numbers(v: unknown, place: string): number[] {
		const list = this.list(v, place);
		list.forEach((x, i) => this.number(x, `${place}[${i}]`));
		return list as number[];
	}

	string(v: unknown, place: string): string {
		if (typeof v !== 'string') this.fail(place, `should be a string, not ${describe(v)}`);
		return v;
	}

	/** COCO ids are numbers in the files we know, strings in some; both are kept as their text. */
	id(v: unknown, place: string): string {
		if (typeof v === 'number' && Number.isFinite(v)) return String(v);
		if (typeof v === 'string' && v !== '') return v;
		this.fail(place, `should be an id (a number or a string), not ${describe(v)}`);
	}

	/** iscrowd as tools write it: 0/1, true/false, '0'/'1', 'true'/'false'; absent is 0. */
	flag(v: unknown, place: string): boolean {
		if (v === undefined || v === null || v === 0 || v === false) return false;
		if (v === 1 || v === true) return true;
		if (typeof v === 'string' && /^(0|1|true|false)$/i.test(v.trim())) return /^(1|true)$/i.test(v.trim());
		this.fail(place, `should be 0 or 1, not ${describe(v)}`);
	}
}

export function describe(v: unknown): string {
	if (v === null) return 'null';
	if (Array.isArray(v)) return 'a list';
	if (typeof v === 'number') return Number.isFinite(v) ? `the number ${v}` : String(v);
	if (typeof v === 'string') return `the text "${v.length > 20 ? v.slice(0, 20) + '…' : v}"`;
	return typeof v === 'object' ? 'an object' : typeof v;
}
