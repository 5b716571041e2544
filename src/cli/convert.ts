// The converter behind `peerlabel convert` (bundled by src/cli/bundle.js; runs in Node).
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { zipSync } from 'fflate';
import type { FormatCodec } from '$lib/formats/codec';
import { countsOf, type Dataset } from '$lib/formats/dataset';
import { isFormatError } from '$lib/formats/errors';
import { basename, isImagePath, ZIP_TEXT_LEVEL, type DatasetFile } from '$lib/formats/files';
import { detectFormat, formatById, formats } from '$lib/formats/registry';
import { assignSplits, parseSplitRatios } from '$lib/formats/split';
import { isLitter, unzipFiles } from '$lib/formats/unzip';
import { writeDataset } from '$lib/formats/write';

export const USAGE = `Usage: peerlabel convert --from <format|auto> --to <format> [options] IN OUT

IN   a folder (read recursively), a .zip, or a single annotation file
OUT  a folder (created if missing), or a file ending in .zip

Options:
  --from <format|auto>  the format of IN; auto picks the format that recognises IN best
  --to <format>         the format to write
  --variant <variant>   a variant of the output format (YOLO: detect, segment, pose, obb, classify)
  --images              copy the image files found in IN to OUT
  --split <t,v,t>       assign train/val/test splits by these ratios (0.8,0.1,0.1 or 80,10,10)
  --seed <n>            the seed of the split (default 1): the same seed gives the same split
  --stratify            split so each class keeps the ratios (iterative stratification)
  -h, --help            show this text

Exit status: 0 converted, 1 the input could not be read or the output written, 2 usage error.`;

export interface Io {
	out(line: string): void;
	err(line: string): void;
}

const consoleIo: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

class UsageError extends Error {}

const formatList = () => (formats.length ? formats.map((f) => f.id).join(', ') : 'none are built in');

function codecFor(id: string, flag: string): FormatCodec {
	const codec = formatById(id);
	if (!codec) throw new UsageError(`${flag} ${id}: unknown format (formats: ${formatList()})`);
	return codec;
}

/** `--from`, `--to` … parsed and checked; throws UsageError. */
function parseCommandLine(argv: string[]) {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			strict: true,
			options: {
				from: { type: 'string' },
				to: { type: 'string' },
				variant: { type: 'string' },
				images: { type: 'boolean', default: false },
				split: { type: 'string' },
				seed: { type: 'string' },
				stratify: { type: 'boolean', default: false },
				help: { type: 'boolean', short: 'h', default: false }
			}
		});
	} catch (e) {
		throw new UsageError(e instanceof Error ? e.message : String(e));
	}
	const { values, positionals } = parsed;
	if (values.help) return null;
	if (!values.from) throw new UsageError('--from is required (a format, or auto)');
	if (!values.to) throw new UsageError('--to is required');
	if (positionals.length !== 2) throw new UsageError(`expected IN and OUT, got ${positionals.length} path${positionals.length === 1 ? '' : 's'}`);
	let split: [number, number, number] | null = null;
	if (values.split !== undefined) {
		try {
			split = parseSplitRatios(values.split);
		} catch (e) {
			throw new UsageError((e as Error).message);
		}
	}
	if ((values.seed !== undefined || values.stratify) && !split) throw new UsageError('--seed and --stratify go with --split');
	if (values.seed !== undefined && !/^-?\d+$/.test(values.seed)) throw new UsageError(`--seed ${values.seed}: give a whole number`);
	const to = codecFor(values.to, '--to');
	const from = values.from === 'auto' ? null : codecFor(values.from, '--from');
	if (values.variant !== undefined && !to.variants?.some((v) => v.id === values.variant))
		throw new UsageError(
			`--variant ${values.variant}: ${to.id} has ${to.variants?.length ? `the variants ${to.variants.map((v) => v.id).join(', ')}` : 'no variants'}`
		);
	return {
		from,
		to,
		variant: values.variant,
		images: values.images,
		split,
		seed: values.seed === undefined ? 1 : Number(values.seed),
		stratify: values.stratify,
		input: positionals[0],
		output: positionals[1]
	};
}

function readFolder(dir: string): DatasetFile[] {
	const out: DatasetFile[] = [];
	const walk = (at: string) => {
		for (const name of readdirSync(at).sort()) {
			const path = join(at, name);
			if (statSync(path).isDirectory()) walk(path);
			else out.push({ path: relative(dir, path).split(sep).join('/'), bytes: new Uint8Array(readFileSync(path)) });
		}
	};
	walk(dir);
	return out.filter((f) => !isLitter(f.path));
}

