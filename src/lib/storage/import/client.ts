import type { FileOutcome, FromWorker, ImportFileInput, ToWorker } from './protocol';

export interface ImportRun {
	/** Resolves when the worker is done with every file (or stopped). */
	done: Promise<Extract<FromWorker, { type: 'done' }>>;
	cancel(): void;
}

/**
 * The page's side of the import worker: starts imports, routes each answer to the import it
 * belongs to by request id. One worker serves every import of the tab, one after another.
 */
export class ImportClient {
	private worker: Worker | null = null;
	private nextId = 1;
	private readonly runs = new Map<
		number,
		{ onOutcome: (o: FileOutcome) => void; resolve: (m: Extract<FromWorker, { type: 'done' }>) => void; reject: (e: Error) => void }
	>();

	private ensureWorker(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(new URL('./import.worker.ts', import.meta.url), { type: 'module', name: 'peerlabel-import' });
		worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			this.failAll(new Error(`The import worker failed: ${event.message || 'it could not start'}`));
		};
		this.worker = worker;
		return worker;
	}

	private receive(message: FromWorker): void {
		const run = this.runs.get(message.requestId);
		if (!run) return;
		if (message.type === 'outcome') run.onOutcome(message.outcome);
		else if (message.type === 'done') {
			this.runs.delete(message.requestId);
			run.resolve(message);
		} else {
			this.runs.delete(message.requestId);
			run.reject(new Error(message.message));
		}
	}

	private failAll(error: Error): void {
		for (const run of this.runs.values()) run.reject(error);
		this.runs.clear();
		this.worker?.terminate();
		this.worker = null;
	}

	start(
		projectId: string,
		files: ImportFileInput[],
		knownHashes: Map<string, string>,
		onOutcome: (outcome: FileOutcome) => void
	): ImportRun {
		const requestId = this.nextId++;
		const worker = this.ensureWorker();
		const done = new Promise<Extract<FromWorker, { type: 'done' }>>((resolve, reject) =>
			this.runs.set(requestId, { onOutcome, resolve, reject })
		);
		const send = (m: ToWorker) => worker.postMessage(m);
		send({ type: 'import', requestId, projectId, files, knownHashes });
		return { done, cancel: () => send({ type: 'cancel', requestId }) };
	}

	/** Stops the worker; imports in flight end with an error. */
	terminate(): void {
		this.failAll(new Error('The import was stopped'));
	}
}

let shared: ImportClient | null = null;

/** The tab's import client. */
export function importClient(): ImportClient {
	return (shared ??= new ImportClient());
}
