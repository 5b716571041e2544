import type { ImportFileInput } from './protocol';
import { looksLikeImageFile } from './sniff';

/** The parts of the File and Directory Entries API that dropped folders are read with. */
export interface EntryLike {
	isFile: boolean;
	isDirectory: boolean;
	name: string;
	fullPath: string;
}
export interface FileEntryLike extends EntryLike {
	file(success: (file: File) => void, failure?: (error: unknown) => void): void;
}
export interface DirectoryEntryLike extends EntryLike {
	createReader(): DirectoryReaderLike;
}
export interface DirectoryReaderLike {
	readEntries(success: (entries: EntryLike[]) => void, failure?: (error: unknown) => void): void;
}

/** Files gathered for an import: those to try, and those skipped as not images. */
export interface GatheredFiles {
	files: ImportFileInput[];
	skipped: string[];
	/** Folders or files the browser would not let us read. */
	unreadable: { name: string; reason: string }[];
}

const byPath = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Sorts files by path, numbers in names compared as numbers ("img2" before "img10"). */
export function sortByName<T extends { name: string }>(items: T[]): T[] {
	return items.sort((a, b) => byPath.compare(a.name, b.name));
}

/**
 * Every entry of a directory. readEntries returns entries in batches (Chromium: at most 100 per
 * call), so it is called again until it returns an empty batch.
 */
export async function readAllEntries(reader: DirectoryReaderLike): Promise<EntryLike[]> {
	const all: EntryLike[] = [];
	for (;;) {
		const batch = await new Promise<EntryLike[]>((resolve, reject) => reader.readEntries(resolve, reject));
		if (batch.length === 0) return all;
		all.push(...batch);
	}
}

function entryFile(entry: FileEntryLike): Promise<File> {
	return new Promise((resolve, reject) => entry.file(resolve, reject));
}

const pathOf = (entry: EntryLike) => (entry.fullPath || entry.name).replace(/^\/+/, '');

function reasonOf(e: unknown): string {
	return e instanceof Error ? e.message : (e as { name?: string } | null)?.name ?? 'the browser could not read it';
}

/**
 * Walks dropped entries, folders recursively. Files found inside folders that do not look like
 * images are skipped; files dropped on their own are always tried.
 */
export async function gatherEntries(entries: EntryLike[], keepAll = false): Promise<GatheredFiles> {
	const out: GatheredFiles = { files: [], skipped: [], unreadable: [] };
	async function visit(entry: EntryLike, inFolder: boolean): Promise<void> {
		const name = pathOf(entry);
		try {
			if (entry.isDirectory) {
				const children = await readAllEntries((entry as DirectoryEntryLike).createReader());
				for (const child of children) await visit(child, true);
			} else if (entry.isFile) {
				const file = await entryFile(entry as FileEntryLike);
				if (inFolder && !keepAll && !looksLikeImageFile(name, file.type)) out.skipped.push(name);
				else out.files.push({ name, file });
			}
		} catch (e) {
			out.unreadable.push({ name, reason: reasonOf(e) });
		}
	}
	for (const entry of entries) await visit(entry, false);
	sortByName(out.files);
	return out;
}

/**
 * Files from a file input. With `webkitdirectory` every file carries its path inside the picked
 * folder, and files that are not images are skipped.
 */
export function gatherInputFiles(list: Iterable<File>, keepAll = false): GatheredFiles {
	const out: GatheredFiles = { files: [], skipped: [], unreadable: [] };
	for (const file of list) {
		const relative = (file as File & { webkitRelativePath?: string }).webkitRelativePath;
		if (relative) {
			if (keepAll || looksLikeImageFile(relative, file.type)) out.files.push({ name: relative, file });
			else out.skipped.push(relative);
		} else out.files.push({ name: file.name, file });
	}
	sortByName(out.files);
	return out;
}

/**
 * Files and folders dropped on the page. Must be called while the drop event is being handled:
 * the browser empties the DataTransfer once the handler returns, so the entries are taken first
 * and read afterwards.
 */
export function gatherDataTransfer(data: DataTransfer, keepAll = false): Promise<GatheredFiles> {
	const entries: EntryLike[] = [];
	const loose: File[] = [];
	for (const item of Array.from(data.items ?? [])) {
		if (item.kind !== 'file') continue;
		const entry = item.webkitGetAsEntry?.() as EntryLike | null | undefined;
		if (entry) entries.push(entry);
		else {
			const file = item.getAsFile();
			if (file) loose.push(file);
		}
	}
	if (!entries.length && !loose.length && data.files?.length) loose.push(...Array.from(data.files));
	return gatherEntries(entries, keepAll).then((found) => {
		for (const file of loose) found.files.push({ name: file.name, file });
		sortByName(found.files);
		return found;
	});
}
