import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { Dataset, DatasetImage } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import type { DatasetFile } from '$lib/formats/files';
import { detectFormat } from '$lib/formats/registry';
import { yoloCodec } from '$lib/formats/yolo';
import { readYolo, rotatedBoxFromCorners } from '$lib/formats/yolo/read';
import { flipIndexOf, formatNormalised, obbCorners } from '$lib/formats/yolo/write';
import { rotatedBoxCorners, type RotatedBoxGeometry } from '$lib/shapes/rotatedBox/kind';
import { decodeText, filesUnder, textFile } from './support/dataset-files';

const FIXTURES = join(__dirname, '../../../shared/fixtures');
const YOLO = join(FIXTURES, 'yolo');
const MALFORMED = join(__dirname, '../fixtures/malformed/yolo');

const png = (width: number, height: number) => encode({ width, height, data: new Uint8Array(width * height), channels: 1 });
const byPath = (files: DatasetFile[], path: string) => files.find((f) => f.path === path);
const counts = (d: Dataset) => [d.images.length, d.classes.length, d.annotations.length];
const near = (a: readonly number[], b: readonly number[], tolerance: number) => {
	expect(a.length).toBe(b.length);
	a.forEach((v, i) => expect(Math.abs(v - b[i]), `value ${i}: ${v} vs ${b[i]}`).toBeLessThan(tolerance));
};

function images(): DatasetImage[] {
	return [
		{ name: 'a.png', width: 640, height: 480, bytes: png(640, 480), split: 'train' },
		{ name: 'deep/b.png', width: 333, height: 777, bytes: png(333, 777), split: 'val' },
		{ name: 'c.png', width: 50, height: 40, bytes: png(50, 40) }
	];
}

function roundTrip(d: Dataset, variant: string) {
	const written = yoloCodec.write(d, { includeImages: true, variant });
	return { written, back: yoloCodec.read(written.files).dataset };
}

describe('YOLO numbers', () => {
	it('writes at least 6 decimals, more for larger images, trailing zeros trimmed', () => {
		expect(formatNormalised(0.25, 640)).toBe('0.25');
		expect(formatNormalised(1 / 3, 640)).toBe('0.333333333');
		expect(formatNormalised(1 / 3, 5)).toBe('0.3333333');
		expect(formatNormalised(1 / 3, 1)).toBe('0.333333');
		expect(formatNormalised(-1e-12, 640)).toBe('0');
		expect(formatNormalised(1, 640)).toBe('1');
	});

	it('writes OBB corners in Ultralytics order: bottom-right, top-right, top-left, bottom-left of the box’s own frame', () => {
		const g = { cx: 50, cy: 40, width: 20, height: 10, angle: 0 };
		expect(obbCorners(g)).toEqual([60, 45, 60, 35, 40, 35, 40, 45]);
		const turned: RotatedBoxGeometry = { cx: 50, cy: 40, width: 20, height: 10, angle: 30 };
		const back = rotatedBoxFromCorners(obbCorners(turned))!;
		near([back.cx, back.cy, back.width, back.height, back.angle], [50, 40, 20, 10, 30], 1e-9);
		expect(rotatedBoxFromCorners([0, 0, 10, 0, 12, 5, 0, 5])).toBeNull(); // not a rectangle
	});

	it('pairs left/right keypoint names into flip_idx', () => {
		expect(flipIndexOf(['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear'])).toEqual([0, 2, 1, 4, 3]);
		expect(flipIndexOf(['head', 'tail'])).toBeNull();
	});
});

