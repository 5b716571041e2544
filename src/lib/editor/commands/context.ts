import type { Point } from '$lib/geometry';
import type { AnnotationRecord, ProjectDoc } from '$lib/model';
import type { RingTarget } from '$lib/shapes/polygon/view';
import type { Viewport } from '../viewport';

/**
 * What the editor lends its commands (`editor/commands/*.ts`), as it lends tools a ToolContext: the
 * document and this image, the selection, and ways to tell the user. A command owns its behaviour and
 * its shortcut (an Action); the editor only runs it.
 */
export interface CommandContext {
	readonly doc: ProjectDoc;
	readonly imageId: string;
	readonly viewport: Viewport;
	readonly selectedId: string | null;
	/** The selected shape as drawn (undefined: none). */
	selected(): AnnotationRecord | undefined;
	shape(id: string): AnnotationRecord | undefined;
	select(id: string | null): void;
	hint(text: string, ms?: number): void;
	/** Tells the user why something was not done; false, for callers that return it. */
	refuse(reason: string): false;
	updateGeometry(id: string, geometry: unknown): boolean;
	/** The polygon tool, drawing a ring that joins the selected polygon (a hole or a part). */
	armRing(target: RingTarget): void;
	/** Where the pointer is over the canvas, else where it was last pressed (null: neither). */
	pointer(): Point | null;
	/** The first key of an action, as the user sees it. */
	keyOf(actionId: string): string;
}

/** What runs a command's action: the editor, through its CommandContext. */
export interface CommandHost {
	readonly commands: CommandContext;
}
