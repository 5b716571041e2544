import type { Rect } from '$lib/geometry';
import type { AnnotationRecord, ClassRecord } from '$lib/model';
import { shapeKind } from '$lib/shapes/registry';
import type { Overlay } from './overlay';

/** Image pixels: an arrow on a tiny shape still shows which way it points. */
const MIN_LENGTH = 20;
const LENGTH_OF_SIDE = 0.4;
const HEAD_OF_LENGTH = 0.25;
const HEAD_ANGLE = Math.PI / 7;

/** The arrow of a directed annotation: a shaft from the shape's centre and two barbs at its tip, in image px. */
export interface DirectionArrow {
	shaft: [number, number, number, number];
	head: [number, number, number, number, number, number];
}

/** The arrow to draw for an annotation, or null when it has no direction or its class has direction off. */
export function directionArrow(a: AnnotationRecord, cls: ClassRecord | undefined): DirectionArrow | null {
	if (!a.direction || !cls?.direction || shapeKind(a.type).imageLevel) return null;
	const b = shapeKind(a.type).bounds(a.geometry);
	const cx = (b.minX + b.maxX) / 2,
		cy = (b.minY + b.maxY) / 2;
	const length = Math.max(MIN_LENGTH, LENGTH_OF_SIDE * Math.max(b.maxX - b.minX, b.maxY - b.minY));
	const angle = (a.direction.angle * Math.PI) / 180; // clockwise from +x: y points down
	const tx = cx + Math.cos(angle) * length,
		ty = cy + Math.sin(angle) * length;
	const barb = (side: number) => {
		const t = angle + Math.PI + side * HEAD_ANGLE;
		return [tx + Math.cos(t) * length * HEAD_OF_LENGTH, ty + Math.sin(t) * length * HEAD_OF_LENGTH] as const;
	};
	const [lx, ly] = barb(-1),
		[rx, ry] = barb(1);
	return { shaft: [cx, cy, tx, ty], head: [lx, ly, tx, ty, rx, ry] };
}

/** Where an annotation's arrow may reach, whatever its angle (for the spatial index and tile invalidation). */
export function directionReach(a: AnnotationRecord): Rect | null {
	if (!a.direction || shapeKind(a.type).imageLevel) return null;
	const b = shapeKind(a.type).bounds(a.geometry);
	const r = Math.max(MIN_LENGTH, LENGTH_OF_SIDE * Math.max(b.maxX - b.minX, b.maxY - b.minY));
	const cx = (b.minX + b.maxX) / 2,
		cy = (b.minY + b.maxY) / 2;
	return { minX: cx - r, minY: cy - r, maxX: cx + r, maxY: cy + r };
}

/** Strokes the arrow into a tile (image coordinates; the caller set the stroke style and width). */
export function drawDirectionArrow(ctx: OffscreenCanvasRenderingContext2D, arrow: DirectionArrow): void {
	const [x0, y0, x1, y1] = arrow.shaft;
	const [lx, ly, tx, ty, rx, ry] = arrow.head;
	ctx.beginPath();
	ctx.moveTo(x0, y0);
	ctx.lineTo(x1, y1);
	ctx.moveTo(lx, ly);
	ctx.lineTo(tx, ty);
	ctx.lineTo(rx, ry);
	ctx.stroke();
}

/** The arrow on the overlay, for the selected shape. */
export function overlayDirectionArrow(o: Overlay, arrow: DirectionArrow, color: string): void {
	o.polyline(arrow.shaft, { color, width: 2 });
	o.polyline(arrow.head, { color, width: 2 });
}
