import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { imageSize } from '$lib/formats/image-size';

const FIXTURES = join(__dirname, '../../../shared/fixtures');
const read = (p: string) => new Uint8Array(readFileSync(join(FIXTURES, p)));

const le16 = (v: number) => [v & 255, (v >> 8) & 255];
const le24 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255];
const le32 = (v: number) => [v & 255, (v >> 8) & 255, (v >> 16) & 255, (v >>> 24) & 255];
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const bytes = (...parts: number[][]) => new Uint8Array(parts.flat());
const riff = (chunk: number[]) => bytes(ascii('RIFF'), le32(chunk.length + 4), ascii('WEBP'), chunk, new Array(16).fill(0));

describe('image sizes from file headers', () => {
	it('reads PNG headers (fast-png written)', () => {
		expect(imageSize(encode({ width: 37, height: 21, data: new Uint8Array(37 * 21), channels: 1 }))).toEqual({ width: 37, height: 21 });
	});

	it('reads GIF, BMP (Windows and OS/2 headers, top-down rows) and WebP (VP8, VP8L, VP8X) headers', () => {
		expect(imageSize(bytes(ascii('GIF89a'), le16(300), le16(7), [0, 0, 0]))).toEqual({ width: 300, height: 7 });
		expect(imageSize(bytes(ascii('GIF87a'), le16(1), le16(2), [0, 0, 0]))).toEqual({ width: 1, height: 2 });
		const bmp = (header: number[]) => bytes(ascii('BM'), le32(0), le32(0), le32(54), header, new Array(16).fill(0));
		expect(imageSize(bmp([...le32(40), ...le32(640), ...le32(-480 >>> 0)]))).toEqual({ width: 640, height: 480 });
		expect(imageSize(bmp([...le32(12), ...le16(33), ...le16(44)]))).toEqual({ width: 33, height: 44 });
		// VP8: frame tag (3 bytes), start code 9d 01 2a, 14-bit sizes.
		expect(imageSize(riff([...ascii('VP8 '), ...le32(10), 0, 0, 0, 0x9d, 0x01, 0x2a, ...le16(1000), ...le16(16383)]))).toEqual({ width: 1000, height: 16383 });
		// VP8L: signature 0x2f, then width-1 and height-1 in 14 bits each.
		const bits = (1999 & 0x3fff) | ((2999 & 0x3fff) << 14);
		expect(imageSize(riff([...ascii('VP8L'), ...le32(5), 0x2f, ...le32(bits)]))).toEqual({ width: 2000, height: 3000 });
		// VP8X: flags (4 bytes), then width-1 and height-1 in 24 bits each.
		expect(imageSize(riff([...ascii('VP8X'), ...le32(10), 0, 0, 0, 0, ...le24(20000 - 1), ...le24(2)]))).toEqual({ width: 20000, height: 3 });
	});

	it('returns null for bytes it does not know or a header cut short', () => {
		expect(imageSize(new Uint8Array([1, 2, 3]))).toBeNull();
		expect(imageSize(new TextEncoder().encode('not an image at all, just some text'))).toBeNull();
		expect(imageSize(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]))).toBeNull();
		expect(imageSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
	});
});

describe.skipIf(!existsSync(FIXTURES))('image sizes of the shared fixtures (skipped: ../shared/fixtures is missing)', () => {
	it.each([
		['coco/faster_coco_eval_shapes/img_1.jpg', 256, 256], // baseline with EXIF
		['labelme/labelme_rs_mandrill/Mandrill.jpg', 256, 256], // progressive
		['labelme/xanylabeling_pose/human-pose.jpeg', 500, 750], // progressive, portrait
		['yolo/label_studio_import/images/img_1.jpg', 640, 329],
		['yolo/label_studio_import/images/img_7.jpeg', 640, 427], // EXIF before the frame
		['coco/mmpose_person_keypoints/000000000785.jpg', 640, 425], // JPEG comment
		['voc/datumaro_voc_full/JPEGImages/2007_000001.jpg', 20, 10],
		['yolo/dagshub/data/images/testimg.png', 640, 480],
		['voc/datumaro_voc_full/SegmentationClass/2007_000001.png', 20, 10]
	])('%s is %i×%i', (path, width, height) => {
		expect(imageSize(read(path))).toEqual({ width, height });
	});
});
