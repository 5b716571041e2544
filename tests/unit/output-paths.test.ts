import { encode as encodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { withGeometry, type Dataset } from '$lib/formats/dataset';
import { safeOutputFiles, safeRelativePath, uniquePath, withSafeImageNames } from '$lib/formats/output-paths';
import { formats } from '$lib/formats/registry';
import { writeDataset } from '$lib/formats/write';
import { runExport } from '$lib/storage/exchange/run';
import type { FromWorker } from '$lib/storage/exchange/protocol';
import { unzipFiles } from '$lib/storage/exchange/zip';

/** Names a hostile file or peer could give images, and what each is written as. */
export const HOSTILE_NAMES: [string, string][] = [
	['../../etc/passwd.png', 'etc/passwd.png'],
	['/var/x.png', 'var/x.png'],
	['C:\\Windows\\win.png', 'Windows/win.png'],
	['..\\..\\up.png', 'up.png'],
	['a/./b/../c.png', 'a/b/c.png'],
	['bell\u0007\u0000.png', 'bell.png'],
	['plain.png', 'plain.png'],
	['./plain.png', 'plain-2.png']
];

describe('output paths', () => {
	it('are relative, inside the output, with no dot segments, drive, empty segment or control character', () => {
		for (const [name, written] of HOSTILE_NAMES.slice(0, 7)) expect(safeRelativePath(name), name).toBe(written);
		expect(safeRelativePath('a//b/ /c.png')).toBe('a/b/c.png');
		expect(safeRelativePath('... /x.png')).toBe('x.png');
		expect(safeRelativePath('D:x.png')).toBe('x.png');
		expect(safeRelativePath('../..')).toBe('');
		expect(safeRelativePath('train/dir.v2/a.b.png')).toBe('train/dir.v2/a.b.png');
	});

	it('never overwrite each other: a second of the same path is numbered before its extension', () => {
		const taken = new Set<string>();
		expect(['a.png', 'a.png', 'a.png', 'd.x/b', 'd.x/b'].map((p) => uniquePath(p, taken))).toEqual(['a.png', 'a-2.png', 'a-3.png', 'd.x/b', 'd.x/b-2']);
		const files = safeOutputFiles([
			{ path: '../a.txt', bytes: new Uint8Array([1]) },
			{ path: 'a.txt', bytes: new Uint8Array([2]) },
			{ path: '..', bytes: new Uint8Array([3]) }
		]);
		expect(files.map((f) => [f.path, f.bytes[0]])).toEqual([
			['a.txt', 1],
			['a-2.txt', 2],
			['file-3', 3]
		]);
	});

	it('renames images so an already safe name keeps itself, and annotations follow their image', () => {
		const dataset: Dataset = {
			images: [
				{ name: '../a.png', width: 4, height: 4 },
				{ name: 'a.png', width: 4, height: 4 },
				{ name: 'a.png', width: 4, height: 4 }
			],
			classes: [{ name: 'c' }],
			annotations: [
				{ image: '../a.png', className: 'c', type: 'tag', geometry: {} },
				{ image: 'a.png', className: 'c', type: 'tag', geometry: {} }
			]
		};
		const safe = withSafeImageNames(dataset);
		expect(safe.dataset.images.map((i) => i.name)).toEqual(['a-2.png', 'a.png', 'a-3.png']);
		expect(safe.dataset.annotations.map((a) => a.image)).toEqual(['a-2.png', 'a.png']);
		expect(safe.renamed).toEqual([
			['../a.png', 'a-2.png'],
			['a.png', 'a-3.png']
		]);
		// A dataset of safe names is given back as it is.
		const plain: Dataset = { images: [{ name: 'x/y.png', width: 1, height: 1 }], classes: [], annotations: [] };
		expect(withSafeImageNames(plain).dataset).toBe(plain);
	});
});

const PNG = encodePng({ width: 8, height: 6, data: new Uint8Array(8 * 6), channels: 1, depth: 8 });

/** One image per hostile name, each with one box (or polygon, for the formats of regions), its bytes attached. */
export function hostileDataset(shape: 'box' | 'polygon' = 'box'): Dataset {
	return {
		images: HOSTILE_NAMES.map(([name]) => ({ name, width: 8, height: 6, bytes: PNG })),
		classes: [{ name: 'thing' }],
		annotations: HOSTILE_NAMES.map(([name], i) =>
			withGeometry({ image: name, className: 'thing' }, shape, shape === 'box' ? { x: 1, y: 1, width: 2 + (i % 3), height: 2 } : { points: [1, 1, 4 + (i % 3), 1, 4, 5, 1, 5] })
		)
	};
}

const isSafe = (path: string) => safeRelativePath(path) === path;

describe('every writer, given hostile image names', () => {
	// Datumaro is read only; the native bundle names its images by content (tested with the exchange).
	for (const codec of formats.filter((c) => c.id !== 'peerlabel' && c.id !== 'datumaro')) {
		it(`${codec.id}: writes only safe, distinct paths, and its files read back pair each image with its shape`, () => {
			const variant = codec.id === 'yolo' ? 'detect' : undefined;
			const regions = codec.id === 'semantic' || codec.id === 'coco-panoptic';
			const written = writeDataset(codec, hostileDataset(regions ? 'polygon' : 'box'), { includeImages: true, variant });
			const paths = written.files.map((f) => f.path);
			expect(paths.filter((p) => !isSafe(p))).toEqual([]);
			expect(new Set(paths).size).toBe(paths.length);
			expect(written.warnings.join('\n')).toMatch(/7 image names could not be used as a path and were written safely \(“..\/..\/etc\/passwd.png” as “etc\/passwd.png”, and 6 more\)/);
			// Every image file written is an image of the dataset, under the name the annotations use.
			const read = codec.read(written.files).dataset;
			const annotationsOf = (name: string) => read.annotations.filter((a) => a.image === name).length;
			for (const [, safe] of HOSTILE_NAMES) {
				const image = read.images.find((i) => i.name === safe || i.name.endsWith(`/${safe}`) || safe.endsWith(`/${i.name}`));
				expect(image, `${codec.id}: ${safe} in ${read.images.map((i) => i.name).join(', ')}`).toBeDefined();
				expect(annotationsOf(image!.name), `${codec.id}: ${safe}`).toBe(1);
			}
		});
	}

	it('the app’s export zips only safe paths', async () => {
		const messages: FromWorker[] = [];
		const dataset = hostileDataset();
		const images = dataset.images.map((i, n) => ({ name: i.name, hash: `h${n}`, mime: 'image/png' }));
		for (const i of dataset.images) delete i.bytes;
		await runExport(
			1,
			{ kind: 'dataset', formatId: 'coco', options: { includeImages: true }, dataset, images },
			{ getBlob: async () => new Blob([PNG as BlobPart]), hash: async () => '', imageSize: async () => ({ width: 8, height: 6 }) },
			(m) => messages.push(m),
			() => false
		);
		const done = messages.at(-1)!;
		if (done.type !== 'exported') throw new Error(JSON.stringify(done));
		const entries = unzipFiles('export.zip', new Uint8Array(await done.zip.arrayBuffer())).map((f) => f.path);
		expect(entries).toEqual(done.files);
		expect(entries.filter((p) => !isSafe(p))).toEqual([]);
		expect(entries).toContain('images/etc/passwd.png');
		expect(entries).toContain('images/plain-2.png');
		expect(done.warnings.join('\n')).toMatch(/7 image names could not be used as a path/);
	});
});
