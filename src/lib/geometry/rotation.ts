import type { Point } from './index';

/**
 * Angles of rotated shapes are degrees, clockwise on screen (image y points down), in (-180, 180].
 * A shape's own frame has its origin at the shape's centre and its axes turned with it.
 */

/** The centre of a turnable shape ({ cx, cy }) as a point. */
export const centreOf = (g: { cx: number; cy: number }): Point => ({ x: g.cx, y: g.cy });

export function normalizeAngle(degrees: number): number {
	const a = (degrees % 360) + 0; // (-360, 360), and never -0
	return a > 180 ? a - 360 : a <= -180 ? a + 360 : a;
}

/** p (in the shape's own frame) in image coordinates. */
export function fromLocal(p: Point, centre: Point, degrees: number): Point {
	const r = (degrees * Math.PI) / 180;
	const c = Math.cos(r),
		s = Math.sin(r);
	return { x: centre.x + p.x * c - p.y * s, y: centre.y + p.x * s + p.y * c };
}

/** p (in image coordinates) in the frame of a shape centred at `centre`, turned by `degrees`. */
export function toLocal(p: Point, centre: Point, degrees: number): Point {
	const r = (degrees * Math.PI) / 180;
	const c = Math.cos(r),
		s = Math.sin(r);
	const dx = p.x - centre.x,
		dy = p.y - centre.y;
	return { x: dx * c + dy * s, y: -dx * s + dy * c };
}

/** The angle that turns "straight up from the centre" towards p: what a rotate handle above a shape sets. */
export function angleTowards(centre: Point, p: Point): number {
	return normalizeAngle((Math.atan2(p.y - centre.y, p.x - centre.x) * 180) / Math.PI + 90);
}

/** A resize cursor for a grip pointing `localDegrees` from the shape's +x axis, once the shape is turned. */
export function resizeCursor(localDegrees: number, shapeDegrees: number): string {
	const names = ['e', 'se', 's', 'sw', 'w', 'nw', 'n', 'ne'];
	const step = Math.round(normalizeAngle(localDegrees + shapeDegrees) / 45);
	return `${names[(step + 8) % 8]}-resize`;
}

/**
 * How far a centre may be scaled about itself so that half-extents (ex, ey) fit the room it has to the
 * image edges (1 when they already fit).
 */
export function fitScale(centre: Point, ex: number, ey: number, image: { width: number; height: number }): number {
	const roomX = Math.min(centre.x, image.width - centre.x);
	const roomY = Math.min(centre.y, image.height - centre.y);
	let k = 1;
	if (ex > roomX) k = Math.min(k, roomX / ex);
	if (ey > roomY) k = Math.min(k, roomY / ey);
	return Math.max(0, k);
}

/** How far (image px, at least) a rotate handle sits above a shape's top. */
export const ROTATE_HANDLE_GAP = 24;

/** Where a rotate handle goes: above the top of a shape whose top is `halfHeight` above its centre. */
export function rotateHandlePoint(centre: Point, halfHeight: number, degrees: number): Point {
	const gap = Math.max(ROTATE_HANDLE_GAP, halfHeight * 0.4);
	return fromLocal({ x: 0, y: -halfHeight - gap }, centre, degrees);
}