function readZip(path: string): DatasetFile[] {
	let files = unzipFiles(path, new Uint8Array(readFileSync(path)));
	// A zip of a folder holds one top folder: the dataset's root is inside it.
	const tops = new Set(files.map((f) => (f.path.includes('/') ? f.path.slice(0, f.path.indexOf('/')) : '')));
	if (tops.size === 1 && !tops.has('')) {
		const cut = [...tops][0].length + 1;
		files = files.map((f) => ({ path: f.path.slice(cut), bytes: f.bytes }));
	}
	return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** IN as dataset files: a folder recursively, a zip's entries, or one file. */
export function readInput(path: string): DatasetFile[] {
	if (!existsSync(path)) throw new Error(`${path}: no such file or folder`);
	if (statSync(path).isDirectory()) return readFolder(path);
	if (/\.zip$/i.test(path)) return readZip(path);
	return [{ path: basename(path.split(sep).join('/')), bytes: new Uint8Array(readFileSync(path)) }];
}

/** Gives images without bytes those of the input's image file of the same path (or, failing that, name). */
function attachImageBytes(dataset: Dataset, files: readonly DatasetFile[]): number {
	const images = files.filter((f) => isImagePath(f.path));
	const byPath = new Map(images.map((f) => [f.path, f]));
	const byName = new Map<string, DatasetFile | null>();
	for (const f of images) byName.set(basename(f.path), byName.has(basename(f.path)) ? null : f); // null: ambiguous
	let found = 0;
	for (const image of dataset.images) {
		if (!image.bytes) image.bytes = (byPath.get(image.name) ?? byName.get(basename(image.name)))?.bytes;
		if (image.bytes) found++;
	}
	return found;
}

function writeOutput(path: string, files: readonly DatasetFile[]): void {
	if (/\.zip$/i.test(path)) {
		mkdirSync(dirname(resolve(path)), { recursive: true });
		writeFileSync(path, zipSync(Object.fromEntries(files.map((f) => [f.path, [f.bytes, { level: isImagePath(f.path) ? 0 : ZIP_TEXT_LEVEL }]]))));
		return;
	}
	if (existsSync(path) && !statSync(path).isDirectory()) throw new Error(`${path}: exists and is not a folder`);
	// Every target is checked before the first file is written: a refusal leaves nothing half-written.
	const root = resolve(path);
	const targets = files.map((f) => {
		const target = resolve(root, ...f.path.split('/'));
		if (!target.startsWith(root + sep)) throw new Error(`refusing to write outside ${path}: ${f.path}`);
		return target;
	});
	files.forEach((f, i) => {
		mkdirSync(dirname(targets[i]), { recursive: true });
		writeFileSync(targets[i], f.bytes);
	});
}

const describe = (c: { images: number; classes: number; annotations: number }) =>
	`${c.images.toLocaleString('en')} images, ${c.classes.toLocaleString('en')} classes, ${c.annotations.toLocaleString('en')} annotations`;

/** Runs `convert` with its arguments (after the word convert); returns the exit status. */
export async function main(argv: string[], io: Io = consoleIo): Promise<number> {
	let options;
	try {
		options = parseCommandLine(argv);
	} catch (e) {
		if (!(e instanceof UsageError)) throw e;
		io.err(`peerlabel convert: ${e.message}\n\n${USAGE}`);
		return 2;
	}
	if (!options) {
		io.out(`${USAGE}\n\nFormats: ${formatList()}`);
		return 0;
	}
	try {
		const files = readInput(options.input);
		const from = options.from ?? detectFormat(files);
		if (!from) throw new Error(`${options.input}: no known annotation format recognises it (formats: ${formatList()}); name one with --from`);
		const read = from.read(files);
		for (const w of read.warnings) io.err(`warning: ${w}`);
		let dataset = read.dataset;
		io.out(`read: ${describe(countsOf(dataset))} (${from.id}${options.from ? '' : ', detected'})`);
		if (options.images) {
			const found = attachImageBytes(dataset, files);
			if (found < dataset.images.length) io.err(`warning: ${dataset.images.length - found} of ${dataset.images.length} image files not found in ${options.input}`);
		}
		if (options.split) {
			dataset = assignSplits(dataset, { ratios: options.split, seed: options.seed, stratify: options.stratify });
			const n = (s: string) => dataset.images.filter((i) => i.split === s).length;
			io.out(`split: ${n('train')} train, ${n('val')} val, ${n('test')} test (seed ${options.seed}${options.stratify ? ', stratified' : ''})`);
		}
		const written = writeDataset(options.to, dataset, { includeImages: options.images, variant: options.variant });
		for (const w of written.warnings) io.err(`warning: ${w}`);
		writeOutput(options.output, written.files);
		const skipped = Object.entries(written.skipped).filter(([, n]) => n);
		const skippedTotal = skipped.reduce((s, [, n]) => s + (n ?? 0), 0);
		const counts = countsOf(dataset);
		io.out(`written: ${describe({ ...counts, annotations: counts.annotations - skippedTotal })} (${options.to.id}${options.variant ? ` ${options.variant}` : ''}) → ${options.output}, ${written.files.length} files`);
		if (skipped.length) io.out(`skipped: ${skipped.map(([type, n]) => `${n} ${type}`).join(', ')}`);
		return 0;
	} catch (e) {
		if (isFormatError(e)) io.err(`peerlabel convert: ${e.message}`);
		else io.err(`peerlabel convert: ${e instanceof Error ? e.message : String(e)}`);
		if (process.env.PEERLABEL_DEBUG && e instanceof Error) io.err(e.stack ?? '');
		return 1;
	}
}
