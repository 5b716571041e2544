import { describe, expect, it } from 'vitest';
import type { Point } from '$lib/geometry';
import { createBoxTool } from '$lib/shapes/box/view';
import { createPolygonTool } from '$lib/shapes/polygon/view';
import { createSelectTool } from '$lib/editor/tools/select-tool';
import { at, fakeContext, shapeRecord } from './support/fake-tool-context';

describe('box tool', () => {
	it('draws by press-drag-release', () => {
		const { ctx, created } = fakeContext();
		const tool = createBoxTool(ctx);
		tool.down(at(10, 20));
		tool.move(at(50, 60), true);
		expect(tool.busy()).toBe(true);
		tool.up(at(110, 70));
		expect(created).toEqual([{ type: 'box', geometry: { x: 10, y: 20, width: 100, height: 50 } }]);
		expect(tool.busy()).toBe(false);
	});

	it('draws by click, click', () => {
		const { ctx, created } = fakeContext();
		const tool = createBoxTool(ctx);
		tool.down(at(200, 200));
		tool.up(at(201, 200));
		expect(created).toHaveLength(0);
		expect(tool.busy()).toBe(true);
		tool.move(at(150, 120), false);
		tool.down(at(150, 120));
		tool.up(at(150, 120));
		expect(created).toEqual([{ type: 'box', geometry: { x: 150, y: 120, width: 50, height: 80 } }]);
	});

	it('cancels on Escape', () => {
		const { ctx, created } = fakeContext();
		const tool = createBoxTool(ctx);
		tool.down(at(10, 10));
		expect(tool.key('escape')).toBe(true);
		tool.up(at(100, 100));
		expect(created).toHaveLength(0);
		expect(tool.key('escape')).toBe(false);
	});
});

describe('polygon tool', () => {
	const place = (tool: ReturnType<typeof createPolygonTool>, pts: Point[]) =>
		pts.forEach((p) => {
			tool.down(at(p.x, p.y));
			tool.up(at(p.x, p.y));
		});

	it('closes by clicking the first vertex', () => {
		const { ctx, created } = fakeContext();
		const tool = createPolygonTool(ctx);
		place(tool, [
			{ x: 10, y: 10 },
			{ x: 100, y: 10 },
			{ x: 100, y: 100 },
			{ x: 12, y: 11 }
		]);
		expect(created).toEqual([{ type: 'polygon', geometry: { points: [10, 10, 100, 10, 100, 100] } }]);
		expect(tool.busy()).toBe(false);
	});

	it('closes on Enter, drops the last vertex on Backspace, cancels on Escape', () => {
		const { ctx, created } = fakeContext();
		const tool = createPolygonTool(ctx);
		place(tool, [
			{ x: 10, y: 10 },
			{ x: 100, y: 10 },
			{ x: 100, y: 100 },
			{ x: 300, y: 300 }
		]);
		expect(tool.key('backspace')).toBe(true);
		expect(tool.key('enter')).toBe(true);
		expect(created[0].geometry).toEqual({ points: [10, 10, 100, 10, 100, 100] });
		place(tool, [{ x: 5, y: 5 }]);
		expect(tool.key('escape')).toBe(true);
		expect(tool.busy()).toBe(false);
		expect(tool.key('enter')).toBe(false);
		expect(created).toHaveLength(1);
	});

	it('closes on double-click without adding the repeated vertex', () => {
		const { ctx, created } = fakeContext();
		const tool = createPolygonTool(ctx);
		place(tool, [
			{ x: 10, y: 10 },
			{ x: 100, y: 10 },
			{ x: 100, y: 100 },
			{ x: 100, y: 100 }
		]);
		tool.doubleClick!(at(100, 100));
		expect(created).toEqual([{ type: 'polygon', geometry: { points: [10, 10, 100, 10, 100, 100] } }]);
	});
});

