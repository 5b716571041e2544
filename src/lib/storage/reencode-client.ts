import type { ReencodeOutcome } from './reencode';

/**
 * Runs reencode.ts in a worker of its own, once, and ends the worker. Resolves with null where workers
 * do not exist (Node) or the worker fails: the stored document then stays as it is, which is always safe.
 */
export function reencodeInWorker(name: string, maxBytes: number): Promise<ReencodeOutcome | null> {
	if (typeof Worker === 'undefined') return Promise.resolve(null);
	return new Promise((resolve) => {
		const worker = new Worker(new URL('./reencode.worker.ts', import.meta.url), { type: 'module', name: 'peerlabel-reencode' });
		const end = (outcome: ReencodeOutcome | null) => {
			worker.terminate();
			resolve(outcome);
		};
		worker.onmessage = (event: MessageEvent<{ ok: true; outcome: ReencodeOutcome } | { ok: false; message: string }>) => {
			if (!event.data.ok) console.warn(`The project's storage was not compacted: ${event.data.message}`);
			end(event.data.ok ? event.data.outcome : null);
		};
		worker.onerror = (event) => {
			event.preventDefault();
			end(null);
		};
		worker.postMessage({ name, maxBytes });
	});
}
