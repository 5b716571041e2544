import type { ShapeView } from '$lib/editor/shape-view';
import type { Geometry, GeometryByType, ShapeType } from './registry';
import { boxView } from './box/view';
import { rotatedBoxView } from './rotatedBox/view';
import { polygonView } from './polygon/view';
import { polylineView } from './polyline/view';
import { ellipseView } from './ellipse/view';
import { keypointView } from './keypoint/view';
import { skeletonView } from './skeleton/view';
import { cuboidView } from './cuboid/view';
import { maskView } from './mask/view';
import { tagView } from './tag/view';

/** The editor side of every annotation type; one line per type, beside registry.ts. */
export const shapeViews: { [T in ShapeType]: ShapeView<GeometryByType[T]> } = {
	box: boxView,
	rotatedBox: rotatedBoxView,
	polygon: polygonView,
	polyline: polylineView,
	ellipse: ellipseView,
	keypoint: keypointView,
	skeleton: skeletonView,
	cuboid: cuboidView,
	mask: maskView,
	tag: tagView
};

export function shapeView(type: ShapeType): ShapeView<Geometry> {
	return shapeViews[type] as unknown as ShapeView<Geometry>;
}

/** The types that have a drawing tool, in toolbar order. */
export const DRAWABLE_TYPES = (Object.keys(shapeViews) as ShapeType[]).filter((t) => shapeViews[t].createTool);
