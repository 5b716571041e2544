import { boxKind } from './box/kind';
import { rotatedBoxKind } from './rotatedBox/kind';
import { polygonKind } from './polygon/kind';
import { polylineKind } from './polyline/kind';
import { ellipseKind } from './ellipse/kind';
import { keypointKind } from './keypoint/kind';
import { skeletonKind } from './skeleton/kind';
import { cuboidKind } from './cuboid/kind';
import { maskKind } from './mask/kind';
import { tagKind } from './tag/kind';
import type { ShapeKind } from './kind';

/**
 * Every annotation type, by the name stored in the document. Adding a type is a folder under
 * src/lib/shapes plus one line here; the editor finds its view.ts by the same name.
 */
export const shapeKinds = {
	box: boxKind,
	rotatedBox: rotatedBoxKind,
	polygon: polygonKind,
	polyline: polylineKind,
	ellipse: ellipseKind,
	keypoint: keypointKind,
	skeleton: skeletonKind,
	cuboid: cuboidKind,
	mask: maskKind,
	tag: tagKind
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind has its own geometry type
} satisfies Record<string, ShapeKind<any>>;

export type ShapeType = keyof typeof shapeKinds;

type GeometryOfKind<K> = K extends ShapeKind<infer G> ? G : never;
export type GeometryByType = { [T in ShapeType]: GeometryOfKind<(typeof shapeKinds)[T]> };

export type Geometry = GeometryByType[ShapeType];

export const SHAPE_TYPES = Object.keys(shapeKinds) as ShapeType[];

export function isShapeType(v: unknown): v is ShapeType {
	return typeof v === 'string' && Object.hasOwn(shapeKinds, v);
}

/** The kind of a type, typed loosely: callers hold geometry whose type they only know at run time. */
export function shapeKind(type: ShapeType): ShapeKind<Geometry> {
	return shapeKinds[type] as unknown as ShapeKind<Geometry>;
}
