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
	const type = input.type;
	if (!isShapeType(type)) return { ok: false, reason: `Unknown shape type “${String(type)}”` };
	if (cls.shapeTypes.length && !cls.shapeTypes.includes(type))
		return { ok: false, reason: `Class “${cls.name}” cannot be drawn as ${shapeKind(type).label.toLowerCase()}` };
	// A copy when the caller (a tool) may reuse its arrays: a clean geometry comes back as it went in.
	const checked =
		geometry === 'checked' ? { ok: true as const, geometry: input.geometry } : shapeKind(type).validate(geometry === 'copy' ? structuredClone(input.geometry) : input.geometry, image);
	if (!checked.ok) return checked;
	const misfit = type === 'skeleton' && skeletonMismatch(checked.geometry as SkeletonGeometry, cls.skeleton);
	if (misfit) return { ok: false, reason: misfit };
	const values = checkAttributeValues(cls, input.attributes ?? {});
	if (!values.ok) return values;
	return { ok: true, value: { type, geometry: checked.geometry as Geometry, attributes: values.value } };
}
