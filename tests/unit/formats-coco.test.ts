import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { decode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { cocoFormat, cocoPanopticFormat } from '$lib/formats/coco';
import { bitmapOf, cocoRleOf, cocoRleOfMask, maskOfRuns, paintPolygonAsCoco, rasteriseParts } from '$lib/formats/coco/masks';
import { ellipsePolygon } from '$lib/shapes/ellipse/kind';
import type { Dataset } from '$lib/formats/dataset';
import { FormatError } from '$lib/formats/errors';
import { textOf, type DatasetFile } from '$lib/formats/files';
import { formatById } from '$lib/formats/registry';
import { maskBits, type MaskGeometry } from '$lib/shapes/mask/kind';
import { newBitmap } from '$lib/shapes/mask/raster';
import { encodeMask, runsToString, stringToRuns } from '$lib/shapes/mask/rle';
import { rotatedBoxCorners } from '$lib/shapes/rotatedBox/kind';
import { shapeKind } from '$lib/shapes/registry';

const FIXTURES = '../shared/fixtures/coco';
const VECTORS = '../shared/fixtures/rle_vectors/vectors.json';
const MALFORMED = 'tests/fixtures/malformed/coco';

function filesUnder(dir: string): DatasetFile[] {
	const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
	return walk(dir).map((p) => ({ path: relative(dir, p), bytes: new Uint8Array(readFileSync(p)) }));
}

function jsonFile(files: DatasetFile[], path: string): Record<string, unknown> {
	const f = files.find((x) => x.path === path);
	if (!f) throw new Error(`${path} was not written; got ${files.map((x) => x.path).join(', ')}`);
	return JSON.parse(textOf(f));
}

/** A whole-pixel mask of ours (a crop) from row-major bits. */
function cropMask(x: number, y: number, width: number, height: number, bits: Uint8Array): MaskGeometry {
	return { x, y, width, height, rle: encodeMask(bits, width, height) };
}

/** A dataset with one 20 × 20 image holding one mask, written as COCO; the segmentation it got. */
function exportMask(mask: MaskGeometry, size = { width: 20, height: 20 }) {
	const d: Dataset = {
		images: [{ name: 'm.png', ...size }],
		classes: [{ name: 'thing' }],
		annotations: [{ image: 'm.png', className: 'thing', type: 'mask', geometry: mask }]
	};
	const { files } = cocoFormat.write(d, { includeImages: false });
	const json = jsonFile(files, 'annotations/instances_default.json');
	return { files, annotation: (json.annotations as Record<string, unknown>[])[0] };
}

describe.skipIf(!existsSync(VECTORS))('COCO RLE: the test vectors (../shared/fixtures/rle_vectors missing)', () => {
	const vectors = existsSync(VECTORS) ? JSON.parse(readFileSync(VECTORS, 'utf8')) : {};

	it('writes and reads every run list as pycocotools does, through a full-image mask', () => {
		for (const { counts, string } of vectors.runs_to_string as { counts: number[]; string: string }[]) {
			expect(runsToString(counts)).toBe(string);
			expect(stringToRuns(string)).toEqual(counts);
			// A one-column image as tall as the runs cover: our crop form, then the export's full-image string.
			const height = counts.reduce((s, n) => s + n, 0);
			const mask = maskOfRuns(counts, height, 1)!;
			expect(cocoRleOf(bitmapOf(mask, 1, height)).rle.counts).toBe(string);
		}
	});

	it('exports each box mask of a 20 × 20 image as the expected string, and reads it back to the same crop', () => {
		for (const { bbox, string } of vectors.box_masks_20x20.cases as { bbox: number[]; string: string }[]) {
			const [x, y, w, h] = bbox;
			const cw = Math.min(w, 20 - x),
				ch = Math.min(h, 20 - y);
			const mask = cropMask(x, y, cw, ch, new Uint8Array(cw * ch).fill(1));
			const { files, annotation } = exportMask(mask);
			expect(annotation.segmentation).toEqual({ size: [20, 20], counts: string });
			expect(annotation.area).toBe(cw * ch);
			expect(annotation.bbox).toEqual([x, y, cw, ch]);
			const back = cocoFormat.read(files).dataset.annotations[0];
			expect(back.type).toBe('mask');
			expect(back.geometry).toEqual(mask);
		}
	});

	it('exports the union of the box masks as pycocotools merges them; the intersection is empty', () => {
		const union = newBitmap(20, 20);
		for (const { bbox } of vectors.box_masks_20x20.cases as { bbox: number[] }[])
			for (let j = bbox[1]; j < Math.min(20, bbox[1] + bbox[3]); j++) for (let i = bbox[0]; i < Math.min(20, bbox[0] + bbox[2]); i++) union.bits[j * 20 + i] = 1;
		const mask = maskOfRuns(stringToRuns(encodeMask(union.bits, 20, 20)), 20, 20)!;
		expect(exportMask(mask).annotation.segmentation).toEqual({ size: [20, 20], counts: vectors.merge_of_box_masks_20x20.union_string });
		expect(cocoRleOf(newBitmap(20, 20)).rle.counts).toBe(vectors.merge_of_box_masks_20x20.intersection_string);
	});

	it('rasterises polygons exactly as pycocotools (used for polygons with holes)', () => {
		for (const { polygon, string } of vectors.polygon_masks_20x20.cases as { polygon: number[]; string: string }[]) {
			const m = newBitmap(20, 20);
			paintPolygonAsCoco(m, polygon, 1);
			expect(encodeMask(m.bits, 20, 20)).toBe(string);
			expect(cocoRleOf(rasteriseParts([{ points: polygon }], 20, 20)).rle.counts).toBe(string);
		}
	});

	it('builds the full-image string from a crop, and the crop from full-image runs, as the whole bitmap would', () => {
		let seed = 7;
		const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
		for (let k = 0; k < 200; k++) {
			const W = 1 + Math.floor(random() * 12),
				H = 1 + Math.floor(random() * 12);
			const image = newBitmap(W, H);
			for (let p = 0; p < W * H; p++) image.bits[p] = random() < 0.3 ? 1 : 0;
			const mask = maskOfRuns(stringToRuns(encodeMask(image.bits, W, H)), H, W);
			if (!mask) {
				expect(image.bits.every((b) => !b)).toBe(true);
				continue;
			}
			expect(shapeKind('mask').validate(mask, { width: W, height: H })).toEqual({ ok: true, geometry: mask });
			expect(bitmapOf(mask, W, H).bits).toEqual(image.bits);
			expect(cocoRleOfMask(mask, W, H)).toEqual(cocoRleOf(image));
		}
	});

	it('reads a string that starts with zero-length runs, and refuses one whose runs overflow the size', () => {
		const file = (counts: string): DatasetFile[] => [
			{
				path: 'instances_default.json',
				bytes: new TextEncoder().encode(
					JSON.stringify({
						images: [{ id: 1, file_name: 'a.png', width: 20, height: 20 }],
						categories: [{ id: 1, name: 'x' }],
						annotations: [{ id: 1, image_id: 1, category_id: 1, iscrowd: 1, segmentation: { size: [20, 20], counts } }]
					})
				)
			}
		];
		const full = cocoFormat.read(file(runsToString([0, 0, 0, 400]))).dataset.annotations[0];
		expect(full.geometry).toMatchObject({ x: 0, y: 0, width: 20, height: 20 });
		expect(maskBits(full.geometry as MaskGeometry).every((b) => b === 1)).toBe(true);
		expect(full.crowd).toBe(true);
		expect(() => cocoFormat.read(file(runsToString([0, 300, 200])))).toThrow(/annotations\[0\]\.segmentation\.counts.*covers 500 pixels/);
	});
});

describe('COCO write → read keeps every type COCO can carry', () => {
	const person = { points: [{ name: 'head', x: 0.5, y: 0 }, { name: 'hip', x: 0.5, y: 0.5 }, { name: 'foot', x: 0.5, y: 1 }], edges: [[0, 1], [1, 2]] as [number, number][] };
	const holeBits = new Uint8Array(12).fill(1);
	holeBits[5] = 0;
	const dataset: Dataset = {
		images: [
			{ name: 'street/a.jpg', width: 100, height: 80, bytes: new Uint8Array([1, 2, 3]) },
			{ name: 'b.jpg', width: 64, height: 48 }
		],
		classes: [{ name: 'car' }, { name: 'road' }, { name: 'person', skeleton: person }, { name: 'pin' }, { name: 'blob' }, { name: 'sunny' }],
		annotations: [
			{ image: 'street/a.jpg', className: 'car', type: 'box', geometry: { x: 10.25, y: 20.5, width: 30.125, height: 15 }, attributes: { color: 'red', doors: 4, parked: true, tags: ['a', 'b'] } },
			{ image: 'street/a.jpg', className: 'road', type: 'polygon', geometry: { points: [1.5, 2.25, 40, 2.25, 40, 30.75, 1.5, 30.75] } },
			{ image: 'street/a.jpg', className: 'road', type: 'polygon', geometry: { points: [50, 10, 90, 10, 90, 60, 50, 60], holes: [[60, 20, 80, 20, 80, 40, 60, 40]] } },
			{ image: 'street/a.jpg', className: 'car', type: 'rotatedBox', geometry: { cx: 50, cy: 40, width: 20, height: 10, angle: 30 } },
			{ image: 'street/a.jpg', className: 'car', type: 'ellipse', geometry: { cx: 30, cy: 50, rx: 10, ry: 5, angle: -20 } },
			{ image: 'b.jpg', className: 'person', type: 'skeleton', geometry: { points: [10, 5, 10.5, 20, 0, 0], visibility: [2, 1, 0] } },
			{ image: 'b.jpg', className: 'pin', type: 'keypoint', geometry: { x: 33.5, y: 12.25 } },
			{ image: 'b.jpg', className: 'blob', type: 'mask', geometry: cropMask(5, 6, 4, 3, holeBits), crowd: true },
			{ image: 'b.jpg', className: 'sunny', type: 'tag', geometry: {} },
			{ image: 'b.jpg', className: 'car', type: 'polyline', geometry: { points: [1, 1, 10, 10] } },
			{ image: 'b.jpg', className: 'car', type: 'cuboid', geometry: { points: [1, 1, 5, 1, 5, 5, 1, 5, 2, 2, 6, 2, 6, 6, 2, 6] } }
		]
	};
	const written = cocoFormat.write(dataset, { includeImages: true });
	const back = cocoFormat.read(written.files);
	const of = (type: string) => back.dataset.annotations.filter((a) => a.type === type);

	it('writes one instances JSON, the image files, image_tags.json, and counts what COCO cannot carry', () => {
		expect(written.files.map((f) => f.path).sort()).toEqual(['annotations/image_tags.json', 'annotations/instances_default.json', 'images/street/a.jpg']);
		expect(written.skipped).toEqual({ polyline: 1, cuboid: 1 });
		const json = jsonFile(written.files, 'annotations/instances_default.json');
		expect(json.licenses).toEqual([]);
		expect(json.images).toEqual([
			{ id: 1, file_name: 'street/a.jpg', width: 100, height: 80 },
			{ id: 2, file_name: 'b.jpg', width: 64, height: 48 }
		]);
		const categories = json.categories as Record<string, unknown>[];
		expect(categories.map((c) => [c.id, c.name])).toEqual([[1, 'car'], [2, 'road'], [3, 'person'], [4, 'pin'], [5, 'blob'], [6, 'sunny']]);
		expect(categories[2]).toMatchObject({ keypoints: ['head', 'hip', 'foot'], skeleton: [[1, 2], [2, 3]] });
		expect(categories[3]).toMatchObject({ keypoints: ['point'], skeleton: [] });
		const annotations = json.annotations as Record<string, unknown>[];
		expect(annotations[0]).toMatchObject({ id: 1, image_id: 1, category_id: 1, bbox: [10.25, 20.5, 30.125, 15], area: 30.125 * 15, iscrowd: 0, segmentation: [], attributes: { color: 'red', doors: 4, parked: true } });
		expect(annotations[1]).toMatchObject({ bbox: [1.5, 2.25, 38.5, 28.5], area: 38.5 * 28.5, segmentation: [[1.5, 2.25, 40, 2.25, 40, 30.75, 1.5, 30.75]] });
		expect(annotations[2].segmentation).toMatchObject({ size: [80, 100] });
		expect(annotations[2]).toMatchObject({ area: 40 * 50 - 20 * 20, bbox: [50, 10, 40, 50] });
		expect(annotations[5]).toMatchObject({ keypoints: [10, 5, 2, 10.5, 20, 1, 0, 0, 0], num_keypoints: 2, bbox: [10, 5, 0.5, 15] });
		expect(annotations[6]).toMatchObject({ category_id: 4, keypoints: [33.5, 12.25, 2], num_keypoints: 1 });
		expect(annotations[7]).toMatchObject({ iscrowd: 1, area: 11, bbox: [5, 6, 4, 3] });
		expect(jsonFile(written.files, 'annotations/image_tags.json')).toEqual({
			categories: categories.map((c) => ({ id: c.id, name: c.name })),
			images: [{ image_id: 2, file_name: 'b.jpg', tags: ['sunny'] }]
		});
	});

	it('reads back boxes and polygons exactly, with their attributes', () => {
		expect(back.dataset.images.map((i) => [i.name, i.width, i.height])).toEqual([['street/a.jpg', 100, 80], ['b.jpg', 64, 48]]);
		expect(back.dataset.images[0].bytes).toEqual(new Uint8Array([1, 2, 3]));
		expect(back.dataset.classes.map((c) => c.name)).toEqual(['car', 'road', 'person', 'pin', 'blob', 'sunny']);
		expect(of('box')).toEqual([expect.objectContaining({ image: 'street/a.jpg', className: 'car', geometry: { x: 10.25, y: 20.5, width: 30.125, height: 15 }, attributes: { color: 'red', doors: 4, parked: true, tags: ['a', 'b'] } })]);
		expect(of('polygon')[0].geometry).toEqual({ points: [1.5, 2.25, 40, 2.25, 40, 30.75, 1.5, 30.75] });
	});

	it('reads rotated boxes and ellipses back as their polygons', () => {
		const [, rotated, ellipse] = of('polygon').map((a) => (a.geometry as { points: number[] }).points);
		const corners = rotatedBoxCorners({ cx: 50, cy: 40, width: 20, height: 10, angle: 30 });
		rotated.forEach((v, i) => expect(v).toBeCloseTo(corners[i], 6));
		expect(ellipse).toHaveLength(128);
		ellipse.forEach((v, i) => expect(v).toBeCloseTo(ellipsePolygon({ cx: 30, cy: 50, rx: 10, ry: 5, angle: -20 })[i], 6));
	});

	it('reads masks back pixel for pixel (crowd kept); a polygon with a hole comes back as its mask', () => {
		const [holed, blob] = of('mask');
		expect(blob).toMatchObject({ className: 'blob', crowd: true, geometry: cropMask(5, 6, 4, 3, holeBits) });
		expect(holed.className).toBe('road');
		const expected = rasteriseParts([{ points: [50, 10, 90, 10, 90, 60, 50, 60], holes: [[60, 20, 80, 20, 80, 40, 60, 40]] }], 100, 80);
		expect(bitmapOf(holed.geometry as MaskGeometry, 100, 80).bits).toEqual(expected.bits);
	});

	it('reads skeletons with their points, visibility and template; single keypoints stay keypoints; tags come back', () => {
		expect(back.dataset.classes[2].skeleton).toMatchObject({ points: [{ name: 'head' }, { name: 'hip' }, { name: 'foot' }], edges: [[0, 1], [1, 2]] });
		expect(of('skeleton')).toEqual([expect.objectContaining({ className: 'person', geometry: { points: [10, 5, 10.5, 20, 0, 0], visibility: [2, 1, 0] } })]);
		expect(back.dataset.classes[3].skeleton).toBeUndefined();
		expect(of('keypoint')).toEqual([expect.objectContaining({ className: 'pin', geometry: { x: 33.5, y: 12.25 } })]);
		expect(of('tag')).toEqual([expect.objectContaining({ image: 'b.jpg', className: 'sunny' })]);
		expect(back.dataset.annotations).toHaveLength(dataset.annotations.length - 2);
		for (const a of back.dataset.annotations) {
			const image = back.dataset.images.find((i) => i.name === a.image)!;
			expect(shapeKind(a.type).validate(a.geometry, image).ok).toBe(true);
		}
	});

	it('writes one file per split with images under images/<split>/, and reads the split back', () => {
		const split: Dataset = { ...dataset, images: [{ ...dataset.images[0], split: 'train' }, { ...dataset.images[1], split: 'val' }] };
		const { files } = cocoFormat.write(split, { includeImages: true });
		expect(files.map((f) => f.path).sort()).toEqual(['annotations/image_tags.json', 'annotations/instances_train.json', 'annotations/instances_val.json', 'images/train/street/a.jpg']);
		expect((jsonFile(files, 'annotations/instances_val.json').images as unknown[]).length).toBe(1);
		const read = cocoFormat.read(files).dataset;
		expect(read.images.map((i) => [i.name, i.split])).toEqual([['street/a.jpg', 'train'], ['b.jpg', 'val']]);
		expect(read.images[0].bytes).toEqual(new Uint8Array([1, 2, 3]));
		expect(read.annotations).toHaveLength(back.dataset.annotations.length);
	});

	it('is found by id and detected from its own output', () => {
		expect(formatById('coco')).toBe(cocoFormat);
		expect(cocoFormat.detect(written.files)).toBeGreaterThan(0.9);
		expect(cocoPanopticFormat.detect(written.files)).toBe(0);
	});
});

describe('COCO ids and objects read by id', () => {
	it('maps string and huge category ids; one object with keypoints and two rings becomes a skeleton and a two-part polygon of one instance', () => {
		const json = {
			images: [{ id: 'img-1', file_name: 'sub/x.jpg', width: 40, height: 40, extra: { ignored: true } }],
			categories: [
				{ id: 'dog', name: 'dog' },
				{ id: 900100139099, name: 'person', keypoints: ['a', 'b'], skeleton: [[1, 2], [2, 9]] }
			],
			annotations: [
				{ id: 5, image_id: 'img-1', category_id: 'dog', bbox: [1, 1, 4, 4], iscrowd: 'false' },
				{ id: 6, image_id: 'img-1', category_id: 900100139099, iscrowd: true, keypoints: [2, 2, 2, 8, 8, 1], segmentation: [[0, 0, 10, 0, 10, 10], [20, 20, 30, 20, 30, 30]] }
			]
		};
		const { dataset, warnings } = cocoFormat.read([{ path: 'a.json', bytes: new TextEncoder().encode(JSON.stringify(json)) }]);
		expect(dataset.annotations.map((a) => [a.className, a.type, a.instanceId, a.crowd ?? false])).toEqual([
			['dog', 'box', undefined, false],
			['person', 'skeleton', 6, true],
			['person', 'polygon', 6, true]
		]);
		expect(dataset.annotations[2].geometry).toEqual({ points: [0, 0, 10, 0, 10, 10], parts: [{ points: [20, 20, 30, 20, 30, 30] }] });
		expect(dataset.classes[1].skeleton!.edges).toEqual([[0, 1]]);
		expect(warnings.join()).toMatch(/categories\[1\]\.skeleton\): 1 edge join/);
	});
});

