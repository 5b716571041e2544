import type * as Y from 'yjs';
import {
	KNOWN_FIELDS,
	checkAnnotationRecord,
	checkClassRecord,
	checkImageRecord,
	checkSettings,
	checkVersionRecord,
	hasUnknownAnnotationFields,
	hasUnknownFields,
	type RecordCheck
} from './record-check';
import type { AnnotationRecord, ClassRecord, Id, ImageRecord, ProjectSettings, VersionRecord } from './records';
import { TEAM_MAPS, type DocMaps, type TeamMap } from './schema';
import type { AssignmentRecord, CommentRecord, ConsensusRecord, GoldRecord, MemberRecord, ReviewRecord, SplitRecord, StageRecord, TaskRecord, ThreadRecord } from './team/records';
import {
	TEAM_KNOWN_FIELDS,
	checkActivityChunk,
	checkAssignmentRecord,
	checkCommentRecord,
	checkConsensusRecord,
	checkGoldRecord,
	checkMemberRecord,
	checkSplitRecord,
	checkTaskRecord,
	checkReviewRecord,
	checkStageRecord,
	checkThreadRecord
} from './team/checks';
import type { AnnotationStore, StoredAnnotation } from './annotation-store';

/** The maps whose records the boundary checks (meta holds the settings and the schema version). */
export type RecordMap = 'meta' | 'classes' | 'images' | 'annotations' | 'versions' | TeamMap;

/** The team's records as checked (schema v8), by map. */
export interface TeamRecords {
	members: Map<Id, MemberRecord>;
	threads: Map<Id, ThreadRecord>;
	comments: Map<Id, CommentRecord>;
	assignments: Map<Id, AssignmentRecord>;
	stages: Map<Id, StageRecord>;
	reviews: Map<Id, ReviewRecord>;
	/** The activity log's chunks, as bytes (read lazily: families/activity.ts). */
	activity: Map<string, Uint8Array>;
	splits: Map<Id, SplitRecord>;
	consensus: Map<Id, ConsensusRecord>;
	/** Keyed `${imageId}:${member}` (taskKey). */
	tasks: Map<string, TaskRecord>;
	gold: Map<Id, GoldRecord>;
}

const TEAM_CHECKS: { [M in TeamMap]: (key: string, raw: unknown) => RecordCheck<TeamRecords[M] extends Map<string, infer T> ? T : never> } = {
	members: checkMemberRecord,
	threads: checkThreadRecord,
	comments: checkCommentRecord,
	assignments: checkAssignmentRecord,
	stages: checkStageRecord,
	reviews: checkReviewRecord,
	activity: checkActivityChunk,
	splits: checkSplitRecord,
	consensus: checkConsensusRecord,
	tasks: checkTaskRecord,
	gold: checkGoldRecord
};

/** A record kept out of the project because it cannot be read: listed so that a person can delete it. */
export interface Problem {
	map: RecordMap;
	key: string;
	reason: string;
	/** The record's `author` when it names one: who wrote it last, as far as the record says. */
	author: string | null;
	/** The Yjs client that wrote the value (matches a peer's presence `clientId`), when known. */
	client: number | null;
}

export type ChangeAction = 'add' | 'update' | 'delete';

/** What one transaction changed in the checked view, with the previous checked record of every updated or deleted key. */
export interface CheckedChange {
	annotations: Map<Id, { action: ChangeAction; old?: AnnotationRecord }>;
	images: Map<Id, { action: ChangeAction; old?: ImageRecord }>;
	classes: boolean;
	meta: boolean;
	/** The list of frozen versions changed. */
	versions: boolean;
	/** The list of records kept out as unreadable changed (`ProjectDoc.problems()`). */
	problems: boolean;
	/** The team's maps whose readable records changed. */
	team: Set<TeamMap>;
}

type YMapInternals = { _map: Map<string, { id: { client: number } }> };

