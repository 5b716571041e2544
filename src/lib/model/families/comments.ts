import { shapeKind } from '$lib/shapes/registry';
import { newId } from '../ids';
import { MAX_TEXT_CHARS } from '../limits';
import { Origin } from '../origins';
import type { Id } from '../records';
import { MAX_MENTIONS } from '../team/checks';
import type { CommentRecord, ReviewFlag, ThreadAnchor, ThreadRecord } from '../team/records';
import type { DocCore, Result } from './core';

export interface NewThread {
	imageId: Id;
	/** For an annotation anchor, only its id: the model places it where the shape is. */
	anchor: { kind: 'image' } | { kind: 'point'; x: number; y: number } | { kind: 'annotation'; annotationId: Id };
	text: string;
	mentions?: Id[];
	flag?: ReviewFlag;
	reviewId?: Id;
}

/** Where a thread's pin goes now: on its shape (following it), or where the shape was when it is gone. */
export interface ThreadPlace {
	x: number;
	y: number;
	/** The shape it was written on was deleted: the thread is kept and listed as orphaned. */
	orphaned: boolean;
}

const denied = (reason: string) => ({ ok: false as const, reason });

/**
 * Comment threads (schema v8): a thread is anchored to an image, a point on it or an annotation; its
 * comments are records of their own, so concurrent replies never overwrite each other, and one
 * comment changes only by its author. Writes come in two steps — a record made here, signed by the
 * caller (storage/signed-writes.ts), then written — so the model never waits on cryptography.
 */
export class CommentThreads {
	private byThread: Map<Id, CommentRecord[]> | null = null;

	constructor(private readonly core: DocCore) {}

	invalidate(): void {
		this.byThread = null;
	}

	private index(): Map<Id, CommentRecord[]> {
		if (this.byThread) return this.byThread;
		const map = new Map<Id, CommentRecord[]>();
		for (const c of this.core.checked.team.comments.values()) {
			let list = map.get(c.threadId);
			if (!list) map.set(c.threadId, (list = []));
			list.push(c);
		}
		for (const list of map.values()) list.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
		return (this.byThread = map);
	}

	thread(id: Id): ThreadRecord | undefined {
		return this.core.checked.team.threads.get(id);
	}

	/** Every thread whose image is in the project, newest first. */
	threads(): ThreadRecord[] {
		const images = this.core.checked.images;
		return [...this.core.checked.team.threads.values()].filter((t) => images.has(t.imageId)).sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
	}

	threadsOf(imageId: Id): ThreadRecord[] {
		return this.threads().filter((t) => t.imageId === imageId);
	}

	/** Open threads per image id (the library's badges and its "open threads" filter). */
	openCounts(): Map<Id, number> {
		const counts = new Map<Id, number>();
		for (const t of this.threads()) if (!t.resolved) counts.set(t.imageId, (counts.get(t.imageId) ?? 0) + 1);
		return counts;
	}

	/** A thread's comments, oldest first (a thread whose first comment has not arrived yet has none). */
	commentsOf(threadId: Id): CommentRecord[] {
		return this.index().get(threadId) ?? [];
	}

	comment(id: Id): CommentRecord | undefined {
		return this.core.checked.team.comments.get(id);
	}

	place(thread: ThreadRecord): ThreadPlace {
		const a = thread.anchor;
		if (a.kind === 'image') return { x: 0, y: 0, orphaned: false };
		if (a.kind === 'point') return { x: a.x, y: a.y, orphaned: false };
		return this.placeOnShape(a.annotationId) ?? { x: a.x, y: a.y, orphaned: true };
	}

	/** Where a pin on a shape goes (its top-right corner), or null when the shape is not there. */
	placeOnShape(annotationId: Id): ThreadPlace | null {
		const shape = this.core.checked.annotations.get(annotationId);
		return shape ? { ...this.shapeCorner(shape.type, shape.geometry), orphaned: false } : null;
	}

	private shapeCorner(type: Parameters<typeof shapeKind>[0], geometry: unknown): { x: number; y: number } {
		try {
			// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each kind reads its own geometry
			const b = shapeKind(type).bounds(geometry as any);
			return { x: b.maxX, y: b.minY };
		} catch {
			return { x: 0, y: 0 };
		}
	}

	private checkText(text: string, mentions: Id[]): string | null {
		if (!text.trim()) return 'A comment needs some text';
		if (text.length > MAX_TEXT_CHARS) return `A comment holds at most ${MAX_TEXT_CHARS.toLocaleString('en')} characters`;
		if (mentions.length > MAX_MENTIONS) return `A comment mentions at most ${MAX_MENTIONS} members`;
		return null;
	}

