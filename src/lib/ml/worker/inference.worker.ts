/// <reference lib="webworker" />
/**
 * The inference worker: onnxruntime-web and every model run here, off the main thread. Requests come
 * from ml/client.ts, each with an id; each gets one answer, or an error text a person can act on.
 */
import { maskToPolygons } from '../mask-polygons';
import type { DetectorFamily, ModelFamily, OcrFamily, SegmenterFamily } from '../family';
import { familyOf } from '../families';
import type { ModelManifest } from '../types';
import { embedImage, segmentImage } from './embeddings';
import { probe } from './probe';
import type { FromWorker, RequestOf, ToWorker } from './protocol';
import { addModelFiles, download, listModelEntries, readModelFile, removeModel, runnableModel } from './registry';
import { backendStatus, configure, loadModel, type LoadedModel } from './runtime';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const downloads = new Map<number, AbortController>();
/** Models whose sessions WebGPU could not create: they run on WASM for the rest of the page's life. */
const failedOnWebgpu = new Set<string>();

function familyFor<T extends ModelFamily['task']>(manifest: ModelManifest, tasks: T[]): Extract<ModelFamily, { task: T }> {
	const family = familyOf(manifest.family);
	if (!family) throw new Error(`${manifest.name} is of the family "${manifest.family}", which this version of Peerlabel does not run.`);
	if (!tasks.includes(family.task as T)) throw new Error(`${manifest.name} is a ${family.task} model, not for ${tasks.join(' or ')}.`);
	return family as Extract<ModelFamily, { task: T }>;
}

async function load(modelId: string): Promise<LoadedModel> {
	const manifest = await runnableModel(modelId);
	const { backend } = await backendStatus();
	if (backend === 'wasm' || failedOnWebgpu.has(manifest.id)) return loadModel(manifest, 'wasm', readModelFile);
	// A model WebGPU cannot load (an operator it lacks, a device limit) still runs, on WASM.
	return loadModel(manifest, 'webgpu', readModelFile).catch(() => {
		failedOnWebgpu.add(manifest.id);
		return loadModel(manifest, 'wasm', readModelFile);
	});
}

/** PaddleOCR's dictionary: one character per line. */
function dictionaryLines(text: string | undefined): string[] {
	const lines = (text ?? '').replace(/\r/g, '').split('\n');
	if (lines[lines.length - 1] === '') lines.pop();
	return lines;
}

async function handle(message: Exclude<ToWorker, { type: 'cancel' }>): Promise<unknown> {
	switch (message.type) {
		case 'configure':
			return configure(message.forceWasm);
		case 'status':
			return backendStatus();
		case 'listModels':
			return listModelEntries();
		case 'embed': {
			const model = await load(message.modelId);
			return embedImage(model, familyFor(model.manifest, ['interactive-segmentation']) as SegmenterFamily, message.imageKey, message.image);
		}
		case 'segment': {
			const model = await load(message.modelId);
			const family = familyFor(model.manifest, ['interactive-segmentation']) as SegmenterFamily;
			const result = await segmentImage(model, family, message.imageKey, message.prompt, message.previous);
			// Tracing a full-size mask takes tens of ms: here, not on the page, for every pointer move.
			return message.trace ? { ...result, polygons: maskToPolygons(result.mask, message.trace.tolerance) } : result;
		}
		case 'detect': {
			const model = await load(message.modelId);
			const family = familyFor(model.manifest, ['detection', 'instance-segmentation']) as DetectorFamily;
			// The label count tells a v8 row layout from v5's, and refuses a label list that does not fit the model.
			const { trace, ...asked } = message.options;
			const options = { ...asked, inputSize: model.manifest.inputSize, classCount: model.manifest.labels?.length };
			const detections = await family.detect(model.sessions, message.image, options);
			if (!trace) return detections;
			return detections.map(({ mask, ...d }) => (mask ? { ...d, polygons: maskToPolygons(mask, trace.tolerance) } : d));
		}
		case 'readText': {
			const model = await load(message.modelId);
			const family = familyFor(model.manifest, ['ocr']) as OcrFamily;
			return family.readText(model.sessions, dictionaryLines(model.texts.dictionary), message.image, message.region);
		}
		case 'addFiles':
			return addModelFiles(await Promise.all(message.files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.blob.arrayBuffer()) }))));
		case 'addUrl': {
			const controller = new AbortController();
			downloads.set(message.requestId, controller);
			try {
				const file = await download(message.url, (received, total) => post({ type: 'progress', requestId: message.requestId, received, total }), controller.signal);
				return await addModelFiles([file]);
			} finally {
				downloads.delete(message.requestId);
			}
		}
		case 'removeModel':
			return removeModel(message.modelId);
		case 'probe':
			return probe(await runnableModel(message.modelId), message as RequestOf<'probe'>);
	}
}

function post(message: FromWorker): void {
	scope.postMessage(message);
}

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
	const message = event.data;
	if (message.type === 'cancel') return void downloads.get(message.requestId)?.abort();
	try {
		post({ type: 'answer', requestId: message.requestId, value: await handle(message) });
	} catch (e) {
		post({ type: 'error', requestId: message.requestId, message: e instanceof Error ? e.message : String(e) });
	}
};
