import { describe, expect, it } from 'vitest';
import { datumaroCodec } from '$lib/formats/datumaro';
import { FormatError } from '$lib/formats/errors';
import { utf8 } from '$lib/formats/files';
import { MAX_SHAPE_POINTS } from '$lib/formats/limits';
import { ofType } from './support/dataset-files';

const file = (doc: unknown, path = 'annotations/default.json') => ({ path, bytes: utf8(JSON.stringify(doc)) });
const categories = { label: { labels: [{ name: 'car', parent: '' }, { name: 'road', parent: '' }], attributes: [] } };
const read = (items: unknown[]) => datumaroCodec.read([file({ categories, items })]);

describe('Datumaro ids and extra fields are kept', () => {
	it('item ids (strings with folders), annotation ids and the fields Peerlabel has no place for', () => {
		const { dataset } = read([
			{ id: 'frame_000001', attr: { frame: 1 }, image: { size: [50, 80] }, annotations: [{ id: 17, type: 'bbox', label_id: 0, bbox: [1, 2, 10, 20], group: 4, z_order: 1, attributes: { occluded: false, track_id: 3, keyframe: true, rotation: 0, tags: ['a', 'b'] } }] },
			{ id: 'train/img_1', image: { path: 'img_1.jpg', size: [50, 80] }, annotations: [{ id: 18, type: 'label', label_id: 1 }] }
		]);
		expect(dataset.images.map((i) => [i.name, i.imported])).toEqual([
			['frame_000001', { format: 'datumaro', id: 'frame_000001', fields: { attr: { frame: 1 } } }],
			['img_1.jpg', { format: 'datumaro', id: 'train/img_1' }]
		]);
		const box = ofType(dataset, 'box')[0];
		// Simple attributes are the annotation's own; the rest (a list) is kept as read, with group and z_order.
		expect(box.attributes).toEqual({ occluded: false, track_id: 3, keyframe: true, rotation: 0 });
		expect(box.imported).toEqual({ format: 'datumaro', id: 17, fields: { group: 4, z_order: 1, attributes: { tags: ['a', 'b'] } } });
		expect(ofType(dataset, 'tag')[0].imported).toEqual({ format: 'datumaro', id: 18 });
	});
});

describe('Datumaro polygons of one label sharing a group are one object', () => {
	const polygon = (id: number, label_id: number, group: number, points: number[]) => ({ id, type: 'polygon', label_id, group, points });
	const item = (annotations: unknown[]) => ({ id: 'a', image: { size: [100, 200] }, annotations });

	it('reads them as one polygon in parts; another label, another group or group 0 stays apart', () => {
		const { dataset } = read([
			item([
				polygon(7, 0, 5, [10, 10, 40, 10, 40, 40]),
				{ id: 7, type: 'bbox', label_id: 0, group: 5, bbox: [10, 10, 130, 60] },
				polygon(7, 0, 5, [100, 10, 140, 10, 140, 70]),
				polygon(8, 1, 5, [50, 50, 90, 50, 90, 90]),
				polygon(9, 0, 6, [150, 10, 190, 10, 190, 40]),
				polygon(10, 0, 0, [10, 60, 40, 60, 40, 90]),
				polygon(11, 0, 0, [50, 60, 80, 60, 80, 90])
			])
		]);
		const polygons = ofType(dataset, 'polygon');
		expect(polygons).toHaveLength(5);
		expect(polygons[0]).toMatchObject({ className: 'car', instanceId: 5, imported: { format: 'datumaro', id: 7 } });
		expect(polygons[0].geometry).toEqual({ points: [10, 10, 40, 10, 40, 40], parts: [{ points: [100, 10, 140, 10, 140, 70] }] });
		expect(polygons.slice(1).every((p) => !('parts' in p.geometry))).toBe(true);
		// The box of the object keeps its group as its instance id, beside the polygon.
		expect(ofType(dataset, 'box')[0].instanceId).toBe(5);
	});

	it('counts the points of all parts against the shape limit: exactly at it is read, one over is refused', () => {
		const ring = (n: number, cx: number) => Array.from({ length: n }, (_, i) => [cx + 40 * Math.cos((2 * Math.PI * i) / n), 50 + 40 * Math.sin((2 * Math.PI * i) / n)]).flat();
		const at = read([item([polygon(1, 0, 2, ring(3, 50)), polygon(1, 0, 2, ring(MAX_SHAPE_POINTS - 3, 150))])]);
		expect(ofType(at.dataset, 'polygon')).toHaveLength(1);
		try {
			read([item([polygon(1, 0, 2, ring(3, 50)), polygon(1, 0, 2, ring(MAX_SHAPE_POINTS - 2, 150))])]);
			expect.unreachable('one point over the limit is refused');
		} catch (e) {
			expect(e).toBeInstanceOf(FormatError);
			expect((e as FormatError).place).toBe('items[0].annotations[1].points');
			expect((e as FormatError).problem).toMatch(/has 50,001 points/);
		}
	});
});
