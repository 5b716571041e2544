import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat } from '$lib/formats/registry';
import { describe, expect, it } from 'vitest';
import { darwinCodec } from '$lib/formats/darwin';
import { DARWIN_MULTI_SLOT_REFUSAL, DARWIN_VIDEO_REFUSAL } from '$lib/formats/darwin/read';
import { fromLocal } from '$lib/geometry/rotation';
import { countsOf } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import { everyTypeDataset, expectGeometryClose, FIXTURES, fileAt, filesUnder, haveFixtures, ofType } from './support/dataset-files';

const DARWIN = join(FIXTURES, 'darwin');
const MALFORMED = join(__dirname, '../fixtures/malformed/darwin');
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe('Darwin JSON 2.0: round trip', () => {
	it('writes one JSON per image and reads back every type it carries, with sub-annotations and properties', () => {
		const d = everyTypeDataset();
		d.annotations[0] = { ...d.annotations[0], text: 'a note', direction: { angle: 30 } };
		const out = darwinCodec.write(d, { includeImages: false });
		expect(out.files.map((f) => f.path)).toEqual(['dir/a.json', 'b.json']);
		expect(out.skipped).toEqual({});
		expect(darwinCodec.detect(out.files)).toBeGreaterThan(0.5);
		const first = json(out.files[0].bytes);
		expect(first).toMatchObject({ version: '2.0', item: { name: 'a.jpg', path: '/dir', slots: [{ type: 'image', width: 200, height: 100, slot_name: '0' }] } });
		const back = darwinCodec.read(out.files).dataset;
		expect(back.images.map((i) => [i.name, i.width, i.height])).toEqual([
			['dir/a.jpg', 200, 100],
			['b.png', 64, 48]
		]);
		// The rotated box comes back as its 4-corner polygon; the cuboid's faces as their bounding boxes.
		expect(back.annotations.map((a) => a.type)).toEqual(['box', 'polygon', 'polygon', 'polyline', 'keypoint', 'ellipse', 'cuboid', 'mask', 'skeleton', 'tag']);
		for (const i of [0, 2, 3, 4, 5, 6, 7]) expectGeometryClose(back.annotations[i].geometry, d.annotations[i].geometry, 1e-9, d.annotations[i].type);
		const corners = [[-1, -1], [1, -1], [1, 1], [-1, 1]].flatMap(([u, v]) => {
			const p = fromLocal({ x: (u * 40.5) / 2, y: (v * 20.25) / 2 }, { x: 100.5, y: 50.25 }, -30.5);
			return [p.x, p.y];
		});
		expectGeometryClose(back.annotations[1].geometry, { points: corners }, 1e-9, 'rotated');
		// Darwin has no "not labeled" node: it comes back occluded.
		expectGeometryClose(back.annotations[8].geometry, { points: [50.5, 10.5, 40.25, 30.75, 60, 30], visibility: [2, 1, 1] });
		expect(back.annotations[0]).toMatchObject({ text: 'a note', instanceId: 7, attributes: { colour: 'blue', parked: 'true', doors: '3', plate: 'AB 12' } });
		expect(back.annotations[0].direction!.angle).toBeCloseTo(30, 9);
		expect(back.classes.find((c) => c.name === 'person')!.skeleton!.points.map((p) => p.name)).toEqual(['head', 'left hand', 'right hand']);
		expect(out.warnings.some((w) => w.includes('rotated box'))).toBe(true);
	});

	it('writes masks into the item raster layer as V7 does (dense [value, count] runs, row by row)', () => {
		const d = everyTypeDataset();
		d.annotations = d.annotations.filter((a) => a.type === 'mask');
		const doc = json(darwinCodec.write(d, { includeImages: false }).files[0].bytes);
		const layer = doc.annotations.find((a: { name: string }) => a.name === '__raster_layer__').raster_layer;
		expect(layer.total_pixels).toBe(20000);
		expect(layer.dense_rle.slice(0, 4)).toEqual([0, 12 * 200 + 10, 1, 6]);
		expect(Object.values(layer.mask_annotation_ids_mapping)).toEqual([1]);
	});

	it('a mask on an image of unknown size cannot be written and is counted', () => {
		const d = everyTypeDataset();
		d.images[0].width = 0;
		expect(darwinCodec.write(d, { includeImages: false }).skipped).toEqual({ mask: 1 });
	});
});

