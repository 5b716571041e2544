import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat } from '$lib/formats/registry';
import { describe, expect, it } from 'vitest';
import { countsOf } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import { utf8 } from '$lib/formats/files';
import { labelStudioCodec } from '$lib/formats/labelstudio';
import { imageNameOf } from '$lib/formats/labelstudio/read';
import { decodeBrush, encodeBrush } from '$lib/formats/labelstudio/brush';
import { everyTypeDataset, expectGeometryClose, FIXTURES, fileAt, filesUnder, haveFixtures, ofType } from './support/dataset-files';

const LS = join(FIXTURES, 'label_studio');
const MALFORMED = join(__dirname, '../fixtures/malformed/labelstudio');
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

/** Label Studio's own corner formula (label-studio-sdk converter, OBB): rotation about the top-left corner. */
function lsCorners(x: number, y: number, w: number, h: number, degrees: number): number[] {
	const r = (degrees * Math.PI) / 180,
		c = Math.cos(r),
		s = Math.sin(r);
	return [x, y, x + w * c, y + w * s, x + w * c - h * s, y + w * s + h * c, x - h * s, y + h * c];
}

function ourCorners(g: { cx: number; cy: number; width: number; height: number; angle: number }): number[] {
	const r = (g.angle * Math.PI) / 180,
		c = Math.cos(r),
		s = Math.sin(r);
	return [[-1, -1], [1, -1], [1, 1], [-1, 1]].flatMap(([u, v]) => {
		const lx = (u * g.width) / 2,
			ly = (v * g.height) / 2;
		return [g.cx + lx * c - ly * s, g.cy + lx * s + ly * c];
	});
}

describe('Label Studio JSON: round trip', () => {
	it('writes one task per image in percent and reads back boxes, rotated boxes, polygons, keypoints, ellipses and tags within 1e-6 px', () => {
		const d = everyTypeDataset();
		d.annotations[0] = { ...d.annotations[0], text: 'note' };
		const out = labelStudioCodec.write(d, { includeImages: false });
		expect(out.files.map((f) => f.path)).toEqual(['label_studio.json', 'label_config.xml']);
		expect(out.skipped).toEqual({ polyline: 1, cuboid: 1, skeleton: 1 });
		expect(labelStudioCodec.detect(out.files)).toBeGreaterThan(0.5);
		const tasks = json(out.files[0].bytes);
		expect(tasks).toHaveLength(2);
		expect(tasks[0].data).toEqual({ image: 'dir/a.jpg' });
		expect(tasks[0].annotations[0].result[0]).toMatchObject({ type: 'rectanglelabels', original_width: 200, original_height: 100, value: { x: (10.25 / 200) * 100, rectanglelabels: ['car'] } });
		const config = new TextDecoder().decode(out.files[1].bytes);
		expect(config).toContain('<RectangleLabels name="label" toName="image">');
		expect(config).toContain('<Label value="car" background="#ff8800"/>');
		const back = labelStudioCodec.read(out.files).dataset;
		// A task carries the image size only in its regions: an image without any reads back with size 0.
		expect(back.images.map((i) => [i.name, i.width, i.height])).toEqual([['dir/a.jpg', 200, 100], ['b.png', 0, 0]]);
		const kept = d.annotations.filter((a) => ['box', 'rotatedBox', 'polygon', 'keypoint', 'ellipse', 'mask', 'tag'].includes(a.type));
		expect(back.annotations.map((a) => a.type)).toEqual(kept.map((a) => a.type));
		kept.forEach((a, i) => expectGeometryClose(back.annotations[i].geometry, a.geometry, 1e-6, a.type));
		expect(back.annotations[0].text).toBe('note');
	});
});

describe('Label Studio brush RLE', () => {
	it('decodes what it encodes, and the stream is thi.ng/rle-pack’s: count, word size, run widths, then chunks', () => {
		const bits = new Uint8Array(7 * 5).map((_, i) => (i % 3 === 0 || (i > 20 && i < 30) ? 1 : 0));
		const rle = encodeBrush(bits);
		expect(decodeBrush(rle, 7, 5)).toEqual(bits);
		// 32 bits: 140 values (7 × 5 × 4); 5 bits: word size 8 - 1; 4 × 4 bits: widths 3, 4, 8, 16 - 1.
		expect(rle.slice(0, 4)).toEqual([0, 0, 0, 140]);
		expect(rle[4] >> 3).toBe(7);
	});

	it('reads a hand-built stream with literal and repeat chunks', () => {
		// 1 × 2 pixels = 8 values: a literal chunk of 4 words (0, 0, 0, 255) then a repeat chunk of 4 × 0.
		const bitsOf = (v: number, n: number) => v.toString(2).padStart(n, '0');
		const stream =
			bitsOf(8, 32) + bitsOf(7, 5) + [3, 4, 8, 16].map((s) => bitsOf(s - 1, 4)).join('') +
			'0' + '00' + bitsOf(3, 3) + bitsOf(0, 8) + bitsOf(0, 8) + bitsOf(0, 8) + bitsOf(255, 8) +
			'1' + '00' + bitsOf(3, 3) + bitsOf(0, 8);
		const padded = stream.padEnd(Math.ceil(stream.length / 8) * 8, '0');
		const bytes = Array.from({ length: padded.length / 8 }, (_, i) => parseInt(padded.slice(i * 8, i * 8 + 8), 2));
		expect([...decodeBrush(bytes, 2, 1)]).toEqual([1, 0]);
		expect(() => decodeBrush(bytes, 3, 1)).toThrow(/holds 8 values/);
	});
});

