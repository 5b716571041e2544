import type * as Y from 'yjs';
import type { AnnotationStore } from '../annotation-store';
import type { CheckedRecords } from '../checked-records';
import type { DocMaps } from '../schema';
import type { Actor, AnnotationRecord } from '../records';

export type Result<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * What a record family (`model/families/*.ts`) reaches of the project document besides its public
 * methods: the Y types, the checked records, this replica's member and whether it may write. Only the
 * model holds it; everything else calls `ProjectDoc`.
 */
export interface DocCore {
	readonly ydoc: Y.Doc;
	readonly maps: DocMaps;
	/** The annotations as stored (packed bytes; v6 records until they are moved). */
	readonly store: AnnotationStore;
	readonly versionMap: Y.Map<unknown>;
	/** Every read goes through here: the records as checked at the read boundary. */
	readonly checked: CheckedRecords;
	/** This replica's member (it may change: `ProjectDoc.setActor`). */
	readonly actor: Actor;
	/** Why this replica must not write, as a refused result; null when it may. */
	writable(): { ok: false; reason: string } | null;
	/** Stores a record changed from a readable one (inside the caller's transaction); false when it cannot be stored. */
	putAnnotation(record: AnnotationRecord): boolean;
}
