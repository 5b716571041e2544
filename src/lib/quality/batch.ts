import type { ClassRecord, Id } from '$lib/model/records';
import { imageAgreement, type ImageAgreement } from './agreement';
import { emptyCounts, figuresOf, scoreAgainstGold, sumGold, type GoldFigures, type GoldScore } from './gold';
import { checkedSettings, classMapOf, meanOf, type MatchSettings, type MeanOf, type MemberLayer, type Metric, type QualityShape } from './types';

/**
 * Agreement and gold scores over a batch of images, as the quality worker runs them (and Node, where
 * there are no workers): per image, and totals over the batch. An image whose shapes cannot be
 * compared is reported with its error; the others still are.
 */

export interface AgreementImageInput {
	imageId: Id;
	width: number;
	height: number;
	layers: MemberLayer[];
}

export interface AgreementRequest {
	kind: 'agreement';
	images: AgreementImageInput[];
	classes: ClassRecord[];
	settings: Partial<MatchSettings>;
}

export interface GoldImageInput extends AgreementImageInput {
	/** The reference (gold) shapes. */
	gold: QualityShape[];
}

export interface GoldRequest {
	kind: 'gold';
	images: GoldImageInput[];
	classes: ClassRecord[];
	settings: Partial<MatchSettings>;
}

export type QualityRequest = AgreementRequest | GoldRequest;

export type ImageOutcome<T> = ({ imageId: Id; ok: true } & T) | { imageId: Id; ok: false; error: string };

/**
 * An image's agreement as a batch returns it: the figures, with the lists a reviewer looks at on one
 * image (groups, mismatches, differing attributes, unmatched shapes) only counted — imageAgreement on that
 * image gives them, in about a millisecond; a batch of 1,000 images would spend longer copying them.
 */
export type AgreementSummary = Omit<ImageAgreement, 'groups' | 'unmatched' | 'classMismatches' | 'attributeDifferences'> & {
	groups: number;
	unmatched: number;
	classMismatches: number;
	attributeDifferences: number;
};

export function summaryOf(a: ImageAgreement): AgreementSummary {
	const { groups, unmatched, classMismatches, attributeDifferences, ...figures } = a;
	return {
		...figures,
		groups: groups.length,
		unmatched: Object.values(unmatched).reduce((n, ids) => n + ids.length, 0),
		classMismatches: classMismatches.length,
		attributeDifferences: attributeDifferences.length
	};
}

export interface AgreementTotals {
	images: number;
	/** Mean of the images' agreement; null when no image was scored. */
	meanScore: number | null;
	/** Per class over all images and member pairs: 2·matched same-class / shapes of the class, and the mean similarity. */
	perClass: { classId: Id; score: number | null; similarity: number | null; shapes: number }[];
	/** Per member pair over all images: 2·matched same-class / their shapes. */
	pairs: { members: [Id, Id]; score: number | null; images: number }[];
	similarity: number | null;
	metrics: Partial<Record<Metric, number>>;
}

export interface AgreementResult {
	kind: 'agreement';
	images: ImageOutcome<{ agreement: AgreementSummary }>[];
	totals: AgreementTotals;
	/** Time spent computing, in the worker (or here). */
	computeMs: number;
}

export interface MemberGold extends GoldFigures {
	member: Id;
	perClass: (GoldFigures & { classId: Id })[];
	images: number;
}

export interface GoldResult {
	kind: 'gold';
	images: ImageOutcome<{ scores: { member: Id; score: GoldScore }[] }>[];
	members: MemberGold[];
	computeMs: number;
}

export type QualityResult = AgreementResult | GoldResult;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const add = (m: MeanOf, sum: number, count: number) => ((m.sum += sum), (m.count += count));