describe('image names from data.image', () => {
	it.each([
		['/data/upload/29/example.png', 'example.png'],
		['https://data.heartex.net/open-images/train_0/mini/x.jpg', 'open-images/train_0/mini/x.jpg'],
		['/data/local-files/?d=photos%2Fa.jpg', 'photos/a.jpg'],
		['/image1', 'image1']
	])('%s → %s', (url, name) => expect(imageNameOf(url)).toBe(name));
});

describe.skipIf(!haveFixtures)('Label Studio fixtures (skipped: ../shared/fixtures is missing)', () => {
	const read = (dir: string) => labelStudioCodec.read(filesUnder(join(LS, dir)));

	it('every fixture folder is detected as labelstudio', () => {
		for (const dir of readdirSync(LS)) expect(detectFormat(filesUnder(join(LS, dir)))?.id, dir).toBe('labelstudio');
	});
	const cases: [string, { images: number; classes: number; annotations: number }][] = [
		['json_min', { images: 1, classes: 1, annotations: 1 }],
		['keypoints_with_relations', { images: 1, classes: 4, annotations: 4 }],
		['multi_data_fields', { images: 2, classes: 1, annotations: 3 }],
		['polygons', { images: 1, classes: 1, annotations: 1 }],
		['rect_polygon_keypoint_mixed', { images: 1, classes: 4, annotations: 4 }],
		['rectangles', { images: 2, classes: 2, annotations: 4 }],
		['rotated_rectangles', { images: 3, classes: 2, annotations: 25 }]
	];
	it.each(cases)('%s reads with the counts of the file', (dir, counts) => expect(countsOf(read(dir).dataset)).toEqual(counts));

	it('rotated rectangles: our corners are Label Studio’s (rotation clockwise about the top-left corner)', () => {
		const { dataset } = read('rotated_rectangles');
		const tasks = json(filesUnder(join(LS, 'rotated_rectangles')).find((f) => f.path.endsWith('.json'))!.bytes);
		const first = tasks[0].annotations[0].result[0];
		const W = first.original_width,
			H = first.original_height,
			v = first.value;
		expect(v.rotation).toBeCloseTo(328.3324, 3);
		const expected = lsCorners((v.x / 100) * W, (v.y / 100) * H, (v.width / 100) * W, (v.height / 100) * H, v.rotation);
		const g = dataset.annotations[0].geometry as { cx: number; cy: number; width: number; height: number; angle: number };
		expectGeometryClose(ourCorners(g), expected, 1e-9);
		expect(g.angle).toBeCloseTo(328.33240366032834 - 360, 9);
	});

	it('keypoints tied to a rectangle by parentID share its instance id; relations are reported', () => {
		const { dataset, warnings } = read('keypoints_with_relations');
		expect(new Set(dataset.annotations.map((a) => a.instanceId))).toEqual(new Set([1]));
		expect(ofType(dataset, 'box')).toHaveLength(1);
		expect(warnings).toEqual(['data_keypoints.json ([0]): 5 relations between regions kept for a Label Studio export only (not shown, not written to other formats)']);
	});

	it('a task with several annotations reads the first and says so', () => {
		expect(read('rectangles').warnings).toEqual(['data.json ([0]): only the first of 2 annotations of this task is read (the others are kept for a Label Studio export)']);
	});
});

describe('the JSON-MIN export', () => {
	it('reads regions listed under their control name, in percent of their original size', () => {
		const min = [{ image: '/data/upload/3/cat.jpg', id: 7, label: [{ x: 10, y: 20, width: 30, height: 40, rotation: 0, rectanglelabels: ['cat'], original_width: 200, original_height: 100 }], choice: 'indoor' }];
		const { dataset } = labelStudioCodec.read([{ path: 'min.json', bytes: utf8(JSON.stringify(min)) }]);
		// JSON-MIN flattens the task: its id is kept, its other fields are not Label Studio's full task.
		expect(dataset.images).toEqual([{ name: 'cat.jpg', width: 200, height: 100, imported: { format: 'labelstudio', id: 7 } }]);
		expect(dataset.annotations[0]).toMatchObject({ className: 'cat', type: 'box', geometry: { x: 20, y: 20, width: 60, height: 40 } });
	});
});

describe('malformed Label Studio files are refused naming the file and the place', () => {
	const cases: [string, string, RegExp][] = [
		['x-as-string.json', '[0].annotations[0].result[0].value.x', /expected a number, found "12.5"/],
		['percent-nan.json', 'line 3', /not valid JSON/],
		['polygon-point-not-pair.json', '[0].annotations[0].result[0].value.points[1]', /not an \[x, y\] pair/],
		['task-without-image.json', '[0].data', /needs an image/],
		['brush-huge.json', '[0].annotations[0].result[0].original_width', /the image is 60,000 × 60,000 pixels, larger than Peerlabel handles/],
		['width-null.json', '[0].annotations[0].result[0].value.width', /expected a number, found null/]
	];
	it.each(cases)('%s', (name, place, problem) => {
		try {
			labelStudioCodec.read([fileAt(join(MALFORMED, name))]);
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
