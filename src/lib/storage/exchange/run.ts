import type { DatasetFile } from '$lib/formats/files';
import { basename, isImagePath } from '$lib/formats/files';
import { isFormatError } from '$lib/formats/errors';
import { detectFormat, formatById } from '$lib/formats/registry';
import { readNativeBundle, writeNativeBundle } from '$lib/formats/native';
import type { ImageFileFacts } from '$lib/formats/project-dataset';
import { checkedImageSize } from '$lib/formats/limits';
import { safeOutputFiles } from '$lib/formats/output-paths';
import { writeDataset } from '$lib/formats/write';
import { IMAGE_MIME, sniffImage } from '../import/sniff';
import type { ImportBasis } from '$lib/model/import-records';
import { planAndPack } from './plan';
import type { ExchangeFileInput, ExchangeProblem, ExportSource, FromWorker, ReadOutcome } from './protocol';
import { isZip, unzipFiles, zipFiles } from './zip';

/** What the exchange needs from the platform: the worker gives the real ones, tests give fakes. */
export interface ExchangeDeps {
	/** The stored bytes of an image, or undefined when this device does not hold them. */
	getBlob(hash: string): Promise<Blob | undefined>;
	hash(bytes: Uint8Array): Promise<string>;
	/** Pixel size of an image file; rejects when it cannot be decoded. */
	imageSize(blob: Blob): Promise<{ width: number; height: number }>;
}

type Post = (message: FromWorker) => void;

export function problemOf(e: unknown, fallbackFile = ''): ExchangeProblem {
	if (isFormatError(e)) return { file: e.file, place: e.place, problem: e.problem };
	return { file: fallbackFile, place: '', problem: e instanceof Error ? e.message : String(e) };
}

/** Reads stored images, writes the format's files, zips them; posts progress and the zip. */
export async function runExport(requestId: number, source: ExportSource, deps: ExchangeDeps, post: Post, isCancelled: () => boolean): Promise<void> {
	const warnings: string[] = [];
	const wanted = source.kind === 'native' ? (source.includeImages ? source.images : []) : source.options.includeImages ? source.images : [];
	const bytesOf = new Map<string, Uint8Array>();
	let read = 0;
	for (const [i, ref] of wanted.entries()) {
		if (isCancelled()) return post({ type: 'cancelled', requestId });
		if (!bytesOf.has(ref.hash)) {
			const blob = await deps.getBlob(ref.hash);
			if (blob) {
				const bytes = new Uint8Array(await blob.arrayBuffer());
				bytesOf.set(ref.hash, bytes);
				read += bytes.length;
			} else warnings.push(`${'name' in ref ? ref.name : ref.hash}: the image's file is not on this device; written without it`);
		}
		post({ type: 'progress', requestId, phase: 'reading', done: i + 1, total: wanted.length, bytes: read });
	}
	post({ type: 'progress', requestId, phase: 'converting', done: 0, total: 1, bytes: 0 });
	let files: DatasetFile[];
	let skipped = {};
	if (source.kind === 'native') {
		const images = source.images.flatMap((i) => (bytesOf.has(i.hash) ? [{ ...i, bytes: bytesOf.get(i.hash)! }] : []));
		files = safeOutputFiles(writeNativeBundle({ manifest: source.manifest, update: source.update, images }));
	} else {
		const codec = formatById(source.formatId);
		if (!codec) throw new Error(`Unknown format “${source.formatId}”`);
		source.images.forEach((ref, n) => {
			const bytes = bytesOf.get(ref.hash);
			if (bytes) source.dataset.images[n].bytes = bytes;
		});
		const written = writeDataset(codec, source.dataset, source.options);
		files = written.files;
		skipped = written.skipped;
		warnings.push(...written.warnings);
	}
	const zip = await zipFiles(files, (done, total, bytes) => post({ type: 'progress', requestId, phase: 'zipping', done, total, bytes }), isCancelled);
	if (!zip) return post({ type: 'cancelled', requestId });
	post({ type: 'exported', requestId, zip, files: files.map((f) => f.path), skipped, warnings });
}

