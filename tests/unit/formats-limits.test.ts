import { encode as encodePng } from 'fast-png';
import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { cocoFormat, cocoPanopticFormat } from '$lib/formats/coco';
import { cvatCodec } from '$lib/formats/cvat';
import type { FormatCodec } from '$lib/formats/codec';
import type { Dataset } from '$lib/formats/dataset';
import { datumaroCodec } from '$lib/formats/datumaro';
import { FormatError } from '$lib/formats/errors';
import { utf8, type DatasetFile } from '$lib/formats/files';
import { labelMeCodec } from '$lib/formats/labelme';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_SHAPE_POINTS, MAX_TEXT_BYTES } from '$lib/formats/limits';
import { checkPngInflates } from '$lib/formats/png-bound';
import { semanticCodec } from '$lib/formats/semantic';
import { vocCodec } from '$lib/formats/voc';
import { yoloCodec } from '$lib/formats/yolo';
import { runsToString } from '$lib/shapes/mask/rle';

const json = (path: string, value: unknown): DatasetFile => ({ path, bytes: utf8(JSON.stringify(value)) });
const text = (path: string, value: string): DatasetFile => ({ path, bytes: utf8(value) });

/** A real 1 × 1 PNG whose header then claims width × height (nothing past the header is read when refused). */
function pngClaiming(width: number, height: number, path: string): DatasetFile {
	const bytes = encodePng({ width: 1, height: 1, data: new Uint8Array([0]), channels: 1, depth: 8 });
	const view = new DataView(bytes.buffer, bytes.byteOffset);
	view.setUint32(16, width);
	view.setUint32(20, height);
	return { path, bytes };
}
const png = (width: number, height: number, path: string): DatasetFile => ({ path, bytes: encodePng({ width, height, data: new Uint8Array(width * height), channels: 1, depth: 8 }) });

function refusal(codec: FormatCodec, files: DatasetFile[]): [string, string, string] | null {
	try {
		codec.read(files);
	} catch (e) {
		if (e instanceof FormatError) return [e.file, e.place, e.problem];
		throw e;
	}
	return null;
}

const TOO_LARGE = /larger than Peerlabel handles \(at most 268,435,456 pixels, e\.g\. 16,384 × 16,384, and 65,536 a side\)/;

/** One COCO image of w × h with one RLE mask of size [mh, mw] whose one set pixel is the first. */
function cocoMask(w: number, h: number, mw = w, mh = h, counts: 'string' | 'list' = 'list') {
	const runs = [0, 1, mw * mh - 1];
	return json('instances.json', {
		images: [{ id: 1, file_name: 'a.jpg', width: w, height: h }],
		categories: [{ id: 1, name: 'car' }],
		annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: { size: [mh, mw], counts: counts === 'string' ? runsToString(runs) : runs } }]
	});
}

