import { newId } from '../ids';
import { Origin } from '../origins';
import type { AnnotationRecord, Id } from '../records';
import { decodeAnnotation, encodeAnnotation } from '../record-codec';
import { ChunkBuilder, decodeChunk, type ActivityEvent, type ActivityKind } from '../team/activity-codec';
import type { ChangeAction } from '../checked-records';
import type { DocCore, Result } from './core';

/** An import adding more annotations than this in one transaction is logged per image, not per annotation. */
const BULK_ADD = 20;

/** Whether `next` is `previous` with bytes appended (a writer's chunk after another event). */
function extends_(previous: Uint8Array, next: Uint8Array): boolean {
	if (next.length < previous.length) return false;
	for (let i = 0; i < previous.length; i++) if (previous[i] !== next[i]) return false;
	return true;
}

/** One line of an image's activity list. */
export interface ActivityEntry {
	kind: ActivityKind | 'review' | 'comment';
	at: number;
	member: Id;
	annotationId?: Id;
	/** import: annotations added. */
	count?: number;
	/** delete: whether the deleted annotation can be restored from here (its record was kept, and it is not back). */
	restorable?: boolean;
	/** delete: the class the deleted annotation had (when its record was kept). */
	classId?: Id;
	/** review: the decision, and its record's id (to check its signature). */
	action?: string;
	reviewId?: Id;
	threadId?: Id;
}

interface Index {
	/** First and latest event of each annotation. */
	byAnnotation: Map<Id, { first: ActivityEvent; last: ActivityEvent; deleted?: ActivityEvent }>;
	byImage: Map<Id, ActivityEvent[]>;
	all: ActivityEvent[];
	/** Whether `all` is sorted by time yet (done when every event is asked for). */
	sorted: boolean;
	/** Edits of annotations whose image is not known yet (their record has not arrived): placed when it does. */
	unplaced: ActivityEvent[];
	unreadable: number;
}

/**
 * The activity log (schema v8): this replica notes what its own transactions did to annotations
 * (created, edited, deleted with the record kept for restoring, restored, imported) and writes it
 * into its own chunk of the map `activity` right after each transaction; peers read everyone's chunks.
 * Compact by design (team/activity-codec.ts). Read lazily: the index is built when history is first
 * asked for, and again only from chunks that changed.
 */
export class ActivityLog {
	private readonly writer = newId();
	private readonly chunk = new ChunkBuilder();
	private pending: ActivityEvent[] = [];
	private readonly pendingImports = new Map<Id, ActivityEvent>();
	private flushScheduled = false;
	private readonly restoring = new Set<Id>();
	private readonly parsed = new Map<string, { bytes: Uint8Array; events: ActivityEvent[] | null }>();
	private index: Index | null = null;
	/** The log changed since the index was brought up to date. */
	private stale = false;
	/** Each annotation's image, as the log names it (an edit event does not). */
	private readonly imageOf = new Map<Id, Id>();

	constructor(private readonly core: DocCore) {}

	invalidate(): void {
		this.stale = true;
	}

	/** Notes what one of this replica's transactions did (called after it, with the records it replaced). */
	note(annotations: ReadonlyMap<Id, { action: ChangeAction; old?: AnnotationRecord }>, origin: unknown): void {
		if (!annotations.size || this.core.writable()) return;
		const member = this.core.actor.id;
		const at = Date.now();
		let adds = 0;
		for (const { action } of annotations.values()) if (action === 'add') adds++;
		const bulk = origin === Origin.import && adds > BULK_ADD;
		const imported = new Map<Id, number>();
		for (const [id, { action, old }] of annotations) {
			const now = this.core.checked.annotations.get(id);
			if (action === 'add' && now) {
				if (this.restoring.delete(id)) this.pending.push({ kind: 'restore', at, member, annotationId: id, imageId: now.imageId });
				else if (bulk) imported.set(now.imageId, (imported.get(now.imageId) ?? 0) + 1);
				else this.pending.push({ kind: 'create', at, member, annotationId: id, imageId: now.imageId });
			} else if (action === 'update') this.pending.push({ kind: 'edit', at, member, annotationId: id });
			else if (action === 'delete' && old) {
				const packed = encodeAnnotation(old);
				this.pending.push({ kind: 'delete', at, member, annotationId: id, imageId: old.imageId, ...(packed.ok && { record: packed.value }) });
			}
		}
		for (const [imageId, count] of imported) {
			// One import is several transactions (bounded in size): one entry per image for all of them.
			const known = this.pendingImports.get(imageId);
			if (known && known.member === member) known.count = (known.count ?? 0) + count;
			else {
				const event: ActivityEvent = { kind: 'import', at, member, imageId, count };
				this.pendingImports.set(imageId, event);
				this.pending.push(event);
			}
		}
		this.scheduleFlush();
	}

