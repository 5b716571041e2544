import { clamp, isFiniteNumber, type Point, type Rect } from '$lib/geometry';
import {
	angleTowards,
	fitScale,
	fromLocal,
	normalizeAngle,
	resizeCursor,
	rotateHandlePoint,
	toLocal,
	centreOf
} from '$lib/geometry/rotation';
import { validationError, type Handle, type ShapeKind } from '../kind';

/**
 * An ellipse (a circle when rx = ry): centre, radii along its own axes, and angle in degrees clockwise
 * (image y points down), in (-180, 180].
 */
export interface EllipseGeometry {
	cx: number;
	cy: number;
	rx: number;
	ry: number;
	angle: number;
}

export const MIN_ELLIPSE_RADIUS = 0.5;

/** Axis-end grips by id: direction in the ellipse's own frame. */
const GRIPS: Record<string, { sx: number; sy: number }> = {
	n: { sx: 0, sy: -1 },
	e: { sx: 1, sy: 0 },
	s: { sx: 0, sy: 1 },
	w: { sx: -1, sy: 0 }
};

/** Half-width and half-height of the axis-aligned box around the turned ellipse. */
function halfExtents(rx: number, ry: number, angle: number): { ex: number; ey: number } {
	const r = (angle * Math.PI) / 180;
	const c = Math.cos(r),
		s = Math.sin(r);
	return { ex: Math.hypot(rx * c, ry * s), ey: Math.hypot(rx * s, ry * c) };
}

/** Vertices of the polygon an ellipse is written as where a format has no ellipse (COCO, LabelMe, YOLO-seg). */
export const ELLIPSE_POINTS = 64;

/**
 * The ellipse as a polygon of `n` points on its outline (flat, starting at the end of its own +x axis,
 * clockwise on screen). Its area falls short of πab by a factor sin(2π/n)·n/2π: 0.16 % at 64 points.
 */
export function ellipsePolygon(g: EllipseGeometry, n = ELLIPSE_POINTS): number[] {
	const out: number[] = [];
	const centre = centreOf(g);
	for (let i = 0; i < n; i++) {
		const t = (2 * Math.PI * i) / n;
		const p = fromLocal({ x: g.rx * Math.cos(t), y: g.ry * Math.sin(t) }, centre, g.angle);
		out.push(p.x, p.y);
	}
	return out;
}

/** The axis-aligned ellipse inscribed in the box spanned by two opposite corners. */
export function ellipseFromCorners(a: Point, b: Point): EllipseGeometry {
	return { cx: (a.x + b.x) / 2, cy: (a.y + b.y) / 2, rx: Math.abs(a.x - b.x) / 2, ry: Math.abs(a.y - b.y) / 2, angle: 0 };
}

export const ellipseKind: ShapeKind<EllipseGeometry> = {
	type: 'ellipse',
	label: 'Ellipse',

	validate(raw, image) {
		const g = raw as Partial<EllipseGeometry> | null;
		if (!g || typeof g !== 'object') return validationError('Ellipse geometry is missing');
		if (![g.cx, g.cy, g.rx, g.ry, g.angle].every(isFiniteNumber)) return validationError('Ellipse values must be numbers');
		const angle = normalizeAngle(g.angle!);
		const cx = clamp(g.cx!, 0, image.width),
			cy = clamp(g.cy!, 0, image.height);
		let rx = Math.abs(g.rx!),
			ry = Math.abs(g.ry!);
		// Shrink about the centre until the box around the ellipse lies on the image.
		const { ex, ey } = halfExtents(rx, ry, angle);
		const k = fitScale({ x: cx, y: cy }, ex, ey, image);
		rx *= k;
		ry *= k;
		if (rx < MIN_ELLIPSE_RADIUS || ry < MIN_ELLIPSE_RADIUS)
			return validationError(`An ellipse needs radii of at least ${MIN_ELLIPSE_RADIUS} px inside the image`);
		return { ok: true, geometry: { cx, cy, rx, ry, angle } };
	},

	bounds(g): Rect {
		const { ex, ey } = halfExtents(g.rx, g.ry, g.angle);
		return { minX: g.cx - ex, minY: g.cy - ey, maxX: g.cx + ex, maxY: g.cy + ey };
	},

	hitTest(g, p, tolerance) {
		const l = toLocal(p, centreOf(g), g.angle);
		const f = (l.x / g.rx) ** 2 + (l.y / g.ry) ** 2 - 1;
		if (f <= 0) return true;
		// Distance to the outline, to first order: the implicit function over its gradient's length.
		const grad = Math.hypot((2 * l.x) / g.rx ** 2, (2 * l.y) / g.ry ** 2);
		return f / grad <= tolerance;
	},

	translate(g, dx, dy) {
		return { ...g, cx: g.cx + dx, cy: g.cy + dy };
	},

	handles(g) {
		const grips = Object.entries(GRIPS).map(([id, { sx, sy }]): Handle => {
			const p = fromLocal({ x: sx * g.rx, y: sy * g.ry }, centreOf(g), g.angle);
			return { id, x: p.x, y: p.y, role: 'side', cursor: resizeCursor((Math.atan2(sy, sx) * 180) / Math.PI, g.angle) };
		});
		const r = rotateHandlePoint(centreOf(g), g.ry, g.angle);
		return [...grips, { id: 'rotate', x: r.x, y: r.y, role: 'rotate', cursor: 'grab' }];
	},

	dragHandle(g, handleId, p) {
		if (handleId === 'rotate') return { ...g, angle: angleTowards(centreOf(g), p) };
		const grip = GRIPS[handleId];
		if (!grip) return g;
		// The dragged axis end follows p along its axis; the opposite end stays put.
		const l = toLocal(p, centreOf(g), g.angle);
		if (grip.sx) {
			const fixed = -grip.sx * g.rx;
			const c = fromLocal({ x: (fixed + l.x) / 2, y: 0 }, centreOf(g), g.angle);
			return { ...g, cx: c.x, cy: c.y, rx: Math.abs(l.x - fixed) / 2 };
		}
		const fixed = -grip.sy * g.ry;
		const c = fromLocal({ x: 0, y: (fixed + l.y) / 2 }, centreOf(g), g.angle);
		return { ...g, cx: c.x, cy: c.y, ry: Math.abs(l.y - fixed) / 2 };
	},

	removeVertex() {
		return null;
	},

	area(g) {
		return Math.PI * g.rx * g.ry;
	},

	describe(g) {
		const circle = Math.abs(g.rx - g.ry) < 0.5;
		const size = circle ? `⌀${Math.round(g.rx * 2)}` : `${Math.round(g.rx * 2)}×${Math.round(g.ry * 2)}`;
		return `${size} · ${Math.round(g.angle)}°`;
	}
};
