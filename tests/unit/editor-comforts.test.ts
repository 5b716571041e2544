import { describe, expect, it } from 'vitest';
import { ProjectDoc, type AnnotationRecord } from '$lib/model';
import { LOCKED_REASON } from '$lib/model/project-doc';
import { ActionRegistry, keyCombo, type Action } from '$lib/editor/actions';
import { clipShape, placeShapes, PASTE_OFFSET_PX } from '$lib/editor/clipboard';
import { normalizeSettings, parseSettings } from '$lib/editor/editor-settings';
import { applyOverrides, parseOverrides, rebind, resetAllBindings, resetBinding } from '$lib/editor/hotkeys';
import { createSelectTool } from '$lib/editor/tools/select-tool';
import { at, fakeContext } from './support/fake-tool-context';

function registry() {
	const ran: string[] = [];
	const action = (id: string, keys: string[], extra: Partial<Action<null>> = {}): Action<null> => ({
		id,
		label: id === 'tool.box' ? 'Box tool' : id,
		keys,
		run: (_, key) => ran.push(`${id}:${key}`),
		...extra
	});
	const r = new ActionRegistry<null>().register(
		action('tool.box', ['b']),
		action('tool.polygon', ['p']),
		action('undo', ['mod+z']),
		action('class.hotkey', ['1', '2'], { fixedKeys: true })
	);
	return { r, ran };
}

describe('hotkey overrides', () => {
	it('rebinds an action: the new combo runs it, the old one no longer does, titles follow', () => {
		const { r, ran } = registry();
		const result = rebind(r, {}, 'tool.box', 'x');
		expect(result).toEqual({ ok: true, overrides: { 'tool.box': ['x'] } });
		expect(r.handle(null, 'x')).toBe(true);
		expect(r.handle(null, 'b')).toBe(false);
		expect(ran).toEqual(['tool.box:x']);
		expect(r.title('tool.box')).toBe('Box tool (X)');
	});

	it('refuses a combo another action uses, naming it', () => {
		const { r } = registry();
		expect(rebind(r, {}, 'tool.box', 'mod+z')).toEqual({ ok: false, reason: 'Ctrl+Z is already used by “undo”' });
		expect(rebind(r, {}, 'tool.box', '1')).toMatchObject({ ok: false, reason: expect.stringContaining('class.hotkey') });
		expect(r.keysOf('tool.box')).toEqual(['b']);
	});

	it('refuses modifiers alone, Escape, and actions whose keys carry meaning', () => {
		const { r } = registry();
		expect(rebind(r, {}, 'tool.box', 'escape').ok).toBe(false);
		expect(rebind(r, {}, 'tool.box', 'mod+shift').ok).toBe(false);
		expect(rebind(r, {}, 'class.hotkey', 'k').ok).toBe(false);
	});

	it('applies stored overrides to a fresh registry, ignoring unknown actions and garbage', () => {
		const { r } = registry();
		applyOverrides(r, parseOverrides('{"tool.box":["x"],"gone":["g"],"undo":"bad"}'));
		expect(r.keysOf('tool.box')).toEqual(['x']);
		expect(r.forKey('g')).toBeUndefined();
		expect(r.keysOf('undo')).toEqual(['mod+z']);
		expect(parseOverrides('not json')).toEqual({});
	});

	it('resets one action, refusing when another action has taken its default since', () => {
		const { r } = registry();
		let o = rebind(r, {}, 'tool.box', 'x');
		if (!o.ok) throw new Error(o.reason);
		o = rebind(r, o.overrides, 'tool.polygon', 'b');
		if (!o.ok) throw new Error(o.reason);
		expect(resetBinding(r, o.overrides, 'tool.box')).toMatchObject({ ok: false, reason: expect.stringContaining('tool.polygon') });
		const back = resetBinding(r, o.overrides, 'tool.polygon');
		expect(back).toEqual({ ok: true, overrides: { 'tool.box': ['x'] } });
		expect(resetBinding(r, back.ok ? back.overrides : {}, 'tool.box')).toEqual({ ok: true, overrides: {} });
		expect(r.forKey('b')?.id).toBe('tool.box');
	});

	it('reads Alt+letter from the physical key (macOS Option+H types ˙)', () => {
		const mods = { ctrlKey: false, metaKey: false, shiftKey: false };
		expect(keyCombo({ key: '˙', code: 'KeyH', altKey: true, ...mods })).toBe('alt+h');
		expect(keyCombo({ key: 'h', code: 'KeyH', altKey: true, ...mods })).toBe('alt+h');
		expect(keyCombo({ key: '?', altKey: false, ...mods })).toBe('?');
	});

	it('resets all', () => {
		const { r } = registry();
		rebind(r, {}, 'tool.box', 'x');
		expect(resetAllBindings(r)).toEqual({});
		expect(r.forKey('b')?.id).toBe('tool.box');
		expect(r.forKey('x')).toBeUndefined();
	});
});

