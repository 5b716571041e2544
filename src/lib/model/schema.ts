import type * as Y from 'yjs';
import { CLASS_DEFAULTS } from './records';

/**
 * The document's schema version. Bump it with a migration below whenever the meaning or layout of a
 * stored record changes; docs/schema.md describes each version.
 */
export const SCHEMA_VERSION = 5;

/** The version of a document that holds records but no version marker: the first layout. */
export const FIRST_SCHEMA_VERSION = 1;

export interface DocMaps {
	meta: Y.Map<unknown>;
	classes: Y.Map<unknown>;
	images: Y.Map<unknown>;
	annotations: Y.Map<unknown>;
}

export interface Migration {
	from: number;
	to: number;
	description: string;
	/**
	 * Rewrites records in place. Must be deterministic and idempotent: two peers may migrate the same
	 * document at once, and their writes must agree whichever wins.
	 */
	migrate(maps: DocMaps): void;
}

type V1Annotation = {
	id: string;
	imageId: string;
	type: string;
	geometry: { points?: { x: number; y: number }[] } & Record<string, unknown>;
	z?: number;
	createdAt: number;
};

export const MIGRATIONS: readonly Migration[] = [
	{
		from: 1,
		to: 2,
		description: 'Polygon points become a flat [x0, y0, x1, y1, …] list; every annotation gets a z-order.',
		migrate({ annotations }) {
			const byImage = new Map<string, V1Annotation[]>();
			for (const value of annotations.values()) {
				const a = value as V1Annotation;
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
						a.type === 'polygon' && Array.isArray(pts) && typeof pts[0] === 'object'
							? { points: pts.flatMap((p) => [p.x, p.y]) }
							: a.geometry;
					annotations.set(a.id, { ...a, geometry, z: a.z ?? z });
				});
			}
		}
	},
	{
		from: 2,
		to: 3,
		description:
			'Classes gain attribute specs, sub-annotation switches (text, instance id, direction), a skeleton template and a mask mode.',
		migrate({ classes }) {
			for (const value of classes.values()) {
				const c = value as Record<string, unknown> & { id: string };
				const missing = Object.keys(CLASS_DEFAULTS).some((k) => !(k in c));
				if (missing) classes.set(c.id, { ...CLASS_DEFAULTS, ...c });
			}
		}
	},
	{
		from: 3,
		to: 4,
		description: 'A new top-level map `versions` lists frozen dataset versions; no record changes.',
		migrate() {
			// Nothing to rewrite: the map starts empty. The version bump keeps a v3 app from writing a v4 document.
		}
	},
	{
		from: 4,
		to: 5,
		description: 'Annotations may carry `proposal: { model, score }`: made by a model, awaiting review; no record changes.',
		migrate() {
			// Nothing to rewrite. The bump keeps a v4 app, which would treat proposals as accepted work, read-only.
		}
	}
];
