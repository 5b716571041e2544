import { validateAttributeSpecs } from './attributes';
import { checkNewShape } from './annotation-rules';
import { AnnotationStore, type PackedAnnotation } from './annotation-store';
import type { AnnotationRecord, ClassRecord, Id, ImageRecord } from './records';

/**
 * The annotations of a dataset import as they will be stored: checked against their class and image,
 * packed and read back as every replica will read them. Runs in the page (`ProjectDoc.importDataset`)
 * or, for the app's imports, in the exchange worker (`packPlannedImport`), which hands the page only
 * the packed bytes to store (`PackedImport`).
 */

export type PackResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A planned annotation: z, author and times are set when packed; `source` names the input place for errors. */
export type PlannedAnnotation = Omit<AnnotationRecord, 'z' | 'author' | 'createdAt' | 'updatedAt'> & { source?: string };

/** The fields an annotation may carry beyond the ones every record has: an import copies these when set. */
const OPTIONAL_ANNOTATION_FIELDS = ['text', 'instanceId', 'direction', 'locked', 'proposal', 'imported'] as const satisfies readonly OptionalKeys<AnnotationRecord>[];
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
/** Does not compile when AnnotationRecord gains an optional field the list above lacks (an import never writes into a member's blind layer). */
const everyOptionalFieldListed: [Exclude<OptionalKeys<AnnotationRecord>, (typeof OPTIONAL_ANNOTATION_FIELDS)[number] | 'layer'>] extends [never] ? true : never = true;
void everyOptionalFieldListed;

/** About how much one import transaction writes: the size of one stored chunk (storage/chunked-load). */
export const IMPORT_TRANSACTION_BYTES = 256 * 1024;

/** What a map entry costs in an update besides its value: its key, the map's name, the item's header. */
const ENTRY_OVERHEAD_BYTES = 34;

/** Packed records in runs of about `maxBytes` of update each (at least one record per run). */
export function* batchesOf<T extends { bytes: Uint8Array }>(records: Iterable<T>, maxBytes: number): Generator<T[]> {
	let batch: T[] = [];
	let bytes = 0;
	for (const r of records) {
		const size = r.bytes.byteLength + ENTRY_OVERHEAD_BYTES;
		if (batch.length && bytes + size > maxBytes) {
			yield batch;
			batch = [];
			bytes = 0;
		}
		batch.push(r);
		bytes += size;
	}
	if (batch.length) yield batch;
}

/** What an import's annotations are checked against: the project with the import's own classes and images. */
export interface ImportTarget {
	actorId: Id;
	/** The time written into every record. */
	now: number;
	/** Set when every geometry was validated against its image's size as the plan was made. */
	geometryChecked: boolean;
	image(id: Id): ImageRecord | undefined;
	/** A class as the import will leave it (a new class with its attribute specs checked). */
	cls(id: Id): ClassRecord | undefined;
	/** True when an annotation of the project has this id. */
	taken(id: Id): boolean;
	/** The highest z on an image before the import (0 for an image the import adds). */
	topZ(imageId: Id): number;
}

/** Checks, builds and packs every planned annotation; the first problem refuses them all. */
export function packImportedAnnotations(annotations: readonly PlannedAnnotation[], target: ImportTarget): PackResult<PackedAnnotation[]> {
	const topZ = new Map<Id, number>();
	const records: PackedAnnotation[] = [];
	const ids = new Set<Id>();
	for (const a of annotations) {
		const where = a.source ?? a.id;
		const fail = (reason: string) => ({ ok: false as const, reason: `${where}: ${reason}` });
		if (target.taken(a.id) || ids.has(a.id)) return fail('its id is taken');
		ids.add(a.id);
		const image = target.image(a.imageId);
		if (!image) return fail('its image is neither in the project nor in the input');
		const cls = target.cls(a.classId);
		if (!cls) return fail('its class does not exist');
		const shape = checkNewShape(a, cls, image, target.geometryChecked ? 'checked' : 'as-is');
		if (!shape.ok) return fail(shape.reason);
		const z = (topZ.get(image.id) ?? target.topZ(image.id)) + 1;
		topZ.set(image.id, z);
		// Built field by field, not by spreading the input (a third of the write's time at 100,000).
		const r: AnnotationRecord = {
			id: a.id,
			imageId: a.imageId,
			classId: a.classId,
			type: shape.value.type,
			geometry: shape.value.geometry,
			attributes: shape.value.attributes,
			z,
			author: target.actorId,
			createdAt: target.now,
			updatedAt: target.now
		};
		for (const key of OPTIONAL_ANNOTATION_FIELDS) if (a[key] !== undefined) (r as unknown as Record<string, unknown>)[key] = a[key];
		// Packing checks the fields every reader checks (imported ones included).
		const packed = AnnotationStore.pack(r, image);
		if (!packed.ok) return fail(packed.reason);
		records.push(packed.value);
	}
	return { ok: true, value: records };
}

/**
 * An import's annotations packed off the page (the exchange worker): the bytes every replica stores,
 * with what the page checks before it stores them. Ids, images and classes are per record, in order.
 */