	/** Not inside the transaction that made the change: a write there would be part of it (and of its undo). */
	private scheduleFlush(): void {
		if (this.flushScheduled || !this.pending.length) return;
		this.flushScheduled = true;
		queueMicrotask(() => {
			this.flushScheduled = false;
			this.flush();
		});
	}

	/** Writes the noted events into this writer's chunk (a new chunk once it is large, or the member changed). */
	flush(): void {
		const events = this.pending;
		this.pending = [];
		this.pendingImports.clear();
		if (!events.length || this.core.writable()) return;
		this.core.ydoc.transact(() => {
			for (const e of events) {
				const closed = this.chunk.add(e);
				if (closed) this.putChunk(this.writer, closed.index, closed.bytes);
			}
			this.putChunk(this.writer, this.chunk.index, this.chunk.bytes());
		}, Origin.activity);
	}

	/** Writes a chunk under its key (null: nothing in it). */
	private putChunk(writer: string, index: number, bytes: Uint8Array | null): void {
		if (bytes) this.core.maps.activity.set(`${writer}.${index}`, bytes);
	}

	/**
	 * Writes a member's history as this app would have logged it, in chunks of its own (for tools that
	 * bring history from elsewhere: the benchmark's seed). Events oldest first; one transaction.
	 */
	writeHistory(events: readonly ActivityEvent[]): number {
		const writer = newId();
		const chunk = new ChunkBuilder();
		this.core.ydoc.transact(() => {
			for (const e of events) {
				const closed = chunk.add(e);
				if (closed) this.putChunk(writer, closed.index, closed.bytes);
			}
			this.putChunk(writer, chunk.index, chunk.bytes());
		}, Origin.activity);
		return chunk.index + 1;
	}

	/**
	 * The index, brought up to date. Chunks only grow (a writer appends and rewrites its own): a chunk
	 * whose new bytes extend the ones indexed adds only its new events, so a teammate's edit costs its
	 * own events, not the whole log again. Anything else (a chunk gone or rewritten otherwise) rebuilds.
	 */
	private build(): Index {
		if (this.index && !this.stale) return this.index;
		const chunks = this.core.checked.team.activity;
		let rebuild = !this.index;
		for (const key of this.parsed.keys()) if (!chunks.has(key)) rebuild = true;
		if (rebuild) {
			this.parsed.clear();
			this.index = { byAnnotation: new Map(), byImage: new Map(), all: [], sorted: true, unplaced: [], unreadable: 0 };
			this.imageOf.clear();
		}
		const index = this.index!;
		const added: ActivityEvent[] = [];
		for (const [key, bytes] of chunks) {
			const known = this.parsed.get(key);
			if (known?.bytes === bytes) continue;
			const decoded = decodeChunk(bytes);
			const events = decoded.ok ? decoded.events : null;
			if (known && !(known.events && events && extends_(known.bytes, bytes))) {
				// Rewritten, not extended (or readable no more): start again from every chunk.
				this.stale = true;
				this.index = null;
				this.parsed.clear();
				return this.build();
			}
			const from = known?.events?.length ?? 0;
			this.parsed.set(key, { bytes, events });
			if (!events) index.unreadable++;
			else for (let k = from; k < events.length; k++) added.push(events[k]);
		}
		this.stale = false;
		if (index.unplaced.length) {
			const waiting = index.unplaced;
			index.unplaced = [];
			this.place(index, waiting);
		}
		if (added.length) this.addToIndex(index, added);
		return index;
	}

	private addToIndex(index: Index, events: readonly ActivityEvent[]): void {
		const { byAnnotation } = index;
		for (const e of events) {
			index.all.push(e);
			const id = e.annotationId;
			if (id === undefined) continue;
			if (e.imageId !== undefined) this.imageOf.set(id, e.imageId);
			const known = byAnnotation.get(id);
			if (!known) {
				byAnnotation.set(id, e.kind === 'delete' ? { first: e, last: e, deleted: e } : { first: e, last: e });
				continue;
			}
			if (e.at < known.first.at) known.first = e;
			if (e.at >= known.last.at) known.last = e;
			if (e.kind === 'delete' && (!known.deleted || e.at >= known.deleted.at)) known.deleted = e;
		}
		if (events.length) index.sorted = false;
		this.place(index, events);
	}

	/** Adds events to their image's list (those whose image is unknown yet wait in `unplaced`). */
	private place(index: Index, events: readonly ActivityEvent[]): void {
		const annotations = this.core.checked.annotations;
		for (const e of events) {
			const imageId = e.imageId ?? (e.annotationId !== undefined ? (this.imageOf.get(e.annotationId) ?? annotations.get(e.annotationId)?.imageId) : undefined);
			if (imageId === undefined) {
				index.unplaced.push(e);
				continue;
			}
			let list = index.byImage.get(imageId);
			if (!list) index.byImage.set(imageId, (list = []));
			list.push(e);
		}
	}

