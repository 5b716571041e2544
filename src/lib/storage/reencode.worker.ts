/// <reference lib="webworker" />
/**
 * Rewrites a stored project document as its current state (reencode.ts), off the page's main thread.
 * Receives `{ name, maxBytes }`, answers `{ ok: true, outcome }` or `{ ok: false, message }`.
 */
import { reencodeStored } from './reencode';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<{ name: string; maxBytes: number }>) => {
	try {
		scope.postMessage({ ok: true, outcome: await reencodeStored(event.data.name, event.data.maxBytes) });
	} catch (e) {
		scope.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
	}
};
