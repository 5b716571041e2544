import type { ShapeType } from '$lib/shapes/registry';

/** Each type's name in a summary, one and many. */
const NAMES: Record<ShapeType, [string, string]> = {
	box: ['box', 'boxes'],
	rotatedBox: ['rotated box', 'rotated boxes'],
	polygon: ['polygon', 'polygons'],
	polyline: ['polyline', 'polylines'],
	ellipse: ['ellipse', 'ellipses'],
	keypoint: ['keypoint', 'keypoints'],
	skeleton: ['skeleton', 'skeletons'],
	cuboid: ['cuboid', 'cuboids'],
	mask: ['mask', 'masks'],
	tag: ['tag', 'tags']
};

export type TypeCounts = Partial<Record<ShapeType, number>>;

/** What a writer turned into what, for its summary: "939 polygons written as boxes" (`as`: one, many). */
export function conversionNotes(converted: TypeCounts, as: readonly [string, string]): string[] {
	return Object.entries(converted).map(([type, n]) => {
		const one = n === 1 ? 0 : 1;
		return `${n} ${NAMES[type as ShapeType][one]} written as ${as[one]}`;
	});
}

export const AS_BOXES = ['a box', 'boxes'] as const;
export const AS_ROTATED_BOXES = ['a rotated box', 'rotated boxes'] as const;
