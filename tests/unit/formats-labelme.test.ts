import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat } from '$lib/formats/registry';
import { describe, expect, it } from 'vitest';
import { countsOf, withGeometry } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import { labelMeCodec } from '$lib/formats/labelme';
import { everyTypeDataset, expectGeometryClose, FIXTURES, fileAt, filesUnder, haveFixtures, ofType } from './support/dataset-files';

const LABELME = join(FIXTURES, 'labelme');
const MALFORMED = join(__dirname, '../fixtures/malformed/labelme');
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

describe('LabelMe JSON: round trip', () => {
	it('writes one JSON per image beside it and reads back what LabelMe carries', () => {
		const d = everyTypeDataset();
		d.annotations[5] = withGeometry(d.annotations[5], 'ellipse', { cx: 120.5, cy: 40.25, rx: 10.25, ry: 10.25, angle: 0 });
		d.annotations[0] = { ...d.annotations[0], text: 'front car' };
		d.images[0].bytes = new Uint8Array([0xff, 0xd8, 1]);
		const out = labelMeCodec.write(d, { includeImages: true });
		expect(out.files.map((f) => f.path)).toEqual(['dir/a.json', 'b.json', 'dir/a.jpg']);
		expect(out.skipped).toEqual({ cuboid: 1 });
		expect(labelMeCodec.detect(out.files)).toBeGreaterThan(0.5);
		const doc = json(out.files[0].bytes);
		expect(doc).toMatchObject({ version: '5.5.0', imagePath: 'a.jpg', imageData: null, imageWidth: 200, imageHeight: 100, flags: { sunny: true } });
		expect(doc.shapes.map((s: { shape_type: string }) => s.shape_type)).toEqual(['rectangle', 'polygon', 'polygon', 'linestrip', 'point', 'circle', 'mask', 'rectangle', 'point', 'point']);
		const back = labelMeCodec.read(out.files).dataset;
		expect(back.images[0]).toMatchObject({ name: 'dir/a.jpg', width: 200, height: 100, bytes: new Uint8Array([0xff, 0xd8, 1]) });
		expect(back.annotations.map((a) => a.type)).toEqual(['tag', 'box', 'polygon', 'polygon', 'polyline', 'keypoint', 'ellipse', 'mask', 'skeleton']);
		// The skeleton's file names only its labeled points: its template is those two.
		expect(back.classes.find((c) => c.name === 'person')?.skeleton?.points.map((p) => p.name)).toEqual(['head', 'left hand']);
		expect(back.annotations[8].geometry).toMatchObject({ points: [50.5, 10.5, 40.25, 30.75], visibility: [2, 1] });
		const kept = d.annotations.filter((a) => !['cuboid', 'skeleton', 'rotatedBox', 'tag'].includes(a.type));
		const backKept = back.annotations.filter((a, i) => i !== 0 && i !== 2 && a.type !== 'skeleton');
		kept.forEach((a, i) => expectGeometryClose(backKept[i].geometry, a.geometry, 1e-9, a.type));
		expect(back.annotations[1]).toMatchObject({ instanceId: 7, text: 'front car', attributes: { colour: 'blue', parked: true, doors: 3, plate: 'AB 12' } });
	});

	it('an ellipse with unequal radii becomes a polygon through its rim', () => {
		const d = everyTypeDataset();
		d.annotations = [d.annotations[5]];
		const out = labelMeCodec.write(d, { includeImages: false });
		const shape = json(out.files[0].bytes).shapes[0];
		expect(shape.shape_type).toBe('polygon');
		expect(shape.points).toHaveLength(64);
		expect(out.warnings[0]).toMatch(/64-point polygon/);
	});
});

