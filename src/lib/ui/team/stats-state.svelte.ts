import { downloadBlob } from '$lib/ui/app/download';
import type { ProjectDoc } from '$lib/model';
import { statsCsv, statsInputOf, teamStats, type MemberStats, type TeamStats } from '$lib/model/team/stats';

/** How long the page waits after a change before it counts again (a teammate's burst of edits is counted once). */
export const STATS_DEBOUNCE_MS = 500;

export type MemberSortKey = 'name' | 'submitted' | 'accepted' | 'rejectionRate' | 'created' | 'edited' | 'comments' | 'activeMs' | 'lastActive';

/**
 * The statistics page's numbers: counted once when the project opens, then again a little after its
 * team, annotations, images or classes change (debounced), never while drawing. The members table's
 * sort is applied to the counted rows, not a new count.
 */
export class StatsState {
	stats = $state.raw<TeamStats | null>(null);
	/** When the numbers were last counted (ms). */
	countedAt = $state(0);
	/** Each count, for tests that wait for a recount. */
	counts = $state(0);
	sortKey = $state<MemberSortKey>('name');
	sortDescending = $state(false);

	private timer: ReturnType<typeof setTimeout> | null = null;
	private stopChanges: (() => void) | null = null;

	constructor(private readonly doc: ProjectDoc) {
		this.count();
		this.stopChanges = doc.onChange((change) => {
			if (change.team.size || change.annotations.size || change.images.size || change.classes) this.schedule();
		});
	}

	private schedule(): void {
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = setTimeout(() => {
			this.timer = null;
			this.count();
		}, STATS_DEBOUNCE_MS);
	}

	private count(): void {
		this.stats = teamStats(statsInputOf(this.doc));
		this.countedAt = Date.now();
		this.counts++;
	}

	readonly members: MemberStats[] = $derived.by(() => {
		const rows = [...(this.stats?.members ?? [])];
		const key = this.sortKey;
		const sign = this.sortDescending ? -1 : 1;
		const byName = (a: MemberStats, b: MemberStats) => Number(b.known) - Number(a.known) || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1);
		return rows.sort((a, b) => {
			if (key === 'name') return sign * byName(a, b);
			// Empty values (no rate, never active) last, whichever the direction.
			const x = a[key];
			const y = b[key];
			if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
			return sign * (x - y) || byName(a, b);
		});
	});

	/** Sorts by a column: again on the same column turns the order round; numbers start from the largest. */
	sortBy(key: MemberSortKey): void {
		if (this.sortKey === key) this.sortDescending = !this.sortDescending;
		else {
			this.sortKey = key;
			this.sortDescending = key !== 'name';
		}
	}

	csv(): { members: string; classes: string } | null {
		return this.stats ? statsCsv(this.stats) : null;
	}

	destroy(): void {
		this.stopChanges?.();
		this.stopChanges = null;
		if (this.timer !== null) clearTimeout(this.timer);
		this.timer = null;
	}
}

/** Active time in words: "45 s" never, minutes at least: "0 min", "12 min", "3 h 05 min". */
export function activeText(ms: number): string {
	const minutes = Math.round(ms / 60_000);
	if (minutes < 60) return `${minutes} min`;
	return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** A rejection rate as a percentage ("25%", "33.3%"); a dash when nothing was submitted. */
export function rateText(rate: number | null): string {
	if (rate === null) return '—';
	const pct = Math.round(rate * 1000) / 10;
	return `${pct}%`;
}

/** A file name from a project's name: characters no file system takes replaced. */
export function csvFileName(projectName: string, part: string, extension = 'csv'): string {
	const base = projectName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').trim() || 'project';
	return `${base} - ${part}.${extension}`;
}

/** Saves text as a file through a download link (the browser's own download, nothing leaves the device). */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
	// A byte-order mark: spreadsheets then read the names as UTF-8.
	downloadBlob(new Blob(['\ufeff', text], { type }), fileName);
}
