import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import type { DatasetFile } from '$lib/formats/files';
import { detectFormat } from '$lib/formats/registry';
import { semanticCodec } from '$lib/formats/semantic';
import { decodeLabelPng } from '$lib/formats/semantic/label-map';
import { readSemantic } from '$lib/formats/semantic/read';
import { maskBits, maskFromBitmap, type MaskGeometry } from '$lib/shapes/mask/kind';
import { newBitmap, paintPolygon } from '$lib/shapes/mask/raster';
import { decodeText, textFile } from './support/dataset-files';

function maskOf(width: number, height: number, inside: (x: number, y: number) => boolean): MaskGeometry {
	const m = newBitmap(width, height);
	for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (inside(x, y)) m.bits[y * width + x] = 1;
	return maskFromBitmap(m)!;
}

function pixels(g: MaskGeometry, width: number, height: number): Uint8Array {
	const out = new Uint8Array(width * height);
	const bits = maskBits(g);
	for (let j = 0; j < g.height; j++) for (let i = 0; i < g.width; i++) if (bits[j * g.width + i]) out[(g.y + j) * width + g.x + i] = 1;
	return out;
}

const grey = (width: number, height: number, values: number[]) => encode({ width, height, data: Uint8Array.from(values), channels: 1, depth: 8 });
const byPath = (files: DatasetFile[], path: string) => files.find((f) => f.path === path);

