import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat } from '$lib/formats/registry';
import { describe, expect, it } from 'vitest';
import { cvatCodec } from '$lib/formats/cvat';
import { CVAT_VIDEO_REFUSAL } from '$lib/formats/cvat/read';
import { countsOf } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import { utf8 } from '$lib/formats/files';
import { everyTypeDataset, expectGeometryClose, FIXTURES, fileAt, filesUnder, haveFixtures, ofType } from './support/dataset-files';

const CVAT = join(FIXTURES, 'cvat');
const MALFORMED = join(__dirname, '../fixtures/malformed/cvat');

describe('CVAT for images 1.1: round trip', () => {
	it('writes every annotation type and reads back the same geometry, classes, attributes and groups', () => {
		const d = everyTypeDataset();
		const out = cvatCodec.write(d, { includeImages: false });
		expect(out.files.map((f) => f.path)).toEqual(['annotations.xml']);
		expect(out.skipped).toEqual({});
		expect(cvatCodec.detect(out.files)).toBeGreaterThan(0.5);
		const back = cvatCodec.read(out.files).dataset;
		expect(countsOf(back)).toEqual(countsOf(d));
		expect(back.annotations.map((a) => a.type)).toEqual(d.annotations.map((a) => a.type));
		d.annotations.forEach((a, i) => {
			expect(back.annotations[i].className).toBe(a.className);
			expectGeometryClose(back.annotations[i].geometry, a.geometry, 1e-9, a.type);
		});
		expect(back.annotations[0].attributes).toEqual({ colour: 'blue', parked: true, doors: 3, plate: 'AB 12' });
		expect(back.annotations[0].instanceId).toBe(7);
		const car = back.classes.find((c) => c.name === 'car')!;
		expect(car.color).toBe('#ff8800');
		expect(car.attributes!.map((s) => [s.name, s.kind, s.options, s.default])).toEqual([
			['colour', 'select', ['red', 'blue'], 'red'],
			['parked', 'checkbox', [], false],
			['doors', 'number', [], 4],
			['plate', 'text', [], null]
		]);
		expect(car.attributes![2]).toMatchObject({ min: 0, max: 5 });
		expect(back.classes.find((c) => c.name === 'person')!.skeleton).toEqual(d.classes[1].skeleton);
	});

	it('stores a rotated box as CVAT does: corners of the unrotated box and rotation in degrees clockwise in [0, 360)', () => {
		const d = everyTypeDataset();
		d.annotations = [d.annotations[1]];
		const xml = new TextDecoder().decode(cvatCodec.write(d, { includeImages: false }).files[0].bytes);
		expect(xml).toContain('xtl="80.25" ytl="40.125" xbr="120.75" ybr="60.375" rotation="329.5"');
	});

	it('writes masks as CVAT row-major runs and cuboids with face 1 as the front', () => {
		const d = everyTypeDataset();
		const xml = new TextDecoder().decode(cvatCodec.write(d, { includeImages: false }).files[0].bytes);
		expect(xml).toContain('rle="0, 14, 1, 15" left="10" top="12" width="6" height="5"');
		expect(xml).toContain('xtl1="20" ytl1="20" xtr1="60" ytr1="20" xbr1="60" ybr1="60" xbl1="20" ybl1="60" xtl2="30.5"');
	});

	it('copies the images beside the XML when asked and finds them again', () => {
		const d = everyTypeDataset();
		d.images[1].bytes = new Uint8Array([1, 2, 3]);
		const out = cvatCodec.write(d, { includeImages: true });
		expect(out.files.map((f) => f.path)).toEqual(['annotations.xml', 'images/b.png']);
		expect(cvatCodec.read(out.files).dataset.images[1].bytes).toEqual(new Uint8Array([1, 2, 3]));
	});
});

