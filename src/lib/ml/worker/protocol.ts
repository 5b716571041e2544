import type { Detection, ExecutionBackend, ModelManifest, PlainTensor, RgbaImage, SegmentationPrompt, SegmentationResult, TextRegion } from '../types';

/**
 * Messages between the page (ml/client.ts) and the inference worker. Every request carries an id; the
 * worker answers it once with a result or an error text, and a download also with progress.
 */

export interface BackendStatus {
	backend: ExecutionBackend;
	threads: number;
	webgpuAvailable: boolean;
	crossOriginIsolated: boolean;
}

/** A model on the models page: bundled or added, complete or still waiting for files. */
export interface ModelEntry {
	manifest: ModelManifest;
	/** Roles still needed before the model runs, e.g. ['decoder']. */
	missing: string[];
	bytes: number;
}

export interface AddedModels {
	/** Models created or completed by the files. */
	added: ModelEntry[];
	/** One sentence per refused file, naming it. */
	refused: string[];
}

/** Dev and benchmark probe: one raw run of one file of a model on a chosen backend. */
export interface ProbeResult {
	outputs: Record<string, PlainTensor>;
	backend: ExecutionBackend;
	loadMs: number;
	runMs: number;
}

type Requests = {
	configure: { forceWasm: boolean; answer: BackendStatus };
	status: { answer: BackendStatus };
	listModels: { answer: ModelEntry[] };
	embed: { modelId: string; imageKey: string; image: RgbaImage; answer: { cached: boolean } };
	segment: { modelId: string; imageKey: string; prompt: SegmentationPrompt; previous?: PlainTensor; trace?: { tolerance: number }; answer: SegmentationResult };
	detect: { modelId: string; image: RgbaImage; options: { scoreThreshold: number; iouThreshold: number; trace?: { tolerance: number } }; answer: Detection[] };
	readText: { modelId: string; image: RgbaImage; region?: { x: number; y: number; width: number; height: number }; answer: TextRegion[] };
	addFiles: { files: { name: string; blob: Blob }[]; answer: AddedModels };
	addUrl: { url: string; answer: AddedModels };
	removeModel: { modelId: string; answer: void };
	probe: { modelId: string; role: string; feeds: Record<string, PlainTensor>; backend: ExecutionBackend; answer: ProbeResult };
};

export type RequestType = keyof Requests;
export type RequestOf<T extends RequestType> = Omit<Requests[T], 'answer'>;
export type AnswerOf<T extends RequestType> = Requests[T]['answer'];

export type ToWorker = { [T in RequestType]: { type: T; requestId: number } & RequestOf<T> }[RequestType] | { type: 'cancel'; requestId: number };

export type FromWorker =
	| { type: 'answer'; requestId: number; value: unknown }
	| { type: 'error'; requestId: number; message: string }
	| { type: 'progress'; requestId: number; received: number; total: number };
