import { validationError, type ShapeKind } from '../kind';

/**
 * An image-level tag (V7's tag, CVAT's tag, Label Studio's choices): the image as a whole belongs to
 * the class. It has no place on the image, so its geometry is an empty object.
 */
export type TagGeometry = Record<string, never>;

export const tagKind: ShapeKind<TagGeometry> = {
	type: 'tag',
	label: 'Tag',
	imageLevel: true,

	validate(raw) {
		if (!raw || typeof raw !== 'object' || Array.isArray(raw) || Object.keys(raw).length)
			return validationError('A tag has no geometry');
		return { ok: true, geometry: {} };
	},

	bounds() {
		return { minX: 0, minY: 0, maxX: 0, maxY: 0 };
	},

	hitTest() {
		return false;
	},

	translate(g) {
		return g;
	},

	handles() {
		return [];
	},

	dragHandle(g) {
		return g;
	},

	removeVertex() {
		return null;
	},

	area() {
		return 0;
	},

	describe() {
		return 'image tag';
	}
};
