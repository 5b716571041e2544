import { describe, expect, it } from 'vitest';
import { createAssistTool } from '$lib/editor/tools/assist-tool';
import type { AssistBridge, AssistPrompt, AssistSegmentation, ToolContext } from '$lib/editor/tools/tool';
import { decodeMask } from '$lib/shapes/mask/rle';
import { CLASS_DEFAULTS, type AnnotationRecord, type ClassRecord } from '$lib/model';
import { at, fakeContext } from './support/fake-tool-context';

/**
 * The smart tool's state machine against a fake bridge (the model side is tested with real ONNX models
 * in the ml tests): which prompts it sends, which answers it keeps, what it commits.
 */
const car: ClassRecord = { ...CLASS_DEFAULTS, id: 'c1', name: 'car', color: '#e6194b', hotkey: '1', order: 0 };

/** A segmentation whose mask is a filled rectangle of the 1000x800 image, traced as its 4 corners. */
function rectSegmentation(x: number, y: number, w: number, h: number, specks: AssistSegmentation['polygons'] = []): AssistSegmentation {
	const data = new Uint8Array(1000 * 800);
	for (let j = y; j < y + h; j++) data.fill(1, j * 1000 + x, j * 1000 + x + w);
	return { mask: { width: 1000, height: 800, data }, polygons: [...specks, { points: [x, y, x + w, y, x + w, y + h, x, y + h], holes: [] }] };
}

function fakeBridge(options: { output?: 'polygon' | 'mask'; mode?: 'segment' | 'read-text' } = {}) {
	const calls: { prompt: AssistPrompt; resolve(r: AssistSegmentation | null): void; reject(e: Error): void }[] = [];
	const readBoxes: { x: number; y: number; width: number; height: number }[] = [];
	const bridge: AssistBridge = {
		segment: (prompt) => new Promise((resolve, reject) => calls.push({ prompt, resolve, reject })),
		output: () => options.output ?? 'polygon',
		mode: () => options.mode ?? 'segment',
		trace: (mask) => [{ points: [0, 0, mask.width, 0, 0, mask.height], holes: [] }],
		readTextIn: async (box) => void readBoxes.push(box)
	};
	return { bridge, calls, readBoxes };
}