/** The input's files: zips unpacked, a single common top folder taken off (a picked or zipped folder). */
export async function gatherInput(inputs: readonly ExchangeFileInput[], onProgress: (done: number, total: number, bytes: number) => void): Promise<DatasetFile[]> {
	const files: DatasetFile[] = [];
	let bytes = 0;
	for (const [i, input] of inputs.entries()) {
		const data = new Uint8Array(await input.file.arrayBuffer());
		bytes += data.length;
		if (isZip(data) && !isImagePath(input.name)) files.push(...unzipFiles(input.name, data));
		else files.push({ path: input.name, bytes: data });
		onProgress(i + 1, inputs.length, bytes);
	}
	const top = files.length > 1 || files[0]?.path.includes('/') ? commonTopFolder(files) : '';
	return top ? files.map((f) => ({ path: f.path.slice(top.length), bytes: f.bytes })) : files;
}

function commonTopFolder(files: readonly DatasetFile[]): string {
	const first = files[0]?.path ?? '';
	const slash = first.indexOf('/');
	if (slash < 0) return '';
	const top = first.slice(0, slash + 1);
	return files.every((f) => f.path.startsWith(top)) ? top : '';
}

/**
 * Reads an input: detects (or takes) the format, reads it into a Dataset, finds the bytes, hash and
 * size of every image the input carries. A native bundle for a new project comes back whole.
 */
export async function runImport(
	requestId: number,
	request: { files: ExchangeFileInput[]; formatId: string | null; target: 'new' | 'existing'; basis?: ImportBasis },
	deps: ExchangeDeps,
	post: Post,
	isCancelled: () => boolean
): Promise<void> {
	const files = await gatherInput(request.files, (done, total, bytes) => post({ type: 'progress', requestId, phase: 'unzipping', done, total, bytes }));
	if (isCancelled()) return post({ type: 'cancelled', requestId });
	const codec = request.formatId ? formatById(request.formatId) : detectFormat(files);
	if (!codec) {
		const names = request.files.map((f) => f.name).join(', ');
		return post({ type: 'failed', requestId, problem: { file: names, place: '', problem: 'no known annotation format recognizes these files' } });
	}
	post({ type: 'progress', requestId, phase: 'converting', done: 0, total: 1, bytes: 0 });
	let outcome: ReadOutcome;
	if (codec.id === 'peerlabel' && request.target === 'new') outcome = { kind: 'native', bundle: readNativeBundle(files) };
	else {
		const { dataset, warnings } = codec.read(files);
		const facts: [string, ImageFileFacts][] = [];
		const byPath = new Map(files.map((f) => [f.path, f]));
		const byBase = new Map<string, DatasetFile[]>();
		for (const f of files) byBase.set(basename(f.path), [...(byBase.get(basename(f.path)) ?? []), f]);
		for (const [i, image] of dataset.images.entries()) {
			if (isCancelled()) return post({ type: 'cancelled', requestId });
			// A codec that does not attach image files: find them by path, else by a unique file name.
			if (!image.bytes) {
				const same = byBase.get(basename(image.name)) ?? [];
				const found = byPath.get(image.name) ?? (same.length === 1 ? same[0] : undefined);
				if (found && sniffImage(found.bytes.subarray(0, 64))) image.bytes = found.bytes;
			}
			if (!image.bytes) continue;
			const kind = sniffImage(image.bytes.subarray(0, 64));
			if (!kind) {
				warnings.push(`${image.name}: not a supported image file; its annotations need the image in the project`);
				delete image.bytes;
				continue;
			}
			const mime = IMAGE_MIME[kind];
			// A header claiming more pixels than the caps is refused before anything decodes the file.
			checkedImageSize({ path: image.name, bytes: image.bytes });
			if (!(image.width > 0 && image.height > 0)) {
				try {
					Object.assign(image, await deps.imageSize(new Blob([image.bytes as BlobPart], { type: mime })));
				} catch {
					warnings.push(`${image.name}: the image file could not be decoded`);
					delete image.bytes;
					continue;
				}
			}
			facts.push([image.name, { hash: await deps.hash(image.bytes), mime, size: image.bytes.length }]);
			post({ type: 'progress', requestId, phase: 'reading', done: i + 1, total: dataset.images.length, bytes: 0 });
		}
		post({ type: 'progress', requestId, phase: 'converting', done: 0, total: 1, bytes: 0 });
		outcome = request.basis
			? { kind: 'planned', planned: planAndPack(dataset, facts, warnings, request.target, request.basis) }
			: { kind: 'dataset', dataset, files: facts, warnings };
	}
	post({ type: 'read', requestId, formatId: codec.id, formatLabel: codec.label, outcome });
}
