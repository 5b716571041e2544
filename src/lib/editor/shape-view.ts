import type paper from 'paper';
import type { ShapeType } from '$lib/shapes/registry';
import type { Tool, ToolContext } from './tools/tool';

/**
 * The DOM side of one annotation type (its pure side is the ShapeKind in kind.ts): how it is traced
 * into cached tiles, how it appears live on the overlay, and the tool that draws new ones.
 */
export interface TileStyle {
	color: string;
	fill: string;
	stroke: string;
	/** Outline width in screen px (a setting). */
	lineWidth: number;
	pxToImage: number;
	/** The class's skeleton edges (pairs of point indices), for skeletons. */
	edges?: readonly (readonly [number, number])[];
}

export interface ShapeView<G> {
	readonly type: ShapeType;
	/** Toolbar label and the single-letter key that picks the drawing tool ('' for kinds without a tool). */
	readonly toolLabel: string;
	readonly toolKey: string;
	/** The tool's icon: an SVG path in a 24×24 box, stroked (absent for kinds without a tool). */
	readonly toolIcon?: string;
	/**
	 * The outline in image coordinates, for tiles (built once per geometry, reused at every zoom).
	 * Filled with the nonzero rule unless `fillRule` says otherwise (polygons with holes: 'evenodd').
	 */
	path2d(g: G): Path2D;
	readonly fillRule?: CanvasFillRule;
	/** Open shapes (polylines, keypoint skeleton edges) are stroked only, never filled. */
	readonly open?: boolean;
	/**
	 * Draws the shape into a tile instead of filling and stroking `path2d` (pixel masks, skeletons with
	 * per-point styles). The context is in image coordinates; `pxToImage` is one screen pixel in image units.
	 */
	drawTile?(ctx: OffscreenCanvasRenderingContext2D, g: G, style: TileStyle): void;
	/**
	 * The outline as a Paper item in image coordinates, for the live overlay (a Group or Raster where
	 * needed; a Raster has no stroke or fill to style, so it gets the colour here; a skeleton its class's edges).
	 */
	paperPath(scope: paper.PaperScope, g: G, style?: { color?: string; edges?: TileStyle['edges'] }): paper.Item;
	/**
	 * A key pressed while the select tool hovers handle `handleId` of this selected shape: the edited
	 * geometry, or null when the key means nothing here (e.g. O cycles a skeleton point's visibility).
	 */
	handleKey?(key: string, g: G, handleId: string): G | null;
	/** The drawing tool; image-level kinds (tags) have none. */
	createTool?(ctx: ToolContext): Tool;
}
