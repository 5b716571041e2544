import { importClient, type ImportClient } from '$lib/storage/import/client';
import { releaseReserve, setAsideReserve } from '$lib/storage/import/reserve';
import type { GatheredFiles } from '$lib/storage/import/entries';
import { ImportTally, type ImportSummary, type StoredImage } from '$lib/storage/import/tally';
import type { OpenProject } from '$lib/storage/projects';
import type { ProjectDoc } from '$lib/model';

/** How often stored images are written to the document while an import runs (besides every 50). */
const FLUSH_MS = 400;

export interface ImportReport extends ImportSummary {
	id: number;
	startedAt: number;
	/** Set when the import stopped on an unexpected error. */
	error: string | null;
}

/**
 * Imports into one project: runs one import at a time through the worker (later ones queue), keeps
 * progress and a report per import for the page to show.
 */
export class ImportController {
	/** Newest first. */
	reports = $state<ImportReport[]>([]);
	/** The report of the import running now, if any. */
	active = $state<ImportReport | null>(null);
	queued = $state(0);

	private readonly project: OpenProject;
	private readonly doc: ProjectDoc;
	private readonly projectId: string;
	private readonly client: ImportClient;
	private queue: GatheredFiles[] = [];
	private cancelCurrent: (() => void) | null = null;
	private destroyed = false;
	private nextReportId = 1;

	constructor(project: OpenProject, client: ImportClient = importClient()) {
		this.project = project;
		this.projectId = project.id;
		this.doc = project.doc;
		this.client = client;
	}

	get running(): boolean {
		return this.active !== null;
	}

	/** Queues files for import. */
	add(gathered: GatheredFiles): void {
		if (this.destroyed) return;
		this.queue.push(gathered);
		this.queued = this.queue.length;
		if (!this.active) void this.drain();
	}

	cancel(): void {
		this.queue = [];
		this.queued = 0;
		this.cancelCurrent?.();
	}

	dismiss(id: number): void {
		this.reports = this.reports.filter((r) => r.id !== id);
	}

	/** The page goes away: stop after the files in flight (their images are still committed). */
	destroy(): void {
		this.destroyed = true;
		this.cancel();
	}

	private async drain(): Promise<void> {
		while (this.queue.length) {
			const next = this.queue.shift()!;
			this.queued = this.queue.length;
			await this.run(next);
		}
	}

	private async run(gathered: GatheredFiles): Promise<void> {
		const { files, skipped, unreadable } = gathered;
		const commit = (images: StoredImage[]): string | null => {
			const result = this.doc.addImages(
				images.map(({ name, hash, width, height, mime, size }) => ({ name, hash, width, height, mime, size }))
			);
			return result.ok ? null : result.reason;
		};
		const tally = new ImportTally(
			files.map((f) => f.name),
			commit,
			{ skipped }
		);
		tally.summary.failed.push(...unreadable);
		const report = (extra: Partial<ImportReport> = {}): ImportReport => ({
			...structuredClone(tally.summary),
			id,
			startedAt,
			error: null,
			...extra
		});
		const id = this.nextReportId++;
		const startedAt = Date.now();
		this.active = report();

		if (files.length === 0) {
			this.finishReport(tally.finish(null, []), id, startedAt, null);
			return;
		}

		// Room for the document's records should the disk fill up (see reserve.ts).
		const reserved = await setAsideReserve().catch(() => true);
		if (!reserved) {
			this.finishReport(tally.finish('storage-full', files.map((_, i) => i)), id, startedAt, null);
			return;
		}

		const knownHashes = new Map<string, string>();
		for (const image of this.doc.images()) knownHashes.set(image.hash, image.name);

		let dirty = false;
		// Once storage is full no write succeeds: hold the records until the reserve is freed.
		let full = false;
		const timer = setInterval(() => {
			if (!full) tally.flush();
			if (dirty && this.active?.id === id) {
				this.active = report();
				dirty = false;
			}
		}, FLUSH_MS);
		let lastPaint = 0;
		const run = this.client.start(this.projectId, files, knownHashes, (outcome) => {
			if (outcome.kind === 'storage-full') full = true;
			tally.add(outcome, { hold: full });
			dirty = true;
			// Progress repaints at most ~20 times a second, however fast files go by.
			const now = performance.now();
			if (now - lastPaint > 50) {
				lastPaint = now;
				this.active = report();
				dirty = false;
			}
		});
		this.cancelCurrent = run.cancel;
		let error: string | null = null;
		let stopped: null | 'cancelled' | 'storage-full' = null;
		let untried: number[] = [];
		try {
			({ stopped, untried } = await run.done);
		} catch (e) {
			error = e instanceof Error ? e.message : String(e);
		} finally {
			clearInterval(timer);
			this.cancelCurrent = null;
		}
		// Every file in flight is done: free the reserve, then write the held records into its room.
		await releaseReserve().catch(() => {});
		const summary = tally.finish(stopped, untried);
		// Records the browser refused while storage was full wait in the persistence: store them now
		// that the reserve made room.
		if (!(await this.project.persistence.retryUnsaved()))
			error ??= 'the imported images could not be recorded in the project: storage is still full';
		this.finishReport(summary, id, startedAt, error);
	}

	private finishReport(summary: ImportSummary, id: number, startedAt: number, error: string | null): void {
		const final: ImportReport = { ...structuredClone(summary), id, startedAt, error };
		this.active = null;
		this.reports = [final, ...this.reports].slice(0, 5);
	}
}
