import type paper from 'paper';
import type { ShapeType } from '$lib/shapes/registry';
import type { Tool, ToolContext } from './tools/tool';

/**
 * The DOM side of one annotation type (its pure side is the ShapeKind in kind.ts): how it is traced
 * into cached tiles, how it appears live on the overlay, and the tool that draws new ones.
 */
export interface ShapeView<G> {
	readonly type: ShapeType;
	/** Toolbar label and the single-letter key that picks the drawing tool. */
	readonly toolLabel: string;
	readonly toolKey: string;
	/** The outline in image coordinates, for tiles (built once per geometry, reused at every zoom). */
	path2d(g: G): Path2D;
	/** The outline as a Paper item in image coordinates, for the live overlay. */
	paperPath(scope: paper.PaperScope, g: G): paper.Path;
	createTool(ctx: ToolContext): Tool;
}
