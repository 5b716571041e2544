import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetAnnotation } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import { parseXml } from '$lib/formats/xml';
import type { DatasetFile } from '$lib/formats/files';
import { formatById, detectFormat } from '$lib/formats/registry';
import { decodeLabelPng, vocColor } from '$lib/formats/semantic/label-map';
import { vocCodec } from '$lib/formats/voc';
import { maskBits, maskFromBitmap, type MaskGeometry } from '$lib/shapes/mask/kind';
import { newBitmap, paintPolygon } from '$lib/shapes/mask/raster';
import { decodeText, filesUnder } from './support/dataset-files';

const FIXTURES = join(__dirname, '../../../shared/fixtures/voc');
const MALFORMED = join(__dirname, '../fixtures/malformed/voc');
/** The written XML read back as a tree (text values, `object` always a list). */
const xml = { parse: (text: string) => parseXml(text, 'test.xml', { lists: new Set(['object']), attributes: false }) as Record<string, any> };

function maskOf(width: number, height: number, paint: (set: (x: number, y: number) => void) => void): MaskGeometry {
	const m = newBitmap(width, height);
	paint((x, y) => (m.bits[y * width + x] = 1));
	return maskFromBitmap(m)!;
}

/** Image-sized bits of a mask, for pixel-exact comparison. */
function pixels(g: MaskGeometry, width: number, height: number): Uint8Array {
	const out = new Uint8Array(width * height);
	const bits = maskBits(g);
	for (let j = 0; j < g.height; j++) for (let i = 0; i < g.width; i++) if (bits[j * g.width + i]) out[(g.y + j) * width + g.x + i] = 1;
	return out;
}

function sample(): Dataset {
	const disc = maskOf(40, 30, (set) => {
		for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) if ((x - 25) ** 2 + (y - 15) ** 2 <= 36) set(x, y);
	});
	return {
		images: [
			{ name: 'a.jpg', width: 40, height: 30, split: 'train', bytes: new Uint8Array([1, 2, 3]) },
			{ name: 'sub/b.png', width: 64, height: 48, split: 'val' },
			{ name: 'c.jpg', width: 10, height: 10 }
		],
		classes: [{ name: 'cat' }, { name: 'dog' }, { name: 'traffic light' }],
		annotations: [
			{ image: 'a.jpg', className: 'cat', type: 'box', geometry: { x: 0, y: 0, width: 10, height: 5 }, attributes: { difficult: true, truncated: false } },
			{ image: 'a.jpg', className: 'dog', type: 'mask', geometry: disc },
			{ image: 'a.jpg', className: 'cat', type: 'ellipse', geometry: { cx: 5, cy: 5, rx: 2, ry: 2, angle: 0 } },
			{ image: 'sub/b.png', className: 'traffic light', type: 'box', geometry: { x: 3, y: 4, width: 61, height: 44 } },
			{ image: 'sub/b.png', className: 'dog', type: 'polygon', geometry: { points: [2, 2, 20, 3, 11, 19] } },
			{ image: 'sub/b.png', className: 'cat', type: 'keypoint', geometry: { x: 1, y: 1 } }
		]
	};
}

const byPath = (files: DatasetFile[], path: string) => files.find((f) => f.path === path);
const boxes = (d: Dataset, image: string) => d.annotations.filter((a) => a.image === image && a.type === 'box');

