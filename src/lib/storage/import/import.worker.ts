/// <reference lib="webworker" />
/**
 * The import worker: reads, hashes, decodes, thumbnails and stores image files off the main
 * thread. The page keeps the document writes (see client.ts and ImportTally).
 */
import { sha256Hex, storeImageBlob } from '../blobs';
import { makeThumbnail } from '../thumbnail';
import { runImport, type DecodedImage, type ImportDeps } from './process';
import type { FromWorker, ToWorker } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cancelled = new Set<number>();

function projectDeps(projectId: string): ImportDeps {
	return {
		hash: (bytes) => sha256Hex(bytes),
		async decode(blob): Promise<DecodedImage> {
			// GIF: the first frame. EXIF orientation is applied, as <img> does.
			const bitmap = await createImageBitmap(blob);
			return {
				width: bitmap.width,
				height: bitmap.height,
				thumbnail: () => makeThumbnail(bitmap),
				close: () => bitmap.close()
			};
		},
		store: (entry, label) => storeImageBlob(projectId, entry, label)
	};
}

function post(message: FromWorker): void {
	scope.postMessage(message);
}

scope.onmessage = async (event: MessageEvent<ToWorker>) => {
	const message = event.data;
	switch (message.type) {
		case 'cancel':
			cancelled.add(message.requestId);
			return;
		case 'import':
			try {
				await runImport(message, projectDeps(message.projectId), post, () => cancelled.has(message.requestId));
			} catch (e) {
				post({ type: 'error', requestId: message.requestId, message: e instanceof Error ? e.message : String(e) });
			} finally {
				cancelled.delete(message.requestId);
			}
	}
};
