import type paper from 'paper';
import type { ShapeView } from '$lib/editor/shape-view';
import { createCornerDragTool } from '$lib/editor/tools/corner-drag';
import type { Tool, ToolContext } from '$lib/editor/tools/tool';
import { boxFromCorners } from '../box/kind';
import { cycleVisibility, NOT_LABELED, OCCLUDED, placeTemplate, type SkeletonGeometry } from './kind';

/** Point dots in screen px (tiles keep this size at every zoom); on the overlay, in image px. */
const DOT_SCREEN_PX = 3.5;
const DOT_IMAGE_PX = 3;
/** A box smaller than this (image px) would pile the template's points on each other. */
const MIN_PLACE_PX = 4;
/** The object's box: thin and dashed, so that it reads as the extent, not as a box annotation. */
const BOX_DASH_SCREEN_PX = [5, 4];
const BOX_LINE_SCREEN_PX = 1;

/**
 * Skeleton tool: drag a box (or click, click) and the current class's template is dropped into it,
 * every point visible. Refused with a hint when the class has no template.
 */
export function createSkeletonTool(ctx: ToolContext): Tool {
	function template() {
		const cls = ctx.currentClass();
		if (cls?.skeleton?.points.length) return cls.skeleton;
		ctx.hint(cls ? `Class “${cls.name}” has no skeleton template: add one in the class editor` : 'Add a class to the project first');
		return null;
	}

	return createCornerDragTool(ctx, {
		id: 'skeleton',
		canStart: () => template() !== null,
		finish(a, b) {
			const t = template();
			if (!t) return;
			const box = boxFromCorners(a, b);
			if (box.width < MIN_PLACE_PX || box.height < MIN_PLACE_PX) return ctx.hint('Drag a box to place the skeleton in');
			ctx.create('skeleton', placeTemplate(t, box));
		},
		preview(o, a, b) {
			const box = boxFromCorners(a, b);
			o.shape('box', box, { color: ctx.currentColor(), dashed: true });
			const t = ctx.currentClass()?.skeleton;
			if (t && box.width > 0 && box.height > 0) o.shape('skeleton', placeTemplate(t, box), { color: ctx.currentColor(), edges: t.edges });
		}
	});
}

/** The edges whose two ends are labeled. */
function drawnEdges(g: SkeletonGeometry, edges: readonly (readonly [number, number])[] = []) {
	return edges.filter(([a, b]) => g.visibility[a] > NOT_LABELED && g.visibility[b] > NOT_LABELED);
}

export const skeletonView: ShapeView<SkeletonGeometry> = {
	type: 'skeleton',
	toolLabel: 'Skeleton',
	toolKey: 's',
	toolIcon: 'M10 4a2 2 0 1 0 4 0a2 2 0 1 0-4 0M12 6v7M5 9l7-1 7 1M12 13l-5 8M12 13l5 8',
	open: true,
	path2d(g) {
		const p = new Path2D();
		for (let i = 0; i < g.visibility.length; i++) {
			if (g.visibility[i] === NOT_LABELED) continue;
			p.moveTo(g.points[i * 2] + DOT_IMAGE_PX, g.points[i * 2 + 1]);
			p.arc(g.points[i * 2], g.points[i * 2 + 1], DOT_IMAGE_PX, 0, Math.PI * 2);
		}
		return p;
	},
	drawTile(ctx, g, style) {
		const px = style.pxToImage;
		const pts = g.points;
		if (g.box) {
			ctx.lineWidth = BOX_LINE_SCREEN_PX * px;
			ctx.strokeStyle = style.color;
			ctx.setLineDash(BOX_DASH_SCREEN_PX.map((d) => d * px));
			ctx.strokeRect(g.box.x, g.box.y, g.box.width, g.box.height);
			ctx.setLineDash([]);
		}
		ctx.lineWidth = 1.5 * px;
		ctx.strokeStyle = style.stroke;
		ctx.beginPath();
		for (const [a, b] of drawnEdges(g, style.edges)) {
			ctx.moveTo(pts[a * 2], pts[a * 2 + 1]);
			ctx.lineTo(pts[b * 2], pts[b * 2 + 1]);
		}
		ctx.stroke();
		// Visible points: filled dots; occluded: hollow and dimmer; not labeled: not drawn.
		const r = DOT_SCREEN_PX * px;
		for (let i = 0; i < g.visibility.length; i++) {
			const v = g.visibility[i];
			if (v === NOT_LABELED) continue;
			ctx.beginPath();
			ctx.arc(pts[i * 2], pts[i * 2 + 1], r, 0, Math.PI * 2);
			ctx.globalAlpha = v === OCCLUDED ? 0.6 : 1;
			ctx.fillStyle = v === OCCLUDED ? 'rgba(255,255,255,0.35)' : style.color;
			ctx.fill();
			ctx.lineWidth = px;
			ctx.strokeStyle = v === OCCLUDED ? style.color : '#11151c';
			ctx.stroke();
			ctx.globalAlpha = 1;
		}
	},
	paperPath(scope: paper.PaperScope, g, style) {
		const edges = style?.edges;
		const pts = g.points;
		const children: paper.Item[] = drawnEdges(g, edges).map(
			([a, b]) => new scope.Path.Line({ from: [pts[a * 2], pts[a * 2 + 1]], to: [pts[b * 2], pts[b * 2 + 1]] })
		);
		if (g.box) {
			const box = new scope.Path.Rectangle({ point: [g.box.x, g.box.y], size: [g.box.width, g.box.height] });
			box.dashArray = BOX_DASH_SCREEN_PX; // screen px: the overlay draws without stroke scaling
			children.push(box);
		}
		for (let i = 0; i < g.visibility.length; i++) {
			if (g.visibility[i] === NOT_LABELED) continue;
			const dot = new scope.Path.Circle({ center: [pts[i * 2], pts[i * 2 + 1]], radius: DOT_IMAGE_PX });
			if (g.visibility[i] === OCCLUDED) dot.dashArray = [2, 2];
			children.push(dot);
		}
		return new scope.Group(children);
	},
	handleKey(key, g, handleId) {
		if (key !== 'o' || !handleId.startsWith('v:')) return null;
		return cycleVisibility(g, Number(handleId.slice(2)));
	},
	createTool: createSkeletonTool
};
