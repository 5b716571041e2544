import * as Y from 'yjs';
import { newId } from '../ids';
import { Origin } from '../origins';
import type { VersionRecord } from '../records';
import type { DocCore, Result } from './core';

/** Frozen versions of a project: their records, and the snapshot and counts a new one takes. */
export class Versions {
	constructor(private readonly core: DocCore) {}

	/** The whole document as one Yjs update: a version's snapshot. */
	snapshot(): Uint8Array {
		return Y.encodeStateAsUpdate(this.core.ydoc);
	}

	/** What a version record counts. */
	counts(): VersionRecord['counts'] {
		return { images: this.core.checked.images.size, classes: this.core.checked.classes.size, annotations: this.core.checked.annotations.size };
	}

	/** Frozen versions, oldest first. */
	versions(): VersionRecord[] {
		return [...this.core.checked.versions.values()].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	}

	/** Checks a new version's name before its snapshot is stored. */
	checkVersionName(name: string): Result<string> {
		const guard = this.core.writable();
		if (guard) return guard;
		const trimmed = name.trim();
		if (!trimmed) return { ok: false, reason: 'A version needs a name' };
		if (this.versions().some((v) => v.name.toLowerCase() === trimmed.toLowerCase()))
			return { ok: false, reason: `A version named “${trimmed}” already exists` };
		return { ok: true, value: trimmed };
	}

	/** Records a frozen version whose snapshot (with `counts` taken with it) is stored under `hash`. */
	recordVersion(input: { name: string; hash: string; counts: VersionRecord['counts'] }): Result<VersionRecord> {
		const name = this.checkVersionName(input.name);
		if (!name.ok) return name;
		if (!/^[0-9a-f]{64}$/.test(input.hash)) return { ok: false, reason: 'A version is named by the SHA-256 of its snapshot' };
		const record: VersionRecord = {
			id: newId(),
			name: name.value,
			createdAt: Date.now(),
			author: this.core.actor.id,
			authorName: this.core.actor.name,
			hash: input.hash,
			counts: { ...input.counts }
		};
		this.core.ydoc.transact(() => this.core.versionMap.set(record.id, record), Origin.admin);
		return { ok: true, value: record };
	}
}