describe('COCO results files', () => {
	const results: DatasetFile = {
		path: 'detections.json',
		bytes: new TextEncoder().encode(JSON.stringify([{ image_id: 7, category_id: 3, bbox: [1, 2, 10, 20], score: 0.75 }]))
	};
	const gt: DatasetFile = {
		path: 'instances_val.json',
		bytes: new TextEncoder().encode(JSON.stringify({ images: [{ id: 7, file_name: 'x.jpg', width: 50, height: 50 }], categories: [{ id: 3, name: 'dog' }], annotations: [] }))
	};

	it('are read with their scores beside the dataset they were computed on', () => {
		const d = cocoFormat.read([results, gt]).dataset;
		expect(d.annotations).toEqual([expect.objectContaining({ image: 'x.jpg', className: 'dog', type: 'box', score: 0.75, geometry: { x: 1, y: 2, width: 10, height: 20 } })]);
	});

	it('are refused alone, saying why', () => {
		expect(() => cocoFormat.read([results])).toThrow(/detections\.json: is a COCO results file .* together with the one dataset JSON/);
	});
});

describe('COCO panoptic', () => {
	const square = (x: number, y: number, n: number) => cropMask(x, y, n, n, new Uint8Array(n * n).fill(1));
	const dataset: Dataset = {
		images: [{ name: 'scenes/p.png', width: 30, height: 20 }],
		classes: [{ name: 'sky', semantic: true }, { name: 'car' }],
		annotations: [
			{ image: 'scenes/p.png', className: 'sky', type: 'mask', geometry: cropMask(0, 0, 30, 5, new Uint8Array(150).fill(1)) },
			{ image: 'scenes/p.png', className: 'car', type: 'mask', geometry: square(2, 8, 5) },
			{ image: 'scenes/p.png', className: 'car', type: 'polygon', geometry: { points: [10, 8, 20, 8, 20, 18, 10, 18] }, crowd: true },
			// Drawn over the first car: that car keeps only what this one leaves.
			{ image: 'scenes/p.png', className: 'car', type: 'mask', geometry: square(4, 8, 5) },
			{ image: 'scenes/p.png', className: 'car', type: 'box', geometry: { x: 1, y: 1, width: 3, height: 3 } }
		]
	};
	const written = cocoFormat.write(dataset, { includeImages: false, variant: 'panoptic' });

	it('writes panoptic.json and an RGB PNG whose pixels are the segment ids', () => {
		expect(written.files.map((f) => f.path)).toEqual(['annotations/panoptic.json', 'annotations/panoptic/scenes/p.png']);
		expect(written.skipped).toEqual({ box: 1 });
		const json = jsonFile(written.files, 'annotations/panoptic.json');
		expect(json.categories).toEqual([
			{ id: 1, name: 'sky', supercategory: '', isthing: 0 },
			{ id: 2, name: 'car', supercategory: '', isthing: 1 }
		]);
		expect(json.annotations).toEqual([
			{
				image_id: 1,
				file_name: 'scenes/p.png',
				segments_info: [
					{ id: 1, category_id: 1, iscrowd: 0, area: 150, bbox: [0, 0, 30, 5] },
					{ id: 2, category_id: 2, iscrowd: 0, area: 10, bbox: [2, 8, 2, 5] },
					{ id: 3, category_id: 2, iscrowd: 1, area: 100, bbox: [10, 8, 10, 10] },
					{ id: 4, category_id: 2, iscrowd: 0, area: 25, bbox: [4, 8, 5, 5] }
				]
			}
		]);
		const png = decode(written.files[1].bytes);
		expect([png.width, png.height, png.channels]).toEqual([30, 20, 3]);
		const idAt = (x: number, y: number) => png.data[(y * 30 + x) * 3] + 256 * png.data[(y * 30 + x) * 3 + 1] + 65536 * png.data[(y * 30 + x) * 3 + 2];
		expect([idAt(0, 0), idAt(2, 8), idAt(4, 8), idAt(15, 15), idAt(29, 19)]).toEqual([1, 2, 4, 3, 0]);
	});

	it('reads back every segment as a mask of its class, semantic classes marked', () => {
		expect(cocoPanopticFormat.detect(written.files)).toBeGreaterThan(0.9);
		const { dataset: d } = cocoPanopticFormat.read(written.files);
		expect(d.classes).toEqual([{ name: 'sky', semantic: true }, { name: 'car' }]);
		expect(d.annotations.map((a) => [a.className, a.type, a.crowd ?? false])).toEqual([
			['sky', 'mask', false],
			['car', 'mask', false],
			['car', 'mask', true],
			['car', 'mask', false]
		]);
		expect(d.annotations[0].geometry).toEqual(dataset.annotations[0].geometry);
		expect(d.annotations[1].geometry).toEqual(cropMask(2, 8, 2, 5, new Uint8Array(10).fill(1)));
		expect(d.annotations[2].geometry).toEqual(square(10, 8, 10));
		expect(d.annotations[3].geometry).toEqual(dataset.annotations[3].geometry);
	});

	it('refuses a panoptic JSON whose PNG is missing, naming the annotation', () => {
		expect(() => cocoPanopticFormat.read([written.files[0]])).toThrow(/panoptic\.json \(annotations\[0\]\.file_name\): its segment image "scenes\/p\.png"/);
	});
});