describe.skipIf(!haveFixtures)('Darwin fixtures written by V7 and darwin-py (skipped: ../shared/fixtures is missing)', () => {
	const read = (dir: string) => darwinCodec.read(filesUnder(join(DARWIN, dir)));

	it('every fixture folder is detected as darwin', () => {
		for (const dir of readdirSync(DARWIN)) expect(detectFormat(filesUnder(join(DARWIN, dir)))?.id, dir).toBe('darwin');
	});

	it('all_types_basic: every type, mask pixels from the raster layer', () => {
		const { dataset, warnings } = read('all_types_basic');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 7, annotations: 7 });
		expect(warnings).toEqual([]);
		expect(dataset.annotations.map((a) => a.type)).toEqual(['box', 'ellipse', 'keypoint', 'polygon', 'polyline', 'tag', 'mask']);
		expect(dataset.images[0]).toMatchObject({ name: 'image_1.jpg', width: 1920, height: 1080 });
	});

	it('all_types_with_subtypes: text, instance id, directional vector, skeleton nodes, repeated properties as multiselect', () => {
		const { dataset } = read('all_types_with_subtypes');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 8, annotations: 8 });
		const [box, ellipse] = dataset.annotations;
		expect(box).toMatchObject({ text: 'test_text', instanceId: 2, attributes: { 'multi_select-1': ['1', '2'], 'single_select-1': '1' } });
		expect((ellipse.geometry as { angle: number }).angle).toBeCloseTo((0.3985 * 180) / Math.PI, 9);
		expect(ofType(dataset, 'polygon')[0].direction!.angle).toBeCloseTo(360 + (-1.6494 * 180) / Math.PI, 9);
		expect(ofType(dataset, 'skeleton')[0].geometry).toEqual({ points: [301.369, 175.5217, 341.4465, 161.2866], visibility: [2, 2] });
		expect(dataset.classes[0].attributes!.map((s) => [s.name, s.kind])).toEqual([
			['multi_select-1', 'multiselect'],
			['single_select-1', 'text'],
			['section-text-1', 'text'],
			['annotation-text-1', 'text']
		]);
		const mask = ofType(dataset, 'mask')[0].geometry as { width: number; height: number };
		expect(mask.width).toBeGreaterThan(10);
	});

	it('coco_roundtrip_source: an empty item name falls back to the file name; a second path not inside the first is a second part of the same polygon', () => {
		const { dataset } = read('coco_roundtrip_source');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 3, annotations: 3 });
		expect(ofType(dataset, 'polygon').map((a) => a.geometry)).toEqual([{ points: [0, 0, 1, 0, 1, 1, 0, 1], parts: [{ points: [1, 0, 1, 1, 0, 1, 0, 0] }] }]);
		expect(dataset.images[0]).toMatchObject({ name: 'base_annotation', width: 1080, height: 1920 });
	});

	it('nested_properties, properties_typed, tag_skeleton_mask_line, yolo_source', () => {
		expect(countsOf(read('nested_properties').dataset)).toEqual({ images: 1, classes: 1, annotations: 1 });
		const typed = read('properties_typed').dataset;
		expect(countsOf(typed)).toEqual({ images: 1, classes: 2, annotations: 3 });
		expect(typed.annotations[0]).toMatchObject({ text: 'hello', attributes: { '1.1': ['1.1.1', '1.1.2'], '1.3': '1.3.1' } });
		expect(countsOf(read('tag_skeleton_mask_line').dataset)).toEqual({ images: 1, classes: 4, annotations: 4 });
		const yolo = read('yolo_source').dataset;
		expect(countsOf(yolo)).toEqual({ images: 1, classes: 2, annotations: 5 });
		expect(ofType(yolo, 'polygon').map((a) => (a.geometry as { points: number[] }).points.length / 2)).toEqual([141, 37]); // the second repeats its first point at the end, which the document drops
	});

	it('multi-slot and video items are refused with a clear error', () => {
		expect(() => read('multi_slot')).toThrow(DARWIN_MULTI_SLOT_REFUSAL);
		expect(() => read('video')).toThrow(DARWIN_VIDEO_REFUSAL);
	});
});

describe('malformed Darwin files are refused naming the file and the place', () => {
	const cases: [string, string, RegExp][] = [
		['no-item.json', 'item', /has no "item"/],
		['polygon-point-not-number.json', 'annotations[0].polygon.paths[0][1].x', /expected a number, found "two"/],
		['box-negative-size.json', 'annotations[0].bounding_box', /negative size/],
		['annotation-without-name.json', 'annotations[0].name', /needs a class name/],
		['raster-layer-short.json', 'annotations[1].raster_layer.dense_rle', /covers 60 pixels/],
		['raster-layer-huge.json', 'item.slots[0]', /the image is 60,000 × 60,000 pixels, larger than Peerlabel handles/],
		['truncated.json', 'line 2', /not valid JSON/]
	];
	it.each(cases)('%s', (name, place, problem) => {
		try {
			darwinCodec.read([fileAt(join(MALFORMED, name))]);
			expect.unreachable('read should refuse it');
		} catch (e) {
			expect(e).toBeInstanceOf(FormatError);
			const err = e as FormatError;
			expect(err.file).toBe(name);
			expect(err.place).toContain(place);
			expect(err.problem).toMatch(problem);
		}
	});
});