describe('select tool', () => {
	const record = shapeRecord;

	/** The select tool over one 100x50 box at (10,10) that every point hits. */
	function selectToolOverBox() {
		const box = record('b', 'box', { x: 10, y: 10, width: 100, height: 50 });
		const context = fakeContext([box]);
		context.ctx.hitTest = () => box;
		return { ...context, tool: createSelectTool(context.ctx) };
	}

	it('moves a selected box by its body, clamped to the image, written once on release', () => {
		const box = record('b', 'box', { x: 10, y: 10, width: 100, height: 50 });
		const { ctx, updated, live } = fakeContext([box]);
		ctx.hitTest = (p) => (p.x >= 10 && p.x <= 110 && p.y >= 10 && p.y <= 60 ? box : null);
		const tool = createSelectTool(ctx);
		tool.down(at(50, 30));
		expect(ctx.selectedId).toBe('b');
		tool.move(at(60, 30), true);
		expect(live()).toEqual({ x: 20, y: 10, width: 100, height: 50 });
		tool.move(at(-500, 30), true);
		expect(live()).toEqual({ x: 0, y: 10, width: 100, height: 50 });
		expect(updated).toHaveLength(0);
		tool.up(at(-500, 30));
		expect(updated).toEqual([{ id: 'b', geometry: { x: 0, y: 10, width: 100, height: 50 } }]);
		expect(live()).toBeNull();
	});

	it('resizes a box by a corner grip', () => {
		const box = record('b', 'box', { x: 10, y: 10, width: 100, height: 50 });
		const { ctx, updated } = fakeContext([box]);
		ctx.select('b');
		const tool = createSelectTool(ctx);
		tool.down(at(110, 60)); // the se grip
		tool.move(at(200, 100), true);
		tool.up(at(200, 100));
		expect(updated).toEqual([{ id: 'b', geometry: { x: 10, y: 10, width: 190, height: 90 } }]);
	});

	it('inserts a vertex by dragging an edge midpoint and removes one by Alt+click', () => {
		const poly = record('p', 'polygon', { points: [0, 0, 100, 0, 100, 100, 0, 100] });
		const { ctx, updated } = fakeContext([poly]);
		ctx.select('p');
		const tool = createSelectTool(ctx);
		tool.down(at(50, 0)); // midpoint of edge 0
		tool.move(at(50, -20 + 30), true);
		tool.up(at(50, 10));
		expect(updated[0].geometry).toEqual({ points: [0, 0, 50, 10, 100, 0, 100, 100, 0, 100] });
		tool.down(at(100, 100, { alt: true }));
		expect(updated[1].geometry).toEqual({ points: [0, 0, 100, 0, 0, 100] });
	});

	it('deletes the hovered vertex on Delete', () => {
		const poly = record('p', 'polygon', { points: [0, 0, 100, 0, 100, 100, 0, 100] });
		const { ctx, updated } = fakeContext([poly]);
		ctx.select('p');
		const tool = createSelectTool(ctx);
		tool.move(at(101, 1), false);
		expect(tool.key('delete')).toBe(true);
		expect(updated[0].geometry).toEqual({ points: [0, 0, 100, 100, 0, 100] });
		tool.move(at(500, 500), false);
		expect(tool.key('delete')).toBe(false);
	});

	it('writes a move under way when the page is hidden, as a release would, and then ends it', () => {
		const { ctx, updated, live, tool } = selectToolOverBox();
		tool.down(at(50, 30));
		tool.move(at(80, 50), true);
		tool.commit?.();
		expect(updated).toEqual([{ id: 'b', geometry: { x: 40, y: 30, width: 100, height: 50 } }]);
		expect(live()).toBeNull();
		expect(tool.busy()).toBe(false);
		tool.up(at(90, 60)); // the release, if the page comes back: already written
		expect(updated).toHaveLength(1);
	});

	it('writes nothing when hidden after a click without movement', () => {
		const { ctx, updated, tool } = selectToolOverBox();
		tool.down(at(50, 30));
		tool.commit?.();
		expect(updated).toHaveLength(0);
	});

	it('does not write anything for a click without movement', () => {
		const { ctx, updated, tool } = selectToolOverBox();
		tool.down(at(50, 30));
		tool.move(at(51, 30), true);
		tool.up(at(51, 30));
		expect(updated).toHaveLength(0);
		expect(ctx.selectedId).toBe('b');
	});
});