/** What each real file reads as: images, classes, annotations by type (counted from the files by hand). */
const FIXTURE_COUNTS: { dir: string; files?: string[]; images: number; classes: number; types: Record<string, number>; withBytes?: number; warnings?: RegExp }[] = [
	// 2 images with "images/a.jpg" names; 1 bbox-only, 2 one-ring polygons, 1 two-ring polygon (one polygon in 2 parts).
	{ dir: 'dagshub_minimal', images: 2, classes: 2, types: { box: 1, polygon: 3 } },
	// Empty file_name (named image_<id>), huge category ids, uncompressed RLE with area 0.
	{ dir: 'darwin_export', images: 1, classes: 2, types: { polygon: 1, mask: 1 }, warnings: /no file_name/ },
	// train (bbox only) + val (polygon, uncompressed RLE crowd); category ids 1, 2, 4.
	{ dir: 'datumaro_instances', images: 2, classes: 3, types: { box: 1, polygon: 1, mask: 1 }, withBytes: 2 },
	// Empty keypoint names, 0-based skeleton; both annotations carry keypoints and a segmentation.
	{ dir: 'datumaro_person_keypoints_empty_names', images: 1, classes: 2, types: { skeleton: 2, polygon: 1, mask: 1 } },
	// train: 1 keypoints-only annotation; val: 2 keypoint annotations with a polygon and an RLE.
	{ dir: 'datumaro_person_keypoints_named', images: 2, classes: 2, types: { skeleton: 3, polygon: 1, mask: 1 }, withBytes: 2 },
	// 14 keypoints; 9 people with keypoints, 1 all-zero (read as its box); 3 skeleton edges out of range.
	{ dir: 'faster_coco_eval_crowdpose', images: 4, classes: 1, types: { skeleton: 9, box: 1 }, warnings: /3 edges join points/ },
	{ dir: 'faster_coco_eval_ignore', images: 1, classes: 1, types: { box: 14 } },
	// 11 people with keypoints, 3 with none labelled (boxes), no segmentation key.
	{ dir: 'faster_coco_eval_keypoints', images: 1, classes: 1, types: { skeleton: 11, box: 3 } },
	{ dir: 'faster_coco_eval_shapes', images: 3, classes: 4, types: { polygon: 9 }, withBytes: 3 },
	// iscrowd "false"; one polygon of 2 rings (one annotation in 2 parts).
	{ dir: 'label_studio_import_input', images: 2, classes: 2, types: { polygon: 2 } },
	// 10 one-ring, 1 two-ring and 1 four-ring objects: one polygon each.
	{ dir: 'labelme2coco_output', images: 3, classes: 21, types: { polygon: 12 } },
	// 14 people: 12 with keypoints; segmentations of 1 ring (13) and 4 rings (1): one polygon each.
	{ dir: 'mmpose_person_keypoints', images: 4, classes: 1, types: { skeleton: 12, polygon: 14 }, withBytes: 4 },
	{ dir: 'sam_style_compressed_rle', files: ['a.json', 'a.jpg'], images: 1, classes: 1, types: { mask: 1 }, withBytes: 1 },
	// An empty mask whose size disagrees with the image: nothing to keep.
	{ dir: 'sam_style_compressed_rle', files: ['b.json'], images: 1, classes: 1, types: {}, warnings: /the mask is empty/ }
];