describe('Pascal VOC writing', () => {
	const { files, skipped, warnings } = vocCodec.write(sample(), { includeImages: true });

	it('writes one XML per image with 1-based inclusive corners: xmin = x + 1, xmax = x + width', () => {
		const a = xml.parse(decodeText(byPath(files, 'Annotations/a.xml'))).annotation;
		expect(a.filename).toBe('a.jpg');
		expect(a.size).toEqual({ width: '40', height: '30', depth: '3' });
		expect(a.segmented).toBe('1');
		expect(a.object[0]).toEqual({ name: 'cat', pose: 'Unspecified', truncated: '0', difficult: '1', bndbox: { xmin: '1', ymin: '1', xmax: '10', ymax: '5' } });
		// The mask's object is its bounding box: disc centre (25, 15), radius 6 → 0-based pixels 19…31 and 9…21, so 1-based 20…32 and 10…22.
		expect(a.object[1].bndbox).toEqual({ xmin: '20', ymin: '10', xmax: '32', ymax: '22' });
		const b = xml.parse(decodeText(byPath(files, 'Annotations/sub/b.xml'))).annotation;
		expect(b.object[0].bndbox).toEqual({ xmin: '4', ymin: '5', xmax: '64', ymax: '48' });
		expect(b.filename).toBe('sub/b.png');
	});

	it('writes split lists, the labelmap, images; counts what VOC cannot carry and what it turned into boxes', () => {
		expect(decodeText(byPath(files, 'ImageSets/Main/train.txt'))).toBe('a\n');
		expect(decodeText(byPath(files, 'ImageSets/Main/val.txt'))).toBe('sub/b\n');
		expect(decodeText(byPath(files, 'ImageSets/Main/default.txt'))).toBe('c\n');
		expect(decodeText(byPath(files, 'labelmap.txt'))).toBe('# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:128,0,0::\ndog:0,128,0::\ntraffic light:128,128,0::\n');
		expect(byPath(files, 'JPEGImages/a.jpg')?.bytes).toEqual(new Uint8Array([1, 2, 3]));
		expect(byPath(files, 'JPEGImages/sub/b.png')).toBeUndefined();
		// The ellipse is written as its box, and the summary says so; a keypoint has no extent.
		expect(skipped).toEqual({ keypoint: 1 });
		expect(warnings).toEqual(['1 ellipse written as a box']);
	});

	it('writes class and object PNGs with the VOC palette (value = class index + 1 / object position)', () => {
		const cls = decodeLabelPng(byPath(files, 'SegmentationClass/a.png')!);
		const obj = decodeLabelPng(byPath(files, 'SegmentationObject/a.png')!);
		expect(cls.index[15 * 40 + 25]).toBe(2); // dog
		expect(obj.index[15 * 40 + 25]).toBe(2); // second object
		expect(cls.index[0]).toBe(0);
		expect(cls.rgb![15 * 40 + 25]).toBe(0x008000);
		expect(vocColor(15)).toEqual([192, 128, 128]); // person in VOC's own palette
		expect(byPath(files, 'SegmentationClass/c.png')).toBeUndefined();
	});
});

describe('Pascal VOC round trip', () => {
	const original = sample();
	const written = vocCodec.write(original, { includeImages: true });
	const { dataset } = vocCodec.read(written.files);

	it('keeps images, sizes, splits and integer boxes exactly', () => {
		expect(dataset.images.map((i) => [i.name, i.width, i.height, i.split])).toEqual([
			['a.jpg', 40, 30, 'train'],
			['c.jpg', 10, 10, undefined],
			['sub/b.png', 64, 48, 'val']
		]);
		expect(dataset.images[0].bytes).toEqual(new Uint8Array([1, 2, 3]));
		// The second is the ellipse's box: centre (5, 5), radius 2.
		expect(boxes(dataset, 'a.jpg').map((a) => a.geometry)).toEqual([
			{ x: 0, y: 0, width: 10, height: 5 },
			{ x: 3, y: 3, width: 4, height: 4 }
		]);
		expect(boxes(dataset, 'sub/b.png').map((a) => [a.className, a.geometry])).toEqual([['traffic light', { x: 3, y: 4, width: 61, height: 44 }]]);
		expect(boxes(dataset, 'a.jpg')[0].attributes).toEqual({ difficult: true, truncated: false });
		expect(dataset.classes.find((c) => c.name === 'cat')?.attributes?.map((s) => [s.name, s.kind])).toEqual([
			['difficult', 'checkbox'],
			['truncated', 'checkbox']
		]);
	});

	it('brings masks back pixel-identical, and polygons as the masks of their pixels', () => {
		const masks = dataset.annotations.filter((a) => a.type === 'mask');
		expect(masks.map((m) => [m.image, m.className])).toEqual([
			['a.jpg', 'dog'],
			['sub/b.png', 'dog']
		]);
		const disc = original.annotations[1].geometry as MaskGeometry;
		expect(pixels(masks[0].geometry as MaskGeometry, 40, 30)).toEqual(pixels(disc, 40, 30));
		const triangle = newBitmap(64, 48);
		paintPolygon(triangle, [2, 2, 20, 3, 11, 19], 1);
		expect(pixels(masks[1].geometry as MaskGeometry, 64, 48)).toEqual(triangle.bits);
	});

	it('is detected as VOC', () => {
		expect(detectFormat(written.files)?.id).toBe('voc');
		expect(formatById('voc')).toBe(vocCodec);
	});

	it('keeps fractional boxes to the nearest pixel', () => {
		const d: Dataset = { images: [{ name: 'f.jpg', width: 100, height: 100 }], classes: [{ name: 'x' }], annotations: [{ image: 'f.jpg', className: 'x', type: 'box', geometry: { x: 10.4, y: 20.6, width: 30.2, height: 9.8 } }] };
		const back = vocCodec.read(vocCodec.write(d, { includeImages: false }).files).dataset;
		expect(back.annotations[0].geometry).toEqual({ x: 10, y: 21, width: 31, height: 9 });
	});
});

