import type { Id, ProjectDoc, Result } from '$lib/model';
import type { NewThread } from '$lib/model/families/comments';
import type { MemberProfile } from '$lib/model/families/members';
import type { Rejection } from '$lib/model/families/review';
import { parseMentions } from '$lib/model/team/mentions';
import type { CommentRecord, ReviewAction, StageRecord, ThreadRecord } from '$lib/model/team/records';
import { commentPayload, memberPayload, reviewPayload } from '$lib/model/team/signing';

/**
 * The team's writes that carry a signature (issue 15): the model makes the record, this signs it with
 * the member's key (WebCrypto, asynchronous), then the model writes it, checking again what a peer may
 * have changed meanwhile. Mentions are read from the text against the project's members.
 */

/** Who signs: the device's member (device-identity.ts `signBytes`), or a test's key. */
export interface Signer {
	sign(data: Uint8Array): Promise<Uint8Array>;
}

export const toBase64 = (b: Uint8Array): string => btoa(String.fromCharCode(...b));

async function signed<T extends { sig?: string }>(signer: Signer, record: T, payload: (r: T) => Uint8Array): Promise<T> {
	return { ...record, sig: toBase64(await signer.sign(payload(record))) };
}

const signComment = (signer: Signer, c: CommentRecord) => signed(signer, c, commentPayload);

/** The members `text` mentions with `@name`. */
export function mentionsIn(doc: ProjectDoc, text: string): Id[] {
	return parseMentions(text, doc.members.list());
}

/** Opens a thread with its first comment, signed. */
export async function postThread(doc: ProjectDoc, signer: Signer, input: Omit<NewThread, 'mentions'>): Promise<Result<ThreadRecord>> {
	const made = doc.comments.newThread({ ...input, mentions: mentionsIn(doc, input.text) });
	if (!made.ok) return made;
	const comment = await signComment(signer, made.value.comment);
	const written = doc.comments.write({ threads: [made.value.thread], comments: [comment] });
	return written.ok ? { ok: true, value: made.value.thread } : written;
}

export async function postReply(doc: ProjectDoc, signer: Signer, threadId: Id, text: string): Promise<Result<CommentRecord>> {
	const made = doc.comments.newReply(threadId, text, mentionsIn(doc, text));
	if (!made.ok) return made;
	const comment = await signComment(signer, made.value);
	const written = doc.comments.write({ comments: [comment] });
	return written.ok ? { ok: true, value: comment } : written;
}

export async function editComment(doc: ProjectDoc, signer: Signer, id: Id, text: string): Promise<Result<CommentRecord>> {
	const made = doc.comments.edited(id, text, mentionsIn(doc, text));
	if (!made.ok) return made;
	const comment = await signComment(signer, made.value);
	const written = doc.comments.write({ comments: [comment] });
	return written.ok ? { ok: true, value: comment } : written;
}

export async function deleteComment(doc: ProjectDoc, signer: Signer, id: Id): Promise<Result<CommentRecord>> {
	const made = doc.comments.deleted(id);
	if (!made.ok) return made;
	const comment = await signComment(signer, made.value);
	const written = doc.comments.write({ comments: [comment] });
	return written.ok ? { ok: true, value: comment } : written;
}

/** A review decision (submit, accept, reject with reasons, reopen), signed with its threads' comments. */
export async function decide(doc: ProjectDoc, signer: Signer, action: ReviewAction, imageId: Id, rejection?: Rejection): Promise<Result<StageRecord>> {
	const prepared = doc.review.prepare(action, imageId, rejection);
	if (!prepared.ok) return prepared;
	const review = await signed(signer, prepared.value.review, reviewPayload);
	const comments = await Promise.all(prepared.value.comments.map((c) => signComment(signer, c)));
	return doc.review.commit({ ...prepared.value, review, comments });
}

/** This device's member written into the project (on open, and when its profile changes), its profile signed. */
export async function joinProject(doc: ProjectDoc, signer: Signer, profile: Omit<MemberProfile, 'sig'>): Promise<Result<unknown>> {
	if (doc.readOnlyReason) return { ok: false, reason: doc.readOnlyReason };
	const current = doc.members.get(profile.id);
	const same = current && current.name === profile.name && current.color === profile.color && current.publicKey === profile.publicKey && current.aliases.join() === profile.aliases.join() && current.sig;
	const sig = same ? current.sig : toBase64(await signer.sign(memberPayload(profile)));
	return doc.members.join({ ...profile, sig });
}
