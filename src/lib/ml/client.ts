import type { Detection, ExecutionBackend, MlApi, ModelManifest, PlainTensor, RgbaImage, SegmentationPrompt, SegmentationResult, TextRegion } from './types';
import type { AddedModels, AnswerOf, BackendStatus, FromWorker, ModelEntry, ProbeResult, RequestOf, RequestType, ToWorker } from './worker/protocol';

export type { AddedModels, BackendStatus, ModelEntry, ProbeResult };

/** The per-device "Use WASM only" setting (a device whose WebGPU misbehaves). */
const WASM_ONLY_KEY = 'peerlabel.ml.wasmOnly';

export function wasmOnlySetting(): boolean {
	try {
		return localStorage.getItem(WASM_ONLY_KEY) === 'true';
	} catch {
		return false;
	}
}

interface Pending {
	resolve: (value: unknown) => void;
	reject: (e: Error) => void;
	onProgress?: (received: number, total: number) => void;
}

/** A download that can be cancelled. */
export interface ModelDownload {
	done: Promise<AddedModels>;
	cancel(): void;
}

/**
 * The page's side of the inference worker: one worker per page, started on first use. Every call is a
 * request with an id; the worker's error texts come back as rejected Errors with the same text.
 */
export class MlClient implements MlApi {
	private worker: Worker | null = null;
	private nextId = 1;
	private readonly pending = new Map<number, Pending>();

	private ensureWorker(): Worker {
		if (this.worker) return this.worker;
		const worker = new Worker(new URL('./worker/inference.worker.ts', import.meta.url), { type: 'module', name: 'peerlabel-inference' });
		worker.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
		worker.onerror = (event) => {
			event.preventDefault();
			for (const p of this.pending.values()) p.reject(new Error(`The inference worker failed: ${event.message || 'it could not start'}`));
			this.pending.clear();
			this.worker?.terminate();
			this.worker = null;
		};
		this.worker = worker;
		this.post(worker, { type: 'configure', requestId: this.nextId++, forceWasm: wasmOnlySetting() });
		return worker;
	}

	private post(worker: Worker, message: ToWorker): void {
		worker.postMessage(message);
	}

	private receive(message: FromWorker): void {
		const p = this.pending.get(message.requestId);
		if (!p) return;
		if (message.type === 'progress') return p.onProgress?.(message.received, message.total);
		this.pending.delete(message.requestId);
		if (message.type === 'error') p.reject(new Error(message.message));
		else p.resolve(message.value);
	}

	private request<T extends RequestType>(type: T, body: RequestOf<T>, onProgress?: Pending['onProgress']): { id: number; done: Promise<AnswerOf<T>> } {
		const worker = this.ensureWorker();
		const id = this.nextId++;
		const done = new Promise<AnswerOf<T>>((resolve, reject) => this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress }));
		this.post(worker, { ...body, type, requestId: id } as ToWorker);
		return { id, done };
	}

	private call<T extends RequestType>(type: T, body: RequestOf<T>): Promise<AnswerOf<T>> {
		return this.request(type, body).done;
	}

	async status(): Promise<{ backend: ExecutionBackend; threads: number; webgpuAvailable: boolean }> {
		return this.call('status', {});
	}

	/** Status with what the models page shows besides. */
	backendStatus(): Promise<BackendStatus> {
		return this.call('status', {});
	}

	/** Saves the setting on this device and switches the worker's backend. */
	setWasmOnly(wasmOnly: boolean): Promise<BackendStatus> {
		try {
			localStorage.setItem(WASM_ONLY_KEY, String(wasmOnly));
		} catch {
			// storage refused: the setting holds for this page only
		}
		return this.call('configure', { forceWasm: wasmOnly });
	}

	async listModels(): Promise<ModelManifest[]> {
		return (await this.modelEntries()).filter((e) => !e.missing.length).map((e) => e.manifest);
	}

	/** Every model, with what an incomplete one still needs and the bytes it takes. */
	modelEntries(): Promise<ModelEntry[]> {
		return this.call('listModels', {});
	}

	async embed(modelId: string, imageKey: string, image: RgbaImage): Promise<void> {
		await this.embedImage(modelId, imageKey, image);
	}

	/** embed, saying whether the embedding came from the cache (IndexedDB or the worker's current image). */
	embedImage(modelId: string, imageKey: string, image: RgbaImage): Promise<{ cached: boolean }> {
		return this.call('embed', { modelId, imageKey, image });
	}

	segment(modelId: string, imageKey: string, prompt: SegmentationPrompt, previous?: PlainTensor, trace?: { tolerance: number }): Promise<SegmentationResult> {
		return this.call('segment', { modelId, imageKey, prompt, previous, trace });
	}

	detect(modelId: string, image: RgbaImage, options: { scoreThreshold: number; iouThreshold: number; trace?: { tolerance: number } }): Promise<Detection[]> {
		return this.call('detect', { modelId, image, options });
	}

	readText(modelId: string, image: RgbaImage, region?: { x: number; y: number; width: number; height: number }): Promise<TextRegion[]> {
		return this.call('readText', { modelId, image, region });
	}

	/** Dropped files: each checked, sorted into models and stored; refused ones come back with the reason. */
	addFiles(files: { name: string; blob: Blob }[]): Promise<AddedModels> {
		return this.call('addFiles', { files });
	}

	addUrl(url: string, onProgress: (received: number, total: number) => void): ModelDownload {
		const { id, done } = this.request('addUrl', { url }, onProgress);
		return { done, cancel: () => this.worker?.postMessage({ type: 'cancel', requestId: id } satisfies ToWorker) };
	}

	removeModel(modelId: string): Promise<void> {
		return this.call('removeModel', { modelId });
	}

	/** One raw run of a model's ONNX file on a chosen backend (the WebGPU check and the benchmark). */
	probe(modelId: string, role: string, feeds: Record<string, PlainTensor>, backend: ExecutionBackend): Promise<ProbeResult> {
		return this.call('probe', { modelId, role, feeds, backend });
	}
}

let shared: MlClient | null = null;

/** The page's one inference client; the worker starts on its first call. */
export function mlClient(): MlClient {
	return (shared ??= new MlClient());
}