describe.skipIf(!existsSync(FIXTURES))('Pascal VOC files written by other tools (skipped: ../shared/fixtures is missing)', () => {
	const read = (dir: string) => vocCodec.read(filesUnder(join(FIXTURES, dir)));
	const counts = (d: Dataset) => [d.images.length, d.classes.length, d.annotations.length];
	const geometries = (d: Dataset) => d.annotations.map((a: DatasetAnnotation) => a.geometry);

	it('darwin-py export: single line, no declaration, 3 boxes', () => {
		const { dataset } = read('darwin_export');
		expect(counts(dataset)).toEqual([1, 1, 3]);
		expect(dataset.images[0]).toMatchObject({ name: '000000021295.jpg', width: 640, height: 427 });
		expect(geometries(dataset)[0]).toEqual({ x: 102, y: 55, width: 89, height: 24 });
	});

	it('darwin-py import files: 2 images, one named with folders', () => {
		const { dataset } = read('darwin_import');
		expect(counts(dataset)).toEqual([2, 1, 4]);
		expect(dataset.images.map((i) => [i.name, i.width, i.height])).toEqual([
			['image_1.jpg', 1920, 1080],
			['dir1/dir3/image_8.jpg', 1920, 1080]
		]);
	});

	it('datumaro labelmap.txt alone: 21 classes with their colours, background left out', () => {
		const { dataset } = read('datumaro_labelmap');
		expect(counts(dataset)).toEqual([0, 21, 0]);
		expect(dataset.classes[0]).toEqual({ name: 'aeroplane', color: '#800000' });
		expect(dataset.classes[20]).toEqual({ name: 'ignored', color: '#e0e0c0' });
	});

	it('datumaro "@.xml": no objects and no size: the image is kept with an unknown size and a warning', () => {
		const { dataset, warnings } = read('datumaro_no_objects_no_size');
		expect(counts(dataset)).toEqual([1, 0, 0]);
		expect(dataset.images[0]).toMatchObject({ name: '@.jpg', width: 0, height: 0 });
		expect(warnings).toHaveLength(1);
	});

	it('datumaro full VOC: split, flags, parts and actions warned, the instance PNG as the first object’s mask', () => {
		const { dataset, warnings } = read('datumaro_voc_full');
		expect(counts(dataset)).toEqual([1, 2, 2]);
		expect(dataset.images[0]).toMatchObject({ name: '2007_000001.jpg', width: 20, height: 10, split: 'train' });
		expect(dataset.images[0].bytes?.length).toBeGreaterThan(0);
		const [mask, box] = dataset.annotations;
		expect(mask).toMatchObject({ className: 'cat', type: 'mask', instanceId: 1, attributes: { truncated: true, difficult: false } });
		expect(mask.geometry).toMatchObject({ x: 0, y: 0, width: 20, height: 10 });
		expect(box).toMatchObject({ className: 'person', type: 'box', geometry: { x: 3, y: 4, width: 3, height: 3 } });
		expect(warnings.some((w) => w.includes('<part> and <actions>'))).toBe(true);
	});

	it('datumaro full VOC without the instance PNG: the class PNG by VOC palette index (2 = bicycle)', () => {
		const files = filesUnder(join(FIXTURES, 'datumaro_voc_full'), (p) => !p.startsWith('SegmentationObject/'));
		const { dataset } = vocCodec.read(files);
		expect(counts(dataset)).toEqual([1, 3, 3]);
		expect(dataset.annotations[0]).toMatchObject({ className: 'bicycle', type: 'mask', geometry: { x: 0, y: 0, width: 20, height: 10 } });
	});

	it('labelme2voc: float coordinates, empty flag elements, height before width', () => {
		const { dataset } = read('labelme2voc_output');
		expect(counts(dataset)).toEqual([1, 1, 4]);
		expect(dataset.images[0]).toMatchObject({ name: '2011_000006.jpg', width: 500, height: 375 });
		expect(geometries(dataset)[0]).toEqual({ x: 90, y: 106, width: 150, height: 224 });
		const third = geometries(dataset)[2] as { x: number; width: number };
		expect(third.x).toBeCloseTo(253.38461538461536, 9);
		expect(third.width).toBeCloseTo(116, 9);
		expect(dataset.annotations[0].attributes).toBeUndefined();
	});

	it('Roboflow: bndbox children out of order, occluded kept, boxes clamped to the image', () => {
		const { dataset } = read('roboflow_export');
		expect(counts(dataset)).toEqual([1, 2, 2]);
		expect(geometries(dataset)).toEqual([
			{ x: 0, y: 0, width: 1, height: 2 },
			{ x: 0, y: 0, width: 9, height: 1 }
		]);
		expect(dataset.annotations[0].attributes).toEqual({ difficult: false, occluded: false, truncated: false });
	});

	it('detects every fixture folder with XML as VOC', () => {
		for (const dir of ['darwin_export', 'darwin_import', 'datumaro_no_objects_no_size', 'datumaro_voc_full', 'labelme2voc_output', 'roboflow_export'])
			expect(detectFormat(filesUnder(join(FIXTURES, dir)))?.id, dir).toBe('voc');
	});
});

