import { StorageFullError, isQuotaError } from '../db';
import { DuplicateFilter } from './duplicates';
import type { FileOutcome, FromWorker, ImportFileInput } from './protocol';
import { IMAGE_MIME, SUPPORTED_FORMATS_TEXT, sniffImage, type ImageKind } from './sniff';

/** A decoded image: its size in pixels, and a way to make its thumbnail. */
export interface DecodedImage {
	width: number;
	height: number;
	thumbnail(): Promise<Blob | null>;
	close(): void;
}

/** What processing a file needs from the platform (the worker gives the real ones; tests give fakes). */
export interface ImportDeps {
	hash(bytes: ArrayBuffer): Promise<string>;
	/** Decodes an image; rejects when the bytes are corrupt. */
	decode(blob: Blob, kind: ImageKind): Promise<DecodedImage>;
	/** Stores bytes and thumbnail in one transaction; throws StorageFullError when storage is full. */
	store(entry: { hash: string; blob: Blob; mime: string; thumbnail: Blob | null }, label: string): Promise<void>;
}

const KIND_LABEL: Record<ImageKind, string> = { jpeg: 'JPEG', png: 'PNG', webp: 'WebP', bmp: 'BMP', gif: 'GIF' };

/** Thrown by store to say storage is full; other errors are this file's problem only. */
function isStorageFull(e: unknown): boolean {
	return e instanceof StorageFullError || (e as { name?: string } | null)?.name === 'StorageFullError' || isQuotaError(e);
}

function errorText(e: unknown): string {
	const message = e instanceof Error ? e.message : String(e);
	return message || (e as { name?: string } | null)?.name || 'unknown error';
}

/** Waits for the files before this one to claim their hashes; says when this one has. */
export interface ClaimTurn {
	wait(): Promise<void>;
	done(): void;
}

/**
 * Reads, checks, hashes, decodes, thumbnails and stores one file. Files claim their hashes in the
 * batch's order (`turn`), so that of two identical files the first one in the batch is kept,
 * whichever finishes hashing first.
 */
export async function processFile(
	input: ImportFileInput,
	index: number,
	duplicates: DuplicateFilter,
	deps: ImportDeps,
	turn: ClaimTurn = { wait: () => Promise.resolve(), done() {} }
): Promise<FileOutcome> {
	const { name, file } = input;
	let bytes: ArrayBuffer;
	try {
		bytes = await file.arrayBuffer();
	} catch (e) {
		return { kind: 'failed', index, name, reason: `could not be read (${errorText(e)})` };
	}
	if (bytes.byteLength === 0) return { kind: 'failed', index, name, reason: 'the file is empty' };
	const kind = sniffImage(new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 64)));
	if (!kind) return { kind: 'failed', index, name, reason: `not a supported image (${SUPPORTED_FORMATS_TEXT})` };

	const hash = await deps.hash(bytes);
	await turn.wait();
	const dup = duplicates.claim(hash, name);
	turn.done();
	if (dup) return { kind: 'duplicate', index, name, hash, ...dup };

	const mime = IMAGE_MIME[kind];
	const blob = new Blob([bytes], { type: mime });
	let decoded: DecodedImage;
	try {
		decoded = await deps.decode(blob, kind);
	} catch {
		duplicates.release(hash, name);
		return { kind: 'failed', index, name, reason: `the file is damaged: it could not be decoded as a ${KIND_LABEL[kind]} image` };
	}
	try {
		const { width, height } = decoded;
		if (!(width > 0 && height > 0)) {
			duplicates.release(hash, name);
			return { kind: 'failed', index, name, reason: 'the image has no pixels' };
		}
		let thumbnail: Blob | null = null;
		try {
			thumbnail = await decoded.thumbnail();
		} catch {
			thumbnail = null; // the library shows a placeholder; the image itself is fine
		}
		try {
			await deps.store({ hash, blob, mime, thumbnail }, name);
		} catch (e) {
			duplicates.release(hash, name);
			if (isStorageFull(e)) return { kind: 'storage-full', index, name, message: errorText(e) };
			return { kind: 'failed', index, name, reason: `could not be saved (${errorText(e)})` };
		}
		return { kind: 'stored', index, name, hash, width, height, mime, size: bytes.byteLength };
	} finally {
		decoded.close();
	}
}

/**
 * Imports a list of files, a few at a time, posting each file's outcome as soon as it is known.
 * Stops starting new files when cancelled or when storage is full (the files then in flight finish).
 */
export async function runImport(
	request: { requestId: number; files: ImportFileInput[]; knownHashes: Map<string, string> },
	deps: ImportDeps,
	post: (message: FromWorker) => void,
	isCancelled: () => boolean,
	concurrency = 2
): Promise<void> {
	const { requestId, files } = request;
	const duplicates = new DuplicateFilter(request.knownHashes);
	let next = 0;
	let storageFull = false;
	const tried = new Set<number>();
	// claimed[i] resolves once file i has claimed its hash (or will never claim one).
	const claimedResolvers: (() => void)[] = [];
	const claimed = files.map(() => new Promise<void>((resolve) => claimedResolvers.push(resolve)));

	async function lane(): Promise<void> {
		while (next < files.length && !storageFull && !isCancelled()) {
			const index = next++;
			tried.add(index);
			let outcome: FileOutcome;
			const previous = index === 0 ? Promise.resolve() : claimed[index - 1];
			try {
				outcome = await processFile(files[index], index, duplicates, deps, { wait: () => previous, done: claimedResolvers[index] });
			} catch (e) {
				outcome = { kind: 'failed', index, name: files[index].name, reason: errorText(e) };
			} finally {
				// A file that failed before claiming must not hold up the ones after it.
				void previous.then(claimedResolvers[index]);
			}
			if (outcome.kind === 'storage-full') storageFull = true;
			post({ type: 'outcome', requestId, outcome });
		}
	}

	await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
	const untried = files.map((_, i) => i).filter((i) => !tried.has(i));
	post({ type: 'done', requestId, stopped: storageFull ? 'storage-full' : untried.length ? 'cancelled' : null, untried });
}
