import { Origin } from '../origins';
import type { Id } from '../records';
import type { MemberRecord } from '../team/records';
import type { DocCore, Result } from './core';

/** A member's own profile as its device knows it: written into each project it opens. */
export type MemberProfile = Pick<MemberRecord, 'id' | 'name' | 'color' | 'algorithm' | 'publicKey' | 'aliases' | 'sig'>;

/** How long a member's `lastSeen` may lag: a device writes it at most this often while it works. */
export const LAST_SEEN_STEP_MS = 60_000;

/** The project's member list (schema v8): who is in it, since when, last seen; earlier ids resolved. */
export class MemberRecords {
	private aliasIndex: Map<Id, MemberRecord> | null = null;

	constructor(private readonly core: DocCore) {}

	/** Called when the members change: the alias index is rebuilt on the next lookup. */
	invalidate(): void {
		this.aliasIndex = null;
	}

	list(): MemberRecord[] {
		return [...this.core.checked.team.members.values()].sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1));
	}

	get(id: Id): MemberRecord | undefined {
		return this.core.checked.team.members.get(id);
	}

	/**
	 * The member an author id names: the member itself, or the member that names it among its earlier
	 * ids (the device id records carried before schema v8). Two members claiming one id: the one who
	 * joined first keeps it, on every replica.
	 */
	resolve(authorId: Id): MemberRecord | undefined {
		const direct = this.get(authorId);
		if (direct) return direct;
		if (!this.aliasIndex) {
			this.aliasIndex = new Map();
			const byJoin = [...this.core.checked.team.members.values()].sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1));
			for (const m of byJoin) for (const alias of m.aliases) if (!this.aliasIndex.has(alias)) this.aliasIndex.set(alias, m);
		}
		return this.aliasIndex.get(authorId);
	}

	/** The ids a member's records may carry: its own and its earlier ones. */
	idsOf(member: MemberRecord): Set<Id> {
		return new Set([member.id, ...member.aliases.filter((a) => this.resolve(a)?.id === member.id)]);
	}

	/**
	 * Writes this device's member into the project (on open, and when its profile changes): joined
	 * once, last seen now. Leaves the record alone when nothing changed and `lastSeen` is recent.
	 */
	join(profile: MemberProfile, now = Date.now()): Result<MemberRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const current = this.get(profile.id);
		const next: MemberRecord = {
			...profile,
			aliases: profile.aliases.slice(0, 8),
			joinedAt: current?.joinedAt ?? now,
			lastSeen: now
		};
		if (next.sig === undefined) delete next.sig;
		const same =
			current &&
			current.name === next.name &&
			current.color === next.color &&
			current.publicKey === next.publicKey &&
			current.sig === next.sig &&
			current.aliases.join() === next.aliases.join() &&
			now - current.lastSeen < LAST_SEEN_STEP_MS;
		if (same) return { ok: true, value: current };
		this.core.ydoc.transact(() => this.core.maps.members.set(next.id, next), Origin.admin);
		return { ok: true, value: next };
	}
}
