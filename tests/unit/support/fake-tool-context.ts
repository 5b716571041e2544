import type { AnnotationRecord, ClassRecord } from '$lib/model';
import type { Geometry, ShapeType } from '$lib/shapes/registry';
import type { MaskToolOptions, ToolContext, ToolPointer } from '$lib/editor/tools/tool';
import { Viewport } from '$lib/editor/viewport';

/** A ToolContext over an in-memory list of shapes, at zoom 1 (screen = image coordinates). */
export function fakeContext(
	shapes: AnnotationRecord[] = [],
	currentClass?: ClassRecord,
	options: { snap?: ToolContext['snap'] } = {}
) {
	const created: { type: ShapeType; geometry: unknown }[] = [];
	const updated: { id: string; geometry: unknown }[] = [];
	const hints: string[] = [];
	let selectedId: string | null = null;
	let live: Geometry | null = null;
	const maskOptions: MaskToolOptions = { brushSize: 20, maskTool: 'brush' };
	const viewport = new Viewport({ width: 1000, height: 800 }, { width: 1000, height: 800 });
	const ctx: ToolContext = {
		viewport,
		image: { width: 1000, height: 800 },
		tolerance: (px) => px,
		shape: (id) => shapes.find((s) => s.id === id),
		hitTest: () => null,
		snap: options.snap ?? ((p) => p),
		get selectedId() {
			return selectedId;
		},
		select: (id) => (selectedId = id),
		setLive: (g) => (live = g),
		create: (type, geometry) => (created.push({ type, geometry }), true),
		update: (id, geometry) => (updated.push({ id, geometry }), true),
		hint: (t) => hints.push(t),
		currentColor: () => currentClass?.color ?? '#ff0000',
		currentClass: () => currentClass,
		redraw: () => {},
		setCursor: () => {},
		annotations: () => shapes,
		maskOptions,
		setMaskOptions: (patch) => Object.assign(maskOptions, patch)
	};
	return { ctx, created, updated, hints, live: () => live, maskOptions };
}

export const at = (x: number, y: number, extra: Partial<ToolPointer> = {}): ToolPointer => ({
	image: { x, y },
	screen: { x, y },
	button: 0,
	alt: false,
	shift: false,
	mod: false,
	...extra
});


/** A stored shape with placeholder ids and times, for tools that only read its type and geometry. */
export const shapeRecord = (id: string, type: ShapeType, geometry: Geometry, classId = 'c'): AnnotationRecord => ({
	id,
	imageId: 'i',
	classId,
	type,
	geometry,
	attributes: {},
	z: 1,
	author: 'a',
	createdAt: 0,
	updatedAt: 0
});
