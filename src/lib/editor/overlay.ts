import paper from 'paper';
import type { Point } from '$lib/geometry';
import type { Geometry, ShapeType } from '$lib/shapes/registry';
import { shapeView } from '$lib/shapes/views';
import type { Viewport } from './viewport';

export interface StrokeStyle {
	color: string;
	/** Screen px. */
	width?: number;
	fillAlpha?: number;
	dashed?: boolean;
	/** The class's skeleton edges, for skeletons. */
	edges?: readonly (readonly [number, number])[];
}

/**
 * The interactive layer: a transparent Paper.js canvas above the cached tiles holding only the few
 * items that change while the user works (selected shape, handles, hover, tool previews). Its view
 * matrix is the viewport's, so items live in image coordinates; strokes and handles keep screen sizes.
 */
export class Overlay {
	readonly scope: paper.PaperScope;
	private pxToImage = 1;

	constructor(readonly canvas: HTMLCanvasElement) {
		this.scope = new paper.PaperScope();
		this.scope.setup(canvas);
		this.scope.view.autoUpdate = false; // the editor draws it in its own animation frame
	}

	resize(width: number, height: number): void {
		this.scope.view.viewSize = new this.scope.Size(width, height);
	}

	/** Clears the layer and aligns Paper's view with the viewport; items are added after this. */
	begin(v: Viewport): void {
		this.scope.activate();
		this.scope.project.activeLayer.removeChildren();
		this.scope.view.matrix = new this.scope.Matrix(v.scale, 0, 0, v.scale, v.tx, v.ty);
		this.pxToImage = 1 / v.scale;
	}

	isEmpty(): boolean {
		return !this.scope.project.activeLayer.hasChildren();
	}

	end(): void {
		this.scope.view.update();
	}

	shape(type: ShapeType, g: Geometry, style: StrokeStyle): void {
		const view = shapeView(type);
		this.style(view.paperPath(this.scope, g, { color: style.color, edges: style.edges }), view.open ? { ...style, fillAlpha: 0 } : style);
	}

	polyline(points: readonly number[], style: StrokeStyle & { closed?: boolean }): void {
		const segments: [number, number][] = [];
		for (let i = 0; i < points.length; i += 2) segments.push([points[i], points[i + 1]]);
		this.style(new this.scope.Path({ segments, closed: !!style.closed }), style);
	}

	/** A handle; `fill` overrides its colour (the smart tool's include and exclude points). */
	handle(p: Point, opts: { round?: boolean; active?: boolean; size?: number; fill?: string } = {}): void {
		const size = (opts.size ?? 8) * this.pxToImage;
		const item = opts.round
			? new this.scope.Path.Circle({ center: [p.x, p.y], radius: size / 2 })
			: new this.scope.Path.Rectangle({ point: [p.x - size / 2, p.y - size / 2], size: [size, size] });
		item.fillColor = new this.scope.Color(opts.fill ?? (opts.active ? '#ffd60a' : '#ffffff'));
		item.strokeColor = new this.scope.Color('#11151c');
		item.strokeWidth = 1;
		item.strokeScaling = false;
	}

	private style(item: paper.Item, s: StrokeStyle): void {
		item.strokeColor = new this.scope.Color(s.color);
		item.strokeWidth = s.width ?? 2;
		item.strokeScaling = false;
		if (s.dashed) item.dashArray = [6, 4];
		if (s.fillAlpha) {
			const fill = new this.scope.Color(s.color);
			fill.alpha = s.fillAlpha;
			item.fillColor = fill;
		}
	}

	destroy(): void {
		this.scope.project?.remove(); // removes its view too
	}
}
