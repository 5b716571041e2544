import type { ProjectDoc } from '$lib/model';

/**
 * What a member's inbox lists (issue 15): comments that mention them, and replies in threads they
 * opened or wrote in — never their own comments, never deleted ones. Pure: the read state is kept per
 * device (InboxReads), so a comment that arrives late (its author was offline) is unread when it does.
 */
export interface InboxEntry {
	commentId: string;
	threadId: string;
	imageId: string;
	author: string;
	at: number;
	text: string;
	/** 'mention': the comment names this member; 'reply': it answers in a thread they are part of. */
	why: 'mention' | 'reply';
}

export function inboxEntries(comments: Pick<ProjectDoc['comments'], 'threads' | 'commentsOf'>, myIds: ReadonlySet<string>): InboxEntry[] {
	if (!myIds.size) return [];
	const out: InboxEntry[] = [];
	for (const thread of comments.threads()) {
		const list = comments.commentsOf(thread.id);
		// Part of the thread from its start (opened it), or from their first comment on.
		let involved = myIds.has(thread.author);
		for (const c of list) {
			const mine = myIds.has(c.author);
			if (mine) {
				involved = true;
				continue;
			}
			if (c.deleted) continue;
			const mentioned = c.mentions.some((id) => myIds.has(id));
			if (!mentioned && !involved) continue;
			out.push({ commentId: c.id, threadId: thread.id, imageId: thread.imageId, author: c.author, at: c.createdAt, text: c.text, why: mentioned ? 'mention' : 'reply' });
		}
	}
	return out;
}

/** Unread first, then newest first (ties by id, so every replica lists them alike). */
export function sortInbox(entries: InboxEntry[], isRead: (commentId: string) => boolean): (InboxEntry & { unread: boolean })[] {
	return entries
		.map((e) => ({ ...e, unread: !isRead(e.commentId) }))
		.sort((a, b) => Number(b.unread) - Number(a.unread) || b.at - a.at || (a.commentId < b.commentId ? -1 : 1));
}
