import { Origin } from '../origins';
import type { Id } from '../records';
import { SPLITS, type SplitName, type SplitRecord } from '../team/records';
import type { DocCore, Result } from './core';

/**
 * Stored dataset splits (schema v9): one record per image under its id (last writer wins). Exports and
 * versions use them, so train/val/test stays the same from one export to the next.
 */
export class Splits {
	constructor(private readonly core: DocCore) {}

	of(imageId: Id): SplitName | undefined {
		return this.core.checked.images.has(imageId) ? this.core.checked.team.splits.get(imageId)?.split : undefined;
	}

	/** The split of every image that has one (images that no longer exist are left out). */
	all(): ReadonlyMap<Id, SplitName> {
		const out = new Map<Id, SplitName>();
		for (const [imageId, r] of this.core.checked.team.splits) if (this.core.checked.images.has(imageId)) out.set(imageId, r.split);
		return out;
	}

	/** Images per split, and those with none. */
	counts(): Record<SplitName | 'none', number> {
		const out = { train: 0, val: 0, test: 0, none: this.core.checked.images.size };
		for (const split of this.all().values()) {
			out[split]++;
			out.none--;
		}
		return out;
	}

	/** Puts images in a split (null: in none), one transaction; returns how many changed. */
	set(imageIds: Iterable<Id>, split: SplitName | null, now = Date.now()): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		if (split !== null && !SPLITS.includes(split)) return { ok: false, reason: 'A split is train, val or test' };
		const changing = [...new Set(imageIds)].filter((id) => this.core.checked.images.has(id) && (this.of(id) ?? null) !== split);
		if (!changing.length) return { ok: true, value: 0 };
		this.core.ydoc.transact(() => {
			for (const imageId of changing) {
				if (split === null) this.core.maps.splits.delete(imageId);
				else this.core.maps.splits.set(imageId, { imageId, split, by: this.core.actor.id, at: now } satisfies SplitRecord);
			}
		}, Origin.admin);
		return { ok: true, value: changing.length };
	}

	/** Sets several images' splits at once (a seeded split's result), one transaction; returns how many changed. */
	assign(splits: ReadonlyMap<Id, SplitName>, now = Date.now()): Result<number> {
		const guard = this.core.writable();
		if (guard) return guard;
		let changed = 0;
		this.core.ydoc.transact(() => {
			for (const [imageId, split] of splits) {
				if (!this.core.checked.images.has(imageId) || !SPLITS.includes(split) || this.of(imageId) === split) continue;
				this.core.maps.splits.set(imageId, { imageId, split, by: this.core.actor.id, at: now } satisfies SplitRecord);
				changed++;
			}
		}, Origin.admin);
		return { ok: true, value: changed };
	}
}