describe('semantic masks', () => {
	const road = maskOf(30, 20, (x, y) => y >= 12);
	const car = maskOf(30, 20, (x, y) => x >= 3 && x < 9 && y >= 2 && y < 7);
	const dataset: Dataset = {
		images: [
			{ name: 'street/a.jpg', width: 30, height: 20, bytes: new Uint8Array([9]) },
			{ name: 'b.jpg', width: 30, height: 20 }
		],
		classes: [{ name: 'road', color: '#804080' }, { name: 'car' }, { name: 'sky' }],
		annotations: [
			{ image: 'street/a.jpg', className: 'road', type: 'mask', geometry: road },
			{ image: 'street/a.jpg', className: 'car', type: 'mask', geometry: car },
			{ image: 'street/a.jpg', className: 'sky', type: 'polygon', geometry: { points: [12, 1, 28, 1, 28, 9, 12, 9] } },
			{ image: 'b.jpg', className: 'car', type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } },
			{ image: 'b.jpg', className: 'car', type: 'keypoint', geometry: { x: 1, y: 1 } }
		]
	};
	const written = semanticCodec.write(dataset, { includeImages: true });

	it('writes 8-bit class-index PNGs (value = class index + 1), classes.txt and palette.json', () => {
		expect(written.files.map((f) => f.path)).toEqual(['images/street/a.jpg', 'masks/street/a.png', 'masks/b.png', 'classes.txt', 'palette.json']);
		const png = decodeLabelPng(byPath(written.files, 'masks/street/a.png')!);
		expect([png.width, png.height, png.rgb]).toEqual([30, 20, null]);
		expect(png.index[15 * 30 + 0]).toBe(1); // road
		expect(png.index[3 * 30 + 4]).toBe(2); // car
		expect(png.index[5 * 30 + 20]).toBe(3); // sky
		expect(png.index[0]).toBe(0); // background
		expect(decodeText(byPath(written.files, 'classes.txt'))).toBe('road\ncar\nsky\n');
		expect(JSON.parse(decodeText(byPath(written.files, 'palette.json')))).toEqual([
			{ value: 0, name: 'background', color: '#000000' },
			{ value: 1, name: 'road', color: '#804080' },
			{ value: 2, name: 'car' },
			{ value: 3, name: 'sky' }
		]);
		expect(written.skipped).toEqual({ box: 1, keypoint: 1 });
	});

	it('reads back one mask per class per image, pixel-identical', () => {
		const { dataset: back } = semanticCodec.read(written.files);
		expect(back.images.map((i) => [i.name, i.width, i.height])).toEqual([
			['street/a.jpg', 30, 20],
			['b.png', 30, 20] // no image file: named after its mask
		]);
		expect(readSemantic(written.files, { images: dataset.images }).dataset.images[1].name).toBe('b.jpg');
		expect(back.images[0].bytes).toEqual(new Uint8Array([9]));
		expect(back.classes).toEqual([{ name: 'road', color: '#804080' }, { name: 'car' }, { name: 'sky' }]);
		expect(back.annotations.map((a) => [a.image, a.className, a.type])).toEqual([
			['street/a.jpg', 'road', 'mask'],
			['street/a.jpg', 'car', 'mask'],
			['street/a.jpg', 'sky', 'mask']
		]);
		expect(pixels(back.annotations[0].geometry as MaskGeometry, 30, 20)).toEqual(pixels(road, 30, 20));
		expect(pixels(back.annotations[1].geometry as MaskGeometry, 30, 20)).toEqual(pixels(car, 30, 20));
		const sky = newBitmap(30, 20);
		paintPolygon(sky, [12, 1, 28, 1, 28, 9, 12, 9], 1);
		expect(pixels(back.annotations[2].geometry as MaskGeometry, 30, 20)).toEqual(sky.bits);
		expect(detectFormat(written.files)?.id).toBe('semantic');
	});

	it('paints later annotations over earlier ones', () => {
		const d: Dataset = {
			images: [{ name: 'o.png', width: 4, height: 1 }],
			classes: [{ name: 'a' }, { name: 'b' }],
			annotations: [
				{ image: 'o.png', className: 'a', type: 'mask', geometry: maskOf(4, 1, (x) => x < 3) },
				{ image: 'o.png', className: 'b', type: 'mask', geometry: maskOf(4, 1, (x) => x >= 2) }
			]
		};
		const png = decodeLabelPng(semanticCodec.write(d, { includeImages: false }).files[0]);
		expect([...png.index]).toEqual([1, 1, 2, 2]);
	});

	it('reads classes.txt with the background on its first line (labelme2voc style)', () => {
		const files = [textFile('classes.txt', '_background_\r\ncat\r\ndog\r\n'), { path: 'masks/x.png', bytes: grey(3, 1, [0, 2, 1]) }];
		const { dataset: d } = semanticCodec.read(files);
		expect(d.classes.map((c) => c.name)).toEqual(['cat', 'dog']);
		expect(d.annotations.map((a) => [a.className, a.geometry])).toEqual([
			['cat', expect.objectContaining({ x: 2, y: 0, width: 1, height: 1 })],
			['dog', expect.objectContaining({ x: 1, y: 0, width: 1, height: 1 })]
		]);
		expect(d.images).toEqual([{ name: 'x.png', width: 3, height: 1 }]);
	});

	it.each([
		['a PNG that is not a PNG', [textFile('classes.txt', 'cat\n'), textFile('masks/x.png', 'not a png')], 'masks/x.png', '', /not a readable PNG/],
		['a value no class is named for', [textFile('classes.txt', 'cat\n'), { path: 'masks/x.png', bytes: grey(3, 1, [0, 1, 7]) }], 'masks/x.png', 'pixel (2, 0)', /value 7/],
		['a colour PNG', [textFile('classes.txt', 'cat\n'), { path: 'masks/x.png', bytes: encode({ width: 1, height: 1, data: Uint8Array.from([1, 2, 3]), channels: 3 }) }], 'masks/x.png', '', /colour PNG/],
		['no class names', [{ path: 'masks/x.png', bytes: grey(1, 1, [0]) }], 'masks/', '', /classes.txt or palette.json/],
		['palette.json entries without names', [textFile('palette.json', '[{"value": 1}]'), { path: 'masks/x.png', bytes: grey(1, 1, [0]) }], 'palette.json', '[0]', /name/]
	])('refuses %s, naming the file and the place', (_, files, file, place, problem) => {
		let error: unknown;
		try {
			semanticCodec.read(files as DatasetFile[]);
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(FormatError);
		expect([(error as FormatError).file, (error as FormatError).place]).toEqual([file, place]);
		expect((error as FormatError).problem).toMatch(problem);
	});
});
