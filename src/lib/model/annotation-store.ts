import type * as Y from 'yjs';
import { annotationFieldsProblem, checkAnnotationRecord } from './record-check';
import { MAX_RECORD_BYTES } from './limits';
import { decodeAnnotation, encodeAnnotation } from './record-codec';
import type { AnnotationRecord, Id } from './records';
import type { Size } from '$lib/geometry';

/** Name of the top-level map of packed annotations (schema v7): short, since Yjs writes it into many entries. */
export const PACKED_ANNOTATIONS = 'a';
/**
 * Packed bytes up to this size unpack to a record whose JSON is under MAX_RECORD_BYTES: a packed value
 * takes at least one byte where its JSON takes at most ~24 characters ("-1000000.001," and the like).
 */
const SIZE_BOUNDED_BYTES = MAX_RECORD_BYTES / 32;

/** Name of the map of annotations as JSON records (schema v1 to v6). */
export const LEGACY_ANNOTATIONS = 'annotations';

/** An annotation as it is stored and as every replica reads it back. */
export interface PackedAnnotation {
	bytes: Uint8Array;
	/** The bytes decoded and checked against the image: what every replica's read boundary makes of them. */
	record: AnnotationRecord;
}

/** What the document holds under one annotation key, before the read boundary's check. */
export type StoredAnnotation =
	| { from: 'packed' | 'legacy'; raw: unknown; map: Y.Map<unknown>; sizeBounded?: boolean }
	| { from: 'packed'; unreadable: string; map: Y.Map<unknown> };

/**
 * The annotations of a schema v7 document: each one a Uint8Array (record-codec.ts) in the map `a`.
 * Annotations still in the v6 map `annotations` (a v6 peer's offline work merged later) are read as
 * they are until `moveLegacy` moves them; under a key both maps hold, the packed one is read.
 */
export class AnnotationStore {
	/** Records this replica's model just wrote, already checked: the read boundary takes them as they are. */
	private readonly written = new Map<Id, PackedAnnotation>();

	constructor(
		readonly packed: Y.Map<unknown>,
		readonly legacy: Y.Map<unknown>
	) {}

	get size(): number {
		let n = this.packed.size;
		for (const key of this.legacy.keys()) if (!this.packed.has(key)) n++;
		return n;
	}

	/** The record stored under `key` as the read boundary sees it (undefined: none). */
	read(key: string): StoredAnnotation | undefined {
		const bytes = this.packed.get(key);
		if (bytes !== undefined) {
			// Packed is smaller than JSON: bytes over the JSON bound are refused before anything is decoded.
			if (bytes instanceof Uint8Array && bytes.byteLength > MAX_RECORD_BYTES)
				return { from: 'packed', unreadable: `it is larger than ${MAX_RECORD_BYTES / 2 ** 20} MiB`, map: this.packed };
			const decoded = decodeAnnotation(key, bytes);
			if (!decoded.ok) return { from: 'packed', unreadable: decoded.reason, map: this.packed };
			return { from: 'packed', raw: decoded.value, map: this.packed, sizeBounded: (bytes as Uint8Array).byteLength <= SIZE_BOUNDED_BYTES };
		}
		const raw = this.legacy.get(key);
		return raw === undefined ? undefined : { from: 'legacy', raw, map: this.legacy };
	}

	/** The checked record this replica wrote under `key` in the transaction now ending, if it is still the stored value. */
	ownWrite(key: string): AnnotationRecord | undefined {
		const w = this.written.get(key);
		return w && this.packed.get(key) === w.bytes ? w.record : undefined;
	}

	/** Forgets the records of the transaction that ended. */
	endTransaction(): void {
		this.written.clear();
	}

	/**
	 * `record` (checked by the caller, as every model write is) as it will be stored and read back by
	 * every replica, or why it cannot be: the bytes keep coordinates to 1/1000 px, so a record whose
	 * coordinates they round is unpacked and checked again as read (a shape at a threshold, an area of
	 * exactly 1 px², may fall under it).
	 * `image` undefined: the record's image is gone (deleted by a peer), so there is nothing to clamp to.
	 */
	static pack(record: AnnotationRecord, image: Size | undefined): { ok: true; value: PackedAnnotation } | { ok: false; reason: string } {
		const encoded = encodeAnnotation(record);
		if (!encoded.ok) return encoded;
		// Unpacked as every replica will (its fields in the order they read them). Its geometry is checked
		// again only when packing rounded a coordinate (the caller's check holds for what comes back bit for
		// bit); its other fields always, as cheaply as every reader does: a writer's checks need not cover
		// them all (an imported file's instance id, text or proposal).
		const decoded = decodeAnnotation(record.id, encoded.value);
		if (!decoded.ok) return decoded;
		if (encoded.lossless) {
			const problem = annotationFieldsProblem(decoded.value as unknown as Record<string, unknown>);
			return problem ? { ok: false, reason: problem } : { ok: true, value: { bytes: encoded.value, record: decoded.value } };
		}
		const checked = checkAnnotationRecord(record.id, decoded.value, image, encoded.value.byteLength <= SIZE_BOUNDED_BYTES);
		if (!checked.ok) return { ok: false, reason: checked.reason };
		return { ok: true, value: { bytes: encoded.value, record: checked.record } };
	}

	/** Stores a packed record (inside the caller's transaction). */
	put(packed: PackedAnnotation): void {
		this.written.set(packed.record.id, packed);
		this.packed.set(packed.record.id, packed.bytes);
	}

	/**
	 * Stores bytes packed elsewhere (an import packed in the exchange worker), inside the caller's
	 * transaction: the read boundary unpacks and checks them as it does a peer's.
	 */
	putBytes(id: Id, bytes: Uint8Array): void {
		this.written.delete(id);
		this.packed.set(id, bytes);
	}

	/** Deletes an annotation from both maps (inside the caller's transaction). */
	delete(id: Id): void {
		this.written.delete(id);
		if (this.packed.has(id)) this.packed.delete(id);
		if (this.legacy.has(id)) this.legacy.delete(id);
	}

	/** Deletes whatever is stored under `key` in the map a problem was read from. */
	deleteUnreadable(key: string): void {
		const stored = this.read(key);
		stored?.map.delete(key);
	}

	/**
	 * Moves the annotations of the v6 map into the packed map; returns how many it could not move (left
	 * where they are, for the read boundary to list). Deterministic and idempotent: under a key both maps
	 * hold, the record changed last wins (the packed one on a tie), so two replicas moving at once agree.
	 */
	moveLegacy(): number {
		return moveLegacyAnnotations(this.legacy, this.packed);
	}
}

/** See AnnotationStore.moveLegacy; also schema.ts's migration from v6 to v7. */
export function moveLegacyAnnotations(legacy: Y.Map<unknown>, packed: Y.Map<unknown>): number {
	let skipped = 0;
	for (const [key, raw] of [...legacy.entries()]) {
		const record = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>), id: key } : raw;
		const encoded = encodeAnnotation(record);
		if (!encoded.ok) {
			skipped++;
			continue;
		}
		const current = packed.get(key);
		const existing = current === undefined ? null : decodeAnnotation(key, current);
		const legacyTime = (record as { updatedAt: number }).updatedAt;
		if (!existing?.ok || legacyTime > existing.value.updatedAt) packed.set(key, encoded.value);
		legacy.delete(key);
	}
	return skipped;
}
