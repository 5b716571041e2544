import type { Id } from '$lib/model';
import { csvText } from '$lib/model/team/stats';
import type { ConsensusState } from './report-input';
import type { QualityReport } from './quality-report.svelte';

const round = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 10_000);

export function stateText(s: ConsensusState): string {
	return s.kind === 'merged' ? 'merged' : s.kind === 'ready' ? 'ready to merge' : `waiting for ${s.missing}`;
}

/**
 * The quality page as two CSV files (RFC 4180 through the statistics' csvText, formula-guarded): `gold`,
 * a row per member over every class ("all") then one per member and class; `consensus`, a row per
 * consensus image. Fractions with 4 decimals, empty where there is none; the threshold on every row.
 */
export function reportCsv(report: QualityReport, names: { member(id: Id): string; class(id: Id): string }): { gold: string; consensus: string } {
	const t = report.settings.threshold;
	const gold = csvText([
		['member', 'member_id', 'class', 'class_id', 'tp', 'fp', 'fn', 'precision', 'recall', 'mean_iou', 'gold_images', 'threshold'],
		...report.gold.flatMap((m) => [
			[names.member(m.member), m.member, 'all', '', m.tp, m.fp, m.fn, round(m.precision), round(m.recall), round(m.similarity), m.images, t],
			...m.perClass.map((c) => [names.member(m.member), m.member, names.class(c.classId), c.classId, c.tp, c.fp, c.fn, round(c.precision), round(c.recall), round(c.similarity), m.images, t])
		])
	]);
	const consensus = csvText([
		['image', 'image_id', 'members', 'state', 'agreement', 'mean_iou', 'threshold'],
		...report.consensus.map((r) => [r.name, r.imageId, r.members.map((m) => names.member(m)).join('; '), stateText(r.state), round(r.agreement?.score ?? null), round(r.agreement?.similarity ?? null), t])
	]);
	return { gold, consensus };
}
