import type { CommentRecord, MemberRecord, ReviewRecord } from './records';

/**
 * The bytes a member signs for each record it authors: a context string and the record's meaning
 * fields in a fixed order, as UTF-8 JSON. Every peer builds the same bytes from the same record (tests
 * pin them), so a signature made on one device verifies on any other; a field changed by anyone but
 * the author breaks it. Fields that others may change (a member's `lastSeen`) are left out.
 */
const encoder = new TextEncoder();
const payload = (parts: unknown[]) => encoder.encode(JSON.stringify(parts));

export function commentPayload(c: CommentRecord): Uint8Array {
	return payload(['peerlabel-comment-v1', c.id, c.threadId, c.author, c.text, c.mentions, c.createdAt, c.editedAt ?? null, c.deleted === true]);
}

export function reviewPayload(r: ReviewRecord): Uint8Array {
	return payload(['peerlabel-review-v1', r.id, r.imageId, r.action, r.by, r.at, r.from, r.reason ?? null, r.threads ?? [], r.annotator ?? null]);
}

export function memberPayload(m: Pick<MemberRecord, 'id' | 'name' | 'color' | 'algorithm' | 'publicKey' | 'aliases'>): Uint8Array {
	return payload(['peerlabel-member-v1', m.id, m.name, m.color, m.algorithm, m.publicKey, m.aliases]);
}