/**
 * The document as this app can read it: every record of the Y maps, checked once when it changes
 * (record-check.ts), indexed by its map key. Whatever fails is never indexed, drawn or exported: it is
 * kept aside as a Problem. The model reads only from here; it writes to the Y maps, and the writes
 * come back through `apply` (trusted, since the model checked them first).
 */
export class CheckedRecords {
	readonly classes = new Map<Id, ClassRecord>();
	readonly images = new Map<Id, ImageRecord>();
	readonly annotations = new Map<Id, AnnotationRecord>();
	readonly versions = new Map<Id, VersionRecord>();
	readonly team: TeamRecords = {
		members: new Map(),
		threads: new Map(),
		comments: new Map(),
		assignments: new Map(),
		stages: new Map(),
		reviews: new Map(),
		activity: new Map(),
		splits: new Map(),
		consensus: new Map(),
		tasks: new Map(),
		gold: new Map()
	};
	settings: ProjectSettings | null = null;
	/** Annotation ids by image id, of readable annotations only: the image's own (not in a member's layer). */
	readonly byImage = new Map<Id, Set<Id>>();
	/** Ids of readable annotations in members' blind layers (schema v9), by image id, then by member. */
	readonly byLayer = new Map<Id, Map<Id, Set<Id>>>();
	/** How many readable annotations are in members' layers (the rest are the images' own). */
	layered = 0;
	private readonly problemList = new Map<string, Problem>();
	/** Readable annotations whose image is not (yet) in the project, by that image's id: not shown until it is. */
	private readonly waiting = new Map<Id, Set<Id>>();
	private readonly waitingFor = new Map<Id, Id>();
	/** Keys of records carrying fields this version does not know (a newer app wrote them), per map. */
	private readonly unknown = new Map<string, RecordMap>();

	constructor(
		private readonly maps: DocMaps,
		private readonly versionMap: Y.Map<unknown>,
		private readonly store: AnnotationStore
	) {}

	problems(): Problem[] {
		return [...this.problemList.values()];
	}

	get problemCount(): number {
		return this.problemList.size;
	}

	/** How many records this version cannot read as they are: kept out as problems, or carrying fields it does not know. */
	get unreadableRecords(): number {
		let n = this.problemList.size;
		for (const id of this.unknown.keys()) if (!this.problemList.has(id)) n++;
		return n;
	}

	private mapOf(map: RecordMap): Y.Map<unknown> {
		return map === 'versions' ? this.versionMap : this.maps[map];
	}

	private static isTeam(map: RecordMap): map is TeamMap {
		return (TEAM_MAPS as readonly string[]).includes(map);
	}

	/** Checks every record again (a new document, or after a migration). */
	rebuild(): CheckedChange {
		const keys = (m: Y.Map<unknown>) => new Set(m.keys());
		const change = this.apply(
			new Map<RecordMap, Iterable<string>>([
				['meta', keys(this.maps.meta)],
				['images', [...keys(this.maps.images), ...this.images.keys()]],
				['classes', [...keys(this.maps.classes), ...this.classes.keys()]],
				['annotations', [...keys(this.maps.packedAnnotations), ...keys(this.maps.annotations), ...this.annotations.keys(), ...this.waitingFor.keys()]],
				['versions', [...keys(this.versionMap), ...this.versions.keys()]],
				...TEAM_MAPS.map((m): [RecordMap, string[]] => [m, [...keys(this.maps[m]), ...this.team[m].keys()]])
			]),
			false
		);
		return change;
	}