describe('YOLO round trips', () => {
	it('detect: boxes within 1e-6 px, splits, data.yaml; a polygon written as its box and said so, a tag skipped and counted', () => {
		const d: Dataset = {
			images: images(),
			classes: [{ name: 'cat' }, { name: 'dog' }, { name: 'yes' }],
			annotations: [
				{ image: 'a.png', className: 'dog', type: 'box', geometry: { x: 10.123456789, y: 20.987654321, width: 100.5, height: 33.333333 } },
				{ image: 'deep/b.png', className: 'yes', type: 'box', geometry: { x: 0, y: 0, width: 333, height: 777 } },
				{ image: 'a.png', className: 'cat', type: 'polygon', geometry: { points: [1, 1, 50, 1, 20, 40] } },
				{ image: 'c.png', className: 'cat', type: 'tag', geometry: {} }
			]
		};
		const { written, back } = roundTrip(d, 'detect');
		expect(written.skipped).toEqual({ tag: 1 });
		expect(written.warnings).toContain('1 polygon written as a box');
		expect(written.files.map((f) => f.path).sort()).toEqual(['data.yaml', 'images/train/a.png', 'images/train/c.png', 'images/val/deep/b.png', 'labels/train/a.txt', 'labels/train/c.txt', 'labels/val/deep/b.txt']);
		expect(parse(decodeText(byPath(written.files, 'data.yaml')))).toEqual({ path: '.', train: 'images/train', val: 'images/val', names: { 0: 'cat', 1: 'dog', 2: 'yes' } });
		expect(decodeText(byPath(written.files, 'labels/val/deep/b.txt'))).toBe('2 0.5 0.5 1 1\n');
		expect(back.images.map((i) => [i.name, i.width, i.height, i.split])).toEqual([
			['a.png', 640, 480, 'train'],
			['deep/b.png', 333, 777, 'val'],
			['c.png', 50, 40, 'train']
		]);
		expect(back.classes.map((c) => c.name)).toEqual(['cat', 'dog', 'yes']);
		const [box, polygonBox] = back.annotations.filter((a) => a.image === 'a.png');
		expect(box.className).toBe('dog');
		const g = box.geometry as { x: number; y: number; width: number; height: number };
		near([g.x, g.y, g.width, g.height], [10.123456789, 20.987654321, 100.5, 33.333333], 1e-6);
		expect(polygonBox).toMatchObject({ className: 'cat', type: 'box' });
		const p = polygonBox.geometry as { x: number; y: number; width: number; height: number };
		near([p.x, p.y, p.width, p.height], [1, 1, 49, 39], 1e-6);
		expect(detectFormat(written.files)?.id).toBe('yolo');
	});

	it('segment: polygon vertices within 1e-6 px (4-vertex polygons stay polygons in a set with others)', () => {
		const d: Dataset = {
			images: images(),
			classes: [{ name: 'road' }],
			annotations: [
				{ image: 'a.png', className: 'road', type: 'polygon', geometry: { points: [10.5, 10.25, 300.125, 12, 280.3333, 400.6667, 12, 390] } },
				{ image: 'deep/b.png', className: 'road', type: 'polygon', geometry: { points: [1, 2, 300, 2, 150.5, 700.123456] } },
				{ image: 'a.png', className: 'road', type: 'box', geometry: { x: 0, y: 0, width: 5, height: 5 } }
			]
		};
		const { written, back } = roundTrip(d, 'segment');
		expect(written.skipped).toEqual({ box: 1 });
		const polygons = back.annotations.map((a) => [a.image, a.type]);
		expect(polygons).toEqual([
			['a.png', 'polygon'],
			['deep/b.png', 'polygon']
		]);
		near((back.annotations[0].geometry as { points: number[] }).points, [10.5, 10.25, 300.125, 12, 280.3333, 400.6667, 12, 390], 1e-6);
		near((back.annotations[1].geometry as { points: number[] }).points, [1, 2, 300, 2, 150.5, 700.123456], 1e-6);
	});

	it('obb: rotated box corners within 1e-6 px; a box is written as an unturned rotated box, a polygon as its minimum-area rectangle', () => {
		const turned: RotatedBoxGeometry = { cx: 320.25, cy: 240.5, width: 120.75, height: 40.125, angle: -37.5 };
		const d: Dataset = {
			images: images(),
			classes: [{ name: 'plane' }, { name: 'ship' }],
			annotations: [
				{ image: 'a.png', className: 'ship', type: 'rotatedBox', geometry: turned },
				{ image: 'a.png', className: 'plane', type: 'box', geometry: { x: 10, y: 20, width: 30, height: 40 } },
				{ image: 'a.png', className: 'plane', type: 'polygon', geometry: { points: [1, 1, 50, 1, 20, 40] } }
			]
		};
		const { written, back } = roundTrip(d, 'obb');
		expect(written.skipped).toEqual({});
		expect(written.warnings).toContain('1 polygon written as a rotated box');
		expect(back.annotations.map((a) => [a.className, a.type])).toEqual([
			['ship', 'rotatedBox'],
			['plane', 'rotatedBox'],
			['plane', 'rotatedBox']
		]);
		// The triangle (1,1) (50,1) (20,40): its least box lies on one of its sides and holds twice its area.
		const t = back.annotations[2].geometry as RotatedBoxGeometry;
		expect(t.width * t.height).toBeCloseTo(2 * ((49 * 39) / 2), 4);
		near(rotatedBoxCorners(back.annotations[0].geometry as RotatedBoxGeometry), rotatedBoxCorners(turned), 1e-6);
		expect(back.annotations[0].geometry).toMatchObject({ angle: expect.closeTo(-37.5, 6) });
		near(rotatedBoxCorners(back.annotations[1].geometry as RotatedBoxGeometry), [10, 20, 40, 20, 40, 60, 10, 60], 1e-6);
	});

	it('pose: points within 1e-6 px, visibility exact, "0 0 0" for points not labeled; kpt_shape, flip_idx, kpt_names', () => {
		const skeleton = { points: ['nose', 'left_eye', 'right_eye'].map((name, i) => ({ name, x: i / 2, y: 0.5 })), edges: [[0, 1]] as [number, number][] };
		const d: Dataset = {
			images: images(),
			classes: [{ name: 'person', skeleton }],
			annotations: [
				{ image: 'a.png', className: 'person', type: 'skeleton', geometry: { points: [100.5, 200.25, 0, 0, 150.125, 210], visibility: [2, 0, 1] } },
				{ image: 'c.png', className: 'person', type: 'skeleton', geometry: { points: [1, 2, 3, 4], visibility: [2, 2] } }
			]
		};
		const { written, back } = roundTrip(d, 'pose');
		expect(written.skipped).toEqual({ skeleton: 1 });
		expect(written.warnings.some((w) => w.includes('3 points'))).toBe(true);
		const yaml = parse(decodeText(byPath(written.files, 'data.yaml')));
		expect(yaml).toMatchObject({ kpt_shape: [3, 3], flip_idx: [0, 2, 1], kpt_names: { 0: ['nose', 'left_eye', 'right_eye'] } });
		const line = decodeText(byPath(written.files, 'labels/train/a.txt')).trim().split(' ');
		expect(line.slice(8, 11)).toEqual(['0', '0', '0']);
		expect(line.slice(0, 5)).toEqual(['0', formatNormalised(125.3125 / 640, 640), formatNormalised(205.125 / 480, 480), formatNormalised(49.625 / 640, 640), formatNormalised(9.75 / 480, 480)]);
		expect(back.classes[0].skeleton?.points.map((p) => p.name)).toEqual(['nose', 'left_eye', 'right_eye']);
		const g = back.annotations[0].geometry as { points: number[]; visibility: number[] };
		expect(g.visibility).toEqual([2, 0, 1]);
		near(g.points, [100.5, 200.25, 0, 0, 150.125, 210], 1e-6);
	});

	it('classify: <split>/<class>/<image> folders from tags, read back as single tags', () => {
		const d: Dataset = {
			images: images(),
			classes: [{ name: 'cat' }, { name: 'dog' }],
			annotations: [
				{ image: 'a.png', className: 'dog', type: 'tag', geometry: {} },
				{ image: 'deep/b.png', className: 'cat', type: 'tag', geometry: {} },
				{ image: 'a.png', className: 'dog', type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } }
			]
		};
		const { written, back } = roundTrip(d, 'classify');
		expect(written.files.map((f) => f.path)).toEqual(['train/dog/a.png', 'val/cat/deep/b.png']);
		expect(written.skipped).toEqual({ box: 1 });
		expect(written.warnings).toEqual(['1 images have no tag and are not written (a classification dataset is its class folders)']);
		const back2 = yoloCodec.read([byPath(written.files, 'train/dog/a.png')!, { path: 'val/cat/b.png', bytes: png(3, 4) }]).dataset;
		expect(back2.tagMode).toBe('single');
		expect(back2.annotations.map((a) => [a.image, a.className, a.type])).toEqual([
			['a.png', 'dog', 'tag'],
			['b.png', 'cat', 'tag']
		]);
		expect(back2.images.map((i) => [i.name, i.width, i.height, i.split])).toEqual([
			['a.png', 640, 480, 'train'],
			['b.png', 3, 4, 'val']
		]);
		void back;
	});

	it('labels without image files need the caller’s image sizes', () => {
		const files = [textFile('data.yaml', 'names: [a]\n'), textFile('labels/train/x.txt', '0 0.5 0.5 0.5 0.5\n')];
		expect(() => readYolo(files)).toThrow(FormatError);
		const { dataset } = readYolo(files, { images: [{ name: 'x.jpg', width: 100, height: 60 }] });
		expect(dataset.images).toEqual([{ name: 'x.jpg', width: 100, height: 60, split: 'train' }]);
		expect(dataset.annotations[0].geometry).toEqual({ x: 25, y: 15, width: 50, height: 30 });
	});

	it('ignores text files that are not labels (a README), with a warning', () => {
		const files = [textFile('data.yaml', 'names: [a]\n'), textFile('README.txt', 'Dataset notes\n'), { path: 'images/x.png', bytes: png(4, 4) }];
		const { dataset, warnings } = yoloCodec.read(files);
		expect(counts(dataset)).toEqual([1, 1, 0]);
		expect(warnings).toEqual(['README.txt: not a label file; ignored']);
	});
});

