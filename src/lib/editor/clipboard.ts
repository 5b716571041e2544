import { clamp, type Rect, type Size } from '$lib/geometry';
import type { AnnotationRecord, AttributeValue, NewAnnotation } from '$lib/model';
import { shapeKind, type Geometry, type ShapeType } from '$lib/shapes/registry';

/**
 * The shape clipboard. A new Editor is mounted per image, so what was copied lives here, at module
 * level, and is mirrored in sessionStorage so a reload keeps it too. Placement is pure.
 */

/** A copied shape: the whole record but its ids, z, author and times. */
export interface ClipShape {
	type: ShapeType;
	classId: string;
	geometry: Geometry;
	attributes: Record<string, AttributeValue>;
	text?: string;
	instanceId?: number;
	direction?: { angle: number };
}

export interface Clip {
	sourceImageId: string;
	shapes: ClipShape[];
}

/** How far a paste lands from an identical shape already there, so the copy is visible (image px). */
export const PASTE_OFFSET_PX = 10;
const STORAGE_KEY = 'peerlabel.clipboard';
const MAX_OFFSET_STEPS = 50;

let current: Clip | null = null;

export function clipShape(a: AnnotationRecord): ClipShape {
	const s: ClipShape = { type: a.type, classId: a.classId, geometry: a.geometry, attributes: a.attributes };
	if (a.text !== undefined) s.text = a.text;
	if (a.instanceId !== undefined) s.instanceId = a.instanceId;
	if (a.direction !== undefined) s.direction = a.direction;
	return s;
}

export function copyToClipboard(clip: Clip): void {
	current = clip;
	try {
		globalThis.sessionStorage?.setItem(STORAGE_KEY, JSON.stringify(clip));
	} catch {
		// Storage blocked or full: the copy still holds in this page.
	}
}

export function readClipboard(): Clip | null {
	if (current) return current;
	try {
		const raw = globalThis.sessionStorage?.getItem(STORAGE_KEY);
		const parsed = raw ? (JSON.parse(raw) as Clip) : null;
		if (parsed && typeof parsed.sourceImageId === 'string' && Array.isArray(parsed.shapes)) current = parsed;
	} catch {
		// Unreadable: as if nothing was copied.
	}
	return current;
}

export interface Placement {
	/** Ready for `ProjectDoc.createAnnotations`. */
	inputs: NewAnnotation[];
	/** Shapes larger than the image: not placed. */
	skipped: number;
}

/**
 * Where copied shapes land on an image: at the same place, moved inside the image when they hang over
 * its edge, and (with `offsetIfOccupied`) shifted by 10 px steps while an identical shape is already
 * at that spot, so a paste over its own original is visible. Shapes larger than the image are skipped.
 */
export function placeShapes(
	shapes: readonly ClipShape[],
	imageId: string,
	image: Size,
	existing: readonly Pick<AnnotationRecord, 'type' | 'geometry'>[],
	offsetIfOccupied: boolean
): Placement {
	const fitting = shapes.filter((s) => fits(shapeKind(s.type).bounds(s.geometry), image));
	const occupied = existing.map((e) => ({ type: e.type, bounds: shapeKind(e.type).bounds(e.geometry) }));
	let placed = fitting.map((s) => translateInside(s, 0, image));
	for (let step = 1; offsetIfOccupied && step <= MAX_OFFSET_STEPS; step++) {
		const taken = placed.some((p) => occupied.some((o) => o.type === p.type && sameRect(o.bounds, shapeKind(p.type).bounds(p.geometry))));
		if (!taken) break;
		placed = fitting.map((s) => translateInside(s, step * PASTE_OFFSET_PX, image));
	}
	return {
		inputs: placed.map(({ type, classId, geometry, attributes, text, instanceId, direction }) => ({
			imageId,
			type,
			classId,
			geometry,
			attributes,
			...(text !== undefined && { text }),
			...(instanceId !== undefined && { instanceId }),
			...(direction !== undefined && { direction })
		})),
		skipped: shapes.length - fitting.length
	};
}

function fits(b: Rect, image: Size): boolean {
	return b.maxX - b.minX <= image.width && b.maxY - b.minY <= image.height;
}

/** Moves a shape by (d, d), then back inside the image if that made it (or it already) hang over an edge. */
function translateInside(s: ClipShape, d: number, image: Size): ClipShape {
	const kind = shapeKind(s.type);
	const b = kind.bounds(s.geometry);
	const dx = clamp(d, -b.minX, image.width - b.maxX);
	const dy = clamp(d, -b.minY, image.height - b.maxY);
	return dx === 0 && dy === 0 ? s : { ...s, geometry: kind.translate(s.geometry, dx, dy) };
}

function sameRect(a: Rect, b: Rect): boolean {
	const e = 1e-6;
	return Math.abs(a.minX - b.minX) < e && Math.abs(a.minY - b.minY) < e && Math.abs(a.maxX - b.maxX) < e && Math.abs(a.maxY - b.maxY) < e;
}