	/** Every event of every member, oldest first (statistics read this). */
	events(): readonly ActivityEvent[] {
		const index = this.build();
		if (!index.sorted) {
			index.all.sort((a, b) => a.at - b.at);
			index.sorted = true;
		}
		return index.all;
	}

	/** Chunks of the log that could not be read (skipped). */
	get unreadableChunks(): number {
		return this.build().unreadable;
	}

	/**
	 * Who made an annotation and when (its first event: created, or the image's import, else the
	 * record's own time and author), and who changed it last (the record says).
	 */
	historyOf(annotation: AnnotationRecord): { created: { member: Id; at: number }; changed: { member: Id; at: number } | null } {
		const index = this.build();
		const first = index.byAnnotation.get(annotation.id)?.first;
		let created = first && (first.kind === 'create' || first.kind === 'restore') ? { member: first.member, at: first.at } : undefined;
		if (!created) {
			const imported = index.byImage.get(annotation.imageId)?.find((e) => e.kind === 'import' && Math.abs(e.at - annotation.createdAt) < 5 * 60_000);
			created = imported ? { member: imported.member, at: annotation.createdAt } : { member: annotation.author, at: annotation.createdAt };
		}
		const last = index.byAnnotation.get(annotation.id)?.last;
		const changed =
			last?.kind === 'edit' && last.at >= annotation.updatedAt - 1000
				? { member: last.member, at: Math.max(last.at, annotation.updatedAt) }
				: annotation.updatedAt > annotation.createdAt
					? { member: annotation.author, at: annotation.updatedAt }
					: null;
		return { created, changed };
	}

	/** An image's activity, newest first: annotation events, review decisions and comments. */
	imageActivity(imageId: Id): ActivityEntry[] {
		const index = this.build();
		const out: ActivityEntry[] = [];
		for (const e of index.byImage.get(imageId) ?? []) {
			const entry: ActivityEntry = { kind: e.kind, at: e.at, member: e.member };
			if (e.annotationId) entry.annotationId = e.annotationId;
			if (e.count !== undefined) entry.count = e.count;
			if (e.kind === 'delete') {
				entry.restorable = !!e.record && !this.core.checked.annotations.has(e.annotationId!) && index.byAnnotation.get(e.annotationId!)?.deleted === e;
				const deleted = e.record && decodeAnnotation(e.annotationId!, e.record);
				if (deleted && deleted.ok) entry.classId = deleted.value.classId;
			}
			out.push(entry);
		}
		for (const r of this.core.checked.team.reviews.values()) if (r.imageId === imageId) out.push({ kind: 'review', at: r.at, member: r.by, action: r.action, reviewId: r.id });
		const threads = this.core.checked.team.threads;
		for (const c of this.core.checked.team.comments.values()) {
			const t = threads.get(c.threadId);
			if (t?.imageId === imageId) out.push({ kind: 'comment', at: c.createdAt, member: c.author, threadId: t.id, ...(t.anchor.kind === 'annotation' && { annotationId: t.anchor.annotationId }) });
		}
		// Stable: events of one second keep the order they were logged in (then newest first).
		return out.sort((a, b) => a.at - b.at).reverse();
	}

	/** Brings a deleted annotation back from its latest deletion, as it was (one undoable edit). */
	restore(annotationId: Id): Result<AnnotationRecord> {
		const guard = this.core.writable();
		if (guard) return guard;
		if (this.core.checked.annotations.has(annotationId)) return { ok: false, reason: 'That annotation is already there' };
		const deleted = this.build().byAnnotation.get(annotationId)?.deleted;
		if (!deleted?.record) return { ok: false, reason: 'That deletion kept no record to restore' };
		const decoded = decodeAnnotation(annotationId, deleted.record);
		if (!decoded.ok) return { ok: false, reason: `The deleted record cannot be read (${decoded.reason})` };
		const record = decoded.value;
		if (!this.core.checked.images.has(record.imageId)) return { ok: false, reason: 'Its image is no longer in the project' };
		if (!this.core.checked.classes.has(record.classId)) return { ok: false, reason: 'Its class was deleted: add the class again to restore it' };
		const restored: AnnotationRecord = { ...record, author: this.core.actor.id, updatedAt: Date.now() };
		let ok = false;
		this.restoring.add(annotationId);
		this.core.ydoc.transact(() => (ok = this.core.putAnnotation(restored)), Origin.edit);
		if (!ok) {
			this.restoring.delete(annotationId);
			return { ok: false, reason: 'The deleted record no longer fits its image' };
		}
		return { ok: true, value: this.core.checked.annotations.get(annotationId) ?? restored };
	}
}