function setup(options: Parameters<typeof fakeBridge>[0] = {}, shapes: AnnotationRecord[] = [], cls = car) {
	const fake = fakeContext(shapes, cls);
	const { bridge, calls, readBoxes } = fakeBridge(options);
	const ctx: ToolContext = { ...fake.ctx, assist: bridge };
	// Keep the fake's live getters (selectedId) working through the spread copy.
	Object.defineProperty(ctx, 'selectedId', { get: () => fake.ctx.selectedId });
	const tool = createAssistTool(ctx);
	return { ...fake, tool, calls, readBoxes };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function click(tool: ReturnType<typeof setup>['tool'], x: number, y: number, extra: Parameters<typeof at>[2] = {}) {
	tool.down(at(x, y, extra));
	tool.up(at(x, y, extra));
}

function drag(tool: ReturnType<typeof setup>['tool'], from: [number, number], to: [number, number]) {
	tool.down(at(...from));
	tool.move(at((from[0] + to[0]) / 2, (from[1] + to[1]) / 2), true);
	tool.move(at(...to), true);
	tool.up(at(...to));
}

describe('smart tool (interactive segmentation)', () => {
	it('sends include points, exclude points (Alt or the right button) and keeps them in the prompt', async () => {
		const { tool, calls } = setup();
		click(tool, 100, 100);
		expect(calls.map((c) => c.prompt)).toEqual([{ points: [{ x: 100, y: 100, label: 1 }] }]);
		calls[0].resolve(rectSegmentation(50, 50, 100, 100));
		await flush();
		click(tool, 120, 120, { alt: true });
		click(tool, 130, 90, { button: 2 });
		// The second click waited for the first answer; the third replaced nothing that was sent.
		expect(calls[1].prompt.points).toEqual([
			{ x: 100, y: 100, label: 1 },
			{ x: 120, y: 120, label: 0 }
		]);
		calls[1].resolve(rectSegmentation(50, 50, 90, 90));
		await flush();
		expect(calls[2].prompt.points.map((p) => p.label)).toEqual([1, 0, 0]);
	});

	it('keeps one request in flight: the latest hover position wins, the ones between are never sent', async () => {
		const { tool, calls } = setup();
		tool.move(at(10, 10), false);
		tool.move(at(20, 20), false);
		tool.move(at(30, 30), false);
		tool.move(at(40, 40), false);
		expect(calls).toHaveLength(1);
		expect(calls[0].prompt.points[0]).toMatchObject({ x: 10, y: 10 });
		calls[0].resolve(rectSegmentation(0, 0, 20, 20));
		await flush();
		expect(calls).toHaveLength(2);
		expect(calls[1].prompt.points[0]).toMatchObject({ x: 40, y: 40 });
		expect(tool.state.preview?.polygons[0].points).toEqual([0, 0, 20, 0, 20, 20, 0, 20]);
	});

	it('Enter commits the largest traced polygon as a polygon of the current class, then clears', async () => {
		const { tool, calls, created } = setup();
		click(tool, 100, 100);
		calls[0].resolve(rectSegmentation(50, 60, 100, 80, [{ points: [5, 5, 8, 5, 8, 8], holes: [] }]));
		await flush();
		expect(tool.busy()).toBe(true);
		expect(tool.key('enter')).toBe(true);
		expect(created).toEqual([{ type: 'polygon', geometry: { points: [50, 60, 150, 60, 150, 140, 50, 140] } }]);
		expect(tool.state.points).toEqual([]);
		expect(tool.state.preview).toBeNull();
		expect(tool.busy()).toBe(false);
	});

	it('Enter commits a pixel mask (RLE of the crop) when the panel says mask', async () => {
		const { tool, calls, created } = setup({ output: 'mask' });
		click(tool, 100, 100);
		calls[0].resolve(rectSegmentation(50, 60, 10, 4));
		await flush();
		tool.key('enter');
		expect(created).toHaveLength(1);
		const g = created[0].geometry as { x: number; y: number; width: number; height: number; rle: string };
		expect(g).toMatchObject({ x: 50, y: 60, width: 10, height: 4 });
		expect([...decodeMask(g.rle, g.width, g.height)].every((b) => b === 1)).toBe(true);
		expect(created[0].type).toBe('mask');
	});

	it('Escape clears points and preview, and an answer to a cleared prompt is dropped', async () => {
		const { tool, calls, created } = setup();
		click(tool, 100, 100);
		expect(tool.key('escape')).toBe(true);
		expect(tool.state.points).toEqual([]);
		calls[0].resolve(rectSegmentation(50, 50, 100, 100));
		await flush();
		expect(tool.state.preview).toBeNull();
		expect(tool.key('enter')).toBe(false);
		expect(created).toEqual([]);
		// With nothing to clear, Escape is left to the editor (deselect).
		expect(tool.key('escape')).toBe(false);
	});

	it('Backspace drops the last point and asks again', async () => {
		const { tool, calls } = setup();
		click(tool, 100, 100);
		calls[0].resolve(rectSegmentation(50, 50, 100, 100));
		await flush();
		click(tool, 300, 300, { alt: true });
		calls[1].resolve(rectSegmentation(50, 50, 100, 100));
		await flush();
		expect(tool.key('backspace')).toBe(true);
		expect(calls[2].prompt).toEqual({ points: [{ x: 100, y: 100, label: 1 }] });
	});

	it('a box dragged with no prior click is an auto region: its largest polygon is committed at once', async () => {
		const { tool, calls, created } = setup();
		drag(tool, [40, 50], [200, 180]);
		expect(calls.map((c) => c.prompt)).toEqual([{ points: [], box: { x1: 40, y1: 50, x2: 200, y2: 180 } }]);
		calls[0].resolve(rectSegmentation(60, 70, 100, 90));
		await flush();
		expect(created).toEqual([{ type: 'polygon', geometry: { points: [60, 70, 160, 70, 160, 160, 60, 160] } }]);
		expect(tool.busy()).toBe(false);
	});

	it('a hover while an auto region is pending does not replace it', async () => {
		const { tool, calls, created } = setup();
		tool.move(at(5, 5), false);
		drag(tool, [40, 50], [200, 180]);
		tool.move(at(300, 300), false);
		calls[0].resolve(rectSegmentation(0, 0, 10, 10));
		await flush();
		expect(calls[1].prompt.box).toEqual({ x1: 40, y1: 50, x2: 200, y2: 180 });
		calls[1].resolve(rectSegmentation(60, 70, 100, 90));
		await flush();
		expect(created).toHaveLength(1);
	});

	it('a box dragged after clicks refines the prompt instead of committing', async () => {
		const { tool, calls, created } = setup();
		click(tool, 100, 100);
		calls[0].resolve(rectSegmentation(50, 50, 100, 100));
		await flush();
		drag(tool, [40, 50], [200, 180]);
		expect(calls[1].prompt).toEqual({ points: [{ x: 100, y: 100, label: 1 }], box: { x1: 40, y1: 50, x2: 200, y2: 180 } });
		calls[1].resolve(rectSegmentation(60, 70, 100, 90));
		await flush();
		expect(created).toEqual([]);
		expect(tool.state.preview?.polygons).toHaveLength(1);
	});

	it('the tolerance slider re-traces the preview without asking the model', async () => {
		const { tool, calls } = setup();
		click(tool, 100, 100);
		calls[0].resolve(rectSegmentation(50, 50, 100, 100));
		await flush();
		tool.optionsChanged?.();
		expect(calls).toHaveLength(1);
		expect(tool.state.preview?.polygons).toEqual([{ points: [0, 0, 1000, 0, 0, 800], holes: [] }]);
	});

	it('says what to do when no model is wired in, and sends nothing', () => {
		const fake = fakeContext([], car);
		const tool = createAssistTool(fake.ctx);
		click(tool, 10, 10);
		expect(fake.hints.at(-1)).toMatch(/Choose a segmentation model/);
		expect(fake.created).toEqual([]);
	});

	it('in read-text mode a dragged box goes to OCR instead of the segmenter', async () => {
		const { tool, calls, readBoxes } = setup({ mode: 'read-text' });
		tool.move(at(5, 5), false);
		drag(tool, [40, 50], [200, 180]);
		await flush();
		expect(calls).toEqual([]);
		expect(readBoxes).toEqual([{ x: 40, y: 50, width: 160, height: 130 }]);
	});
});
