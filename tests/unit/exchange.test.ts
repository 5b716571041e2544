import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { unzipSync, zipSync } from 'fflate';
import { ProjectDoc } from '$lib/model';
import { SCHEMA_VERSION } from '$lib/model/schema';
import { unzipFiles, zipFiles } from '$lib/storage/exchange/zip';
import { ZIP_LIMITS, type ZipLimits } from '$lib/formats/limits';
import { lyingZip, packedSize, zerosZip } from './support/hostile-zips';
import { runExport, runImport, type ExchangeDeps } from '$lib/storage/exchange/run';
import type { FromWorker } from '$lib/storage/exchange/protocol';
import { exportSelection } from '$lib/formats/project-dataset';
import { isFormatError } from '$lib/formats/errors';
import { createHash } from 'node:crypto';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 4, 0, 0, 0, 3]);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function fakeDeps(blobs: Map<string, Uint8Array>): ExchangeDeps {
	return {
		getBlob: async (hash) => (blobs.has(hash) ? new Blob([blobs.get(hash)! as BlobPart]) : undefined),
		hash: async (bytes) => sha(bytes),
		imageSize: async () => ({ width: 4, height: 3 })
	};
}

function project() {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'P' });
	const cls = doc.addClass({ name: 'car' });
	if (!cls.ok) throw new Error(cls.reason);
	const images = doc.addImages([{ name: 'a.png', hash: sha(PNG), width: 4, height: 3, mime: 'image/png', size: PNG.length }]);
	if (!images.ok) throw new Error(images.reason);
	doc.createAnnotation({ imageId: images.value[0].id, classId: cls.value.id, type: 'box', geometry: { x: 0, y: 0, width: 2, height: 2 } });
	return doc;
}

async function collect(run: (post: (m: FromWorker) => void) => Promise<void>): Promise<FromWorker[]> {
	const out: FromWorker[] = [];
	await run((m) => out.push(m));
	return out;
}

