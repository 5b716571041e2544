/// <reference lib="webworker" />
/**
 * The exchange worker: export (read stored images, run a codec, zip) and import (unzip, detect, read,
 * hash and size the image files, plan and pack an import) off the main thread. The page writes the document.
 */
import { getImageBlob, sha256Hex } from '../blobs';
import type { FromWorker, ToWorker } from './protocol';
import { problemOf, runExport, runImport, type ExchangeDeps } from './run';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cancelled = new Set<number>();

const deps: ExchangeDeps = {
	getBlob: getImageBlob,
	hash: (bytes) => sha256Hex(bytes as Uint8Array<ArrayBuffer>),
	async imageSize(blob) {
		const bitmap = await createImageBitmap(blob);
		const size = { width: bitmap.width, height: bitmap.height };
		bitmap.close();
		return size;
	}
};

/** Buffers sent along without a copy (each once: several views may share one). */
function transferables(message: FromWorker): Transferable[] {
	const out = new Set<ArrayBuffer>();
	const add = (b: Uint8Array | undefined) => b && b.buffer instanceof ArrayBuffer && out.add(b.buffer);
	if (message.type === 'read' && message.outcome.kind === 'dataset') for (const i of message.outcome.dataset.images) add(i.bytes);
	if (message.type === 'read' && message.outcome.kind === 'planned' && message.outcome.planned.ok) {
		const plan = message.outcome.planned.plan;
		for (const f of plan.newImageFiles) add(f.bytes);
		add(plan.packed?.bytes);
		if (plan.packed) out.add(plan.packed.ends.buffer as ArrayBuffer);
	}
	if (message.type === 'read' && message.outcome.kind === 'native') {
		add(message.outcome.bundle.update);
		for (const i of message.outcome.bundle.images) add(i.bytes);
	}
	return [...out];
}

function post(message: FromWorker): void {
	scope.postMessage(message, transferables(message));
}

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
	const message = event.data;
	if (message.type === 'cancel') {
		cancelled.add(message.requestId);
		return;
	}
	const { requestId } = message;
	const isCancelled = () => cancelled.has(requestId);
	try {
		if (message.type === 'export') await runExport(requestId, message.source, deps, post, isCancelled);
		else await runImport(requestId, message, deps, post, isCancelled);
	} catch (e) {
		post({ type: 'failed', requestId, problem: problemOf(e, message.type === 'import' ? message.files.map((f) => f.name).join(', ') : '') });
	} finally {
		cancelled.delete(requestId);
	}
};
