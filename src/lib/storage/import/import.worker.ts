/// <reference lib="webworker" />
/**
 * The import worker: reads, hashes, decodes, thumbnails and stores image files off the main
 * thread. The page keeps the document writes (see client.ts and ImportTally).
 */
import { sha256Hex, storeImageBlob } from '../blobs';
import { runImport, type DecodedImage, type ImportDeps } from './process';
import type { FromWorker, ToWorker } from './protocol';

/** Longest side of a thumbnail, in pixels. */
const THUMBNAIL_SIZE = 256;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const cancelled = new Set<number>();

async function makeThumbnail(bitmap: ImageBitmap): Promise<Blob | null> {
	const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(bitmap.width, bitmap.height));
	const width = Math.max(1, Math.round(bitmap.width * scale));
	const height = Math.max(1, Math.round(bitmap.height * scale));
	const small = scale < 1 ? await createImageBitmap(bitmap, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' }) : bitmap;
	try {
		const canvas = new OffscreenCanvas(width, height);
		const ctx = canvas.getContext('2d');
		if (!ctx) return null;
		ctx.drawImage(small, 0, 0, width, height);
		const webp = await canvas.convertToBlob({ type: 'image/webp', quality: 0.8 });
		if (webp.type === 'image/webp') return webp;
		return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
	} finally {
		if (small !== bitmap) small.close();
	}
}

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
