import { newId } from '../ids';
import { Origin } from '../origins';
import { importedProblem } from '../record-check';
import type { Id, ImageRecord } from '../records';
import type { DocCore, Result } from './core';

/** The image records of a project: the list in the order they were added, and their writes. */
export class ImageRecords {
	constructor(private readonly core: DocCore) {}

	images(): ImageRecord[] {
		return [...this.core.checked.images.values()].sort(
			(a, b) => a.addedAt - b.addedAt || a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1)
		);
	}

	get imageCount(): number {
		return this.core.checked.images.size;
	}

	getImage(id: Id): ImageRecord | undefined {
		return this.core.checked.images.get(id);
	}

	findImageByHash(hash: string): ImageRecord | undefined {
		for (const v of this.core.checked.images.values()) if (v.hash === hash) return v;
		return undefined;
	}

	/** Adds image records in one transaction (an import is all or nothing). */
	addImages(inputs: Omit<ImageRecord, 'id' | 'status' | 'addedAt'>[]): Result<ImageRecord[]> {
		const guard = this.core.writable();
		if (guard) return guard;
		for (const i of inputs) {
			if (!(i.width > 0 && i.height > 0)) return { ok: false, reason: `${i.name}: the image has no pixels` };
			const bad = importedProblem(i.imported);
			if (bad) return { ok: false, reason: `${i.name}: ${bad}` };
		}
		const now = Date.now();
		const records = inputs.map((i, n): ImageRecord => ({ ...i, id: newId(), addedAt: now + n * 1e-3 }));
		this.core.ydoc.transact(() => {
			for (const r of records) this.core.maps.images.set(r.id, r);
		}, Origin.import);
		return { ok: true, value: records };
	}
}