describe('masks of untrusted size are refused before they are decoded', () => {
	it('COCO: the 180-byte compressed RLE of 60,000 × 60,000 pixels is refused at once, naming the file and annotation', () => {
		const bomb = json('instances.json', {
			images: [{ id: 1, file_name: 'a.jpg' }],
			categories: [{ id: 1, name: 'car' }],
			annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: { size: [60000, 60000], counts: runsToString([0, 3_600_000_000]) } }]
		});
		expect(bomb.bytes.length).toBeLessThan(200);
		expect(refusal(cocoFormat, [bomb])).toEqual(['instances.json', 'annotations[0].segmentation.size', expect.stringMatching(/^the mask is 60,000 × 60,000 pixels, /)]);
	});

	it('COCO: a mask exactly at the pixel cap reads; one row more is refused (compressed and list counts)', () => {
		const side = Math.sqrt(MAX_IMAGE_PIXELS);
		for (const counts of ['string', 'list'] as const) {
			const read = cocoFormat.read([cocoMask(side, side, side, side, counts)]);
			expect(read.dataset.annotations.map((a) => [a.type, (a.geometry as { width: number }).width])).toEqual([['mask', 1]]);
			const over = refusal(cocoFormat, [cocoMask(side, side + 1, side, side + 1, counts)]);
			expect(over).toEqual(['instances.json', 'images[0]', expect.stringMatching(TOO_LARGE)]);
		}
		// A side over 65,536 is refused even when the area is small.
		expect(refusal(cocoFormat, [cocoMask(MAX_IMAGE_SIDE + 1, 1)])?.[2]).toMatch(/the image is 65,537 × 1 pixels/);
		expect(refusal(cocoFormat, [cocoMask(MAX_IMAGE_SIDE, 1)])).toBeNull();
	});

	it('COCO: a mask of another size than its image is refused, not clipped', () => {
		expect(refusal(cocoFormat, [cocoMask(20, 10, 10, 20)])).toEqual(['instances.json', 'annotations[0].segmentation.size', 'the mask is 10 × 20 but its image "a.jpg" is 20 × 10']);
		expect(refusal(cocoFormat, [cocoMask(20, 10)])).toBeNull();
	});

	it('COCO panoptic: a segment PNG whose header is not its image’s size, or over the cap, is refused before decoding', () => {
		const panoptic = (w: number, h: number) =>
			json('annotations/panoptic.json', {
				images: [{ id: 1, file_name: 'a.jpg', width: w, height: h }],
				categories: [{ id: 1, name: 'car', isthing: 1 }],
				annotations: [{ image_id: 1, file_name: 'a.png', segments_info: [] }]
			});
		const huge = pngClaiming(60000, 60000, 'annotations/panoptic/a.png');
		expect(refusal(cocoPanopticFormat, [panoptic(0, 0), huge])).toEqual(['annotations/panoptic/a.png', '', expect.stringMatching(/^the mask is 60,000 × 60,000 pixels, larger/)]);
		expect(refusal(cocoPanopticFormat, [panoptic(8, 6), pngClaiming(9, 6, 'annotations/panoptic/a.png')])).toEqual([
			'annotations/panoptic/a.png',
			'',
			'the mask is 9 × 6 but its image "a.jpg" is 8 × 6'
		]);
	});

	it('semantic masks and VOC segmentation PNGs: the header is checked against the cap and the image before decoding', () => {
		const classes = text('classes.txt', 'background\ncar\n');
		expect(refusal(semanticCodec, [classes, pngClaiming(60000, 60000, 'masks/a.png')])).toEqual(['masks/a.png', '', expect.stringMatching(TOO_LARGE)]);
		expect(refusal(semanticCodec, [classes, png(8, 6, 'images/a.png'), png(8, 7, 'masks/a.png')])).toEqual([
			'masks/a.png',
			'',
			'the mask is 8 × 7 but its image "images/a.png" is 8 × 6'
		]);
		expect(refusal(semanticCodec, [classes, png(8, 6, 'images/a.png'), png(8, 6, 'masks/a.png')])).toBeNull();
		const xml = text('Annotations/a.xml', '<annotation><filename>a.jpg</filename><size><width>8</width><height>6</height></size></annotation>');
		expect(refusal(vocCodec, [xml, pngClaiming(60000, 60000, 'SegmentationClass/a.png')])).toEqual(['SegmentationClass/a.png', '', expect.stringMatching(/the mask is 60,000 × 60,000 pixels/)]);
	});

	it('a PNG whose data unpacks to more than its pixels need (a PNG bomb) is refused before decoding; a real one passes counted', () => {
		// A 100 × 100 grey header over 70 MB of zeros (~70 KB deflated).
		const real = png(100, 100, 'masks/a.png');
		const view = new DataView(real.bytes.buffer, real.bytes.byteOffset);
		const idat = zlibSync(new Uint8Array(70 * 2 ** 20), { level: 9 });
		const chunk = (type: string, data: Uint8Array) => {
			const out = new Uint8Array(12 + data.length);
			new DataView(out.buffer).setUint32(0, data.length);
			out.set(utf8(type), 4);
			out.set(data, 8);
			return out;
		};
		const ihdr = real.bytes.subarray(0, 8 + 25);
		expect(view.getUint32(12)).toBe(0x49484452);
		const bomb = { path: 'masks/a.png', bytes: new Uint8Array([...ihdr, ...chunk('IDAT', idat), ...chunk('IEND', new Uint8Array(0))]) };
		const classes = text('classes.txt', 'background\ncar\n');
		expect(refusal(semanticCodec, [classes, bomb])).toEqual([
			'masks/a.png',
			'',
			'its image data unpacks to more than the 11,124 bytes its 100 × 100 pixels need: a damaged PNG or a PNG bomb'
		]);
		// Counted even when small (no threshold), a real PNG passes; the bomb is refused the same.
		expect(() => checkPngInflates(real.bytes, 'a.png', '', 0)).not.toThrow();
		expect(() => checkPngInflates(bomb.bytes, 'a.png', '', 0)).toThrow(/PNG bomb/);
		expect(refusal(semanticCodec, [classes, real])).toBeNull();
	});

	it('LabelMe: a mask PNG over the cap is refused at its shape', () => {
		const doc = { shapes: [{ label: 'car', shape_type: 'mask', points: [[0, 0], [4, 4]], mask: Buffer.from(pngClaiming(60000, 60000, '').bytes).toString('base64') }], imagePath: 'a.jpg', imageData: null };
		expect(refusal(labelMeCodec, [json('a.json', doc)])).toEqual(['a.json', 'shapes[0].mask', expect.stringMatching(TOO_LARGE)]);
	});

	it('Datumaro: an image or mask over the cap, or a mask larger than its image, is refused; runs are totalled without expanding', () => {
		const doc = (size: number[], rle: { size: number[]; counts: number[] | string }) =>
			json('annotations/default.json', {
				categories: { label: { labels: [{ name: 'car', parent: '' }] } },
				items: [{ id: 'a', image: { path: 'a.jpg', size }, annotations: [{ id: 1, type: 'mask', label_id: 0, rle }] }]
			});
		expect(refusal(datumaroCodec, [doc([60000, 60000], { size: [1, 1], counts: [0, 1] })])).toEqual(['annotations/default.json', 'items[0].image.size', expect.stringMatching(TOO_LARGE)]);
		expect(refusal(datumaroCodec, [doc([0, 0], { size: [60000, 60000], counts: runsToString([0, 3_600_000_000]) })])).toEqual([
			'annotations/default.json',
			'items[0].annotations[0].rle.size',
			expect.stringMatching(/the mask is 60,000 × 60,000 pixels/)
		]);
		expect(refusal(datumaroCodec, [doc([6, 8], { size: [7, 8], counts: [0, 56] })])?.[2]).toBe('the mask is 8 × 7, larger than its image (8 × 6)');
		expect(refusal(datumaroCodec, [doc([6, 8], { size: [6, 8], counts: [0, 49] })])).toEqual([
			'annotations/default.json',
			'items[0].annotations[0].rle.counts',
			'covers 49 pixels, not 8 × 6 = 48'
		]);
	});

	it('YOLO: an image file whose header claims more than the cap is refused, naming it', () => {
		const files = [text('data.yaml', 'names: [car]\n'), pngClaiming(60000, 60000, 'images/train/a.png'), text('labels/train/a.txt', '0 0.5 0.5 0.1 0.1\n')];
		expect(refusal(yoloCodec, files)).toEqual(['images/train/a.png', '', expect.stringMatching(TOO_LARGE)]);
	});
});

