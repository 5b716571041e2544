import type { ProjectDoc, VersionRecord } from '$lib/model';
import type { DatasetFigures } from '$lib/quality/dataset-stats-figures';
import { whenStored, type OpenProject } from '$lib/storage/projects';
import { hasVersion } from '$lib/storage/versions';
import { STATS_DEBOUNCE_MS } from '$lib/ui/team/stats-state.svelte';
import { DatasetStatsClient, StatsFailure } from './dataset-stats-client';
import type { StatsSource, StatsTiming } from './protocol';

/** A steady stream of changes (a teammate at work) is still counted at least this often. */
export const STATS_MAX_WAIT_MS = 3000;

/** The select's value for the project as it is now (a version's value is its id). */
export const CURRENT = 'current';

/**
 * The dataset statistics page's state: which document is counted (the project now, or a frozen
 * version), the figures of the latest count, and the recounts. Everything is counted in the worker;
 * this only asks, and keeps the charts shown until the next figures arrive. The project is counted
 * again STATS_DEBOUNCE_MS after its annotations, images, classes, stages or splits change (a burst of
 * edits is counted once; a stream of them at least every STATS_MAX_WAIT_MS); a version never changes, so its figures are kept once counted.
 */
export class DatasetStatsState {
	figures = $state.raw<DatasetFigures | null>(null);
	/** CURRENT or a version's id. */
	source = $state(CURRENT);
	/** The versions of the project, oldest first, and which of them this device holds. */
	versions = $state.raw<VersionRecord[]>([]);
	present = $state.raw<ReadonlySet<string>>(new Set());
	/** A count is on its way (the charts shown are the previous ones). */
	counting = $state(false);
	error = $state<string | null>(null);
	/** Counts answered for the source shown (tests wait for a recount), and the latest one's timing. */
	counts = $state(0);
	timing = $state.raw<StatsTiming | null>(null);

	private readonly client = new DatasetStatsClient();
	private readonly versionFigures = new Map<string, DatasetFigures>();
	private timer: ReturnType<typeof setTimeout> | null = null;
	/** When the first change not yet counted came. */
	private pendingSince: number | null = null;
	private latest = 0;
	private project: OpenProject | null = null;
	private stop: (() => void) | null = null;

	/**
	 * Starts counting at once, from what is stored, while the page still opens the project (the worker
	 * reads the stored document itself: the two run side by side); `attach` then follows the open project.
	 */
	constructor(private readonly projectId: string) {
		void this.count();
	}

	/** The project, once open: its versions, and a recount after each change that moves a figure. */
	attach(project: OpenProject): void {
		this.project = project;
		const doc = project.doc;
		this.listVersions(doc);
		this.stop = doc.onChange((change) => {
			if (change.versions) this.listVersions(doc);
			const counted = change.annotations.size || change.images.size || change.classes || change.team.has('stages') || change.team.has('splits');
			if (counted && this.source === CURRENT) this.schedule();
		});
	}

	/** Shows the project now (CURRENT) or a version; a version's figures are counted once. */
	select(source: string): void {
		if (source === this.source) return;
		this.source = source;
		this.figures = null;
		void this.count();
	}

	private listVersions(doc: ProjectDoc): void {
		const list = doc.versions();
		this.versions = list;
		void Promise.all(list.map(async (v) => [v.hash, await hasVersion(v.hash).catch(() => false)] as const)).then((found) => {
			this.present = new Set(found.filter(([, has]) => has).map(([hash]) => hash));
		});
	}

	private schedule(): void {
		const now = Date.now();
		this.pendingSince ??= now;
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = setTimeout(
			() => {
				this.timer = null;
				this.pendingSince = null;
				void this.count();
			},
			Math.max(0, Math.min(STATS_DEBOUNCE_MS, this.pendingSince + STATS_MAX_WAIT_MS - now))
		);
	}

	/** Counts any source in the page's worker, shown nowhere: the benchmark compares how the worker gets the document. */
	countSource(source: StatsSource) {
		return this.client.count(source);
	}

	private async count(): Promise<void> {
		const ask = ++this.latest;
		const source = this.source;
		const version = this.versions.find((v) => v.id === source);
		const kept = version && this.versionFigures.get(version.hash);
		if (kept) return this.show(ask, kept, null);
		performance.mark('dataset-stats:ask');
		this.counting = true;
		this.error = null;
		try {
			let request: StatsSource;
			if (version) request = { kind: 'version', projectId: this.projectId, hash: version.hash, name: version.name };
			else if (source === CURRENT) {
				// The worker reads what is stored: this page's changes first.
				if (this.project) await whenStored(this.project.persistence);
				request = { kind: 'project', projectId: this.projectId };
			} else throw new StatsFailure('That version no longer exists');
			const answer = await this.client.count(request);
			if (version) this.versionFigures.set(version.hash, answer.figures);
			this.show(ask, answer.figures, answer.timing);
		} catch (e) {
			if (ask !== this.latest) return;
			this.error = e instanceof StatsFailure && e.missing ? 'This version is not on this device: it was frozen on another device.' : e instanceof Error ? e.message : String(e);
			this.counting = false;
		}
	}

	/** Shows the figures of request `ask` unless a later request was made meanwhile. */
	private show(ask: number, figures: DatasetFigures, timing: StatsTiming | null): void {
		if (ask !== this.latest) return;
		performance.mark('dataset-stats:answered');
		this.figures = figures;
		this.timing = timing;
		this.counting = false;
		this.counts++;
	}

	destroy(): void {
		this.stop?.();
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		this.client.destroy();
	}
}
