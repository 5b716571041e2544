/// <reference lib="webworker" />
import type * as Ort from 'onnxruntime-web/webgpu';
import type { Sessions } from '../family';
import type { ExecutionBackend, ModelManifest } from '../types';
import type { BackendStatus } from './protocol';

/**
 * onnxruntime-web inside the worker: loaded from the app's own /ort/ folder (explicit paths, no CDN),
 * the backend chosen once per setting, and each model's sessions created once and kept (a few models).
 */

type OrtModule = typeof Ort;

/** onnxruntime-web/webgpu's build that takes its WASM from wasmPaths; src/server/ml-assets.js serves it. */
const ORT_SCRIPT = '/ort/ort.webgpu.min.mjs';
const ORT_WASM = { mjs: '/ort/ort-wasm-simd-threaded.asyncify.mjs', wasm: '/ort/ort-wasm-simd-threaded.asyncify.wasm' };
/** Models whose sessions stay loaded; the least recently used beyond this are released. */
const KEPT_MODELS = 3;

let ortPromise: Promise<OrtModule> | null = null;
let forceWasm = false;
let statusPromise: Promise<BackendStatus> | null = null;

export function threadCount(): number {
	return crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1;
}

export function ort(): Promise<OrtModule> {
	ortPromise ??= (import(/* @vite-ignore */ new URL(ORT_SCRIPT, location.origin).href) as Promise<OrtModule>).then((module) => {
		module.env.wasm.wasmPaths = { mjs: new URL(ORT_WASM.mjs, location.origin).href, wasm: new URL(ORT_WASM.wasm, location.origin).href };
		module.env.wasm.numThreads = threadCount();
		module.env.wasm.proxy = false; // already off the main thread
		module.env.logLevel = 'error';
		return module;
	});
	return ortPromise;
}

async function webgpuAvailable(): Promise<boolean> {
	const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
	if (!gpu) return false;
	try {
		return (await gpu.requestAdapter()) !== null;
	} catch {
		return false;
	}
}

export function backendStatus(): Promise<BackendStatus> {
	statusPromise ??= webgpuAvailable().then((available) => ({
		backend: available && !forceWasm ? 'webgpu' : 'wasm',
		threads: threadCount(),
		webgpuAvailable: available,
		crossOriginIsolated
	}));
	return statusPromise;
}

/** The per-device "Use WASM only" setting: sessions made for the other backend are released. */
export async function configure(wasmOnly: boolean): Promise<BackendStatus> {
	if (wasmOnly !== forceWasm) {
		forceWasm = wasmOnly;
		statusPromise = null;
		await releaseAll();
	}
	return backendStatus();
}

export function executionProviders(backend: ExecutionBackend): string[] {
	// WebGPU runs what it has kernels for; the rest of the graph falls back to WASM.
	return backend === 'webgpu' ? ['webgpu', 'wasm'] : ['wasm'];
}

/** A model ready to run: its ONNX sessions by role, and its text files (an OCR dictionary) by role. */
export interface LoadedModel {
	manifest: ModelManifest;
	backend: ExecutionBackend;
	sessions: Sessions;
	texts: Record<string, string>;
}

/** Fetches a file of a model: bundled ones from the app, added ones from IndexedDB. */
export type FileSource = (manifest: ModelManifest, name: string) => Promise<ArrayBuffer>;

const loaded = new Map<string, Promise<LoadedModel>>();

export async function loadModel(manifest: ModelManifest, backend: ExecutionBackend, source: FileSource): Promise<LoadedModel> {
	const key = `${manifest.id}|${backend}`;
	let model = loaded.get(key);
	if (model) loaded.delete(key); // re-inserted below: most recently used last
	model ??= createSessions(manifest, backend, source);
	loaded.set(key, model);
	model.catch(() => loaded.get(key) === model && loaded.delete(key));
	while (loaded.size > KEPT_MODELS) {
		const [oldest, evicted] = loaded.entries().next().value!;
		loaded.delete(oldest);
		void release(evicted);
	}
	return model;
}

async function createSessions(manifest: ModelManifest, backend: ExecutionBackend, source: FileSource): Promise<LoadedModel> {
	const runtime = await ort();
	const sessions: Sessions = {};
	const texts: Record<string, string> = {};
	for (const file of manifest.files) {
		const bytes = await source(manifest, file.name);
		if (!file.name.toLowerCase().endsWith('.onnx')) {
			texts[file.role] = new TextDecoder().decode(bytes);
			continue;
		}
		try {
			sessions[file.role] = await runtime.InferenceSession.create(new Uint8Array(bytes), {
				executionProviders: executionProviders(backend),
				graphOptimizationLevel: 'all',
				logSeverityLevel: 3 // errors only: WebGPU's note that shape ops run on the CPU is expected
			});
		} catch (e) {
			await Promise.all(Object.values(sessions).map((s) => s.release()));
			throw new Error(`${manifest.name}: ${file.name} could not be loaded on ${backend === 'webgpu' ? 'WebGPU' : 'WASM'} (${e instanceof Error ? e.message : String(e)}).`);
		}
	}
	return { manifest, backend, sessions, texts };
}

async function release(model: Promise<LoadedModel>): Promise<void> {
	try {
		const { sessions } = await model;
		await Promise.all(Object.values(sessions).map((s) => s.release()));
	} catch {
		// it never loaded: nothing to release
	}
}

export async function releaseModel(modelId: string): Promise<void> {
	for (const [key, model] of [...loaded]) {
		if (!key.startsWith(`${modelId}|`)) continue;
		loaded.delete(key);
		await release(model);
	}
}

async function releaseAll(): Promise<void> {
	const all = [...loaded.values()];
	loaded.clear();
	await Promise.all(all.map(release));
}
