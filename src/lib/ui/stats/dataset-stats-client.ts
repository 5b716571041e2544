import type { StatsAnswer, StatsSource } from './protocol';

type Settled = Extract<StatsAnswer, { ok: true }>;

/** Why a count failed; `missing`: the version's snapshot is not on this device. */
export class StatsFailure extends Error {
	constructor(
		message: string,
		readonly missing = false
	) {
		super(message);
		this.name = 'StatsFailure';
	}
}

/** The page's side of the statistics worker: one worker, started on the first request, ended by `destroy`. */
export class DatasetStatsClient {
	private worker: Worker | null = null;
	private nextId = 1;
	private readonly pending = new Map<number, { resolve: (a: Settled) => void; reject: (e: Error) => void }>();

	private ensureWorker(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(new URL('./dataset-stats.worker.ts', import.meta.url), { type: 'module', name: 'peerlabel-dataset-stats' });
		worker.onmessage = (event: MessageEvent<StatsAnswer>) => {
			const answer = event.data;
			const waiting = this.pending.get(answer.id);
			if (!waiting) return;
			this.pending.delete(answer.id);
			if (answer.ok) waiting.resolve(answer);
			else waiting.reject(new StatsFailure(answer.message, answer.missing));
		};
		worker.onerror = (event) => {
			event.preventDefault();
			this.fail(new StatsFailure(`The statistics could not be counted: ${event.message || 'the worker could not start'}`));
		};
		return (this.worker = worker);
	}

	/** Counts `source` in the worker; resolves with the figures and where the worker's time went. */
	count(source: StatsSource): Promise<Settled> {
		const worker = this.ensureWorker();
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.pending.set(id, { resolve, reject });
			// A snapshot the page encoded is handed over, not copied.
			worker.postMessage({ id, source }, source.kind === 'snapshot' ? [source.bytes.buffer] : []);
		});
	}

	private fail(error: Error): void {
		for (const p of this.pending.values()) p.reject(error);
		this.pending.clear();
		this.worker?.terminate();
		this.worker = null;
	}

	destroy(): void {
		this.fail(new StatsFailure('The statistics page was closed'));
	}
}
