/**
 * Caps on what one record of the document may hold. Records come from peers, stored documents and
 * bundles as well as from this app: the read boundary (record-check.ts) keeps a record over a cap out
 * of the project, and every write refuses one (docs/schema.md, "Limits").
 */

/** Characters of a name: a class, an image file, a project, an attribute, a version. */
export const MAX_NAME_CHARS = 1024;

/** Characters of free text: a description, an annotation's text, a text attribute's value. */
export const MAX_TEXT_CHARS = 10_000;

/** Characters of an id (ours are 16; imported ones keep their own, e.g. a file name). */
export const MAX_ID_CHARS = 256;

/** Attribute specs of a class, options of one spec, values on one annotation, points of a skeleton template. */
export const MAX_ATTRIBUTES = 256;
export const MAX_OPTIONS = 1024;
export const MAX_TEMPLATE_POINTS = 1024;

/** One record's size as its JSON would be, about (the shape caps in shapes/limits.ts come first). */
export const MAX_RECORD_BYTES = 4 * 1024 * 1024;

/** What one record keeps from its imported file (its id and the fields this app has no place for), as JSON. */
export const MAX_IMPORTED_BYTES = 64 * 1024;

/** Dataset-level fields kept from imported files (COCO's info and licenses), all formats together. */
export const MAX_DATASET_FIELDS_BYTES = 1024 * 1024;

/** Nesting of kept JSON fields (a file's fields are data, not deep trees). */
export const MAX_JSON_DEPTH = 32;

/** An image's side in pixels: larger than any camera or aerial tile, small enough to stay a number of pixels. */
export const MAX_IMAGE_SIDE = 1_000_000;

/**
 * About how many bytes `value` takes as JSON, stopping early once over `limit` (the answer is then
 * only known to be over it). Numbers count 24 bytes, the most a double's text takes.
 */
export function approximateJsonBytes(value: unknown, limit = MAX_RECORD_BYTES): number {
	let total = 0;
	const stack: unknown[] = [value];
	while (stack.length && total <= limit) {
		const v = stack.pop();
		if (typeof v === 'string') total += v.length + 2;
		else if (typeof v === 'number') total += 24;
		else if (Array.isArray(v)) {
			total += 2 + v.length;
			for (let i = 0; i < v.length; i++) {
				const item = v[i];
				// Flat number lists (every polygon) are counted without a trip through the stack.
				if (typeof item === 'number') total += 24;
				else stack.push(item);
				if (total > limit) break;
			}
		} else if (v && typeof v === 'object') {
			for (const key in v) {
				total += key.length + 4;
				stack.push((v as Record<string, unknown>)[key]);
				if (total > limit) break;
			}
		} else total += 5;
	}
	return total;
}
