import type { Id } from '$lib/model';
import { SPLIT_LABEL } from '$lib/model/team/records';
import type { SplitName, SplitOptions } from '$lib/formats/split';
import { plural } from '$lib/ui/app/format';
import type { LibraryState } from './library.svelte';
import { describeAdding, planSplits, previewSplits, type SplitPlan } from './split-plan';

export type SplitCounts = Record<SplitName | 'none', number>;
export type SplitWrite = { ok: true; note: string } | { ok: false; reason: string };

/**
 * The library's view of the project's stored splits (issue 16): each image's split, how many images each
 * split holds, and the writes (by hand, or a seeded split of the images without one). Reads follow the
 * library's team changes (a split is a team record: `change.team.has('splits')`).
 */
export class LibrarySplits {
	private readonly library: LibraryState;

	constructor(library: LibraryState) {
		this.library = library;
	}

	/** An image's stored split (reactive); undefined when it has none, or while only the summary is shown. */
	of(imageId: Id): SplitName | undefined {
		void this.library.teamVersion;
		return this.library.doc?.splits.of(imageId);
	}

	/** How many of the project's images are in each split, and without one. */
	readonly counts: SplitCounts = $derived.by(() => {
		void this.library.teamVersion;
		void this.library.imagesVersion;
		return this.library.doc?.splits.counts() ?? { train: 0, val: 0, test: 0, none: this.library.images.length };
	});

	/** Whether any image has a split: the grid shows split badges then. */
	readonly used: boolean = $derived.by(() => this.counts.none < this.library.images.length);

	/** The class ids on each image (accepted annotations; proposals are not labels yet), for stratifying. */
	private readonly classesByImage: Map<Id, Set<Id>> = $derived.by(() => {
		void this.library.annotationsVersion;
		const out = new Map<Id, Set<Id>>();
		for (const a of this.library.doc?.allAnnotations() ?? []) {
			if (a.proposal) continue;
			let set = out.get(a.imageId);
			if (!set) out.set(a.imageId, (set = new Set()));
			set.add(a.classId);
		}
		return out;
	});

	/** What a seeded split of these images would assign (only those without a split); writes nothing. */
	plan(imageIds: readonly Id[], options: SplitOptions): SplitPlan {
		const doc = this.library.doc;
		void this.library.teamVersion;
		void this.library.imagesVersion;
		const rows = [];
		for (const id of imageIds) {
			const image = doc?.getImage(id);
			if (image) rows.push({ id, name: image.name, split: doc!.splits.of(id), classIds: options.stratify ? (this.classesByImage.get(id) ?? []) : [] });
		}
		return planSplits(rows, options);
	}

	/** How many of these images a seeded split would give each split, and how many keep theirs (reactive). */
	preview(imageIds: readonly Id[], ratios: readonly number[]): Omit<SplitPlan, 'assign'> {
		void this.library.teamVersion;
		const doc = this.library.doc;
		return previewSplits(
			imageIds.map((id) => doc?.splits.of(id)),
			ratios
		);
	}

	/** Gives the images without a split one, as `plan` says (planned again now: a peer may have set some meanwhile). */
	assign(imageIds: readonly Id[], options: SplitOptions): SplitWrite {
		const doc = this.library.doc;
		if (!doc) return { ok: false, reason: 'Still opening the project…' };
		const plan = this.plan(imageIds, options);
		if (!plan.assign.size) return { ok: true, note: 'Every image has a split already: nothing was assigned' };
		const r = doc.splits.assign(plan.assign);
		if (!r.ok) return { ok: false, reason: r.reason };
		return { ok: true, note: `Assigned ${plural(plan.assign.size, 'image')}: ${describeAdding(plan.adding, SPLIT_LABEL)}` };
	}

	/** Puts the images in `split` (null: no split). */
	set(imageIds: readonly Id[], split: SplitName | null): SplitWrite {
		const doc = this.library.doc;
		if (!doc) return { ok: false, reason: 'Still opening the project…' };
		const r = doc.splits.set(imageIds, split);
		if (!r.ok) return { ok: false, reason: r.reason };
		const n = plural(imageIds.length, 'image');
		const unchanged = imageIds.length - r.value;
		if (!split) return { ok: true, note: `Took ${n} out of their splits${unchanged ? ` (${unchanged.toLocaleString()} had none)` : ''}` };
		return { ok: true, note: `Put ${n} in ${SPLIT_LABEL[split]}${unchanged ? ` (${unchanged.toLocaleString()} ${unchanged === 1 ? 'was' : 'were'} there already)` : ''}` };
	}
}