describe.skipIf(!existsSync(FIXTURES))('COCO files written by other tools (../shared/fixtures/coco missing)', () => {
	for (const expected of FIXTURE_COUNTS)
		it(`reads ${expected.dir}${expected.files ? `/${expected.files[0]}` : ''}`, () => {
			const all = filesUnder(join(FIXTURES, expected.dir));
			const files = expected.files ? all.filter((f) => expected.files!.includes(f.path)) : all;
			expect(cocoFormat.detect(files)).toBeGreaterThan(0);
			const { dataset, warnings } = cocoFormat.read(files);
			const types: Record<string, number> = {};
			for (const a of dataset.annotations) types[a.type] = (types[a.type] ?? 0) + 1;
			expect({ images: dataset.images.length, classes: dataset.classes.length, types }).toEqual({ images: expected.images, classes: expected.classes, types: expected.types });
			expect(dataset.images.filter((i) => i.bytes).length).toBe(expected.withBytes ?? 0);
			if (expected.warnings) expect(warnings.join('\n')).toMatch(expected.warnings);
			for (const a of dataset.annotations) {
				const image = dataset.images.find((i) => i.name === a.image)!;
				const size = image.width ? image : { width: 1e9, height: 1e9 };
				expect(shapeKind(a.type).validate(a.geometry, size).ok).toBe(true);
				if (a.type === 'skeleton') expect((a.geometry as { visibility: number[] }).visibility.length).toBe(dataset.classes.find((c) => c.name === a.className)!.skeleton!.points.length);
			}
		});

	it('keeps the details of real files: names with folders, 1-based and 0-based skeletons, crowd, attributes', () => {
		const dagshub = cocoFormat.read(filesUnder(join(FIXTURES, 'dagshub_minimal'))).dataset;
		expect(dagshub.images.map((i) => i.name)).toEqual(['images/a.jpg', 'images/b.jpg']);
		const mmpose = cocoFormat.read(filesUnder(join(FIXTURES, 'mmpose_person_keypoints'))).dataset;
		expect(mmpose.classes[0].skeleton!.edges).toHaveLength(19);
		expect(mmpose.classes[0].skeleton!.edges[0]).toEqual([15, 13]);
		const datumaro = cocoFormat.read(filesUnder(join(FIXTURES, 'datumaro_instances'))).dataset;
		expect(datumaro.images.map((i) => [i.name, i.split, i.width, i.height])).toEqual([['a.jpg', 'train', 10, 5], ['b.jpg', 'val', 5, 10]]);
		const polygon = datumaro.annotations.find((a) => a.type === 'polygon')!;
		expect(polygon.attributes).toEqual({ x: 1, y: 'hello' });
		const rle = datumaro.annotations.find((a) => a.type === 'mask')!;
		// counts [0, 20, 30] on 10 × 5: the first two columns.
		expect(rle).toMatchObject({ crowd: true, geometry: cropMask(0, 0, 2, 10, new Uint8Array(20).fill(1)) });
		const named = cocoFormat.read(filesUnder(join(FIXTURES, 'datumaro_person_keypoints_named'))).dataset;
		expect(named.classes[0].skeleton).toMatchObject({ points: [{ name: 'a_1' }, { name: 'a_2' }, { name: 'a_3' }], edges: [[0, 1], [1, 2]] });
		const occluded = named.annotations.find((a) => a.image === 'a.jpg')!;
		// The file's bbox is the person's box, not its points' bounds: kept as the skeleton's box.
		expect(occluded.geometry).toEqual({ points: [0, 0, 0, 2, 4, 1], visibility: [0, 1, 2], box: { x: 2, y: 2, width: 3, height: 1 } });
		const labelStudio = cocoFormat.read(filesUnder(join(FIXTURES, 'label_studio_import_input'))).dataset;
		// The object of 2 rings is one polygon in 2 parts.
		const parts = labelStudio.annotations.filter((a) => a.type === 'polygon' && (a.geometry.parts?.length ?? 0) > 0);
		expect(parts).toHaveLength(1);
		expect(parts[0].type === 'polygon' && parts[0].geometry.parts).toHaveLength(1);
		expect(labelStudio.annotations.every((a) => !a.crowd)).toBe(true);
	});

	it('reads the cocoapi results files beside a dataset naming their images, keeping every score', () => {
		for (const [name, count] of [
			['instances_val2014_fakebbox100_results.json', 734],
			['instances_val2014_fakesegm100_results.json', 734],
			['person_keypoints_val2014_fakekeypoints100_results.json', 125]
		] as const) {
			const file = filesUnder(join(FIXTURES, 'cocoapi_results')).find((f) => f.path === name)!;
			const results = JSON.parse(textOf(file)) as { image_id: number; category_id: number; segmentation?: { size: number[] } }[];
			expect(results).toHaveLength(count);
			expect(() => cocoFormat.read([file])).toThrow(FormatError);
			// The val2014 dataset is not among the fixtures: one naming its images and categories stands in.
			const images = [...new Map(results.map((r) => [r.image_id, r.segmentation?.size ?? [640, 640]])).entries()].map(([id, [h, w]]) => ({ id, file_name: `${id}.jpg`, width: w, height: h }));
			const categories = [...new Set(results.map((r) => r.category_id))].map((id) => ({ id, name: `c${id}`, ...(name.startsWith('person') ? { keypoints: Array.from({ length: 17 }, (_, i) => `k${i}`) } : {}) }));
			const gt = { path: 'instances_val2014.json', bytes: new TextEncoder().encode(JSON.stringify({ images, categories, annotations: [] })) };
			const { dataset, warnings } = cocoFormat.read([file, gt]);
			expect(dataset.annotations.length + warnings.length).toBe(count);
			expect(dataset.annotations.every((a) => typeof a.score === 'number')).toBe(true);
		}
	});
});

