/// <reference lib="webworker" />
/**
 * Agreement and gold scores over a batch of images (batch.ts), off the page's main thread. Receives a
 * QualityRequest, answers `{ ok: true, result }` or `{ ok: false, message }`.
 */
import { runQuality, type QualityRequest } from './batch';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<QualityRequest>) => {
	try {
		scope.postMessage({ ok: true, result: runQuality(event.data) });
	} catch (e) {
		scope.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
	}
};
