import { inflateRect, unionRect, type Point, type Rect } from '$lib/geometry';
import type { AnnotationRecord, DocChange, ProjectDoc } from '$lib/model';
import { shapeKind } from '$lib/shapes/registry';
import { directionReach } from './direction-arrow';
import { SpatialIndex } from './spatial-index';

/** Image-level annotations (tags) have no place on the canvas: the store, so the renderer and hit-test, skip them. */
function onCanvas(a: AnnotationRecord): boolean {
	return !shapeKind(a.type).imageLevel;
}

/** What a shape covers on the canvas: its bounds, and the reach of its direction arrow. */
function canvasBounds(a: AnnotationRecord): Rect {
	const b = shapeKind(a.type).bounds(a.geometry);
	const arrow = directionReach(a);
	return arrow ? unionRect(b, arrow) : b;
}

/**
 * The editor's copy of one image's shapes: records by id plus their bounds in an R-tree. Document
 * changes are applied per touched id, and report the image rects whose pixels are now stale.
 */
export class ShapeStore {
	readonly index = new SpatialIndex();
	private readonly records = new Map<string, AnnotationRecord>();
	/** The member's blind layer shown (a consensus or gold task), or undefined: the image's own annotations. */
	private layer: string | undefined;

	constructor(
		private readonly doc: ProjectDoc,
		readonly imageId: string
	) {
		this.reload();
	}

	reload(): void {
		this.records.clear();
		this.layer = this.doc.quality.workingLayer(this.imageId);
		const list = this.doc.annotationsOf(this.imageId, this.layer).filter(onCanvas);
		for (const a of list) this.records.set(a.id, a);
		this.index.load(list.map((a) => ({ id: a.id, z: a.z, bounds: canvasBounds(a) })));
	}

	get size(): number {
		return this.records.size;
	}

	get(id: string): AnnotationRecord | undefined {
		return this.records.get(id);
	}

	all(): AnnotationRecord[] {
		return [...this.records.values()];
	}

	bounds(id: string): Rect | undefined {
		return this.index.get(id);
	}

	/** Whether the set shown changed (a task given or ended, a merge): then `reload`. */
	get layerChanged(): boolean {
		return this.doc.quality.workingLayer(this.imageId) !== this.layer;
	}

	/** Applies a document change; returns the image rects to redraw (old and new bounds). */
	apply(change: DocChange): Rect[] {
		const dirty: Rect[] = [];
		for (const [id, { action }] of change.annotations) {
			const before = this.index.remove(id);
			if (before) dirty.push(before);
			this.records.delete(id);
			const now = action === 'delete' ? undefined : this.doc.getAnnotation(id);
			if (now && now.imageId === this.imageId && now.layer === this.layer && onCanvas(now)) {
				this.records.set(id, now);
				const b = canvasBounds(now);
				this.index.upsert(id, now.z, b);
				dirty.push(b);
			}
		}
		return dirty;
	}

	/** The topmost shape at p (of those `accept` lets through): R-tree candidates, then each kind's exact test. */
	hitTest(p: Point, tolerance: number, accept: (a: AnnotationRecord) => boolean = () => true): AnnotationRecord | null {
		for (const c of this.index.candidatesAt(p.x, p.y, tolerance)) {
			const a = this.records.get(c.id);
			if (a && accept(a) && shapeKind(a.type).hitTest(a.geometry, p, tolerance)) return a;
		}
		return null;
	}

	/** The vertex (or box corner) of a shape other than `exceptId` nearest to p within tolerance, or null. */
	nearestVertex(p: Point, tolerance: number, exceptId?: string): Point | null {
		let best: Point | null = null;
		let bestD = tolerance;
		for (const c of this.index.candidatesAt(p.x, p.y, tolerance)) {
			const a = c.id === exceptId ? undefined : this.records.get(c.id);
			if (!a) continue;
			for (const h of shapeKind(a.type).handles(a.geometry)) {
				if (h.role !== 'vertex' && h.role !== 'corner') continue;
				const d = Math.hypot(h.x - p.x, h.y - p.y);
				if (d <= bestD) {
					best = { x: h.x, y: h.y };
					bestD = d;
				}
			}
		}
		return best;
	}

	/** Bounds of a shape grown by a margin (strokes and handles reach past the geometry). */
	paddedBounds(id: string, margin: number): Rect | undefined {
		const b = this.bounds(id);
		return b && inflateRect(b, margin);
	}
}