	/**
	 * Brings the checked view up to date with the keys a transaction changed. `trusted`: the values were
	 * written by this replica's model, which checked them already (an import of 100,000 is not checked twice).
	 */
	apply(changed: ReadonlyMap<RecordMap, Iterable<string>>, trusted: boolean): CheckedChange {
		const change: CheckedChange = { annotations: new Map(), images: new Map(), classes: false, meta: false, versions: false, problems: false, team: new Set() };
		// Images first: an annotation is clamped to its image, which may arrive in the same transaction.
		const annotationKeys = new Set(changed.get('annotations') ?? []);
		for (const key of new Set(changed.get('images') ?? [])) {
			this.applyImage(key, trusted, change);
			for (const id of this.waiting.get(key) ?? []) annotationKeys.add(id);
		}
		for (const key of new Set(changed.get('classes') ?? [])) change.classes = this.applySimple('classes', key, trusted, this.classes, checkClassRecord, change) || change.classes;
		for (const key of annotationKeys) this.applyAnnotation(key, trusted, change);
		for (const key of new Set(changed.get('versions') ?? [])) change.versions = this.applySimple('versions', key, trusted, this.versions, checkVersionRecord, change) || change.versions;
		for (const map of TEAM_MAPS) {
			const keys = changed.get(map);
			if (!keys) continue;
			const into = this.team[map] as Map<string, unknown>;
			const check = TEAM_CHECKS[map] as (key: string, raw: unknown) => RecordCheck<unknown>;
			for (const key of new Set(keys)) if (this.applySimple(map, key, trusted, into, check, change)) change.team.add(map);
		}
		const metaKeys = [...(changed.get('meta') ?? [])];
		if (metaKeys.length) {
			change.meta = true;
			if (metaKeys.includes('settings')) this.applySettings(change);
		}
		return change;
	}

	private guardedCheck<T>(check: () => RecordCheck<T>): RecordCheck<T> {
		try {
			return check();
		} catch (e) {
			// A check must never throw; if one does, the record is still only a problem, never a crash.
			return { ok: false, reason: `it could not be checked (${e instanceof Error ? e.message : String(e)})` };
		}
	}

	private setProblem(map: RecordMap, key: string, reason: string | null, raw: unknown, change: CheckedChange, source = this.mapOf(map)): void {
		if (reason === null && !this.problemList.size) return; // the usual case, at 100,000 records a load
		const id = `${map}/${key}`;
		if (reason === null) {
			if (this.problemList.delete(id)) change.problems = true;
			return;
		}
		const author = raw && typeof raw === 'object' && typeof (raw as { author?: unknown }).author === 'string' ? ((raw as { author: string }).author.slice(0, 64)) : null;
		const item = (source as unknown as YMapInternals)._map?.get(key);
		this.problemList.set(id, { map, key, reason, author, client: item?.id.client ?? null });
		change.problems = true;
	}

	private noteUnknown(map: Exclude<RecordMap, 'meta'>, key: string, raw: unknown, packed = false): void {
		// A packed record has only the fields its layout knows (a newer layout is unreadable instead).
		if (packed && !this.unknown.size) return;
		if (map === 'activity') return; // bytes: a newer layout is unreadable instead
		const id = `${map}/${key}`;
		const known = map === 'annotations' ? null : CheckedRecords.isTeam(map) ? TEAM_KNOWN_FIELDS[map] : KNOWN_FIELDS[map];
		if (raw !== undefined && (known ? hasUnknownFields(raw, known) : hasUnknownAnnotationFields(raw))) this.unknown.set(id, map);
		else this.unknown.delete(id);
	}

	private applySimple<T>(
		map: 'classes' | 'versions' | TeamMap,
		key: string,
		trusted: boolean,
		into: Map<Id, T>,
		check: (key: string, raw: unknown) => RecordCheck<T>,
		change: CheckedChange
	): boolean {
		const raw = this.mapOf(map).get(key);
		const had = into.has(key);
		this.noteUnknown(map, key, raw);
		if (raw === undefined) {
			into.delete(key);
			this.setProblem(map, key, null, raw, change);
			return had;
		}
		const checked: RecordCheck<T> = trusted ? { ok: true, record: raw as T } : this.guardedCheck(() => check(key, raw));
		if (checked.ok) {
			into.set(key, checked.record);
			this.setProblem(map, key, null, raw, change);
			return true;
		}
		into.delete(key);
		this.setProblem(map, key, checked.reason, raw, change);
		return had;
	}

