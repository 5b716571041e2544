import type { ClassRecord, Id, ProjectDoc } from '$lib/model';
import { matchSettings, type ReviewMatchSettings } from './match-settings.svelte';
import { reportInputOf, type ConsensusRow } from './report-input';
import { reportInWorker } from './review-engine';
import type { MemberGold } from './review-types';

/** How long the page waits after a change before it counts again (a burst of edits is counted once). */
const REPORT_DEBOUNCE_MS = 500;

export interface QualityReport {
	consensus: (ConsensusRow & { agreement: { score: number; similarity: number | null } | null })[];
	gold: MemberGold[];
	/** Gold images with at least one submitted tester. */
	goldImages: number;
	settings: ReviewMatchSettings;
}

/**
 * The quality page's figures: read from the document (main thread, plain records), computed in the
 * quality engine's worker, again a little after the team's records or annotations change, and when
 * the threshold moves. A count that a newer one overtook is dropped.
 */
export class QualityReportState {
	report = $state.raw<QualityReport | null>(null);
	error = $state<string | null>(null);
	/** Each finished count, for tests that wait for a recount. */
	counts = $state(0);
	busy = $state(false);

	private timer: ReturnType<typeof setTimeout> | null = null;
	private stopChanges: (() => void) | null = null;
	private asked = 0;

	constructor(private readonly doc: ProjectDoc) {
		this.stopChanges = doc.onChange((change) => {
			if (change.team.size || change.annotations.size || change.images.size || change.classes) this.schedule();
		});
	}

	schedule(delay = REPORT_DEBOUNCE_MS): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			void this.count();
		}, delay);
	}

	async count(settings: ReviewMatchSettings = matchSettings.value): Promise<void> {
		const ask = ++this.asked;
		this.busy = true;
		try {
			const input = reportInputOf(this.doc);
			const classes: ClassRecord[] = this.doc.classes();
			const out = await reportInWorker(input, classes, settings);
			if (ask !== this.asked) return;
			const byImage = new Map<Id, { score: number; similarity: number | null }>(out.consensus);
			this.report = {
				consensus: input.consensus.map((row) => ({ ...row, agreement: byImage.get(row.imageId) ?? null })),
				gold: out.gold,
				goldImages: input.gold.length,
				settings
			};
			this.error = null;
			this.counts++;
		} catch (e) {
			if (ask === this.asked) this.error = e instanceof Error ? e.message : String(e);
		} finally {
			if (ask === this.asked) this.busy = false;
		}
	}

	destroy(): void {
		this.stopChanges?.();
		this.stopChanges = null;
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
		this.asked++;
	}
}