describe.skipIf(!haveFixtures)('CVAT fixtures written by other tools (skipped: ../shared/fixtures is missing)', () => {
	const read = (dir: string) => cvatCodec.read(filesUnder(join(CVAT, dir)));

	it('every fixture folder is detected as cvat', () => {
		for (const dir of readdirSync(CVAT)) expect(detectFormat(filesUnder(join(CVAT, dir)))?.id, dir).toBe('cvat');
	});

	it('datumaro_for_images_skeleton: typed attributes, skeletons with outside nodes, unlabeled shapes skipped with a warning', () => {
		const { dataset, warnings } = read('datumaro_for_images_skeleton');
		expect(countsOf(dataset)).toEqual({ images: 2, classes: 3, annotations: 6 });
		expect(warnings.filter((w) => w.includes('has no label'))).toHaveLength(2);
		expect(dataset.images.map((i) => [i.name, i.width, i.height, i.bytes?.length ? 'bytes' : 'none'])).toEqual([
			['img0.jpg', 8, 8, 'bytes'],
			['img1.jpg', 10, 10, 'bytes']
		]);
		expect(ofType(dataset, 'box')[0]).toMatchObject({ type: 'box', geometry: { x: 0, y: 2, width: 4, height: 2 }, attributes: { a1: true, a2: 'v3', a3: '0003', a4: 2.4 } });
		const skeleton = dataset.classes.find((c) => c.name === 'skeleton')!.skeleton!;
		expect(skeleton.points.map((p) => p.name)).toEqual(['1', '2', '3', '4']);
		expect(skeleton.edges).toEqual([[2, 1], [0, 3]]);
		expect(skeleton.points[0].x).toBeCloseTo(0.15014512, 6);
		const [s0, s1] = ofType(dataset, 'skeleton');
		expect(s0.geometry).toEqual({ points: [1, 1, 2, 2, 3, 3, 4, 4], visibility: [0, 2, 2, 2] });
		expect(s1.geometry).toEqual({ points: [3, 3, 4, 4, 5, 5, 6, 6], visibility: [2, 2, 0, 2] });
		expect(ofType(dataset, 'keypoint')).toHaveLength(3);
	});

	it('datumaro_export_project: a project export repeating names per subset keeps them apart by folder', () => {
		const { dataset } = read('datumaro_export_project');
		expect(countsOf(dataset)).toEqual({ images: 6, classes: 2, annotations: 18 });
		expect(dataset.images.map((i) => i.name)).toEqual(['Test/img0.jpg', 'Test/img1.jpg', 'Train/img0.jpg', 'Train/img1.jpg', 'Validation/img0.jpg', 'Validation/img1.jpg']);
		expect(dataset.images[2].split).toBe('Train');
	});

	it('darwin_export: darwin-py output (no declaration, one line, float noise)', () => {
		const { dataset } = read('darwin_export');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 1, annotations: 2 });
		expect(dataset.annotations[0].geometry).toEqual({ x: 166.088, y: 113.188, width: 237.35399999999998 - 166.088, height: 156.906 - 113.188 });
	});

	it('dagshub_pose_grouping: group_id becomes the instance id; labels missing from <meta> become classes', () => {
		const { dataset } = read('dagshub_pose_grouping');
		expect(countsOf(dataset)).toEqual({ images: 1, classes: 7, annotations: 21 });
		expect(ofType(dataset, 'skeleton')).toHaveLength(2);
		expect(ofType(dataset, 'keypoint')).toHaveLength(14);
		expect(ofType(dataset, 'box')).toHaveLength(5);
		expect(dataset.annotations.filter((a) => a.instanceId === 2)).toHaveLength(6);
		expect(dataset.classes.find((c) => c.name === 'Pointy_3')!.skeleton!.points.map((p) => p.name)).toEqual(['1', '2', '3', '4', '5']);
	});

	it.each(['datumaro_for_video_tracks', 'dagshub_video_sample'])('%s: CVAT for video is refused with a clear error', (dir) => {
		expect(() => read(dir)).toThrow(FormatError);
		expect(() => read(dir)).toThrow(CVAT_VIDEO_REFUSAL);
	});
});

describe('malformed CVAT files are refused naming the file and the place', () => {
	const cases: [string, string, RegExp][] = [
		['not-well-formed.xml', 'line 6', /not well-formed XML/],
		['box-inverted.xml', '<image id="0"> <box> 1', /xbr < xtl/],
		['polygon-odd-points.xml', '<image id="0"> <polygon> 1', /point 2 .* not an x,y pair/],
		['skeleton-unknown-point-label.xml', '<image id="0"> <skeleton> 1 <points> 1', /"tail" is not a point of skeleton "person"/],
		['image-without-width.xml', '<image id="3">', /expected a width/],
		['mask-rle-too-long.xml', '<image id="0"> <mask> 1', /does not fit/],
		['mask-huge.xml', '<image id="0">', /the image is 60,000 × 60,000 pixels, larger than Peerlabel handles/],
		['mask-larger-than-image.xml', '<image id="0"> <mask> 1', /the mask is 20 × 10, larger than its image \(10 × 10\)/]
	];
	it.each(cases)('%s', (name, place, problem) => {
		const file = fileAt(join(MALFORMED, name));
		try {
			cvatCodec.read([file]);
			expect.unreachable('read should refuse it');
		} catch (e) {
			expect(e).toBeInstanceOf(FormatError);
			const err = e as FormatError;
			expect(err.file).toBe(name);
			expect(err.place).toContain(place);
			expect(err.problem).toMatch(problem);
		}
	});

	it('a file whose root is not <annotations> is not CVAT', () => {
		expect(() => cvatCodec.read([{ path: 'x.xml', bytes: utf8('<annotation><object/></annotation>') }])).toThrow(/root element is not <annotations>/);
	});
});
