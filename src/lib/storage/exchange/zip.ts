import { Zip, ZipDeflate, ZipPassThrough, unzipSync } from 'fflate';
import { FormatError } from '$lib/formats/errors';
import { isImagePath, ZIP_TEXT_LEVEL, type DatasetFile } from '$lib/formats/files';

/** An archive whose entries add up to more than this once unpacked is refused. */
export const MAX_UNZIPPED_TOTAL = 8 * 2 ** 30;
/** A text entry (anything but an image) larger than this once unpacked is refused. */
export const MAX_UNZIPPED_TEXT = 2 ** 30;

const IGNORED = /(^|\/)(__MACOSX\/|\.DS_Store$|Thumbs\.db$)/;

export function isZip(bytes: Uint8Array): boolean {
	return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The files of a zip archive, refused before anything is inflated when its declared sizes look like
 * a zip bomb. Folders and the litter of macOS and Windows are left out.
 */
export function unzipFiles(
	zipName: string,
	bytes: Uint8Array,
	limits = { total: MAX_UNZIPPED_TOTAL, text: MAX_UNZIPPED_TEXT }
): DatasetFile[] {
	let total = 0;
	let unpacked: Record<string, Uint8Array>;
	try {
		unpacked = unzipSync(bytes, {
			filter(file) {
				if (file.name.endsWith('/') || IGNORED.test(file.name)) return false;
				total += file.originalSize;
				if (total > limits.total)
					throw new FormatError(zipName, file.name, `unpacks to more than ${gb(limits.total)}: this looks like a zip bomb`);
				if (!isImagePath(file.name) && file.originalSize > limits.text)
					throw new FormatError(zipName, file.name, `unpacks to ${gb(file.originalSize)} of text: this looks like a zip bomb`);
				return true;
			}
		});
	} catch (e) {
		if (e instanceof FormatError) throw e;
		throw new FormatError(zipName, '', `is not a readable zip archive (${e instanceof Error ? e.message : String(e)})`);
	}
	return Object.entries(unpacked).map(([path, data]) => ({ path, bytes: data }));
}

const gb = (n: number) => (n >= 2 ** 30 ? `${+(n / 2 ** 30).toFixed(1)} GB` : `${Math.round(n / 2 ** 20)} MB`);

/**
 * Zips files as a stream: images (already compressed) are stored as they are, text is deflated.
 * Yields between files so that a cancel message is seen; returns null when cancelled.
 */
export async function zipFiles(
	files: readonly DatasetFile[],
	onProgress: (done: number, total: number, bytes: number) => void,
	isCancelled: () => boolean = () => false
): Promise<Blob | null> {
	const chunks: Uint8Array[] = [];
	let failure: Error | null = null;
	const zip = new Zip((err, chunk) => {
		if (err) failure = err;
		else chunks.push(chunk);
	});
	let bytes = 0;
	for (let i = 0; i < files.length; i++) {
		if (isCancelled()) {
			zip.terminate();
			return null;
		}
		const f = files[i];
		const entry = isImagePath(f.path) ? new ZipPassThrough(f.path) : new ZipDeflate(f.path, { level: ZIP_TEXT_LEVEL });
		zip.add(entry);
		entry.push(f.bytes, true);
		bytes += f.bytes.length;
		onProgress(i + 1, files.length, bytes);
		if (failure) throw failure;
		if (i % 8 === 7) await new Promise((r) => setTimeout(r));
	}
	zip.end();
	if (failure) throw failure;
	return new Blob(chunks as BlobPart[], { type: 'application/zip' });
}