describe('shapes with more points than the document allows are refused as they are read', () => {
	const polygon = (points: number) => Array.from({ length: points * 2 }, (_, i) => (i % 4 < 2 ? i % 2 : 5));

	it('COCO: at the cap a polygon reads; one point more is refused naming the ring', () => {
		const coco = (points: number) =>
			json('instances.json', {
				images: [{ id: 1, file_name: 'a.jpg', width: 10, height: 10 }],
				categories: [{ id: 1, name: 'car' }],
				annotations: [{ id: 1, image_id: 1, category_id: 1, segmentation: [polygon(points)] }]
			});
		expect(refusal(cocoFormat, [coco(MAX_SHAPE_POINTS)])).toBeNull();
		expect(refusal(cocoFormat, [coco(MAX_SHAPE_POINTS + 1)])).toEqual(['instances.json', 'annotations[0].segmentation[0]', 'has 50,001 points; a shape may have at most 50,000']);
	});

	it('YOLO and CVAT (text): the line or element is refused before its points are built', () => {
		const line = (points: number) => `0 ${polygon(points).map((v) => v / 10).join(' ')}\n`;
		const yolo = (points: number) => [text('data.yaml', 'names: [car]\n'), png(10, 10, 'images/a.png'), text('labels/a.txt', line(points))];
		expect(refusal(yoloCodec, yolo(MAX_SHAPE_POINTS))).toBeNull();
		expect(refusal(yoloCodec, yolo(MAX_SHAPE_POINTS + 1))).toEqual(['labels/a.txt', 'line 1', 'has 50,001 points; a shape may have at most 50,000']);
		const cvat = (points: number) => {
			const p = polygon(points);
			const pairs = Array.from({ length: points }, (_, i) => `${p[i * 2]},${p[i * 2 + 1]}`).join(';');
			return text('annotations.xml', `<annotations><version>1.1</version><image id="0" name="a.jpg" width="10" height="10"><polygon label="car" points="${pairs}"/></image></annotations>`);
		};
		expect(refusal(cvatCodec, [cvat(MAX_SHAPE_POINTS)])).toBeNull();
		expect(refusal(cvatCodec, [cvat(MAX_SHAPE_POINTS + 1)])).toEqual(['annotations.xml', '<image id="0"> <polygon> 1', 'has 50,001 points; a shape may have at most 50,000']);
	});
});

