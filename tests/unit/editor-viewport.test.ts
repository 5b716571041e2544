import { describe, expect, it } from 'vitest';
import { MAX_SCALE, Viewport } from '$lib/editor/viewport';
import { isMouseWheel, wheelZoomFactor } from '$lib/editor/input';
import { keyCombo, ActionRegistry } from '$lib/editor/actions';

const view = () => new Viewport({ width: 6000, height: 4000 }, { width: 1000, height: 800 });

describe('viewport', () => {
	it('fits the image centred, with a margin', () => {
		const v = view();
		v.fit();
		expect(v.scale).toBeCloseTo((1000 / 6000) * 0.95);
		const c = v.toScreen({ x: 3000, y: 2000 });
		expect(c.x).toBeCloseTo(500);
		expect(c.y).toBeCloseTo(400);
	});

	it('maps image ↔ screen both ways', () => {
		const v = view();
		v.set(2, 10, -20);
		const p = { x: 123.5, y: 77.25 };
		expect(v.toImage(v.toScreen(p))).toEqual(p);
		expect(v.toScreen({ x: 0, y: 0 })).toEqual({ x: 10, y: -20 });
	});

	it('zooms about the anchor: the image point under the cursor stays under it', () => {
		const v = view();
		v.fit();
		const anchor = { x: 321, y: 456 };
		const before = v.toImage(anchor);
		v.zoomAt(3.7, anchor);
		const after = v.toImage(anchor);
		expect(after.x).toBeCloseTo(before.x, 9);
		expect(after.y).toBeCloseTo(before.y, 9);
		expect(v.scale).toBeGreaterThan(0.5);
	});

	it('limits zoom between a quarter of fit and 64x', () => {
		const v = view();
		v.fit();
		const fit = v.scale;
		v.zoomAt(1e-6, { x: 0, y: 0 });
		expect(v.scale).toBeCloseTo(fit / 4);
		v.zoomAt(1e9, { x: 500, y: 400 });
		expect(v.scale).toBe(MAX_SCALE);
	});

	it('keeps part of the image on screen when panning far away', () => {
		const v = view();
		v.fit();
		v.panBy(1e6, -1e6);
		expect(v.tx).toBeLessThanOrEqual(1000 - 64);
		expect(v.ty + 4000 * v.scale).toBeGreaterThanOrEqual(64);
	});

	it('bumps its version only on real changes', () => {
		const v = view();
		v.fit();
		const n = v.version;
		v.set(v.scale, v.tx, v.ty);
		expect(v.version).toBe(n);
		v.panBy(5, 0);
		expect(v.version).toBe(n + 1);
	});

	it('reports the visible image rect', () => {
		const v = view();
		v.set(0.5, 100, 50);
		expect(v.visibleImageRect()).toEqual({ minX: -200, minY: -100, maxX: 1800, maxY: 1500 });
	});
});

describe('wheel and keys', () => {
	it('tells mouse-wheel notches (zoom) from trackpad scrolls (pan)', () => {
		expect(isMouseWheel({ deltaMode: 0, deltaX: 0, deltaY: 100 })).toBe(true);
		expect(isMouseWheel({ deltaMode: 1, deltaX: 0, deltaY: 3 })).toBe(true);
		expect(isMouseWheel({ deltaMode: 0, deltaX: 0, deltaY: 4.5 })).toBe(false);
		expect(isMouseWheel({ deltaMode: 0, deltaX: 12, deltaY: 60 })).toBe(false);
	});

	it('zooms in for negative deltas, symmetrically', () => {
		expect(wheelZoomFactor(-100, false)).toBeGreaterThan(1);
		expect(wheelZoomFactor(-100, false) * wheelZoomFactor(100, false)).toBeCloseTo(1);
		expect(wheelZoomFactor(-10, true)).toBeGreaterThan(1);
	});

	it('normalizes key combos', () => {
		const k = (key: string, m: Partial<KeyboardEvent> = {}) =>
			keyCombo({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...m });
		expect(k('Z', { ctrlKey: true, shiftKey: true })).toBe('mod+shift+z');
		expect(k('z', { metaKey: true })).toBe('mod+z');
		expect(k('+', { shiftKey: true })).toBe('+');
		expect(k('ArrowRight')).toBe('arrowright');
		expect(k('Delete')).toBe('delete');
		expect(k(' ')).toBe('space');
	});

	it('runs the action bound to a key, and titles buttons with it', () => {
		const ran: string[] = [];
		const reg = new ActionRegistry<string[]>().register(
			{ id: 'undo', label: 'Undo', keys: ['mod+z'], run: (c) => c.push('undo') },
			{ id: 'redo', label: 'Redo', keys: ['mod+shift+z', 'mod+y'], run: (c) => c.push('redo') }
		);
		expect(reg.handle(ran, 'mod+y')).toBe(true);
		expect(reg.handle(ran, 'mod+x')).toBe(false);
		expect(ran).toEqual(['redo']);
		expect(reg.title('undo')).toBe('Undo (Ctrl+Z)');
	});
});