describe('zip', () => {
	it('stores images and deflates text; unzips what it zipped', async () => {
		const text = new TextEncoder().encode('{"a":1}'.repeat(100));
		const zip = await zipFiles([{ path: 'images/a.png', bytes: PNG }, { path: 'x.json', bytes: text }], () => {});
		const bytes = new Uint8Array(await zip!.arrayBuffer());
		expect(Object.keys(unzipSync(bytes))).toEqual(['images/a.png', 'x.json']);
		expect(unzipFiles('d.zip', bytes).map((f) => [f.path, f.bytes.length])).toEqual([
			['images/a.png', PNG.length],
			['x.json', 700]
		]);
	});

	const refusal = (read: () => unknown) => {
		try {
			read();
		} catch (e) {
			return isFormatError(e) ? [e.file, e.place, e.problem] : String(e);
		}
		return null;
	};
	const limits = (over: Partial<ZipLimits>): ZipLimits => ({ ...ZIP_LIMITS, ...over });

	it('refuses an archive whose declared sizes look like a zip bomb, naming the entry: each cap exactly at its limit passes', () => {
		const two = zipSync({ 'big.json': new Uint8Array(5000), 'more.json': new Uint8Array(5000) }, { level: 0 });
		const refuse = (over: Partial<ZipLimits>) => refusal(() => unzipFiles('bomb.zip', two, limits(over)));
		const bomb = (entry: string) => ['bomb.zip', entry, expect.stringMatching(/looks like a zip bomb/)];
		expect(refuse({ entry: 5000, total: 10_000, entries: 2 })).toBeNull();
		expect(refuse({ entry: 4999 })).toEqual(bomb('big.json'));
		expect(refuse({ total: 9999 })).toEqual(bomb('more.json'));
		expect(refuse({ entries: 1 })).toEqual(['bomb.zip', '', 'holds 2 entries, more than 1: this looks like a zip bomb']);
	});

	it('refuses a genuine high-ratio entry from its declared sizes, before inflating it', () => {
		const zeros = zerosZip('masks.json', 8 * 2 ** 20);
		const packed = packedSize(zeros, 'masks.json');
		expect(refusal(() => unzipFiles('z.zip', zeros))).toEqual(['z.zip', 'masks.json', expect.stringMatching(/unpacks .* to 8 MB: this looks like a zip bomb/)]);
		// At the entry's ratio it is read; just under, refused (the archive as a whole is checked against the same ratio).
		const ratio = (8 * 2 ** 20) / packed;
		expect(refusal(() => unzipFiles('z.zip', zeros, limits({ ratio })))).toBeNull();
		expect(refusal(() => unzipFiles('z.zip', zeros, limits({ ratio: ratio - 0.01 })))).toEqual(['z.zip', 'masks.json', expect.stringMatching(/zip bomb/)]);
	});

	it('counts the bytes actually inflated: an entry that unpacks to more than it declares is stopped', () => {
		const liar = lyingZip('labels.json', 4 * 2 ** 20, 1000);
		expect(refusal(() => unzipFiles('liar.zip', liar))).toEqual(['liar.zip', 'labels.json', 'unpacks to more than the 1,000 bytes it declares: this looks like a zip bomb']);
		// Declaring more than it holds is a damaged archive, not a bomb, and is refused too.
		const short = lyingZip('labels.json', 1000, 2000);
		expect(refusal(() => unzipFiles('short.zip', short))).toEqual(['short.zip', 'labels.json', 'holds 1,000 bytes, not the 2,000 bytes it declares: the archive is damaged']);
	});

	it('the central directory’s sizes are the ones held to: a local header telling the truth does not help', () => {
		const liar = lyingZip('labels.json', 4 * 2 ** 20, 1000, 'central');
		expect(refusal(() => unzipFiles('liar.zip', liar))).toEqual(['liar.zip', 'labels.json', 'unpacks to more than the 1,000 bytes it declares: this looks like a zip bomb']);
	});

	it('an entry too large to inflate in one call is counted as it inflates and stopped past its declared size', () => {
		// 200 KB that do not compress: inflated 16 KB of packed bytes at a time.
		const liar = lyingZip('labels.json', 200_000, 100_000, 'both', 'noise');
		expect(refusal(() => unzipFiles('liar.zip', liar))).toEqual(['liar.zip', 'labels.json', 'unpacks to more than the 100,000 bytes it declares: this looks like a zip bomb']);
		const short = lyingZip('labels.json', 200_000, 300_000, 'both', 'noise');
		expect(refusal(() => unzipFiles('short.zip', short))).toEqual(['short.zip', 'labels.json', 'holds 200,000 bytes, not the 300,000 bytes it declares: the archive is damaged']);
		const honest = lyingZip('labels.json', 200_000, 200_000, 'both', 'noise');
		expect(unzipFiles('ok.zip', honest)[0].bytes).toEqual(unzipSync(honest)['labels.json']);
	});

	it('an image file whose header claims more pixels than the cap is refused before it is decoded', async () => {
		const huge = new Uint8Array(PNG);
		new DataView(huge.buffer).setUint32(16, 60000);
		new DataView(huge.buffer).setUint32(20, 60000);
		const coco = JSON.stringify({ images: [{ id: 1, file_name: 'a.png' }], categories: [{ id: 1, name: 'car' }], annotations: [] });
		const zip = zipSync({ 'instances.json': new TextEncoder().encode(coco), 'a.png': huge });
		let decoded = 0;
		const deps = { ...fakeDeps(new Map()), imageSize: async () => (decoded++, { width: 4, height: 3 }) };
		await expect(runImport(10, { files: [{ name: 'd.zip', file: new Blob([zip as BlobPart]) }], formatId: null, target: 'existing' }, deps, () => {}, () => false)).rejects.toMatchObject({
			file: 'a.png',
			problem: expect.stringMatching(/the image is 60,000 × 60,000 pixels, larger than Peerlabel handles/)
		});
		expect(decoded).toBe(0);
	});

	it('an import of a zip bomb through the exchange is refused naming the archive and the entry', async () => {
		for (const [name, zip] of [
			['zeros.zip', zerosZip('d/annotations.json', 16 * 2 ** 20)],
			['liar.zip', lyingZip('d/annotations.json', 16 * 2 ** 20, 100)]
		] as const)
			await expect(
				runImport(9, { files: [{ name, file: new Blob([zip as BlobPart]) }], formatId: null, target: 'existing' }, fakeDeps(new Map()), () => {}, () => false)
			).rejects.toMatchObject({ file: name, place: 'd/annotations.json', problem: expect.stringMatching(/looks like a zip bomb/) });
	});
});

