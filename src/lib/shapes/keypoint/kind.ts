import { clamp, isFiniteNumber } from '$lib/geometry';
import { validationError, type ShapeKind } from '../kind';

/** A single landmark point in image pixels. */
export interface KeypointGeometry {
	x: number;
	y: number;
}

export const keypointKind: ShapeKind<KeypointGeometry> = {
	type: 'keypoint',
	label: 'Keypoint',

	validate(raw, image) {
		const g = raw as Partial<KeypointGeometry> | null;
		if (!g || typeof g !== 'object') return validationError('Keypoint position is missing');
		if (!isFiniteNumber(g.x) || !isFiniteNumber(g.y)) return validationError('Keypoint coordinates must be numbers');
		return { ok: true, geometry: { x: clamp(g.x, 0, image.width), y: clamp(g.y, 0, image.height) } };
	},

	bounds(g) {
		return { minX: g.x, minY: g.y, maxX: g.x, maxY: g.y };
	},

	hitTest(g, p, tolerance) {
		return Math.hypot(g.x - p.x, g.y - p.y) <= tolerance;
	},

	translate(g, dx, dy) {
		return { x: g.x + dx, y: g.y + dy };
	},

	handles(g) {
		return [{ id: 'v:0', x: g.x, y: g.y, role: 'vertex', cursor: 'move' }];
	},

	dragHandle(_g, _handleId, p) {
		return { x: p.x, y: p.y };
	},

	/** A keypoint is its one vertex: removing it is deleting the shape. */
	removeVertex() {
		return null;
	},

	area() {
		return 0;
	},

	describe(g) {
		return `${Math.round(g.x)}, ${Math.round(g.y)}`;
	}
};
