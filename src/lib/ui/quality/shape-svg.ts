import type { AnnotationRecord } from '$lib/model';
import { extentOf, outlinePartsOf, unhandledShape, type TypedShape } from '$lib/shapes/convert';
import { CUBOID_EDGES } from '$lib/shapes/cuboid/kind';
import type { MaskGeometry } from '$lib/shapes/mask/kind';
import { NOT_LABELED, type SkeletonTemplate } from '$lib/shapes/skeleton/kind';

/**
 * How a shape is drawn in SVG over its image in the compare view (image pixels, the SVG's viewBox
 * being the image): closed outlines from the shapes' own conversions (shapes/convert.ts), open lines,
 * points with the lines between them (keypoints, skeletons, cuboids' edges), a mask as its bitmap (the
 * component tints it), a tag as nothing on the image. `label`: where the group number goes.
 */
export type SvgShape =
	| { kind: 'path'; d: string; open: boolean; label: { x: number; y: number } }
	| { kind: 'points'; points: { x: number; y: number }[]; lines: string; label: { x: number; y: number } }
	| { kind: 'mask'; geometry: MaskGeometry; label: { x: number; y: number } }
	| { kind: 'tag' };

const n = (v: number) => String(Math.round(v * 100) / 100);

/** "M x y L x y … Z" for a flat ring. */
export function ringPath(flat: readonly number[], close = true): string {
	let d = '';
	for (let i = 0; i + 1 < flat.length; i += 2) d += `${i ? 'L' : 'M'}${n(flat[i])} ${n(flat[i + 1])}`;
	return close && d ? `${d}Z` : d;
}

function segments(points: readonly number[], edges: readonly (readonly [number, number])[], skip?: (i: number) => boolean): string {
	let d = '';
	for (const [a, b] of edges) {
		if (skip?.(a) || skip?.(b) || a * 2 + 1 >= points.length || b * 2 + 1 >= points.length) continue;
		d += `M${n(points[a * 2])} ${n(points[a * 2 + 1])}L${n(points[b * 2])} ${n(points[b * 2 + 1])}`;
	}
	return d;
}

function pointsOf(flat: readonly number[], keep: (i: number) => boolean = () => true): { x: number; y: number }[] {
	const out: { x: number; y: number }[] = [];
	for (let i = 0; i * 2 + 1 < flat.length; i++) if (keep(i)) out.push({ x: flat[i * 2], y: flat[i * 2 + 1] });
	return out;
}

export function svgShapeOf(a: Pick<AnnotationRecord, 'type' | 'geometry'>, template?: SkeletonTemplate | null): SvgShape {
	const s = { type: a.type, geometry: a.geometry } as TypedShape;
	const box = extentOf(s);
	const label = box ? { x: box.minX, y: box.minY } : { x: 0, y: 0 };
	switch (s.type) {
		case 'box':
		case 'rotatedBox':
		case 'ellipse':
		case 'polygon': {
			const parts = outlinePartsOf(s) ?? [];
			return { kind: 'path', d: parts.map((p) => [p.points, ...(p.holes ?? [])].map((r) => ringPath(r)).join('')).join(''), open: false, label };
		}
		case 'polyline':
			return { kind: 'path', d: ringPath(s.geometry.points, false), open: true, label };
		case 'cuboid':
			return { kind: 'path', d: segments(s.geometry.points, CUBOID_EDGES), open: true, label };
		case 'keypoint':
			return { kind: 'points', points: [{ x: s.geometry.x, y: s.geometry.y }], lines: '', label: { x: s.geometry.x, y: s.geometry.y } };
		case 'skeleton': {
			const g = s.geometry;
			const hidden = (i: number) => g.visibility[i] === NOT_LABELED;
			return { kind: 'points', points: pointsOf(g.points, (i) => !hidden(i)), lines: segments(g.points, template?.edges ?? [], hidden), label };
		}
		case 'mask':
			return { kind: 'mask', geometry: s.geometry, label };
		case 'tag':
			return { kind: 'tag' };
		default:
			return unhandledShape(s);
	}
}
