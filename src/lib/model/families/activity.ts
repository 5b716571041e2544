import { newId } from '../ids';
import { Origin } from '../origins';
import type { AnnotationRecord, Id } from '../records';
import { decodeAnnotation, encodeAnnotation } from '../record-codec';
import { ChunkBuilder, decodeChunk, type ActivityEvent, type ActivityKind } from '../team/activity-codec';
import type { ChangeAction } from '../checked-records';
import type { DocCore, Result } from './core';

/** An import adding more annotations than this in one transaction is logged per image, not per annotation. */
const BULK_ADD = 20;

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
	/** review: the decision. */
	action?: string;
	threadId?: Id;
}

interface Index {
	/** First and latest event of each annotation. */
	byAnnotation: Map<Id, { first: ActivityEvent; last: ActivityEvent; deleted?: ActivityEvent }>;
	byImage: Map<Id, ActivityEvent[]>;
	all: ActivityEvent[];
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

	constructor(private readonly core: DocCore) {}

	invalidate(): void {
		this.index = null;
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

	private build(): Index {
		if (this.index) return this.index;
		const chunks = this.core.checked.team.activity;
		for (const key of this.parsed.keys()) if (!chunks.has(key)) this.parsed.delete(key);
		let unreadable = 0;
		const all: ActivityEvent[] = [];
		for (const [key, bytes] of chunks) {
			let entry = this.parsed.get(key);
			if (!entry || entry.bytes !== bytes) {
				const decoded = decodeChunk(bytes);
				entry = { bytes, events: decoded.ok ? decoded.events : null };
				this.parsed.set(key, entry);
			}
			if (!entry.events) unreadable++;
			else for (const e of entry.events) all.push(e);
		}
		all.sort((a, b) => a.at - b.at);
		const byAnnotation: Index['byAnnotation'] = new Map();
		const imageOf = new Map<Id, Id>();
		for (const e of all) if (e.annotationId && e.imageId) imageOf.set(e.annotationId, e.imageId);
		const byImage = new Map<Id, ActivityEvent[]>();
		for (const e of all) {
			if (e.annotationId) {
				const known = byAnnotation.get(e.annotationId);
				if (!known) byAnnotation.set(e.annotationId, { first: e, last: e, ...(e.kind === 'delete' && { deleted: e }) });
				else {
					known.last = e;
					if (e.kind === 'delete') known.deleted = e;
				}
			}
			const imageId = e.imageId ?? (e.annotationId ? (imageOf.get(e.annotationId) ?? this.core.checked.annotations.get(e.annotationId)?.imageId) : undefined);
			if (!imageId) continue;
			let list = byImage.get(imageId);
			if (!list) byImage.set(imageId, (list = []));
			list.push(e);
		}
		return (this.index = { byAnnotation, byImage, all, unreadable });
	}

	/** Every event of every member, oldest first (statistics read this). */
	events(): readonly ActivityEvent[] {
		return this.build().all;
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
			if (e.kind === 'delete') entry.restorable = !!e.record && !this.core.checked.annotations.has(e.annotationId!) && index.byAnnotation.get(e.annotationId!)?.deleted === e;
			out.push(entry);
		}
		for (const r of this.core.checked.team.reviews.values()) if (r.imageId === imageId) out.push({ kind: 'review', at: r.at, member: r.by, action: r.action });
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
