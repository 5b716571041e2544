/**
 * Caps on one shape's size, the same for a person's edit, a peer's record and an imported file: a
 * shape over them is refused before any of it is decoded or drawn (docs/schema.md, "Limits").
 */

/** Vertices of one shape, every ring and point counted (a SAM trace of a large object has a few thousand). */
export const MAX_SHAPE_VERTICES = 50_000;

/** Pixels of a mask's crop: 16384 × 16384, a large aerial tile. A mask never reaches past its image. */
export const MAX_MASK_PIXELS = 2 ** 28;

/** Characters of a mask's compressed RLE string (its share of the record's bytes). */
export const MAX_MASK_RLE_CHARS = 2 * 1024 * 1024;

/** The refusal of a shape with more vertices than MAX_SHAPE_VERTICES, or null when it is within it. */
export function tooManyVertices(numbers: number): string | null {
	return numbers / 2 > MAX_SHAPE_VERTICES
		? `A shape has at most ${MAX_SHAPE_VERTICES.toLocaleString('en')} points (this one has ${Math.floor(numbers / 2).toLocaleString('en')})`
		: null;
}
