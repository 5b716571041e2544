import { Unzip, UnzipInflate, unzipSync, type UnzipFile } from 'fflate';
import { FormatError } from './errors';
import type { DatasetFile } from './files';
import { ZIP_LIMITS, type ZipLimits } from './limits';

/** The litter of macOS and Windows: never part of a dataset. */
export const isLitter = (path: string) => /(^|\/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(\/|$)/i.test(path);

export function isZip(bytes: Uint8Array): boolean {
	return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** Compressed bytes handed to the inflater at a time: one step unpacks to at most ~16 MB (deflate's 1032×). */
const STEP = 16 * 1024;

const size = (n: number) => (n >= 2 ** 30 ? `${+(n / 2 ** 30).toFixed(1)} GB` : n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MB` : `${n.toLocaleString('en')} bytes`);

/**
 * The files of a zip archive (folders and litter left out), read by the app's import and the CLI alike.
 * A zip bomb is refused twice: from the sizes the archive declares, before anything is inflated, and
 * from the bytes actually inflated, counted as they come (declared sizes can lie), so memory never
 * holds more than the caps.
 */
export function unzipFiles(zipName: string, bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): DatasetFile[] {
	const bomb = (entry: string, why: string) => new FormatError(zipName, entry, `${why}: this looks like a zip bomb`);
	checkDeclaredSizes(zipName, bytes, limits, bomb);
	return inflateCounted(zipName, bytes, limits, bomb);
}

type Bomb = (entry: string, why: string) => FormatError;

function unreadable(zipName: string, e: unknown): FormatError {
	return new FormatError(zipName, '', `is not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
}

/** The central directory's sizes against the caps; nothing is inflated. */
function checkDeclaredSizes(zipName: string, bytes: Uint8Array, limits: ZipLimits, bomb: Bomb): void {
	let total = 0,
		count = 0;
	try {
		unzipSync(bytes, {
			filter(file) {
				if (++count > limits.entries) throw bomb(file.name, `holds more than ${limits.entries.toLocaleString('en')} entries`);
				total += file.originalSize;
				if (file.originalSize > limits.entry) throw bomb(file.name, `unpacks to ${size(file.originalSize)}, more than ${size(limits.entry)} for one file`);
				if (total > limits.total) throw bomb(file.name, `unpacks to more than ${size(limits.total)}`);
				if (file.originalSize > limits.ratioFrom && file.originalSize > limits.ratio * file.size)
					throw bomb(file.name, `unpacks ${size(file.size)} to ${size(file.originalSize)}`);
				return false;
			}
		});
	} catch (e) {
		throw e instanceof FormatError ? e : unreadable(zipName, e);
	}
}

/** Inflates entry by entry in small steps, counting every byte; stops at the first cap passed. */
function inflateCounted(zipName: string, bytes: Uint8Array, limits: ZipLimits, bomb: Bomb): DatasetFile[] {
	const out: DatasetFile[] = [];
	let failure: FormatError | null = null;
	let total = 0,
		count = 0;
	const unzip = new Unzip((file: UnzipFile) => {
		if (++count > limits.entries) failure ??= bomb(file.name, `holds more than ${limits.entries.toLocaleString('en')} entries`);
		const keep = !file.name.endsWith('/') && !isLitter(file.name);
		const chunks: Uint8Array[] = [];
		let inflated = 0;
		file.ondata = (err, chunk, final) => {
			if (failure) return;
			if (err) {
				failure = new FormatError(zipName, file.name, `cannot be unpacked (${err.message})`);
				return;
			}
			inflated += chunk.length;
			total += chunk.length;
			const declared = file.originalSize;
			if (declared !== undefined && inflated > declared) failure = bomb(file.name, `unpacks to more than the ${size(declared)} it declares`);
			else if (inflated > limits.entry) failure = bomb(file.name, `unpacks to more than ${size(limits.entry)} for one file`);
			else if (total > limits.total) failure = bomb(file.name, `unpacks to more than ${size(limits.total)}`);
			else if (file.size !== undefined && inflated > limits.ratioFrom && inflated > limits.ratio * file.size)
				failure = bomb(file.name, `unpacks ${size(file.size)} to more than ${size(inflated)}`);
			else if (total > limits.ratioFrom && total > limits.ratio * bytes.length) failure = bomb(file.name, `unpacks ${size(bytes.length)} to more than ${size(total)}`);
			else if (final && declared !== undefined && inflated !== declared)
				failure = new FormatError(zipName, file.name, `holds ${size(inflated)}, not the ${size(declared)} it declares: the archive is damaged`);
			if (failure) return;
			if (keep) chunks.push(chunk);
			if (final && keep) out.push({ path: file.name, bytes: concat(chunks, inflated) });
		};
		file.start();
	});
	unzip.register(UnzipInflate);
	try {
		for (let at = 0; at < bytes.length && !failure; at += STEP) unzip.push(bytes.subarray(at, at + STEP), at + STEP >= bytes.length);
	} catch (e) {
		failure ??= unreadable(zipName, e);
	}
	if (failure) throw failure;
	return out;
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
	if (chunks.length === 1) return chunks[0];
	const all = new Uint8Array(length);
	let at = 0;
	for (const c of chunks) {
		all.set(c, at);
		at += c.length;
	}
	return all;
}
