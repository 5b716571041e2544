import type { ProjectDoc } from '$lib/model';
import type { CommentRecord, MemberRecord, ReviewRecord } from '$lib/model/team/records';
import { commentPayload, memberPayload, reviewPayload } from '$lib/model/team/signing';
import { memberIdOf, verify } from './identity';

/**
 * Whether the team's signed records are what their authors signed (issue 15): a member's id must be
 * its public key's, and its profile, comments and review decisions must verify against that key.
 * Asynchronous (WebCrypto) and cached per record object (a changed record is a new object). A record
 * that does not verify is shown as unverified, never hidden; one whose author's member record has not
 * arrived yet is unverified until it does.
 */

export type Verification = 'verified' | 'unverified';

function fromBase64(s: string | undefined): Uint8Array | null {
	if (!s) return null;
	try {
		return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
}

export class SignatureChecks {
	private readonly results = new WeakMap<object, Verification>();
	private readonly pending = new WeakSet<object>();

	/** `onSettled`: called when a check started by `status` finishes (to redraw). */
	constructor(
		private readonly doc: ProjectDoc,
		private readonly onSettled: () => void = () => {}
	) {}

	/** The result when known; undefined while it is being checked (and starts the check). */
	status(record: CommentRecord | ReviewRecord | MemberRecord, kind: 'comment' | 'review' | 'member'): Verification | undefined {
		const known = this.results.get(record);
		if (known) return known;
		if (!this.pending.has(record)) {
			this.pending.add(record);
			void this.check(record, kind).then((result) => {
				this.results.set(record, result);
				this.pending.delete(record);
				this.onSettled();
			});
		}
		return undefined;
	}

	/** Checks one record now (tests and the first paint of a panel). */
	async check(record: CommentRecord | ReviewRecord | MemberRecord, kind: 'comment' | 'review' | 'member'): Promise<Verification> {
		try {
			if (kind === 'member') return (await this.memberVerifies(record as MemberRecord)) ? 'verified' : 'unverified';
			const authorId = kind === 'comment' ? (record as CommentRecord).author : (record as ReviewRecord).by;
			const author = this.doc.members.get(authorId);
			if (!author || !(await this.memberVerifies(author))) return 'unverified';
			const sig = fromBase64(record.sig);
			const key = fromBase64(author.publicKey);
			if (!sig || !key) return 'unverified';
			const payload = kind === 'comment' ? commentPayload(record as CommentRecord) : reviewPayload(record as ReviewRecord);
			return (await verify(author.algorithm, key, payload, sig)) ? 'verified' : 'unverified';
		} catch {
			return 'unverified';
		}
	}

	private async memberVerifies(m: MemberRecord): Promise<boolean> {
		const cached = this.results.get(m);
		if (cached) return cached === 'verified';
		const key = fromBase64(m.publicKey);
		const sig = fromBase64(m.sig);
		const ok = !!key && !!sig && (await memberIdOf(m.algorithm, key)) === m.id && (await verify(m.algorithm, key, memberPayload(m), sig));
		this.results.set(m, ok ? 'verified' : 'unverified');
		return ok;
	}
}