/** Each broken file and the place its error must name. */
const MALFORMED_PLACES: Record<string, RegExp> = {
	'annotations_not_objects.json': /\(annotations\[0\]\): should be an object/,
	'bbox_string.json': /\(annotations\[0\]\.bbox\): should be a list/,
	'bbox_three_numbers.json': /\(annotations\[0\]\.bbox\): should be \[x, y, width, height\]/,
	'empty.json': /empty\.json: is empty/,
	'images_not_list.json': /\(images\): should be a list/,
	'iscrowd_word.json': /\(annotations\[0\]\.iscrowd\): should be 0 or 1/,
	'keypoints_count_mismatch.json': /\(annotations\[0\]\.keypoints\): has 3 points, but category "person" names 2/,
	'keypoints_not_triples.json': /\(annotations\[0\]\.keypoints\): should be \[x, y, v\] per point/,
	'missing_image.json': /\(annotations\[0\]\.image_id\): annotation annotations\[0\] is on image 99/,
	'nan_bbox.json': /\(line \d+, column \d+\): is not valid JSON/,
	'negative_bbox.json': /\(annotations\[0\]\.bbox\): has a negative width/,
	'not_coco.json': /not_coco\.json: is not a COCO file/,
	'not_utf8.json': /not_utf8\.json: is not UTF-8 text/,
	'null_bbox_size.json': /\(annotations\[0\]\.bbox\[2\]\): should be a number, not null/,
	'numbers_array.json': /\(\[0\]\): should be an object, not the number 1/,
	'odd_polygon.json': /\(annotations\[0\]\.segmentation\[0\]\): should be x, y pairs/,
	'results_alone.json': /results_alone\.json: is a COCO results file/,
	'rle_bad_characters.json': /\(annotations\[0\]\.segmentation\.counts\): The mask encoding has a character/,
	'rle_huge_size.json': /\(annotations\[0\]\.segmentation\.size\): the mask is 60,000 × 60,000 pixels, larger than Peerlabel handles/,
	'rle_size_differs.json': /\(annotations\[0\]\.segmentation\.size\): the mask is 10 × 20 but its image "a\.jpg" is 20 × 10/,
	'image_huge.json': /\(images\[0\]\): the image is 1,000,000 × 1,000,000 pixels, larger than Peerlabel handles \(at most 268,435,456 pixels/,
	'rle_overflow.json': /\(annotations\[0\]\.segmentation\.counts\): covers 250 pixels, but its size 10 × 20 has 200/,
	'rle_string_overflow.json': /\(annotations\[0\]\.segmentation\.counts\): covers 1024 pixels, but its size 2 × 2 has 4/,
	'segmentation_number.json': /\(annotations\[0\]\.segmentation\): should be polygons or RLE/,
	'truncated.json': /\(line \d+, column \d+\): is not valid JSON/,
	'unknown_category.json': /\(annotations\[0\]\.category_id\): category 7 is not in "categories"/,
	'wrong_type_width.json': /\(images\[0\]\.width\): should be a number, not the text "20"/
};

describe('malformed COCO files are refused, naming the file and the place', () => {
	it('has a place for every file of the corpus', () => {
		expect(readdirSync(MALFORMED).sort()).toEqual(Object.keys(MALFORMED_PLACES).sort());
		expect(Object.keys(MALFORMED_PLACES).length).toBeGreaterThanOrEqual(14);
	});
	for (const [name, place] of Object.entries(MALFORMED_PLACES))
		it(name, () => {
			const file = { path: `annotations/${name}`, bytes: new Uint8Array(readFileSync(join(MALFORMED, name))) };
			let error: unknown;
			try {
				cocoFormat.read([file]);
			} catch (e) {
				error = e;
			}
			expect(error).toBeInstanceOf(FormatError);
			expect((error as FormatError).file).toBe(`annotations/${name}`);
			expect((error as FormatError).message).toMatch(place);
		});
});
