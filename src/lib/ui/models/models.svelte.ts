import { mlClient, wasmOnlySetting, type BackendStatus, type ModelDownload, type ModelEntry } from '$lib/ml/client';

/** What the models page shows and does: the backend, the models, and adding or removing them. */
export class ModelsState {
	status = $state<BackendStatus | null>(null);
	wasmOnly = $state(wasmOnlySetting());
	entries = $state<ModelEntry[]>([]);
	loaded = $state(false);
	/** Sentences for files refused or operations that failed; cleared by the next action. */
	problems = $state<string[]>([]);
	/** Models the last action added or completed, for a short confirmation. */
	lastAdded = $state<ModelEntry[]>([]);
	busy = $state(false);
	download = $state<{ url: string; received: number; total: number } | null>(null);
	private running: ModelDownload | null = null;

	private readonly client = mlClient();

	async load(): Promise<void> {
		try {
			const [status, entries] = await Promise.all([this.client.backendStatus(), this.client.modelEntries()]);
			this.status = status;
			this.entries = entries;
		} catch (e) {
			this.problems = [message(e)];
		} finally {
			this.loaded = true;
		}
	}

	async setWasmOnly(on: boolean): Promise<void> {
		this.wasmOnly = on;
		try {
			this.status = await this.client.setWasmOnly(on);
		} catch (e) {
			this.problems = [message(e)];
		}
	}

	async addFiles(files: File[]): Promise<void> {
		if (!files.length) return;
		await this.act(async () => {
			const result = await this.client.addFiles(files.map((f) => ({ name: f.name, blob: f })));
			this.problems = result.refused;
			this.lastAdded = result.added;
		});
	}

	async addUrl(url: string): Promise<boolean> {
		const address = url.trim();
		if (!address) return false;
		let ok = false;
		await this.act(async () => {
			this.download = { url: address, received: 0, total: 0 };
			this.running = this.client.addUrl(address, (received, total) => (this.download = { url: address, received, total }));
			try {
				const result = await this.running.done;
				this.problems = result.refused;
				this.lastAdded = result.added;
				ok = result.added.length > 0;
			} finally {
				this.running = null;
				this.download = null;
			}
		});
		return ok;
	}

	cancelDownload(): void {
		this.running?.cancel();
	}

	async remove(entry: ModelEntry): Promise<void> {
		await this.act(() => this.client.removeModel(entry.manifest.id));
	}

	private async act(run: () => Promise<void>): Promise<void> {
		this.busy = true;
		this.problems = [];
		this.lastAdded = [];
		try {
			await run();
		} catch (e) {
			this.problems = [message(e)];
		} finally {
			this.entries = await this.client.modelEntries().catch(() => this.entries);
			this.busy = false;
		}
	}
}

function message(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}

export function formatBytes(bytes: number): string {
	if (bytes < 1024) return `${bytes} B`;
	if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(0)} KB`;
	if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
	return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export function backendText(status: BackendStatus): string {
	return status.backend === 'webgpu' ? 'WebGPU' : `WASM · ${status.threads} ${status.threads === 1 ? 'thread' : 'threads'}`;
}
