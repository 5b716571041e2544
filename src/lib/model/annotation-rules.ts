import type { Size } from '$lib/geometry';
import { isShapeType, shapeKind, type Geometry, type ShapeType } from '$lib/shapes/registry';
import { skeletonMismatch, type SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import { checkAttributeValues, type Checked } from './attributes';
import type { AttributeValue, ClassRecord } from './records';

/** How a new annotation's geometry is taken: checked already (an import's plan), checked as it is, or copied first. */
export type GeometryTaken = 'checked' | 'as-is' | 'copy';

export interface NewShape {
	type: ShapeType;
	geometry: Geometry;
	attributes: Record<string, AttributeValue>;
}

/**
 * The rules every new annotation of class `cls` on `image` follows, however it comes (drawn, pasted,
 * proposed by a model, imported): a shape type the class allows, a geometry its kind accepts (clamped to
 * the image), a skeleton that fits the class's template, attribute values the class defines. The fields
 * every reader checks (text, instance id, proposal…) are checked again where the record is packed
 * (annotation-store.ts).
 */
export function checkNewShape(
	input: { type: unknown; geometry: unknown; attributes?: Record<string, unknown> },
	cls: ClassRecord,
	image: Size,
	geometry: GeometryTaken
): Checked<NewShape> {
	return checkShape(input, cls, image, { geometry, typeAllowed: true, skeleton: true, attributes: true });
}

/** Which of the rules a write applies: a new annotation all; a change only those its patch touches. */
export interface ShapeRules {
	geometry: GeometryTaken;
	/** The class allows the shape's type (a change of class; not a move of a shape whose class was narrowed since). */
	typeAllowed: boolean;
	/** A skeleton fits the class's template. */
	skeleton: boolean;
	/** Attribute values fit the class's specs (as given; not checked, they are kept as they are). */
	attributes: boolean;
}

/**
 * The one check of an annotation's shape against its class and image, for a new annotation
 * (`checkNewShape`) and for a change (`AnnotationRecords.updateAnnotation`, with the rules its patch
 * touches). `image` may be missing only when the geometry is taken as checked, `cls` (a class a peer
 * deleted meanwhile) only when neither its type rule nor its attributes apply.
 */
export function checkShape(
	input: { type: unknown; geometry: unknown; attributes?: Record<string, unknown> },
	cls: ClassRecord | undefined,
	image: Size | undefined,
	rules: ShapeRules
): Checked<NewShape> {
	const type = input.type;
	if (!isShapeType(type)) return { ok: false, reason: `Unknown shape type “${String(type)}”` };
	if ((rules.typeAllowed || rules.attributes) && !cls) return { ok: false, reason: 'That class no longer exists' };
	if (rules.typeAllowed && cls!.shapeTypes.length && !cls!.shapeTypes.includes(type))
		return { ok: false, reason: `Class “${cls!.name}” cannot be drawn as ${shapeKind(type).label.toLowerCase()}` };
	if (rules.geometry !== 'checked' && !image) return { ok: false, reason: 'That image no longer exists' };
	// A copy when the caller (a tool) may reuse its arrays: a clean geometry comes back as it went in.
	const checked =
		rules.geometry === 'checked'
			? { ok: true as const, geometry: input.geometry }
			: shapeKind(type).validate(rules.geometry === 'copy' ? structuredClone(input.geometry) : input.geometry, image!);
	if (!checked.ok) return checked;
	const misfit = rules.skeleton && type === 'skeleton' && skeletonMismatch(checked.geometry as SkeletonGeometry, cls?.skeleton);
	if (misfit) return { ok: false, reason: misfit };
	let attributes = (input.attributes ?? {}) as Record<string, AttributeValue>;
	if (rules.attributes) {
		const values = checkAttributeValues(cls!, input.attributes ?? {});
		if (!values.ok) return values;
		attributes = values.value;
	}
	return { ok: true, value: { type, geometry: checked.geometry as Geometry, attributes } };
}
