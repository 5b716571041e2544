/// <reference lib="webworker" />
/**
 * Counts the dataset statistics off the page's main thread (issue 16 item 4): reads the document
 * itself — the project's stored updates (kept between requests, so a recount after an edit applies only
 * what is new), or a version's snapshot — counts (quality/dataset-stats.ts) and answers with the
 * charts' figures. Requests are answered in order; each answer names its request.
 */
import { ProjectDoc } from '$lib/model';
import { datasetStats, datasetStatsInputOf } from '$lib/quality/dataset-stats';
import { datasetFigures } from '$lib/quality/dataset-stats-figures';
import { StoredDocReader } from '$lib/storage/stored-doc-reader';
import { openVersion, VersionMissingError } from '$lib/storage/versions';
import type { StatsAnswer, StatsRequest, StatsSource, StatsTiming } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** The project's copy, kept for the next request (one project per page). */
let stored: StoredDocReader | null = null;

async function documentOf(source: StatsSource): Promise<{ doc: ProjectDoc; timing: Pick<StatsTiming, 'readMs' | 'applyMs' | 'applied' | 'appliedBytes'>; keep: boolean }> {
	if (source.kind === 'project') {
		if (stored?.projectId !== source.projectId) {
			stored?.destroy();
			stored = new StoredDocReader(source.projectId);
		}
		const timing = await stored.refresh();
		return { doc: stored.doc, timing, keep: true };
	}
	const start = performance.now();
	if (source.kind === 'version') {
		const doc = await openVersion(source.projectId, source.hash, source.name);
		return { doc, timing: { readMs: 0, applyMs: performance.now() - start, applied: 1, appliedBytes: 0 }, keep: false };
	}
	const doc = ProjectDoc.fromSnapshot(source.bytes, source.name);
	return { doc, timing: { readMs: 0, applyMs: performance.now() - start, applied: 1, appliedBytes: source.bytes.byteLength }, keep: false };
}

async function answer(request: StatsRequest): Promise<StatsAnswer> {
	const start = performance.now();
	try {
		const { doc, timing, keep } = await documentOf(request.source);
		const counting = performance.now();
		const figures = datasetFigures(datasetStats(datasetStatsInputOf(doc)));
		const countMs = performance.now() - counting;
		if (!keep) {
			doc.destroy();
			doc.ydoc.destroy();
		}
		return { id: request.id, ok: true, figures, timing: { ...timing, countMs, workerMs: performance.now() - start } };
	} catch (e) {
		return { id: request.id, ok: false, message: e instanceof Error ? e.message : String(e), missing: e instanceof VersionMissingError };
	}
}

// One request at a time, in the order asked: a recount never overtakes the one before it.
let queue = Promise.resolve();
scope.onmessage = (event: MessageEvent<StatsRequest>) => {
	queue = queue.then(async () => scope.postMessage(await answer(event.data)));
};
