import type { Rect } from '$lib/geometry';
import { boxCorners } from './box/kind';
import { ellipsePolygon } from './ellipse/kind';
import { polygonParts, type PolygonPart } from './polygon/kind';
import { maskRowEnds } from './mask/kind';
import { minAreaRect, rotatedBoxCorners, type RotatedBoxGeometry } from './rotatedBox/kind';
import { labeledPoints } from './skeleton/kind';
import { shapeKind, type GeometryByType, type ShapeType } from './registry';

/**
 * A shape whose geometry type follows from its `type`: switching on `type` narrows `geometry`, and a
 * switch that misses a type fails to compile where its default assigns the shape to `never`.
 */
export type TypedShape = { [T in ShapeType]: { type: T; geometry: GeometryByType[T] } }[ShapeType];

/** For a switch's default: the compiler names the type a switch forgot; at run time it says which. */
export function unhandledShape(s: never): never {
	throw new Error(`Unhandled annotation type ${(s as { type: string }).type}`);
}

/**
 * Whether a kind covers something on the image. Not a tag (the whole image) nor a keypoint (a point has
 * no size). A record over every type, so that a new kind must say.
 */
const HAS_EXTENT: Record<ShapeType, boolean> = {
	box: true,
	rotatedBox: true,
	polygon: true,
	polyline: true,
	ellipse: true,
	skeleton: true,
	cuboid: true,
	mask: true,
	keypoint: false,
	tag: false
};

/** The axis-aligned box of what a shape covers (a skeleton's: of its labeled points), or null (HAS_EXTENT). */
export function extentOf(s: TypedShape): Rect | null {
	return HAS_EXTENT[s.type] ? shapeKind(s.type).bounds(s.geometry) : null;
}

/** The extent where it has area (a box a detector can train on); null for a point, a line along an axis. */
export function boxOf(s: TypedShape): Rect | null {
	const r = extentOf(s);
	return r && r.maxX > r.minX && r.maxY > r.minY ? r : null;
}

/**
 * The closed outline as parts, each an outer ring with its own holes (a multi-part polygon: several; a
 * box, rotated box, ellipse: one, without holes), for formats that have polygons but not this shape;
 * null for shapes that are not a closed vector outline (masks are pixels, polylines open).
 */
export function outlinePartsOf(s: TypedShape): PolygonPart[] | null {
	switch (s.type) {
		case 'polygon':
			return polygonParts(s.geometry);
		case 'box':
			return [{ points: boxCorners(s.geometry) }];
		case 'rotatedBox':
			return [{ points: rotatedBoxCorners(s.geometry) }];
		case 'ellipse':
			return [{ points: ellipsePolygon(s.geometry) }];
		case 'polyline':
		case 'keypoint':
		case 'skeleton':
		case 'cuboid':
		case 'mask':
		case 'tag':
			return null;
		default:
			return unhandledShape(s);
	}
}

/**
 * The polygons a shape is approximated by: each part's outer ring (holes left out), one for every shape
 * but a multi-part polygon; null as for outlinePartsOf.
 */
export function polygonsOf(s: TypedShape): number[][] | null {
	return outlinePartsOf(s)?.map((p) => p.points) ?? null;
}

/** The shape as a turned box, where it is one: a rotated box, a box (angle 0), or an ellipse's box. */
export function rotatedBoxOf(s: TypedShape): RotatedBoxGeometry | null {
	switch (s.type) {
		case 'rotatedBox':
			return s.geometry;
		case 'box': {
			const g = s.geometry;
			return { cx: g.x + g.width / 2, cy: g.y + g.height / 2, width: g.width, height: g.height, angle: 0 };
		}
		case 'ellipse': {
			const g = s.geometry;
			return { cx: g.cx, cy: g.cy, width: 2 * g.rx, height: 2 * g.ry, angle: g.angle };
		}
		case 'polygon':
		case 'polyline':
		case 'keypoint':
		case 'skeleton':
		case 'cuboid':
		case 'mask':
		case 'tag':
			return null;
		default:
			return unhandledShape(s);
	}
}

/**
 * The turned box around a shape: itself where it is one (rotatedBoxOf), else the rotated box of least
 * area around its points (every part of a polygon, a mask's pixels, a skeleton's labeled points); null where that has no area.
 */
export function orientedBoxOf(s: TypedShape): RotatedBoxGeometry | null {
	const own = rotatedBoxOf(s);
	if (own) return own;
	let points: readonly number[];
	switch (s.type) {
		case 'polygon':
			points = polygonsOf(s)!.flat();
			break;
		case 'polyline':
		case 'cuboid':
			points = s.geometry.points;
			break;
		case 'mask':
			points = maskRowEnds(s.geometry);
			break;
		case 'skeleton':
			points = labeledPoints(s.geometry);
			break;
		case 'box':
		case 'rotatedBox':
		case 'ellipse':
		case 'keypoint':
		case 'tag':
			return null;
		default:
			return unhandledShape(s);
	}
	const r = minAreaRect(points);
	return r && r.width > 0 && r.height > 0 ? r : null;
}
