import { clamp, isFiniteNumber, rectContainsPoint, type Point, type Rect } from '$lib/geometry';
import { validationError, type Handle, type ShapeKind } from '../kind';

/** An axis-aligned box: top-left corner and size in image pixels (the COCO convention). */
export interface BoxGeometry {
	x: number;
	y: number;
	width: number;
	height: number;
}

/** Boxes smaller than this on either side are degenerate: nobody can see or train on them. */
export const MIN_BOX_SIDE = 1;

const GRIPS = ['nw', 'n', 'ne', 'e', 'se', 's', 'sw', 'w'] as const;

function boxRect(g: BoxGeometry): Rect {
	return { minX: g.x, minY: g.y, maxX: g.x + g.width, maxY: g.y + g.height };
}

/** The box spanned by two opposite corners, in any order. */
export function boxFromCorners(a: Point, b: Point): BoxGeometry {
	return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** The four corners as flat coordinates: top-left, top-right, bottom-right, bottom-left. */
export function boxCorners(g: BoxGeometry): number[] {
	const x1 = g.x + g.width,
		y1 = g.y + g.height;
	return [g.x, g.y, x1, g.y, x1, y1, g.x, y1];
}

export const boxKind: ShapeKind<BoxGeometry> = {
	type: 'box',
	label: 'Bounding box',

	validate(raw, image) {
		const g = raw as Partial<BoxGeometry> | null;
		if (!g || typeof g !== 'object') return validationError('Box geometry is missing');
		if (![g.x, g.y, g.width, g.height].every(isFiniteNumber)) return validationError('Box coordinates must be numbers');
		const x0 = Math.min(g.x!, g.x! + g.width!),
			x1 = Math.max(g.x!, g.x! + g.width!);
		const y0 = Math.min(g.y!, g.y! + g.height!),
			y1 = Math.max(g.y!, g.y! + g.height!);
		const minX = clamp(x0, 0, image.width),
			maxX = clamp(x1, 0, image.width);
		const minY = clamp(y0, 0, image.height),
			maxY = clamp(y1, 0, image.height);
		if (maxX - minX < MIN_BOX_SIDE || maxY - minY < MIN_BOX_SIDE)
			return validationError(`A box needs at least ${MIN_BOX_SIDE} px of width and height inside the image`);
		return { ok: true, geometry: { x: minX, y: minY, width: maxX - minX, height: maxY - minY } };
	},

	bounds: boxRect,

	hitTest(g, p, tolerance) {
		return rectContainsPoint(boxRect(g), p, tolerance);
	},

	translate(g, dx, dy) {
		return { ...g, x: g.x + dx, y: g.y + dy };
	},

	handles(g) {
		const xs = { w: g.x, c: g.x + g.width / 2, e: g.x + g.width };
		const ys = { n: g.y, c: g.y + g.height / 2, s: g.y + g.height };
		return GRIPS.map((id): Handle => {
			const x = id.includes('w') ? xs.w : id.includes('e') ? xs.e : xs.c;
			const y = id.includes('n') ? ys.n : id.includes('s') ? ys.s : ys.c;
			return { id, x, y, role: id.length === 2 ? 'corner' : 'side', cursor: `${id}-resize` };
		});
	},

	dragHandle(g, handleId, p) {
		let minX = g.x,
			minY = g.y,
			maxX = g.x + g.width,
			maxY = g.y + g.height;
		if (handleId.includes('w')) minX = p.x;
		if (handleId.includes('e')) maxX = p.x;
		if (handleId.includes('n')) minY = p.y;
		if (handleId.includes('s')) maxY = p.y;
		return boxFromCorners({ x: minX, y: minY }, { x: maxX, y: maxY });
	},

	removeVertex() {
		return null;
	},

	area(g) {
		return g.width * g.height;
	},

	describe(g) {
		return `${Math.round(g.width)}×${Math.round(g.height)}`;
	}
};