describe('clipboard placement', () => {
	const image = { width: 1000, height: 800 };
	const record = (geometry: AnnotationRecord['geometry'], extra: Partial<AnnotationRecord> = {}): AnnotationRecord => ({
		id: 'a',
		imageId: 'img1',
		classId: 'car',
		type: 'box',
		geometry,
		attributes: { color: 'red' },
		z: 1,
		author: 'x',
		createdAt: 0,
		updatedAt: 0,
		...extra
	});

	it('copies the whole record but ids, z, author, times and the lock', () => {
		const copy = clipShape(record({ x: 1, y: 2, width: 3, height: 4 }, { text: 'plate', instanceId: 7, direction: { angle: 90 }, locked: true }));
		expect(copy).toEqual({
			type: 'box',
			classId: 'car',
			geometry: { x: 1, y: 2, width: 3, height: 4 },
			attributes: { color: 'red' },
			text: 'plate',
			instanceId: 7,
			direction: { angle: 90 }
		});
	});

	it('pastes at the same place on an image without the original', () => {
		const shape = clipShape(record({ x: 100, y: 100, width: 50, height: 40 }));
		const { inputs, skipped } = placeShapes([shape], 'img2', image, [], true);
		expect(skipped).toBe(0);
		expect(inputs).toEqual([{ imageId: 'img2', type: 'box', classId: 'car', geometry: { x: 100, y: 100, width: 50, height: 40 }, attributes: { color: 'red' } }]);
	});

	it('offsets by 10 px over the original, and again over that copy', () => {
		const original = record({ x: 100, y: 100, width: 50, height: 40 });
		const shape = clipShape(original);
		const first = placeShapes([shape], 'img1', image, [original], true).inputs[0];
		expect(first.geometry).toEqual({ x: 100 + PASTE_OFFSET_PX, y: 100 + PASTE_OFFSET_PX, width: 50, height: 40 });
		const second = placeShapes([shape], 'img1', image, [original, record(first.geometry as never)], true).inputs[0];
		expect(second.geometry).toEqual({ x: 120, y: 120, width: 50, height: 40 });
	});

	it('moves a shape hanging over a smaller image inside it, and skips one larger than the image', () => {
		const small = { width: 300, height: 200 };
		const hanging = clipShape(record({ x: 280, y: 150, width: 100, height: 40 }));
		const tooBig = clipShape(record({ x: 0, y: 0, width: 400, height: 40 }));
		const { inputs, skipped } = placeShapes([hanging, tooBig], 'img2', small, [], true);
		expect(inputs.map((i) => i.geometry)).toEqual([{ x: 200, y: 150, width: 100, height: 40 }]);
		expect(skipped).toBe(1);
	});

	it('repeats without offset even over identical shapes', () => {
		const original = record({ x: 100, y: 100, width: 50, height: 40 });
		const { inputs } = placeShapes([clipShape(original)], 'img1', image, [original], false);
		expect(inputs[0].geometry).toEqual(original.geometry);
	});
});

function seeded() {
	const doc = new ProjectDoc();
	doc.initialize({ name: 'p' });
	const car = doc.addClass({ name: 'car' });
	const images = doc.addImages([
		{ name: 'a.png', hash: 'h1', width: 640, height: 480, mime: 'image/png', size: 1 },
		{ name: 'b.png', hash: 'h2', width: 320, height: 240, mime: 'image/png', size: 1 }
	]);
	if (!car.ok || !images.ok) throw new Error('seed');
	const [image, small] = images.value;
	const box = (x: number) => {
		const r = doc.createAnnotation({ imageId: image.id, classId: car.value.id, type: 'box', geometry: { x, y: 10, width: 50, height: 50 } });
		if (!r.ok) throw new Error(r.reason);
		return r.value.id;
	};
	const order = () => doc.annotationsOf(image.id).map((a) => a.id);
	return { doc, image, small, car: car.value, box, order };
}

