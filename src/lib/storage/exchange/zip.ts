import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { isImagePath, ZIP_TEXT_LEVEL, type DatasetFile } from '$lib/formats/files';

// Unzipping is the formats' own guard against zip bombs, shared with the CLI.
export { isZip, unzipFiles } from '$lib/formats/unzip';

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