describe('exchange worker runs', () => {
	it('exports a native bundle with its images and reads it back as a bundle', async () => {
		const doc = project();
		const messages = await collect((post) =>
			runExport(
				1,
				{
					kind: 'native',
					manifest: { app: 'peerlabel', bundleVersion: 1, schemaVersion: SCHEMA_VERSION, name: 'P', counts: { images: 1, classes: 1, annotations: 1 }, exportedAt: 0 },
					update: Y.encodeStateAsUpdate(doc.ydoc),
					images: [{ hash: sha(PNG), mime: 'image/png' }],
					includeImages: true
				},
				fakeDeps(new Map([[sha(PNG), PNG]])),
				post,
				() => false
			)
		);
		const done = messages.at(-1)!;
		if (done.type !== 'exported') throw new Error(JSON.stringify(done));
		expect(done.files).toEqual(['project.json', 'document.yjs', `images/${sha(PNG)}.png`]);
		expect(messages.some((m) => m.type === 'progress' && m.phase === 'zipping')).toBe(true);
		const read = await collect((post) => runImport(2, { files: [{ name: 'P-peerlabel.zip', file: done.zip }], formatId: null, target: 'new' }, fakeDeps(new Map()), post, () => false));
		const answer = read.at(-1)!;
		if (answer.type !== 'read' || answer.outcome.kind !== 'native') throw new Error(JSON.stringify(answer));
		expect(answer.formatId).toBe('peerlabel');
		expect(answer.outcome.bundle.images.map((i) => i.hash)).toEqual([sha(PNG)]);
		// Into an existing project, the same bundle is a Dataset whose image carries its bytes, hash and size.
		const merged = await collect((post) => runImport(3, { files: [{ name: 'P-peerlabel.zip', file: done.zip }], formatId: null, target: 'existing' }, fakeDeps(new Map()), post, () => false));
		const dataset = merged.at(-1)!;
		if (dataset.type !== 'read' || dataset.outcome.kind !== 'dataset') throw new Error('expected a dataset');
		expect(dataset.outcome.dataset.annotations).toEqual(exportSelection(doc).dataset.annotations);
		expect(dataset.outcome.files).toEqual([['a.png', { hash: sha(PNG), mime: 'image/png', size: PNG.length }]]);
	});

	it('answers a file no format recognizes, and a malformed bundle, with the file and the place', async () => {
		const unknown = await collect((post) => runImport(4, { files: [{ name: 'notes.txt', file: new Blob(['hello']) }], formatId: null, target: 'existing' }, fakeDeps(new Map()), post, () => false));
		expect(unknown.at(-1)).toMatchObject({ type: 'failed', problem: { file: 'notes.txt', problem: 'no known annotation format recognizes these files' } });
		const broken = zipSync({ 'project.json': new TextEncoder().encode('{"app": "peerlabel",\n "schemaVersion": }'), 'document.yjs': new Uint8Array([0]) });
		await expect(
			runImport(5, { files: [{ name: 'b.zip', file: new Blob([broken as BlobPart]) }], formatId: null, target: 'new' }, fakeDeps(new Map()), () => {}, () => false)
		).rejects.toMatchObject({ file: 'project.json', problem: expect.stringMatching(/not valid JSON/) });
	});
});