describe('writers never allocate an image-sized bitmap over the cap', () => {
	it('semantic, VOC and COCO panoptic refuse an image of 60,000 × 60,000 with a mask, naming the image', () => {
		const dataset: Dataset = {
			images: [{ name: 'huge.png', width: 60000, height: 60000 }],
			classes: [{ name: 'car' }],
			annotations: [{ image: 'huge.png', className: 'car', type: 'polygon', geometry: { points: [0, 0, 5, 0, 5, 5] } }]
		};
		for (const codec of [semanticCodec, vocCodec, cocoPanopticFormat]) expect(() => codec.write(dataset, { includeImages: false }), codec.id).toThrow(/^huge\.png: the image is 60,000 × 60,000 pixels, larger than Peerlabel handles/);
		// Formats that need no bitmap write it.
		expect(yoloCodec.write(dataset, { includeImages: false, variant: 'segment' }).files.length).toBeGreaterThan(0);
	});
});

describe('text files', () => {
	it('over the documented size are refused before decoding', () => {
		// A zeroed buffer is not touched: only its size is checked.
		const big = { path: 'instances.json', bytes: new Uint8Array(MAX_TEXT_BYTES + 1) };
		expect(refusal(cocoFormat, [big])).toEqual(['instances.json', '', 'is 500 MB, too large to be an annotation file (at most 500 MB)']);
		// Under the size, the same bytes are decoded (and refused for what they hold).
		expect(refusal(cocoFormat, [{ path: 'instances.json', bytes: new Uint8Array(big.bytes.buffer, 0, 1000) }])?.[2]).toMatch(/is not valid JSON/);
	});
});
