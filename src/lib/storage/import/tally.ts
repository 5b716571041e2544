import { StorageFullError } from '../db';
import type { FileOutcome } from './protocol';

export type StoredImage = Extract<FileOutcome, { kind: 'stored' }>;

/** Writes stored images into the project document; returns why it could not, or null. */
export type CommitImages = (images: StoredImage[]) => string | null;

export interface ImportSummary {
	total: number;
	/** Files with an outcome so far. */
	done: number;
	/** Images whose records are in the document. */
	imported: number;
	duplicates: { name: string; of: 'project' | 'batch'; firstName?: string }[];
	failed: { name: string; reason: string }[];
	/** Files found in folders that are not images (label files, notes): not tried. */
	skipped: string[];
	/** Set when storage ran out: what the user must be told, and the files that were not imported. */
	storageFull: { message: string; notImported: string[] } | null;
	/** Files never tried because the user cancelled. */
	cancelled: string[];
	finished: boolean;
}

/** "a.png", "a.png and b.png", "a.png, b.png, c.png and 4 more" */
export function listNames(names: readonly string[], max = 3): string {
	if (names.length === 0) return '';
	if (names.length === 1) return names[0];
	if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
	return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/**
 * Keeps count of an import and hands its stored images to the document in batches, so a
 * 1,000-file import is a few dozen transactions rather than a thousand. Stored images are always
 * committed, even when a later file fails or storage runs out.
 */
export class ImportTally {
	readonly summary: ImportSummary;
	private pending: StoredImage[] = [];
	private readonly names: readonly string[];
	private readonly commit: CommitImages;
	private readonly batchSize: number;
	private storageFullAt: { name: string } | null = null;
	private notStored = new Set<number>();

	constructor(names: readonly string[], commit: CommitImages, options: { batchSize?: number; skipped?: string[] } = {}) {
		this.names = names;
		this.commit = commit;
		this.batchSize = options.batchSize ?? 50;
		this.summary = {
			total: names.length,
			done: 0,
			imported: 0,
			duplicates: [],
			failed: [],
			skipped: options.skipped ?? [],
			storageFull: null,
			cancelled: [],
			finished: false
		};
	}

	get pendingCount(): number {
		return this.pending.length;
	}

	/** Counts one file's outcome. With `hold`, stored images wait for the next flush whatever their number. */
	add(outcome: FileOutcome, options: { hold?: boolean } = {}): void {
		this.summary.done++;
		switch (outcome.kind) {
			case 'stored':
				this.pending.push(outcome);
				if (this.pending.length >= this.batchSize && !options.hold) this.flush();
				break;
			case 'duplicate':
				this.summary.duplicates.push({ name: outcome.name, of: outcome.of, firstName: outcome.firstName });
				break;
			case 'failed':
				this.summary.failed.push({ name: outcome.name, reason: outcome.reason });
				break;
			case 'storage-full':
				this.storageFullAt ??= { name: outcome.name };
				this.notStored.add(outcome.index);
				break;
		}
	}

	/** Commits the stored images not yet in the document. */
	flush(): void {
		if (!this.pending.length) return;
		const batch = this.pending.sort((a, b) => a.index - b.index);
		this.pending = [];
		const refused = this.commit(batch);
		if (refused === null) this.summary.imported += batch.length;
		else for (const image of batch) this.summary.failed.push({ name: image.name, reason: refused });
	}

	/** The worker is done: commits the rest and records the files it never tried. */
	finish(stopped: null | 'cancelled' | 'storage-full', untried: readonly number[]): ImportSummary {
		this.flush();
		const untriedNames = untried.map((i) => this.names[i]);
		if (this.storageFullAt || stopped === 'storage-full') {
			const notImported = [...[...this.notStored].sort((a, b) => a - b).map((i) => this.names[i]), ...untriedNames];
			const what = notImported.length ? listNames(notImported) : (this.storageFullAt?.name ?? 'the images');
			const message =
				`${plural(this.summary.imported, 'image')} of ${this.summary.total} imported. ` + new StorageFullError(what).message;
			this.summary.storageFull = { message, notImported };
		} else if (stopped === 'cancelled') {
			this.summary.cancelled = untriedNames;
		}
		this.summary.done = this.summary.total;
		this.summary.finished = true;
		return this.summary;
	}
}