	private applyImage(key: string, trusted: boolean, change: CheckedChange): void {
		const raw = this.maps.images.get(key);
		const old = this.images.get(key);
		this.noteUnknown('images', key, raw);
		const checked: RecordCheck<ImageRecord> | null =
			raw === undefined ? null : trusted ? { ok: true, record: raw as ImageRecord } : this.guardedCheck(() => checkImageRecord(key, raw));
		if (checked?.ok) {
			this.images.set(key, checked.record);
			change.images.set(key, { action: old ? 'update' : 'add', old });
		} else {
			this.images.delete(key);
			if (old) change.images.set(key, { action: 'delete', old });
		}
		this.setProblem('images', key, checked && !checked.ok ? checked.reason : null, raw, change);
	}

	private unindex(key: string, record: AnnotationRecord | undefined): void {
		if (!record) return;
		if (record.layer === undefined) {
			this.byImage.get(record.imageId)?.delete(key);
			return;
		}
		const layers = this.byLayer.get(record.imageId);
		const ids = layers?.get(record.layer);
		if (!ids?.delete(key)) return;
		this.layered--;
		if (!ids.size) layers!.delete(record.layer);
		if (!layers!.size) this.byLayer.delete(record.imageId);
	}

	private index(key: string, record: AnnotationRecord): void {
		if (record.layer === undefined) {
			let set = this.byImage.get(record.imageId);
			if (!set) this.byImage.set(record.imageId, (set = new Set()));
			set.add(key);
			return;
		}
		let layers = this.byLayer.get(record.imageId);
		if (!layers) this.byLayer.set(record.imageId, (layers = new Map()));
		let ids = layers.get(record.layer);
		if (!ids) layers.set(record.layer, (ids = new Set()));
		ids.add(key);
		this.layered++;
	}

	private applyAnnotation(key: string, trusted: boolean, change: CheckedChange): void {
		// This replica's own write, checked before it was written: not unpacked again.
		const own = trusted ? this.store.ownWrite(key) : undefined;
		const stored: StoredAnnotation | undefined = own ? { from: 'packed', raw: own, map: this.store.packed } : this.store.read(key);
		const old = this.annotations.get(key);
		this.unindex(key, old);
		const waitedFor = this.waitingFor.get(key);
		if (waitedFor !== undefined) {
			this.waitingFor.delete(key);
			const set = this.waiting.get(waitedFor);
			if (set?.delete(key) && !set.size) this.waiting.delete(waitedFor);
		}
		const raw = stored && 'raw' in stored ? (stored.raw as Partial<AnnotationRecord>) : undefined;
		this.noteUnknown('annotations', key, stored?.from === 'packed' ? undefined : raw, stored?.from === 'packed');
		let reason: string | null = stored && 'unreadable' in stored ? stored.unreadable : null;
		let record: AnnotationRecord | null = null;
		if (raw !== undefined) {
			const image = typeof raw?.imageId === 'string' ? this.images.get(raw.imageId) : undefined;
			const checked: RecordCheck<AnnotationRecord> = own && image ? { ok: true, record: own } : this.guardedCheck(() => checkAnnotationRecord(key, raw, image, stored !== undefined && 'sizeBounded' in stored && stored.sizeBounded === true));
			if (!checked.ok) reason = checked.reason;
			else if (!image) {
				let set = this.waiting.get(checked.record.imageId);
				if (!set) this.waiting.set(checked.record.imageId, (set = new Set()));
				set.add(key);
				this.waitingFor.set(key, checked.record.imageId);
			} else record = checked.record;
		}
		this.setProblem('annotations', key, reason, raw, change, stored?.map);
		if (record) {
			this.annotations.set(key, record);
			this.index(key, record);
			change.annotations.set(key, { action: old ? 'update' : 'add', old });
		} else {
			this.annotations.delete(key);
			if (old) change.annotations.set(key, { action: 'delete', old });
		}
	}

	private applySettings(change: CheckedChange): void {
		const raw = this.maps.meta.get('settings');
		const checked = raw === undefined ? null : this.guardedCheck(() => checkSettings(raw));
		this.settings = checked?.ok ? checked.record : null;
		this.setProblem('meta', 'settings', checked && !checked.ok ? checked.reason : null, raw, change);
	}
}