describe.skipIf(!existsSync(YOLO))('YOLO files written by other tools (skipped: ../shared/fixtures is missing)', () => {
	const under = (dir: string, only?: (p: string) => boolean) => filesUnder(join(YOLO, dir), only);
	const dagshub = (yaml: string, labels: string) => under('dagshub', (p) => p === yaml || p === 'data/images/testimg.png' || p.startsWith(`data/${labels}/`));

	it('dagshub boxes: names map before path, no trailing newline; 640×480 PNG', () => {
		const { dataset } = yoloCodec.read(dagshub('bbox_and_segmentation.yaml', 'labels_bbox'));
		expect(counts(dataset)).toEqual([1, 2, 2]);
		expect(dataset.images[0]).toMatchObject({ name: 'testimg.png', width: 640, height: 480 });
		expect(dataset.annotations.map((a) => [a.className, a.geometry])).toEqual([
			['dog', { x: 0, y: 0, width: 320, height: 240 }],
			['cat', { x: 320, y: 240, width: 320, height: 240 }]
		]);
	});

	it('dagshub polygons: 4-, 4- and 3-vertex rings, integer 0/1 coordinates', () => {
		const { dataset } = yoloCodec.read(dagshub('bbox_and_segmentation.yaml', 'labels_segmentation'));
		expect(counts(dataset)).toEqual([1, 2, 3]);
		expect(dataset.annotations.map((a) => a.type)).toEqual(['polygon', 'polygon', 'polygon']);
		expect(dataset.annotations[1].geometry).toEqual({ points: [320, 240, 640, 240, 640, 480, 320, 480] });
	});

	it('dagshub pose with kpt_shape [4, 2] (all visible) and [4, 3] (0/1 visibility)', () => {
		const two = yoloCodec.read(dagshub('pose_2dim.yaml', 'labels_pose_2dim')).dataset;
		expect(counts(two)).toEqual([1, 2, 2]);
		// The line's box (0.25 0.25 0.5 0.5 on 640×480) is the skeleton's box.
		const box = { x: (0.25 - 0.5 / 2) * 640, y: (0.25 - 0.5 / 2) * 480, width: 0.5 * 640, height: 0.5 * 480 };
		expect(two.annotations[0].geometry).toEqual({ points: [64, 48, 128, 96, 192, 144, 256, 192], visibility: [2, 2, 2, 2], box });
		const three = yoloCodec.read(dagshub('pose_3dim.yaml', 'labels_pose_3dim')).dataset;
		expect(counts(three)).toEqual([1, 2, 2]);
		expect(three.annotations[1].geometry).toMatchObject({ visibility: [1, 0, 1, 0] });
		expect(three.classes[0].skeleton?.points).toHaveLength(4);
	});

	it('dagshub empty label file: the image without objects', () => {
		const { dataset } = yoloCodec.read(dagshub('bbox_and_segmentation.yaml', 'empty'));
		expect(counts(dataset)).toEqual([1, 2, 0]);
	});

	it('datumaro darknet "YOLO 1.1": obj.names, obj_train_data, train.txt', () => {
		const { dataset } = yoloCodec.read(under('datumaro_darknet_strict'));
		expect(counts(dataset)).toEqual([1, 10, 2]);
		expect(dataset.images[0]).toMatchObject({ name: '1.jpg', width: 15, height: 10, split: 'train' });
		expect(dataset.annotations.map((a) => a.className)).toEqual(['label_2', 'label_4']);
		const g = dataset.annotations[0].geometry as { x: number; y: number; width: number; height: number };
		near([g.x, g.y, g.width, g.height], [0, 2, 4, 2], 1e-5);
	});

	it('datumaro yolov8 detection, names as a map', () => {
		const { dataset } = yoloCodec.read(under('datumaro_yolov8_detection'));
		expect(counts(dataset)).toEqual([1, 10, 2]);
		expect(dataset.images[0]).toMatchObject({ name: '1.jpg', split: 'train' });
	});

	it('datumaro data.yaml with a list of images, and with a .txt image list, but no files: classes only', () => {
		expect(counts(yoloCodec.read(under('datumaro_yolov8_imgs_list')).dataset)).toEqual([0, 10, 0]);
		expect(counts(yoloCodec.read(under('datumaro_yolov8_subset_txt')).dataset)).toEqual([0, 10, 0]);
	});

	it('datumaro names as a list; no image, so sizes come from the caller', () => {
		const files = under('datumaro_yolov8_names_list');
		expect(() => yoloCodec.read(files)).toThrow(/labels\/train\/1.txt.*image's size/);
		const { dataset } = readYolo(files, { images: [{ name: '1.jpg', width: 15, height: 10 }] });
		expect(counts(dataset)).toEqual([1, 10, 2]);
		expect(dataset.classes[9].name).toBe('label_9');
	});

	it('datumaro OBB: rectangles become rotated boxes; the one poking out is shrunk into the image', () => {
		const { dataset } = yoloCodec.read(under('datumaro_yolov8_obb'));
		expect(counts(dataset)).toEqual([1, 10, 2]);
		expect(dataset.annotations.map((a) => a.type)).toEqual(['rotatedBox', 'rotatedBox']);
		const g = dataset.annotations[0].geometry as RotatedBoxGeometry;
		near([g.cx, g.cy, g.width, g.height, g.angle], [2.5, 4, 4, 3, -60], 1e-3);
	});

	it('datumaro pose [3, 3] and [3, 2]', () => {
		const { dataset } = yoloCodec.read(under('datumaro_yolov8_pose'));
		expect(counts(dataset)).toEqual([1, 1, 1]);
		near((dataset.annotations[0].geometry as { points: number[] }).points, [1.5, 2, 4.5, 4, 7.5, 6], 1e-9);
		const two = readYolo(under('datumaro_yolov8_pose_2d'), { images: [{ name: '1.jpg', width: 15, height: 10 }] }).dataset;
		expect(counts(two)).toEqual([1, 1, 1]);
		expect(two.annotations[0].geometry).toMatchObject({ visibility: [2, 2, 2] });
	});

	it('datumaro segmentation: a triangle and a pentagon', () => {
		const { dataset } = yoloCodec.read(under('datumaro_yolov8_segmentation'));
		expect(counts(dataset)).toEqual([1, 10, 2]);
		expect(dataset.annotations.map((a) => (a.geometry as { points: number[] }).points.length / 2)).toEqual([3, 5]);
	});

	it('Label Studio classes.txt with CRLF line endings, sizes from the caller', () => {
		const { dataset } = readYolo(under('label_studio_converter_crlf'), { images: [{ name: 'img_1.jpg', width: 640, height: 329 }] });
		expect(counts(dataset)).toEqual([1, 4, 4]);
		expect(dataset.classes.map((c) => c.name)).toEqual(['closed_door', 'opened_door', 'bus', 'number']);
	});

	it('Label Studio images/ + labels/ with a .jpeg image and 17-digit numbers', () => {
		const { dataset } = yoloCodec.read(under('label_studio_import'));
		expect(counts(dataset)).toEqual([2, 4, 6]);
		expect(dataset.images.map((i) => [i.name, i.width, i.height])).toEqual([
			['img_1.jpg', 640, 329],
			['img_7.jpeg', 640, 427]
		]);
	});

	it('Ultralytics coco8-pose.yaml (17 keypoints, flip_idx, comments) and dota8.yaml (names with spaces)', () => {
		const pose = yoloCodec.read(under('ultralytics_cfg', (p) => p === 'coco8-pose.yaml')).dataset;
		expect(counts(pose)).toEqual([0, 1, 0]);
		expect(pose.classes[0].skeleton?.points).toHaveLength(17);
		const dota = yoloCodec.read(under('ultralytics_cfg', (p) => p === 'dota8.yaml')).dataset;
		expect(counts(dota)).toEqual([0, 15, 0]);
		expect(dota.classes[2].name).toBe('storage tank');
	});

	it('X-AnyLabeling pose: its class file names the 17 points; one point written "0 0 0" is not labeled', () => {
		const image = { path: 'images/human-pose.jpeg', bytes: new Uint8Array(readFileSync(join(FIXTURES, 'labelme/xanylabeling_pose/human-pose.jpeg'))) };
		const { dataset } = yoloCodec.read([...under('xanylabeling_pose'), image]);
		expect(counts(dataset)).toEqual([1, 1, 1]);
		expect(dataset.images[0]).toMatchObject({ name: 'human-pose.jpeg', width: 500, height: 750 });
		expect(dataset.classes[0].skeleton?.points[0].name).toBe('nose');
		const g = dataset.annotations[0].geometry as { visibility: number[] };
		expect(g.visibility.filter((v) => v === 0)).toHaveLength(1);
		expect(g.visibility[4]).toBe(0);
	});

	it('detects the label folders as YOLO', () => {
		for (const dir of ['datumaro_darknet_strict', 'datumaro_yolov8_detection', 'datumaro_yolov8_obb', 'label_studio_import', 'label_studio_converter_crlf'])
			expect(detectFormat(under(dir))?.id, dir).toBe('yolo');
	});
});

describe('malformed YOLO is refused with the file and the place', () => {
	const cases: [string, string, string, RegExp][] = [
		['four-values', 'labels/train/a.txt', 'line 2', /has 3 values after the class/],
		['class-beyond-names', 'labels/train/a.txt', 'line 2', /class 2 is beyond the 2 names/],
		['coordinate-too-large', 'labels/train/a.txt', 'line 3', /1.75 is not normalised/],
		['coordinate-negative', 'labels/train/a.txt', 'line 1', /-0.8 is not normalised/],
		['garbage-line', 'labels/train/a.txt', 'line 3', /"this", not a class index/],
		['nan-value', 'labels/train/a.txt', 'line 1', /"nan" is not a number/],
		['odd-values', 'labels/train/a.txt', 'line 1', /odd count/],
		['pose-visibility', 'labels/train/a.txt', 'line 1', /visibility 3/],
		['not-yaml', 'data.yaml', 'line 3, column 1', /not valid YAML/],
		['names-not-list', 'data.yaml', 'names', /list of class names or a map/],
		['names-map-gap', 'data.yaml', 'names', /no name for class 1/],
		['kpt-shape-bad', 'data.yaml', 'kpt_shape', /number of keypoints/],
		['image-not-an-image', 'images/train/a.jpg', '', /size can be read/],
		['no-image', 'labels/train/a.txt', '', /no image file/]
	];
	const known = [{ name: 'a.jpg', width: 100, height: 50 }];
	it.each(cases)('%s', (dir, file, place, problem) => {
		let error: unknown;
		try {
			readYolo(filesUnder(join(MALFORMED, dir)), dir === 'no-image' ? {} : { images: known });
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(FormatError);
		const f = error as FormatError;
		expect([f.file, f.place]).toEqual([file, place]);
		expect(f.problem).toMatch(problem);
	});
});