describe('z-order in the document', () => {
	it('brings to front and sends to back, each one undo step', () => {
		const { doc, box, order } = seeded();
		const [a, b, c] = [box(0), box(10), box(20)];
		expect(order()).toEqual([a, b, c]);
		expect(doc.setZExtreme(a, 1).ok).toBe(true);
		expect(order()).toEqual([b, c, a]);
		expect(doc.setZExtreme(c, -1).ok).toBe(true);
		expect(order()).toEqual([c, b, a]);
		doc.undo();
		expect(order()).toEqual([b, c, a]);
	});

	it('steps one place up or down, swapping with the neighbour; no-op at the ends', () => {
		const { doc, box, order } = seeded();
		const [a, b, c] = [box(0), box(10), box(20)];
		doc.stepZ(a, 1);
		expect(order()).toEqual([b, a, c]);
		doc.stepZ(c, -1);
		expect(order()).toEqual([b, c, a]);
		const before = doc.getAnnotation(a);
		doc.stepZ(a, 1);
		expect(doc.getAnnotation(a)).toBe(before);
		doc.undo();
		expect(order()).toEqual([b, a, c]);
	});
});

describe('locked shapes', () => {
	it('refuse geometry changes in the document; class and unlock still go through', () => {
		const { doc, box } = seeded();
		const id = box(0);
		expect(doc.updateAnnotation(id, { locked: true }).ok).toBe(true);
		expect(doc.updateAnnotation(id, { geometry: { x: 100, y: 100, width: 20, height: 20 } })).toEqual({ ok: false, reason: LOCKED_REASON });
		expect(doc.updateAnnotation(id, { text: 'parked' }).ok).toBe(true);
		expect(doc.updateAnnotation(id, { locked: false }).ok).toBe(true);
		expect(doc.getAnnotation(id)?.locked).toBeUndefined();
		expect(doc.updateAnnotation(id, { geometry: { x: 100, y: 100, width: 20, height: 20 } }).ok).toBe(true);
	});

	it('cannot be dragged with the select tool: a hint, no live preview, no write', () => {
		const box: AnnotationRecord = {
			id: 'b',
			imageId: 'i',
			classId: 'c',
			type: 'box',
			geometry: { x: 10, y: 10, width: 100, height: 50 },
			attributes: {},
			locked: true,
			z: 1,
			author: 'a',
			createdAt: 0,
			updatedAt: 0
		};
		const { ctx, updated, hints, live } = fakeContext([box]);
		ctx.hitTest = () => box;
		const tool = createSelectTool(ctx);
		tool.down(at(50, 30));
		expect(ctx.selectedId).toBe('b');
		tool.move(at(80, 30), true);
		tool.move(at(90, 40), true);
		tool.up(at(90, 40));
		expect(live()).toBeNull();
		expect(updated).toEqual([]);
		expect(hints).toEqual([LOCKED_REASON]);
	});
});

describe('pasting into the document', () => {
	it('keeps sub-annotations and makes several copies one undo step', () => {
		const { doc, image, small, box } = seeded();
		box(0);
		box(550); // past the right edge of the 320 px image: moved inside it
		const shapes = doc.annotationsOf(image.id).map(clipShape);
		shapes[0] = { ...shapes[0], text: 'plate' };
		const { inputs, skipped } = placeShapes(shapes, small.id, small, [], true);
		expect(skipped).toBe(0);
		const results = doc.createAnnotations(inputs);
		expect(results.every((r) => r.ok)).toBe(true);
		const pasted = doc.annotationsOf(small.id);
		expect(pasted.map((a) => a.geometry)).toEqual([
			{ x: 0, y: 10, width: 50, height: 50 },
			{ x: 270, y: 10, width: 50, height: 50 }
		]);
		expect(pasted[0].text).toBe('plate');
		doc.undo();
		expect(doc.annotationsOf(small.id)).toHaveLength(0);
	});
});

describe('editor display settings', () => {
	it('clamps and defaults', () => {
		expect(parseSettings(null)).toEqual({ fillOpacity: 0.25, outlineWidth: 1, snapToVertices: true });
		expect(parseSettings('{"fillOpacity":3,"outlineWidth":9,"snapToVertices":"no"}')).toEqual({ fillOpacity: 1, outlineWidth: 5, snapToVertices: true });
		expect(normalizeSettings({ fillOpacity: -1, outlineWidth: 2.4, snapToVertices: false })).toEqual({ fillOpacity: 0, outlineWidth: 2, snapToVertices: false });
		expect(parseSettings('{oops')).toEqual({ fillOpacity: 0.25, outlineWidth: 1, snapToVertices: true });
	});
});
