import type * as Y from 'yjs';
import { CLASS_DEFAULTS } from './records';
import { moveLegacyAnnotations } from './annotation-store';

/**
 * The document's schema version. Bump it with a migration below whenever the meaning or layout of a
 * stored record changes; docs/schema.md describes each version.
 */
export const SCHEMA_VERSION = 9;

/** The version of a document that holds records but no version marker: the first layout. */
export const FIRST_SCHEMA_VERSION = 1;

export interface DocMaps {
	meta: Y.Map<unknown>;
	classes: Y.Map<unknown>;
	images: Y.Map<unknown>;
	/** Annotations as JSON records (schema v1 to v6): the map `annotations`. */
	annotations: Y.Map<unknown>;
	/** Annotations as packed bytes (schema v7): the map `a`. */
	packedAnnotations: Y.Map<unknown>;
	/** The team (schema v8): members, comment threads and comments, assignments, stages, review decisions, the activity log. */
	members: Y.Map<unknown>;
	threads: Y.Map<unknown>;
	comments: Y.Map<unknown>;
	assignments: Y.Map<unknown>;
	stages: Y.Map<unknown>;
	reviews: Y.Map<unknown>;
	activity: Y.Map<unknown>;
	/** Label quality (schema v9): stored splits, consensus images, members' blind tasks, gold images. */
	splits: Y.Map<unknown>;
	consensus: Y.Map<unknown>;
	tasks: Y.Map<unknown>;
	gold: Y.Map<unknown>;
}

/** The team's maps (schema v8, and label quality's of v9), by their names in the document. */
export const TEAM_MAPS = ['members', 'threads', 'comments', 'assignments', 'stages', 'reviews', 'activity', 'splits', 'consensus', 'tasks', 'gold'] as const;
export type TeamMap = (typeof TEAM_MAPS)[number];

export interface Migration {
	from: number;
	to: number;
	description: string;
	/**
	 * Rewrites records in place and returns how many it could not migrate (left as they are: the read
	 * boundary lists them as problems). Must be deterministic and idempotent: two peers may migrate the
	 * same document at once, and their writes must agree whichever wins. Must never throw.
	 */
	migrate(maps: DocMaps): number;
}

type V1Annotation = {
	id: string;
	imageId: string;
	type: string;
	geometry: { points?: { x: number; y: number }[] } & Record<string, unknown>;
	z?: number;
	createdAt: number;
};

/** A v1 annotation this migration can rewrite: a record under its own id, on an image, with a time. */
function isV1Annotation(key: string, a: unknown): a is V1Annotation {
	if (typeof a !== 'object' || a === null || Array.isArray(a)) return false;
	const r = a as Partial<V1Annotation>;
	return r.id === key && typeof r.imageId === 'string' && typeof r.createdAt === 'number' && typeof r.geometry === 'object' && r.geometry !== null;
}

export const MIGRATIONS: readonly Migration[] = [
	{
		from: 1,
		to: 2,
		description: 'Polygon points become a flat [x0, y0, x1, y1, …] list; every annotation gets a z-order.',
		migrate({ annotations }) {
			const byImage = new Map<string, V1Annotation[]>();
			let skipped = 0;
			for (const [key, value] of annotations.entries()) {
				const a = value as V1Annotation;
				if (!isV1Annotation(key, a)) {
					skipped++;
					continue;
				}
				let list = byImage.get(a.imageId);
				if (!list) byImage.set(a.imageId, (list = []));
				list.push(a);
			}
			for (const list of byImage.values()) {
				// z follows creation order; ids break ties so that every peer computes the same order.
				list.sort((p, q) => p.createdAt - q.createdAt || (p.id < q.id ? -1 : 1));
				list.forEach((a, z) => {
					const pts = a.geometry.points;
					const geometry =
						a.type === 'polygon' && Array.isArray(pts) && pts.every((p) => typeof p === 'object' && p !== null)
							? { points: pts.flatMap((p) => [p.x, p.y]) }
							: a.geometry;
					annotations.set(a.id, { ...a, geometry, z: typeof a.z === 'number' ? a.z : z });
				});
			}
			return skipped;
		}
	},
	{
		from: 2,
		to: 3,
		description:
			'Classes gain attribute specs, sub-annotation switches (text, instance id, direction), a skeleton template and a mask mode.',
		migrate({ classes }) {
			let skipped = 0;
			for (const [key, value] of classes.entries()) {
				if (typeof value !== 'object' || value === null || Array.isArray(value)) {
					skipped++;
					continue;
				}
				const c = value as Record<string, unknown>;
				const missing = Object.keys(CLASS_DEFAULTS).some((k) => !(k in c));
				if (missing) classes.set(key, { ...CLASS_DEFAULTS, ...c });
			}
			return skipped;
		}
	},
	{
		from: 3,
		to: 4,
		description: 'A new top-level map `versions` lists frozen dataset versions; no record changes.',
		migrate() {
			// Nothing to rewrite: the map starts empty. The version bump keeps a v3 app from writing a v4 document.
			return 0;
		}
	},
	{
		from: 4,
		to: 5,
		description: 'Annotations may carry `proposal: { model, score }`: made by a model, awaiting review; no record changes.',
		migrate() {
			// Nothing to rewrite. The bump keeps a v4 app, which would treat proposals as accepted work, read-only.
			return 0;
		}
	},
	{
		from: 5,
		to: 6,
		description:
			'Polygons may have several parts (`geometry.parts`), skeletons a box (`geometry.box`); records may keep what their imported file said (`imported`), classes a `supercategory`, settings the imported datasets\' own fields; no record changes.',
		migrate() {
			// Nothing to rewrite: every v5 record is a v6 record. The bump keeps a v5 app, which would drop a
			// polygon's further parts and the imported ids when it rewrites a record, read-only.
			return 0;
		}
	},
	{
		from: 6,
		to: 7,
		description:
			'Annotations move to the map `a`, each one packed into bytes (record-codec.ts): a third of the size; no record changes meaning.',
		migrate({ annotations, packedAnnotations }) {
			// Keys both maps hold (a v6 peer's edit merged after a move) keep the record changed last.
			return moveLegacyAnnotations(annotations, packedAnnotations);
		}
	},
	{
		from: 7,
		to: 8,
		description:
			'The team: new maps for members, comment threads, assignments, review stages and decisions, and the activity log. An image\'s `status` becomes its stage: `done` stays done (a stage record), `new` and `in_progress` are in annotate (no record: the default); `status` leaves the image record.',
		migrate({ images, stages }) {
			let skipped = 0;
			for (const [key, value] of images.entries()) {
				if (typeof value !== 'object' || value === null || Array.isArray(value)) {
					skipped++;
					continue;
				}
				const { status, ...rest } = value as Record<string, unknown>;
				if (status === undefined) continue;
				// Deterministic (no time, no member): two peers migrating at once write the same values.
				if (status === 'done' && !stages.has(key)) stages.set(key, { imageId: key, stage: 'done', by: '', at: 0 });
				images.set(key, rest);
			}
			return skipped;
		}
	},
	{
		from: 8,
		to: 9,
		description:
			'Label quality: new maps for stored splits, consensus images, members\' blind tasks and gold images; an annotation may belong to a member\'s blind layer (`layer`, packed as a new flag), a skeleton template point may carry its OKS `sigma`; no record changes.',
		migrate() {
			// Nothing to rewrite. The bump keeps a v8 app, which would show members' blind layers as the
			// image's annotations and export them, read-only.
			return 0;
		}
	}
];
