import type { DatasetFigures } from '$lib/quality/dataset-stats-figures';

/**
 * Messages between the statistics page and its worker (dataset-stats.worker.ts). The page names what
 * to count; the worker reads it itself (the project's stored document, or a version's snapshot from the
 * blob store) and answers with the charts' figures only.
 */
export type StatsSource =
	/** The project as stored now (the page waits until its own changes are stored before asking). */
	| { kind: 'project'; projectId: string }
	/** A frozen version: its snapshot, by hash. */
	| { kind: 'version'; projectId: string; hash: string; name: string }
	/** A document the page encoded itself (Y.encodeStateAsUpdate): the benchmark's comparison. */
	| { kind: 'snapshot'; bytes: Uint8Array; name: string };

export interface StatsRequest {
	id: number;
	source: StatsSource;
}

/** Where the worker's time went (ms): reading the stored bytes, applying them to its copy, counting. */
export interface StatsTiming {
	readMs: number;
	applyMs: number;
	countMs: number;
	/** From the request's arrival to the answer. */
	workerMs: number;
	/** Stored updates applied: all of them on the first count, only the new ones after. */
	applied: number;
	appliedBytes: number;
}

export type StatsAnswer =
	| { id: number; ok: true; figures: DatasetFigures; timing: StatsTiming }
	| { id: number; ok: false; message: string; missing: boolean };