	/** A new thread and its first comment (not written: sign the comment, then `write`). */
	newThread(input: NewThread, now = Date.now()): Result<{ thread: ThreadRecord; comment: CommentRecord }> {
		const guard = this.core.writable();
		if (guard) return guard;
		if (!this.core.checked.images.has(input.imageId)) return denied('That image no longer exists');
		const mentions = [...new Set(input.mentions ?? [])];
		const bad = this.checkText(input.text, mentions);
		if (bad) return denied(bad);
		let anchor: ThreadAnchor;
		if (input.anchor.kind === 'annotation') {
			const shape = this.core.checked.annotations.get(input.anchor.annotationId);
			if (!shape || shape.imageId !== input.imageId) return denied('That shape no longer exists');
			anchor = { kind: 'annotation', annotationId: shape.id, ...this.shapeCorner(shape.type, shape.geometry) };
		} else anchor = input.anchor.kind === 'point' ? { kind: 'point', x: input.anchor.x, y: input.anchor.y } : { kind: 'image' };
		const author = this.core.actor.id;
		const thread: ThreadRecord = { id: newId(), imageId: input.imageId, anchor, author, createdAt: now, resolved: null };
		if (input.flag) thread.flag = input.flag;
		if (input.reviewId) thread.reviewId = input.reviewId;
		const comment: CommentRecord = { id: newId(), threadId: thread.id, author, text: input.text, mentions, createdAt: now };
		return { ok: true, value: { thread, comment } };
	}

	newReply(threadId: Id, text: string, mentions: Id[] = [], now = Date.now()): Result<CommentRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		if (!this.thread(threadId)) return denied('That thread no longer exists');
		const unique = [...new Set(mentions)];
		const bad = this.checkText(text, unique);
		if (bad) return denied(bad);
		return { ok: true, value: { id: newId(), threadId, author: this.core.actor.id, text, mentions: unique, createdAt: now } };
	}

	private own(id: Id): Result<CommentRecord> {
		const c = this.comment(id);
		if (!c) return denied('That comment no longer exists');
		if (c.author !== this.core.actor.id) return denied('Only its author can change a comment');
		if (c.deleted) return denied('That comment was deleted');
		return { ok: true, value: c };
	}

	edited(id: Id, text: string, mentions: Id[] = [], now = Date.now()): Result<CommentRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const c = this.own(id);
		if (!c.ok) return c;
		const unique = [...new Set(mentions)];
		const bad = this.checkText(text, unique);
		if (bad) return denied(bad);
		const { sig: _sig, ...rest } = c.value;
		return { ok: true, value: { ...rest, text, mentions: unique, editedAt: now } };
	}

	deleted(id: Id, now = Date.now()): Result<CommentRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const c = this.own(id);
		if (!c.ok) return c;
		const { sig: _sig, ...rest } = c.value;
		return { ok: true, value: { ...rest, text: '', mentions: [], editedAt: now, deleted: true } };
	}

	/**
	 * Writes a thread and/or comments made above (signed or not), in one transaction. Checked again
	 * here: a comment goes only into an existing thread (or the one written with it), and one that
	 * replaces another is its author's.
	 */
	write(records: { threads?: ThreadRecord[]; comments: CommentRecord[] }, inTransaction = false): Result<void> {
		const guard = this.core.writable();
		if (guard) return guard;
		const newThreads = new Map((records.threads ?? []).map((t) => [t.id, t]));
		for (const c of records.comments) {
			if (!newThreads.has(c.threadId) && !this.thread(c.threadId)) return denied('That thread no longer exists');
			if (c.author !== this.core.actor.id) return denied('A comment is written by its author only');
			const existing = this.comment(c.id);
			if (existing && (existing.author !== c.author || existing.deleted)) return denied('That comment can no longer be changed');
		}
		const put = () => {
			for (const t of newThreads.values()) this.core.maps.threads.set(t.id, t);
			for (const c of records.comments) this.core.maps.comments.set(c.id, c);
		};
		if (inTransaction) put();
		else this.core.ydoc.transact(put, Origin.admin);
		return { ok: true, value: undefined };
	}

	/** Resolves or reopens a thread (anyone may: it is the team's to-do list). */
	setResolved(threadId: Id, resolved: boolean, now = Date.now()): Result<ThreadRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		const t = this.thread(threadId);
		if (!t) return denied('That thread no longer exists');
		const next: ThreadRecord = { ...t, resolved: resolved ? { by: this.core.actor.id, at: now } : null };
		this.core.ydoc.transact(() => this.core.maps.threads.set(t.id, next), Origin.admin);
		return { ok: true, value: next };
	}
}