describe('malformed VOC is refused with the file and the place', () => {
	const cases: [string, string, string, RegExp][] = [
		['not-well-formed', 'a.xml', 'line 5, column 15', /not well-formed XML/],
		['missing-bndbox', 'a.xml', 'object[0] › bndbox', /missing/],
		['xmax-left-of-xmin', 'a.xml', 'object[1] › bndbox', /xmax 20 is left of xmin 40/],
		['nan-coordinate', 'a.xml', 'object[0] › bndbox › ymin', /"NaN" is not a number/],
		['missing-name', 'a.xml', 'object[0] › name', /missing/],
		['no-size-no-image', 'a.xml', 'size', /no image file a.jpg/],
		['not-a-png', 'SegmentationClass/a.png', '', /not a readable PNG/],
		['bad-labelmap', 'labelmap.txt', 'line 3', /name:r,g,b/],
		['not-annotation-root', 'a.xml', '', /no <annotation> root/]
	];
	it.each(cases)('%s', (dir, file, place, problem) => {
		let error: unknown;
		try {
			vocCodec.read(filesUnder(join(MALFORMED, dir)));
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(FormatError);
		const f = error as FormatError;
		expect([f.file, f.place]).toEqual([file, place]);
		expect(f.problem).toMatch(problem);
	});
});
