import type { ThreadRecord } from '$lib/model/team/records';

/** Where a new thread goes, before its first comment is written. */
export type DraftAnchor = { kind: 'image' } | { kind: 'point'; x: number; y: number } | { kind: 'annotation'; annotationId: string };

export type SideTab = 'shapes' | 'comments' | 'activity' | 'quality';

/**
 * The editor screen's comment state shared by the side panel, the pins over the canvas and the keys
 * (issue 15): which tab of the side panel shows, which thread is open, and the thread being written.
 */
export class CommentFocus {
	tab = $state<SideTab>('shapes');
	threadId = $state<string | null>(null);
	draft = $state<DraftAnchor | null>(null);
	/** Bumped when a thread is opened from elsewhere (a pin, the inbox): the panel scrolls it into view. */
	reveal = $state(0);

	open(threadId: string): void {
		this.tab = 'comments';
		this.threadId = threadId;
		this.reveal++;
	}

	startDraft(anchor: DraftAnchor): void {
		this.tab = 'comments';
		this.draft = anchor;
		this.threadId = null;
	}
}

/** Each thread's number on its image, oldest first: the pins and the panel show the same one. */
export function threadNumbers(threads: readonly ThreadRecord[]): Map<string, number> {
	const oldest = [...threads].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
	return new Map(oldest.map((t, i) => [t.id, i + 1]));
}