export function agreementTotals(images: readonly AgreementSummary[]): AgreementTotals {
	const perClass = new Map<Id, { matched: number; shapes: number; sim: MeanOf; count: number }>();
	const pairs = new Map<string, { members: [Id, Id]; same: number; shapes: number; images: number }>();
	const similarity: MeanOf = { sum: 0, count: 0 };
	const metrics = new Map<Metric, MeanOf>();
	for (const a of images) {
		for (const c of a.perClass) {
			const e = perClass.get(c.classId) ?? { matched: 0, shapes: 0, sim: { sum: 0, count: 0 }, count: 0 };
			e.matched += c.pooled.matched;
			e.shapes += c.pooled.shapes;
			e.count += c.shapes;
			add(e.sim, c.pooled.similarity.sum, c.pooled.similarity.count);
			perClass.set(c.classId, e);
		}
		for (const p of a.pairs) {
			const key = p.members.join('\n');
			const e = pairs.get(key) ?? { members: p.members, same: 0, shapes: 0, images: 0 };
			e.same += 2 * p.sameClass;
			e.shapes += p.shapes[0] + p.shapes[1];
			e.images++;
			pairs.set(key, e);
		}
		for (const [metric, m] of Object.entries(a.metrics) as [Metric, MeanOf][]) {
			add(similarity, m.sum, m.count);
			const e = metrics.get(metric) ?? { sum: 0, count: 0 };
			add(e, m.sum, m.count);
			metrics.set(metric, e);
		}
	}
	const byKey = <T>(p: [string, T], q: [string, T]) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0);
	return {
		images: images.length,
		meanScore: images.length ? images.reduce((s, a) => s + a.score, 0) / images.length : null,
		perClass: [...perClass].sort(byKey).map(([classId, e]) => ({ classId, score: e.shapes ? e.matched / e.shapes : null, similarity: meanOf(e.sim), shapes: e.count })),
		pairs: [...pairs].sort(byKey).map(([, e]) => ({ members: e.members, score: e.shapes ? e.same / e.shapes : null, images: e.images })),
		similarity: meanOf(similarity),
		metrics: Object.fromEntries([...metrics].map(([k, m]) => [k, meanOf(m)]))
	};
}

/** The part of a request every chunk of images shares. */
export type QualityHead = Omit<AgreementRequest, 'images'> | Omit<GoldRequest, 'images'>;

/**
 * A batch computed image by image as its images arrive (the worker gets them in chunks, so it computes
 * while the page is still posting), then finished into totals.
 */
export class QualityRun {
	private readonly classes: ReturnType<typeof classMapOf>;
	private readonly settings: MatchSettings;
	private readonly agreements: AgreementResult['images'] = [];
	private readonly golds: GoldResult['images'] = [];
	private computeMs = 0;

	constructor(private readonly head: QualityHead) {
		this.classes = classMapOf(head.classes);
		this.settings = checkedSettings(head.settings);
	}

	add(images: readonly (AgreementImageInput | GoldImageInput)[]): void {
		const t0 = performance.now();
		for (const image of images) {
			try {
				if (this.head.kind === 'gold') {
					const gold = (image as GoldImageInput).gold;
					const scores = image.layers.map((l) => ({ member: l.member, score: scoreAgainstGold(l.annotations, gold, this.classes, this.settings) }));
					this.golds.push({ imageId: image.imageId, ok: true, scores });
				} else this.agreements.push({ imageId: image.imageId, ok: true, agreement: summaryOf(imageAgreement(image.layers, this.classes, this.settings)) });
			} catch (e) {
				(this.head.kind === 'gold' ? this.golds : this.agreements).push({ imageId: image.imageId, ok: false, error: message(e) });
			}
		}
		this.computeMs += performance.now() - t0;
	}

	finish(): QualityResult {
		const t0 = performance.now();
		const result = this.head.kind === 'gold' ? this.finishGold() : { kind: 'agreement' as const, images: this.agreements, totals: agreementTotals(this.agreements.flatMap((i) => (i.ok ? [i.agreement] : []))) };
		return { ...result, computeMs: this.computeMs + performance.now() - t0 } as QualityResult;
	}

	private finishGold(): Omit<GoldResult, 'computeMs'> {
		const byMember = new Map<Id, GoldScore[]>();
		for (const image of this.golds) if (image.ok) for (const { member, score } of image.scores) byMember.set(member, [...(byMember.get(member) ?? []), score]);
		const members = [...byMember.keys()].sort().map((member): MemberGold => {
			const totals = sumGold(byMember.get(member)!);
			const perClass = Object.keys(totals.perClass)
				.sort()
				.map((classId) => ({ classId, ...figuresOf(totals.perClass[classId] ?? emptyCounts()) }));
			return { member, ...figuresOf(totals), perClass, images: totals.images };
		});
		return { kind: 'gold', images: this.golds, members };
	}
}

/** Runs a request here and now (Node's fallback where there are no workers). */
export function runQuality(request: AgreementRequest): AgreementResult;
export function runQuality(request: GoldRequest): GoldResult;
export function runQuality(request: QualityRequest): QualityResult;
export function runQuality(request: QualityRequest): QualityResult {
	const { images, ...head } = request;
	const run = new QualityRun(head);
	run.add(images);
	return run.finish();
}
