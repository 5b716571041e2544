import { getModelFile, getStoredModel, listStoredModels, putStoredModel, removeStoredModel } from '$lib/storage/model-store';
import { FAMILIES } from '../families';
import { assembleModels, type IncomingFile } from '../models/assemble';
import { BUNDLED_MODELS, bundledFileUrl } from '../models/bundled';
import type { ModelManifest } from '../types';
import type { AddedModels, ModelEntry } from './protocol';
import { releaseModel } from './runtime';

/** The models the worker knows: bundled ones (served by the app) and the user's (IndexedDB). */

const totalBytes = (manifest: ModelManifest) => manifest.files.reduce((sum, f) => sum + (f.bytes ?? 0), 0);

export async function listModelEntries(): Promise<ModelEntry[]> {
	const stored = await listStoredModels();
	return [
		...BUNDLED_MODELS.map((manifest) => ({ manifest, missing: [], bytes: totalBytes(manifest) })),
		...stored.map((s) => ({ manifest: s.manifest as ModelManifest, missing: s.missing, bytes: totalBytes(s.manifest as ModelManifest) }))
	];
}

/** A model that can run now; a clear error for an unknown or incomplete one. */
/** Complete user models already read: every decoder step asks, and an IndexedDB read each time shows. */
const runnable = new Map<string, ModelManifest>();

export async function runnableModel(modelId: string): Promise<ModelManifest> {
	const known = BUNDLED_MODELS.find((m) => m.id === modelId) ?? runnable.get(modelId);
	if (known) return known;
	const stored = await getStoredModel(modelId);
	if (!stored) throw new Error(`There is no model "${modelId}" on this device: add it on the models page.`);
	if (stored.missing.length) throw new Error(`${stored.manifest.name} cannot run yet: it needs its ${stored.missing.join(' and ')}.`);
	runnable.set(modelId, stored.manifest as ModelManifest);
	return stored.manifest as ModelManifest;
}

export async function readModelFile(manifest: ModelManifest, name: string): Promise<ArrayBuffer> {
	if (manifest.bundled) {
		const url = bundledFileUrl(manifest.id, name);
		const response = await fetch(url).catch(() => null);
		if (!response?.ok) throw new Error(`${manifest.name}: ${name} could not be read from ${url}${response ? ` (${response.status})` : ' (offline, and not used on this device before)'}.`);
		return response.arrayBuffer();
	}
	const blob = await getModelFile(manifest.id, name);
	if (!blob) throw new Error(`${manifest.name}: ${name} is missing from this device's storage: remove the model and add it again.`);
	return blob.arrayBuffer();
}

const newId = () => `user-${crypto.randomUUID().slice(0, 8)}`;

export async function addModelFiles(files: IncomingFile[]): Promise<AddedModels> {
	runnable.clear();
	const pending = (await listStoredModels()).filter((m) => m.missing.length).map((m) => ({ manifest: m.manifest as ModelManifest, missing: m.missing }));
	const { assemblies, refused } = assembleModels(files, FAMILIES, pending, newId);
	const added = [];
	for (const { model, files: taken } of assemblies) {
		const existing = await getStoredModel(model.manifest.id);
		await putStoredModel(
			{ manifest: model.manifest, missing: model.missing, addedAt: existing?.addedAt ?? Date.now() },
			taken.map((f) => ({ name: f.name, blob: new Blob([f.bytes as Uint8Array<ArrayBuffer>]) }))
		);
		added.push({ manifest: model.manifest, missing: model.missing, bytes: totalBytes(model.manifest) });
	}
	return { added, refused };
}

export async function removeModel(modelId: string): Promise<void> {
	if (BUNDLED_MODELS.some((m) => m.id === modelId)) throw new Error('Bundled models ship with the app and cannot be removed.');
	runnable.delete(modelId);
	await releaseModel(modelId);
	await removeStoredModel(modelId);
}

/** The file name a URL names, e.g. '…/sam_decoder.onnx?download=true' → 'sam_decoder.onnx'. */
export function fileNameOf(url: URL): string {
	const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
	return last || `${url.hostname}.onnx`;
}

/** Downloads a model file with progress; a wrong address or a refusing server says so. */
export async function download(address: string, onProgress: (received: number, total: number) => void, signal: AbortSignal): Promise<IncomingFile> {
	let url: URL;
	try {
		url = new URL(address, location.origin);
	} catch {
		throw new Error(`"${address}" is not a web address.`);
	}
	if (!/^https?:$/.test(url.protocol)) throw new Error(`"${address}" is not an http or https address.`);
	let response: Response;
	try {
		response = await fetch(url, { signal });
	} catch (e) {
		if (signal.aborted) throw new Error('Download cancelled.');
		throw new Error(`${url.href} could not be downloaded: the server did not answer, or does not let other sites download from it (CORS).`);
	}
	if (!response.ok) throw new Error(`${url.href} could not be downloaded: the server answered ${response.status} ${response.statusText}.`.replace(' .', '.'));
	const total = Number(response.headers.get('Content-Length') ?? 0);
	const chunks: Uint8Array[] = [];
	let received = 0;
	const reader = response.body!.getReader();
	onProgress(0, total);
	for (;;) {
		const { done, value } = await reader.read().catch((e) => {
			throw new Error(signal.aborted ? 'Download cancelled.' : `The download of ${url.href} broke off (${e instanceof Error ? e.message : e}).`);
		});
		if (done) break;
		chunks.push(value);
		received += value.length;
		onProgress(received, total);
	}
	const bytes = new Uint8Array(received);
	let at = 0;
	for (const c of chunks) bytes.set(c, (at += c.length) - c.length);
	return { name: fileNameOf(url), bytes, url: url.href };
}