export interface PackedImport {
	/** The member the records name as their author: the page refuses them for any other. */
	author: Id;
	ids: Id[];
	imageIds: Id[];
	classIds: Id[];
	/** Every record's bytes, one after the other; record n ends at `ends[n]`. */
	bytes: Uint8Array;
	ends: Uint32Array;
	/**
	 * The rules of each class the records were checked against (`classRules`): a class whose rules a peer
	 * changed in the meantime (its shape types, attributes, skeleton) refuses the import, to be read again.
	 */
	classBasis: [Id, string][];
}

/** What the exchange worker knows of the project an import is planned into (sent by the page). */
export interface ImportBasis {
	actorId: Id;
	images: ImageRecord[];
	classes: ClassRecord[];
	/** The highest z on each image that has annotations. */
	topZ: [Id, number][];
}

/** A class as the import writes it: name trimmed, attribute specs as checked (null: refused; the page says why). */
export function importedClass(c: ClassRecord): ClassRecord | null {
	const specs = validateAttributeSpecs(c.attributes);
	return specs.ok ? { ...c, name: c.name.trim(), attributes: specs.value } : null;
}

/**
 * Packs a plan's annotations against `basis` and the plan's own classes and images: the worker's half of
 * an import. The page then checks only what may have changed since (`ProjectDoc.importDataset`).
 */
export function packPlannedImport(
	plan: { classes: ClassRecord[]; images: ImageRecord[]; annotations: readonly PlannedAnnotation[]; geometryChecked?: true },
	basis: ImportBasis,
	now: number
): PackResult<PackedImport> {
	const images = new Map<Id, ImageRecord>(basis.images.map((i) => [i.id, i]));
	const added = new Set<Id>();
	for (const i of plan.images) {
		images.set(i.id, i);
		added.add(i.id);
	}
	const classes = new Map<Id, ClassRecord>(basis.classes.map((c) => [c.id, c]));
	for (const c of plan.classes) {
		const checked = importedClass(c);
		if (checked) classes.set(c.id, checked);
	}
	const topZ = new Map(basis.topZ);
	const packed = packImportedAnnotations(plan.annotations, {
		actorId: basis.actorId,
		now,
		geometryChecked: plan.geometryChecked === true,
		image: (id) => images.get(id),
		cls: (id) => classes.get(id),
		// The page checks the ids against the project as it stores them.
		taken: () => false,
		topZ: (id) => (added.has(id) ? 0 : (topZ.get(id) ?? 0))
	});
	if (!packed.ok) return packed;
	return { ok: true, value: toPackedImport(packed.value, basis.actorId, classes) };
}

function toPackedImport(records: readonly PackedAnnotation[], author: Id, classes: ReadonlyMap<Id, ClassRecord>): PackedImport {
	let total = 0;
	for (const r of records) total += r.bytes.byteLength;
	const bytes = new Uint8Array(total);
	const ends = new Uint32Array(records.length);
	const ids: Id[] = new Array(records.length);
	const imageIds: Id[] = new Array(records.length);
	const classIds: Id[] = new Array(records.length);
	const used = new Set<Id>();
	let at = 0;
	records.forEach((r, n) => {
		bytes.set(r.bytes, at);
		at += r.bytes.byteLength;
		ends[n] = at;
		ids[n] = r.record.id;
		imageIds[n] = r.record.imageId;
		classIds[n] = r.record.classId;
		used.add(r.record.classId);
	});
	return { author, ids, imageIds, classIds, bytes, ends, classBasis: [...used].map((id) => [id, classRules(classes.get(id)!)]) };
}

/** What of a class a new annotation is checked against (`checkNewShape`), as one comparable string. */
export function classRules(c: ClassRecord): string {
	return JSON.stringify([c.shapeTypes, c.attributes, c.skeleton]);
}

/** One stored record of a PackedImport. */
export interface PackedEntry {
	id: Id;
	imageId: Id;
	classId: Id;
	bytes: Uint8Array;
}

/**
 * The records of a PackedImport, each a view into the shared buffer (Yjs keeps the view and copies the
 * bytes into every update it encodes; nothing writes to the buffer after packing).
 */
export function* packedEntries(p: PackedImport): Generator<PackedEntry> {
	let start = 0;
	for (let n = 0; n < p.ids.length; n++) {
		const end = p.ends[n];
		yield { id: p.ids[n], imageId: p.imageIds[n], classId: p.classIds[n], bytes: p.bytes.subarray(start, end) };
		start = end;
	}
}

/** Why a PackedImport does not fit together (lengths, offsets): a worker's answer is checked before it is used. */
export function packedImportProblem(p: PackedImport): string | null {
	const n = p.ids.length;
	if (p.imageIds.length !== n || p.classIds.length !== n || p.ends.length !== n) return 'its records are incomplete';
	let previous = 0;
	for (let i = 0; i < n; i++) {
		if (p.ends[i] <= previous) return 'its records overlap';
		previous = p.ends[i];
	}
	return previous === p.bytes.byteLength ? null : 'its records are incomplete';
}
