import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { cocoFormat } from '$lib/formats/coco';
import type { Dataset } from '$lib/formats/dataset';
import { textOf, utf8, type DatasetFile } from '$lib/formats/files';
import { vocCodec } from '$lib/formats/voc';
import { yoloCodec } from '$lib/formats/yolo';
import type { BoxGeometry } from '$lib/shapes/box/kind';
import { maskToRuns } from '$lib/shapes/mask/rle';
import { rotatedBoxCorners, type RotatedBoxGeometry } from '$lib/shapes/rotatedBox/kind';

/**
 * Issue 13, item 3: a COCO instance-segmentation file (polygons and an RLE mask, no boxes of its own
 * kind) written to formats of boxes gives each object's box, and the summary says what became what.
 */
const turned: RotatedBoxGeometry = { cx: 130, cy: 50, width: 40, height: 20, angle: 30 };

/** COCO's uncompressed counts of a rectangle of ones: columns x0…x1-1, rows y0…y1-1, in a w × h image. */
function rectCounts(w: number, h: number, x0: number, y0: number, x1: number, y1: number): number[] {
	const bits = new Uint8Array(w * h);
	for (let y = y0; y < y1; y++) bits.fill(1, y * w + x0, y * w + x1);
	return maskToRuns(bits, w, h);
}

function cocoSegmentation(): Dataset {
	const json = {
		images: [
			{ id: 7, file_name: 'a.jpg', width: 200, height: 100 },
			{ id: 9, file_name: 'b.jpg', width: 100, height: 100 }
		],
		categories: [
			{ id: 1, name: 'person' },
			{ id: 3, name: 'car' }
		],
		annotations: [
			{ id: 1, image_id: 7, category_id: 1, iscrowd: 0, segmentation: [[10, 10, 60, 10, 60, 50, 10, 50]], bbox: [10, 10, 50, 40], area: 2000 },
			{ id: 2, image_id: 7, category_id: 3, iscrowd: 0, segmentation: [rotatedBoxCorners(turned)], bbox: [0, 0, 1, 1], area: 800 },
			{ id: 3, image_id: 9, category_id: 1, iscrowd: 1, segmentation: { size: [100, 100], counts: rectCounts(100, 100, 20, 30, 30, 50) }, bbox: [20, 30, 10, 20], area: 200 }
		]
	};
	const files: DatasetFile[] = [{ path: 'annotations/instances_val.json', bytes: utf8(JSON.stringify(json)) }];
	const d = cocoFormat.read(files).dataset;
	// YOLO's reader takes image sizes from the image files.
	for (const im of d.images) im.bytes = encode({ width: im.width, height: im.height, data: new Uint8Array(im.width * im.height), channels: 1 });
	expect(d.annotations.map((a) => a.type)).toEqual(['polygon', 'polygon', 'mask']);
	// An image-level tag has no extent: the one thing a format of boxes skips.
	d.annotations.push({ image: 'a.jpg', className: 'person', type: 'tag', geometry: {} });
	return d;
}

/** The turned box's half-extents: 20·cos30° + 10·sin30° and 20·sin30° + 10·cos30°. */
const ex = 10 * Math.sqrt(3) + 5,
	ey = 10 + 5 * Math.sqrt(3);
const near = (a: readonly number[], b: readonly number[]) => a.forEach((v, i) => expect(Math.abs(v - b[i]), `value ${i}: ${v} vs ${b[i]}`).toBeLessThan(1e-6));
const xywh = (g: BoxGeometry) => [g.x, g.y, g.width, g.height];

describe('COCO segmentation to formats of boxes', () => {
	it('YOLO detect writes every polygon and mask as its box, and says so; only the tag is skipped', () => {
		const written = yoloCodec.write(cocoSegmentation(), { includeImages: true, variant: 'detect' });
		expect(written.skipped).toEqual({ tag: 1 });
		expect(written.warnings).toEqual(expect.arrayContaining(['2 polygons written as boxes', '1 mask written as a box']));
		const back = yoloCodec.read(written.files).dataset.annotations;
		expect(back.map((a) => [a.image, a.className, a.type])).toEqual([
			['a.jpg', 'person', 'box'],
			['a.jpg', 'car', 'box'],
			['b.jpg', 'person', 'box']
		]);
		near(xywh(back[0].geometry as BoxGeometry), [10, 10, 50, 40]);
		near(xywh(back[1].geometry as BoxGeometry), [130 - ex, 50 - ey, 2 * ex, 2 * ey]);
		near(xywh(back[2].geometry as BoxGeometry), [20, 30, 10, 20]);
	});

	it('YOLO OBB writes each polygon and mask as its minimum-area rectangle', () => {
		const written = yoloCodec.write(cocoSegmentation(), { includeImages: true, variant: 'obb' });
		expect(written.skipped).toEqual({ tag: 1 });
		expect(written.warnings).toEqual(expect.arrayContaining(['2 polygons written as rotated boxes', '1 mask written as a rotated box']));
		const back = yoloCodec.read(written.files).dataset.annotations.map((a) => a.geometry as RotatedBoxGeometry);
		expect(back).toHaveLength(3);
		near(rotatedBoxCorners(back[0]), rotatedBoxCorners({ cx: 35, cy: 30, width: 50, height: 40, angle: 0 }));
		near([back[1].cx, back[1].cy, back[1].width, back[1].height, back[1].angle], [130, 50, 40, 20, 30]);
		near(rotatedBoxCorners(back[2]), rotatedBoxCorners({ cx: 25, cy: 40, width: 10, height: 20, angle: 0 }));
	});

	it("Pascal VOC writes each object's box (1-based corners), and says so only for what is not a box, mask or polygon", () => {
		const written = vocCodec.write(cocoSegmentation(), { includeImages: false });
		expect(written.skipped).toEqual({ tag: 1 });
		expect(written.warnings).toEqual([]);
		const boxes = (name: string) => [...textOf(written.files.find((f) => f.path === `Annotations/${name}.xml`)!).matchAll(/<xmin>(\d+)<\/xmin>\s*<ymin>(\d+)<\/ymin>\s*<xmax>(\d+)<\/xmax>\s*<ymax>(\d+)<\/ymax>/g)].map((m) => m.slice(1).map(Number));
		expect(boxes('a')).toEqual([
			[11, 11, 60, 50],
			[Math.round(130 - ex) + 1, Math.round(50 - ey) + 1, Math.round(130 + ex), Math.round(50 + ey)]
		]);
		expect(boxes('b')).toEqual([[21, 31, 30, 50]]);
	});
});