describe.skipIf(!haveFixtures)('LabelMe and X-AnyLabeling fixtures (skipped: ../shared/fixtures is missing)', () => {
	const read = (dir: string) => labelMeCodec.read(filesUnder(join(LABELME, dir)));

	it('every fixture folder is detected as labelme', () => {
		for (const dir of readdirSync(LABELME)) expect(detectFormat(filesUnder(join(LABELME, dir)))?.id, dir).toBe('labelme');
	});
	const cases: [string, { images: number; classes: number; annotations: number }][] = [
		['labelme_bbox_v4', { images: 1, classes: 1, annotations: 4 }],
		['labelme_embedded_imagedata', { images: 1, classes: 4, annotations: 4 }],
		// Two polygons of one person (group_id 0) are one two-part polygon.
		['labelme_instance_segmentation', { images: 1, classes: 3, annotations: 4 }],
		['labelme_primitives', { images: 1, classes: 7, annotations: 8 }],
		['labelme_rs_edge', { images: 2, classes: 5, annotations: 6 }],
		['labelme_rs_mandrill', { images: 1, classes: 7, annotations: 15 }],
		['xanylabeling_attributes', { images: 1, classes: 2, annotations: 2 }],
		['xanylabeling_japan', { images: 1, classes: 1, annotations: 1 }],
		['xanylabeling_kie_chinese', { images: 1, classes: 4, annotations: 127 }],
		// A person's rectangle and 16 keypoints sharing group_id 0 are one skeleton of class person.
		['xanylabeling_pose', { images: 1, classes: 1, annotations: 1 }]
	];
	it.each(cases)('%s reads with the counts of the file', (dir, counts) => {
		const { dataset, warnings } = read(dir);
		expect(countsOf(dataset)).toEqual(counts);
		expect(warnings).toEqual([]);
	});

	it('embedded imageData becomes the image bytes, named after the JSON', () => {
		const img = read('labelme_embedded_imagedata').dataset.images[0];
		expect(img.name).toBe('apc2016_obj3.jpg');
		expect([...img.bytes!.subarray(0, 2)]).toEqual([0xff, 0xd8]);
	});

	it('primitives: circle = centre + rim point, mask PNG over its inclusive corner box, linestrip, point', () => {
		const d = read('labelme_primitives').dataset;
		expectGeometryClose(ofType(d, 'ellipse')[0].geometry, { cx: 195, cy: 84, rx: Math.hypot(30, 41), ry: Math.hypot(30, 41), angle: 0 });
		const mask = ofType(d, 'mask')[0].geometry as { x: number; y: number; width: number; height: number };
		expect(mask.x).toBeGreaterThanOrEqual(417);
		expect(mask.x + mask.width).toBeLessThanOrEqual(517);
		expect(ofType(d, 'polyline')).toHaveLength(2);
	});

	it('group_id is the instance id, description the text, X-AnyLabeling attributes kept (the empty key dropped), backslash paths', () => {
		const pose = read('xanylabeling_pose').dataset;
		expect(pose.annotations.map((a) => [a.type, a.instanceId])).toEqual([['skeleton', 0]]);
		expect(read('xanylabeling_japan').dataset.annotations[0].text).toBeTruthy();
		expect(read('xanylabeling_attributes').dataset.annotations.find((a) => a.className === 'vehicle')!.attributes).toEqual({ bodyColor: 'white', vehicleType: 'suv' });
		expect(read('labelme_rs_edge').dataset.images[0].name).toBe('parent/stem.jpg');
		const seg = read('labelme_instance_segmentation').dataset;
		const grouped = seg.annotations.filter((a) => a.instanceId === 0);
		expect(grouped.map((a) => [a.type, a.className])).toEqual([['polygon', 'person']]);
		expect((grouped[0].geometry as { parts?: unknown[] }).parts).toHaveLength(1);
	});
});

describe('malformed LabelMe files are refused naming the file and the place', () => {
	const cases: [string, string, RegExp][] = [
		['points-not-pairs.json', 'shapes[0].points[1]', /not an \[x, y\] pair/],
		['imagedata-not-base64.json', 'imageData', /not base64/],
		['shape-without-label.json', 'shapes[0].label', /needs a label/],
		['rectangle-one-point.json', 'shapes[0].points', /needs at least 2 points/],
		['coordinate-string.json', 'shapes[0].points[1][1]', /expected a number, found "x"/],
		['image-size-huge.json', 'imageWidth', /the image is 1,000,000,000 × 1,000,000,000 pixels, larger than Peerlabel handles/]
	];
	it.each(cases)('%s', (name, place, problem) => {
		try {
			labelMeCodec.read([fileAt(join(MALFORMED, name))]);
			expect.unreachable('read should refuse it');
		} catch (e) {
			expect(e).toBeInstanceOf(FormatError);
			const err = e as FormatError;
			expect(err.file).toBe(name);
			expect(err.place).toBe(place);
			expect(err.problem).toMatch(problem);
		}
	});

	it('an unknown shape type is skipped with a warning', () => {
		const file = { path: 'a.json', bytes: new TextEncoder().encode(JSON.stringify({ shapes: [{ label: 'x', points: [[1, 1]], shape_type: 'cube' }], imagePath: 'a.jpg', imageWidth: 5, imageHeight: 5 })) };
		const r = labelMeCodec.read([file]);
		expect(r.dataset.annotations).toEqual([]);
		expect(r.warnings[0]).toMatch(/shape_type "cube" .* skipped/);
	});
});
