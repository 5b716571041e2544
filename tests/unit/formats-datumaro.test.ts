import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat } from '$lib/formats/registry';
import { describe, expect, it } from 'vitest';
import { countsOf } from '$lib/formats/dataset';
import { datumaroCodec } from '$lib/formats/datumaro';
import { FormatError } from '$lib/formats/errors';
import { utf8 } from '$lib/formats/files';
import { decodeMask } from '$lib/shapes/mask/rle';
import { FIXTURES, filesUnder, haveFixtures, ofType } from './support/dataset-files';

const DATUMARO = join(FIXTURES, 'datumaro');
const file = (doc: unknown, path = 'annotations/default.json') => ({ path, bytes: utf8(JSON.stringify(doc)) });
const categories = { label: { labels: [{ name: 'car', parent: '' }], attributes: [] } };

describe('Datumaro JSON (read only)', () => {
	it('reads boxes, polygons, polylines, ellipses and masks with [height, width] sizes, z_order and groups', () => {
		const doc = {
			categories,
			items: [
				{
					id: 'a',
					image: { path: 'a.jpg', size: [50, 80] },
					annotations: [
						{ id: 1, type: 'bbox', label_id: 0, bbox: [1.5, 2.5, 10, 20], z_order: 2, group: 3, attributes: { occluded: true, colour: 'red' } },
						{ id: 2, type: 'polygon', label_id: 0, points: [1, 1, 20, 1, 10, 15], z_order: 1 },
						{ id: 3, type: 'polyline', label_id: 0, points: [0, 0, 30, 40] },
						{ id: 4, type: 'ellipse', label_id: 0, points: [10, 10, 30, 20] },
						{ id: 5, type: 'mask', label_id: 0, rle: { counts: [52, 3, 47, 3, 3895], size: [50, 80] } }
					]
				}
			]
		};
		const { dataset } = datumaroCodec.read([file(doc)]);
		expect(dataset.images).toEqual([{ name: 'a.jpg', width: 80, height: 50, imported: { format: 'datumaro', id: 'a' } }]);
		expect(dataset.annotations.map((a) => a.type)).toEqual(['polyline', 'ellipse', 'mask', 'polygon', 'box']);
		expect(ofType(dataset, 'box')[0]).toMatchObject({ geometry: { x: 1.5, y: 2.5, width: 10, height: 20 }, instanceId: 3, attributes: { occluded: true, colour: 'red' } });
		expect(ofType(dataset, 'ellipse')[0].geometry).toEqual({ cx: 20, cy: 15, rx: 10, ry: 5, angle: 0 });
		// Uncompressed column-major counts: columns 1 and 2, rows 2…4.
		const mask = ofType(dataset, 'mask')[0].geometry as { x: number; y: number; width: number; height: number; rle: string };
		expect([mask.x, mask.y, mask.width, mask.height]).toEqual([1, 2, 2, 3]);
		expect([...decodeMask(mask.rle, 2, 3)]).toEqual([1, 1, 1, 1, 1, 1]);
	});

	it('refuses a broken item naming the file and the place', () => {
		const bad = { categories, items: [{ id: 'a', annotations: [{ type: 'bbox', label_id: 0, bbox: [1, 2, 'x', 4] }] }] };
		try {
			datumaroCodec.read([file(bad)]);
			expect.unreachable();
		} catch (e) {
			expect(e).toBeInstanceOf(FormatError);
			expect((e as FormatError).file).toBe('annotations/default.json');
			expect((e as FormatError).place).toBe('items[0].annotations[0].bbox[2]');
		}
		expect(() => datumaroCodec.read([file({ categories })])).toThrow(/items/);
	});

	it('is read only', () => {
		expect(() => datumaroCodec.write({ images: [], classes: [], annotations: [] }, { includeImages: false })).toThrow(/read only/);
	});
});

describe.skipIf(!haveFixtures)('Datumaro fixtures (skipped: ../shared/fixtures is missing)', () => {
	const read = (dir: string) => datumaroCodec.read(filesUnder(join(DATUMARO, dir)));

	it('every fixture folder is detected as datumaro', () => {
		for (const dir of readdirSync(DATUMARO)) expect(detectFormat(filesUnder(join(DATUMARO, dir)))?.id, dir).toBe('datumaro');
	});

	it('compat_v0_1: a v0.1 project subset', () => {
		const { dataset } = read('compat_v0_1');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 2, annotations: 1 });
		expect(dataset.images[0]).toMatchObject({ name: '2', split: 'train' });
	});

	it('cvat_fork_diverse: captions, cuboids, unlabeled and out-of-range labels are skipped with warnings; ids repeated across subsets kept apart', () => {
		const { dataset, warnings } = read('cvat_fork_diverse');
		expect(countsOf(dataset)).toEqual({ images: 7, classes: 5, annotations: 7 });
		expect(warnings).toHaveLength(8);
		expect(warnings.filter((w) => w.includes('label_id 5'))).toHaveLength(1);
		expect(dataset.images.map((i) => i.name)).toEqual(['default/42', '43.qq', '1', 'test/42', '100.jpg', '21', '2']);
		expect(dataset.images[1]).toMatchObject({ width: 4, height: 2 });
		const img = dataset.images.find((i) => i.name === '100.jpg')!;
		expect(img).toMatchObject({ width: 6, height: 10, split: 'train' });
		expect(img.bytes).toBeDefined();
		// "06" on a 2 × 3 mask: every pixel.
		expect(ofType(dataset, 'mask')[0].geometry).toMatchObject({ x: 0, y: 0, width: 3, height: 2 });
		expect(ofType(dataset, 'keypoint')).toHaveLength(3);
		expect(ofType(dataset, 'tag')).toHaveLength(2);
	});

	it('cvat_fork_with_skeleton: the points category is the template, [x, y, v] triples the skeleton', () => {
		const { dataset } = read('cvat_fork_with_skeleton');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 1, annotations: 1 });
		expect(dataset.classes[0].skeleton).toMatchObject({ points: [{ name: 'point1-label' }, { name: 'point3-label' }, { name: 'point2-label' }], edges: [[1, 2], [0, 1]] });
		expect(dataset.annotations[0].geometry).toEqual({ points: [0.9, 3.53, 2.45, 7.6, 5.2, 2.5], visibility: [2, 2, 2] });
	});

	it('openvino_legacy: label groups, "image" and "media" paths, one subset per file', () => {
		const { dataset } = read('openvino_legacy');
		expect(countsOf(dataset)).toEqual({ images: 4, classes: 4, annotations: 7 });
		expect(dataset.images.map((i) => [i.name, i.split])).toEqual([['test/c.jpg', 'test'], ['train/a.jpg', 'train'], ['train/b.jpg', 'train'], ['validation/d.jpg', 'validation']]);
		expect(ofType(dataset, 'tag')).toHaveLength(7);
	});
});
