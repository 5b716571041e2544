import type { ImportBasis } from '$lib/model/import-records';
import type { ExchangeFileInput, ExchangePhase, ExchangeProblem, ExportSource, FromWorker, ReadOutcome, ToWorker } from './protocol';

export interface ExchangeProgress {
	phase: ExchangePhase;
	done: number;
	total: number;
	bytes: number;
}

export type ExportAnswer = Extract<FromWorker, { type: 'exported' }>;
export type ReadAnswer = { formatId: string; formatLabel: string; outcome: ReadOutcome };

/** Why a run ended without a result: the user cancelled it, or the input was refused. */
export class ExchangeFailure extends Error {
	constructor(readonly problem: ExchangeProblem | null) {
		super(problem ? `${problem.file}${problem.place ? ` (${problem.place})` : ''}: ${problem.problem}` : 'Cancelled');
		this.name = 'ExchangeFailure';
	}
	get cancelled(): boolean {
		return this.problem === null;
	}
}

export interface ExchangeRun<T> {
	/** Resolves with the result; rejects with an ExchangeFailure (cancelled or refused). */
	done: Promise<T>;
	cancel(): void;
}

interface Pending {
	onProgress: (p: ExchangeProgress) => void;
	resolve: (m: FromWorker) => void;
	reject: (e: Error) => void;
}

/** The page's side of the exchange worker (as ImportClient is for image imports). */
export class ExchangeClient {
	private worker: Worker | null = null;
	private nextId = 1;
	private readonly runs = new Map<number, Pending>();

	private ensureWorker(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(new URL('./exchange.worker.ts', import.meta.url), { type: 'module', name: 'peerlabel-exchange' });
		worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			for (const run of this.runs.values()) run.reject(new Error(`The export/import worker failed: ${event.message || 'it could not start'}`));
			this.runs.clear();
			this.worker?.terminate();
			this.worker = null;
		};
		return (this.worker = worker);
	}

	private receive(message: FromWorker): void {
		const run = this.runs.get(message.requestId);
		if (!run) return;
		if (message.type === 'progress') return run.onProgress(message);
		this.runs.delete(message.requestId);
		if (message.type === 'failed') run.reject(new ExchangeFailure(message.problem));
		else if (message.type === 'cancelled') run.reject(new ExchangeFailure(null));
		else run.resolve(message);
	}

	private start<T>(message: ToWorker, transfer: Transferable[], onProgress: (p: ExchangeProgress) => void, pick: (m: FromWorker) => T): ExchangeRun<T> {
		const worker = this.ensureWorker();
		const requestId = message.requestId;
		const done = new Promise<FromWorker>((resolve, reject) => this.runs.set(requestId, { onProgress, resolve, reject })).then(pick);
		worker.postMessage(message, transfer);
		return { done, cancel: () => worker.postMessage({ type: 'cancel', requestId } satisfies ToWorker) };
	}

	export(source: ExportSource, onProgress: (p: ExchangeProgress) => void): ExchangeRun<ExportAnswer> {
		return this.start({ type: 'export', requestId: this.nextId++, source }, [], onProgress, (m) => m as ExportAnswer);
	}

	/** Reads files; with `basis`, a dataset comes back planned into that project and packed. */
	read(files: ExchangeFileInput[], formatId: string | null, target: 'new' | 'existing', basis: ImportBasis | undefined, onProgress: (p: ExchangeProgress) => void): ExchangeRun<ReadAnswer> {
		return this.start({ type: 'import', requestId: this.nextId++, files, formatId, target, basis }, [], onProgress, (m) => {
			const r = m as Extract<FromWorker, { type: 'read' }>;
			return { formatId: r.formatId, formatLabel: r.formatLabel, outcome: r.outcome };
		});
	}
}

let shared: ExchangeClient | null = null;

export function exchangeClient(): ExchangeClient {
	return (shared ??= new ExchangeClient());
}
