import { ByteReader, ByteWriter } from '$lib/shapes/compact/bytes';
import { readId, writeId } from '../record-codec';

/**
 * The activity log's bytes (schema v8): who did what to which annotation, when. One chunk is one
 * writer's run of events (a writer is one open of the project on one device): a layout byte, the
 * member, a base time in milliseconds, then the events, each a kind byte, milliseconds after the
 * event before it (the base for the first), and its ids. A deleted annotation's event carries the record as packed (record-codec.ts), so that it can be
 * restored. About 16 bytes an edit: the history of 200,000 edits is ~3 MB, not a second document.
 * Decoding never throws; a chunk it cannot read is skipped and counted.
 */

export const ACTIVITY_LAYOUT_VERSION = 1;
/**
 * A writer starts a new chunk once its current one passes this: each event rewrites its chunk (stored and
 * sent until storage compacts it), so small, yet large enough that 200,000 edits are a few thousand keys.
 */
export const ACTIVITY_CHUNK_SOFT_BYTES = 1024;
/** The largest chunk read (one event may carry a large deleted record). */
export const MAX_ACTIVITY_CHUNK_BYTES = 4 * 1024 * 1024;
/** A deleted record larger than this is logged without its bytes (it cannot be restored from history). */
export const MAX_RESTORABLE_BYTES = 1024 * 1024;

export type ActivityKind = 'create' | 'edit' | 'delete' | 'restore' | 'import';
const KIND_CODE: Record<ActivityKind, number> = { create: 1, edit: 2, delete: 3, restore: 4, import: 5 };
const CODE_KIND: (ActivityKind | undefined)[] = [undefined, 'create', 'edit', 'delete', 'restore', 'import'];

export interface ActivityEvent {
	kind: ActivityKind;
	/** Milliseconds since the epoch. */
	at: number;
	member: string;
	/** create, edit, delete, restore. */
	annotationId?: string;
	/** create, delete, restore, import. */
	imageId?: string;
	/** delete: the record as packed, when it was not too large. */
	record?: Uint8Array;
	/** import: how many annotations the import added to the image. */
	count?: number;
}

/** One event's bytes (after the chunk's header and the event before it, at `previous` ms); null when an id cannot be written. */
export function encodeEvent(event: ActivityEvent, previous: number): Uint8Array | null {
	const w = new ByteWriter(32);
	w.byte(KIND_CODE[event.kind]);
	w.uint(Math.max(0, Math.floor(event.at) - previous));
	if (event.kind !== 'import' && writeId(w, event.annotationId)) return null;
	if (event.kind !== 'edit' && writeId(w, event.imageId)) return null;
	if (event.kind === 'delete') {
		const r = event.record && event.record.length <= MAX_RESTORABLE_BYTES ? event.record : new Uint8Array(0);
		w.uint(r.length);
		w.raw(r);
	}
	if (event.kind === 'import') w.uint(Math.max(0, Math.floor(event.count ?? 0)));
	return w.done();
}

export function encodeChunkHeader(member: string, base: number): Uint8Array | null {
	const w = new ByteWriter(24);
	w.byte(ACTIVITY_LAYOUT_VERSION);
	if (writeId(w, member)) return null;
	w.uint(Math.max(0, Math.floor(base)));
	return w.done();
}

export type DecodedChunk = { ok: true; events: ActivityEvent[] } | { ok: false; reason: string };

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
	if (bytes.length > MAX_ACTIVITY_CHUNK_BYTES) return { ok: false, reason: 'the activity entry is too large' };
	const r = new ByteReader(bytes, 'the activity entry');
	const version = r.byte();
	if (r.failed) return { ok: false, reason: r.failed };
	if (version !== ACTIVITY_LAYOUT_VERSION) return { ok: false, reason: `the activity entry has an unknown layout (${version})` };
	const member = readId(r);
	let at = r.uint();
	const events: ActivityEvent[] = [];
	while (!r.failed && r.remaining > 0) {
		const kind = CODE_KIND[r.byte()];
		if (!kind) {
			r.fail('an activity event has an unknown kind');
			break;
		}
		at += r.uint();
		const event: ActivityEvent = { kind, at, member };
		if (kind !== 'import') event.annotationId = readId(r);
		if (kind !== 'edit') event.imageId = readId(r);
		if (kind === 'delete') {
			const n = r.uint();
			if (n > r.remaining) r.fail('a deleted record is longer than what follows');
			else if (n) event.record = r.raw(n).slice();
		}
		if (kind === 'import') event.count = r.uint();
		events.push(event);
	}
	if (r.failed) return { ok: false, reason: r.failed };
	return { ok: true, events };
}

/**
 * One writer's current chunk, built event by event: a new chunk begins when the member changes or the
 * chunk passes the soft size. `bytes()` is the chunk as it is now (written under its key each time).
 */
export class ChunkBuilder {
	private header: Uint8Array | null = null;
	private parts: Uint8Array[] = [];
	private size = 0;
	private previous = 0;
	private member: string | null = null;
	/** The chunk's number in this writer's run (its key's suffix). */
	index = -1;

	/** Adds an event; when it begins a new chunk, returns the one it closed (to be written as it is last). */
	add(event: ActivityEvent): { index: number; bytes: Uint8Array } | null {
		let closed: { index: number; bytes: Uint8Array } | null = null;
		if (!this.header || this.member !== event.member || this.size > ACTIVITY_CHUNK_SOFT_BYTES) {
			const bytes = this.bytes();
			if (bytes) closed = { index: this.index, bytes };
			this.previous = Math.floor(event.at);
			this.member = event.member;
			this.header = encodeChunkHeader(event.member, this.previous);
			this.parts = [];
			this.size = 0;
			this.index++;
		}
		const at = Math.max(this.previous, Math.floor(event.at));
		const bytes = encodeEvent({ ...event, at }, this.previous);
		if (bytes && this.header) {
			this.previous = at;
			this.parts.push(bytes);
			this.size += bytes.length;
		}
		return closed;
	}

	/** The current chunk's bytes, or null when it holds nothing. */
	bytes(): Uint8Array | null {
		if (!this.header || !this.parts.length) return null;
		const out = new Uint8Array(this.header.length + this.size);
		out.set(this.header);
		let at = this.header.length;
		for (const p of this.parts) {
			out.set(p, at);
			at += p.length;
		}
		return out;
	}
}
