import { runQuality, type AgreementRequest, type AgreementResult, type GoldRequest, type GoldResult, type QualityRequest, type QualityResult } from './batch';

/** Images posted at once: copying a chunk for the worker is a short task of the page's, and the worker computes one while the next is copied. */
const CHUNK_IMAGES = 50;

/**
 * Runs a batch of agreement or gold scoring in a module worker of its own and ends the worker (a batch
 * of 1,000 images takes about a second: the page stays responsive). Where there are no workers (Node:
 * unit tests, the CLI) it computes here. Rejects with the worker's message when the batch failed whole.
 */
function inWorker(request: QualityRequest): Promise<QualityResult> {
	if (typeof Worker === 'undefined') return Promise.resolve(runQuality(request));
	const { images, ...head } = request;
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('./agreement.worker.ts', import.meta.url), { type: 'module', name: 'peerlabel-quality' });
		worker.onmessage = (event: MessageEvent<{ ok: true; result: QualityResult } | { ok: false; message: string }>) => {
			worker.terminate();
			if (event.data.ok) resolve(event.data.result);
			else reject(new Error(event.data.message));
		};
		worker.onerror = (event) => {
			event.preventDefault();
			worker.terminate();
			reject(new Error(event.message || 'The label quality worker failed'));
		};
		void (async () => {
			worker.postMessage({ head });
			for (let i = 0; i < images.length; i += CHUNK_IMAGES) {
				worker.postMessage({ images: images.slice(i, i + CHUNK_IMAGES) });
				await new Promise((next) => setTimeout(next, 0)); // let the page handle input between chunks
			}
			worker.postMessage({ end: true });
		})();
	});
}

export const agreementInWorker = (request: Omit<AgreementRequest, 'kind'>): Promise<AgreementResult> =>
	inWorker({ kind: 'agreement', ...request }) as Promise<AgreementResult>;

export const goldInWorker = (request: Omit<GoldRequest, 'kind'>): Promise<GoldResult> => inWorker({ kind: 'gold', ...request }) as Promise<GoldResult>;
