import { describe, expect, it } from 'vitest';
import { ProjectDoc, type DocChange } from '$lib/model';
import { SpatialIndex } from '$lib/editor/spatial-index';
import { ShapeStore } from '$lib/editor/shape-store';

function seeded() {
	const doc = new ProjectDoc();
	doc.initialize({ name: 'Index' });
	const cls = doc.addClass({ name: 'car' });
	const img = doc.addImages([
		{ name: 'a.png', hash: 'a', width: 1000, height: 800, mime: 'image/png', size: 1 },
		{ name: 'b.png', hash: 'b', width: 1000, height: 800, mime: 'image/png', size: 1 }
	]);
	if (!cls.ok || !img.ok) throw new Error('seed');
	const box = (x: number, y: number, w: number, h: number, imageId = img.value[0].id) => {
		const r = doc.createAnnotation({ imageId, classId: cls.value.id, type: 'box', geometry: { x, y, width: w, height: h } });
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	};
	return { doc, image: img.value[0], other: img.value[1], box };
}

describe('spatial index', () => {
	it('finds entries by rect, bottom to top, and moves them on upsert', () => {
		const idx = new SpatialIndex();
		idx.load([
			{ id: 'a', z: 2, bounds: { minX: 0, minY: 0, maxX: 10, maxY: 10 } },
			{ id: 'b', z: 1, bounds: { minX: 5, minY: 5, maxX: 20, maxY: 20 } },
			{ id: 'c', z: 3, bounds: { minX: 100, minY: 100, maxX: 110, maxY: 110 } }
		]);
		expect(idx.search({ minX: 0, minY: 0, maxX: 50, maxY: 50 }).map((e) => e.id)).toEqual(['b', 'a']);
		expect(idx.candidatesAt(7, 7, 0).map((e) => e.id)).toEqual(['a', 'b']);
		const old = idx.upsert('c', 3, { minX: 6, minY: 6, maxX: 8, maxY: 8 });
		expect(old).toMatchObject({ minX: 100, maxX: 110 });
		expect(idx.candidatesAt(7, 7, 0).map((e) => e.id)).toEqual(['c', 'a', 'b']);
		expect(idx.search({ minX: 90, minY: 90, maxX: 120, maxY: 120 })).toEqual([]);
		expect(idx.remove('a')).toBeDefined();
		expect(idx.remove('a')).toBeUndefined();
		expect(idx.size).toBe(2);
	});

	it('answers a point query among 10,000 entries without scanning them all', () => {
		const idx = new SpatialIndex();
		const items = Array.from({ length: 10_000 }, (_, i) => {
			const x = (i % 100) * 60,
				y = Math.floor(i / 100) * 40;
			return { id: String(i), z: i, bounds: { minX: x, minY: y, maxX: x + 30, maxY: y + 30 } };
		});
		idx.load(items);
		const t0 = performance.now();
		for (let k = 0; k < 1000; k++) idx.candidatesAt(1234, 567, 2);
		expect(performance.now() - t0).toBeLessThan(200);
		expect(idx.candidatesAt(1210, 575, 0).map((e) => e.id)).toEqual(['1420']); // x 1200…1230, y 560…590
	});
});

describe('shape store', () => {
	it('hit-tests the topmost shape first', () => {
		const { doc, image, box } = seeded();
		const below = box(10, 10, 100, 100);
		const above = box(50, 50, 100, 100);
		const store = new ShapeStore(doc, image.id);
		expect(store.hitTest({ x: 70, y: 70 }, 1)?.id).toBe(above.id);
		expect(store.hitTest({ x: 20, y: 20 }, 1)?.id).toBe(below.id);
		expect(store.hitTest({ x: 500, y: 500 }, 1)).toBeNull();
	});

	it('applies changes per touched id and reports old and new bounds as dirty', () => {
		const { doc, image, other, box } = seeded();
		const a = box(10, 10, 20, 20);
		const store = new ShapeStore(doc, image.id);
		const changes: DocChange[] = [];
		doc.onChange((c) => changes.push(c));

		doc.updateAnnotation(a.id, { geometry: { x: 300, y: 300, width: 20, height: 20 } });
		const dirty = store.apply(changes.pop()!).map(({ minX, minY, maxX, maxY }) => ({ minX, minY, maxX, maxY }));
		expect(dirty).toEqual([
			{ minX: 10, minY: 10, maxX: 30, maxY: 30 },
			{ minX: 300, minY: 300, maxX: 320, maxY: 320 }
		]);
		expect(store.hitTest({ x: 310, y: 310 }, 0)?.id).toBe(a.id);
		expect(store.hitTest({ x: 20, y: 20 }, 0)).toBeNull();

		box(1, 1, 5, 5, other.id); // another image: ignored
		expect(store.apply(changes.pop()!)).toEqual([]);
		expect(store.size).toBe(1);

		doc.deleteAnnotations([a.id]);
		expect(store.apply(changes.pop()!)).toHaveLength(1);
		expect(store.size).toBe(0);
		doc.undo();
		store.apply(changes.pop()!);
		expect(store.get(a.id)?.geometry).toEqual({ x: 300, y: 300, width: 20, height: 20 });
	});
});
