import type { Point, Size } from '$lib/geometry';
import type { AnnotationRecord, ClassRecord } from '$lib/model';
import type { Geometry, ShapeType } from '$lib/shapes/registry';
import type { Overlay } from '../overlay';
import type { Viewport } from '../viewport';

/** One pointer sample, in both coordinate spaces. */
export interface ToolPointer {
	image: Point;
	screen: Point;
	button: number;
	alt: boolean;
	shift: boolean;
	mod: boolean;
}

/** The mask tool's options, shown in its toolbar: brush diameter in image px, and what a gesture does. */
export interface MaskToolOptions {
	brushSize: number;
	maskTool: 'brush' | 'eraser' | 'fill';
}

/**
 * Plain shapes of the ml layer's prompts and masks (structurally the same as ml/types.ts, which the
 * editor may not import): the ui passes an MlApi-backed `AssistBridge` in.
 */
export interface AssistPrompt {
	points: { x: number; y: number; label: 0 | 1 }[];
	box?: { x1: number; y1: number; x2: number; y2: number };
}

export interface AssistMask {
	width: number;
	height: number;
	data: Uint8Array;
}

/** One traced polygon: outer ring and holes, flat [x0, y0, …] in image px. */
export interface AssistPolygon {
	points: number[];
	holes: number[][];
}

export interface AssistSegmentation {
	polygons: AssistPolygon[];
	mask: AssistMask;
}

/** What the ui lends the smart tool: model-driven segmentation and text reading of this image. */
export interface AssistBridge {
	/** One segmentation of the image for the prompt (null: no segmentation model chosen, or nothing found). */
	segment(prompt: AssistPrompt): Promise<AssistSegmentation | null>;
	/** Traces a mask again (the tolerance changed) without asking the model. */
	trace?(mask: AssistMask): AssistPolygon[];
	/** Why segmenting is not possible now (no model chosen…), or null. */
	unavailable?(): string | null;
	/** 'polygon' or 'mask': what Enter commits. */
	output(): 'polygon' | 'mask';
	/** 'segment': clicks and boxes prompt the segmenter; 'read-text': a dragged box is read by OCR. */
	mode(): 'segment' | 'read-text';
	/** Reads the text inside a box (image px) and adds what it finds (the ui writes the shapes). */
	readTextIn?(box: { x: number; y: number; width: number; height: number }): Promise<void>;
}

/** What the editor lends a tool: it never touches the document or the DOM directly. */
export interface ToolContext {
	readonly viewport: Viewport;
	readonly image: Size;
	/** Image pixels spanned by `px` screen pixels at the current zoom. */
	tolerance(px: number): number;
	shape(id: string): AnnotationRecord | undefined;
	/**
	 * p moved exactly onto the nearest vertex of another shape within a few screen px (shared borders),
	 * or p itself; `exceptId` is a shape whose own vertices do not count. Off when the user turns it off.
	 */
	snap(p: Point, exceptId?: string): Point;
	/** Topmost shape at p, or null. */
	hitTest(p: Point): AnnotationRecord | null;
	readonly selectedId: string | null;
	select(id: string | null): void;
	/** Shows the selected shape with this geometry until the gesture commits (null: back to the stored one). */
	setLive(geometry: Geometry | null): void;
	create(type: ShapeType, geometry: unknown): boolean;
	update(id: string, geometry: unknown): boolean;
	hint(text: string): void;
	/** The colour new shapes get (the current class). */
	currentColor(): string;
	/** The class new shapes get (skeleton templates, mask modes live on it). */
	currentClass(): ClassRecord | undefined;
	/** Something the tool draws on the overlay changed. */
	redraw(): void;
	setCursor(cursor: string): void;
	/** The shapes of this image (semantic masks look up their class's mask). */
	annotations(): AnnotationRecord[];
	readonly maskOptions: Readonly<MaskToolOptions>;
	setMaskOptions(patch: Partial<MaskToolOptions>): void;
	/** Model assistance, when the ui has wired one in (the editor never imports ml). */
	readonly assist?: AssistBridge;
}

/**
 * A tool is a small state machine fed with pointer and key events. It draws its previews on the overlay
 * when asked and writes to the document only when a gesture ends.
 */
export interface Tool {
	readonly id: string;
	down(p: ToolPointer): void;
	move(p: ToolPointer, pressed: boolean): void;
	up(p: ToolPointer): void;
	doubleClick?(p: ToolPointer): void;
	/** A key while this tool is active; true when the tool used it. */
	key(key: string): boolean;
	/**
	 * Ends the gesture in progress by writing what it has changed so far, as releasing the pointer would:
	 * the page is being hidden and may be killed without another event. Tools whose gesture makes no
	 * shape yet (a box being dragged out, a polygon being placed) have none: a half-drawn shape is not
	 * something the user has done, and it stays on screen to be finished if the page comes back.
	 */
	commit?(): void;
	/** Drops any gesture in progress (tool switch, Escape, image change). */
	cancel(): void;
	/** True while a gesture is in progress: the editor then leaves keys like Delete to the tool. */
	busy(): boolean;
	/** The tool takes right-button clicks too (the smart tool's negative points). */
	readonly rightClick?: boolean;
	/** Options the tool reads changed outside it (the assist panel's tolerance): refresh its preview. */
	optionsChanged?(): void;
	drawOverlay(o: Overlay): void;
}

/** Pointer travel below this many screen px is a click, not a drag. */
export const CLICK_SLOP_PX = 4;

export function screenDistance(a: ToolPointer, b: ToolPointer): number {
	return Math.hypot(a.screen.x - b.screen.x, a.screen.y - b.screen.y);
}
