/// <reference lib="webworker" />
/**
 * Agreement and gold scores over a batch of images (batch.ts), off the page's main thread. Receives
 * `{ head }` (kind, classes, settings), then `{ images }` chunks, each computed as it arrives, then
 * `{ end: true }`; answers `{ ok: true, result }` or `{ ok: false, message }`.
 */
import { QualityRun, type AgreementImageInput, type GoldImageInput, type QualityHead } from './batch';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let run: QualityRun | null = null;

type Message = { head: QualityHead } | { images: (AgreementImageInput | GoldImageInput)[] } | { end: true };

scope.onmessage = (event: MessageEvent<Message>) => {
	try {
		const m = event.data;
		if ('head' in m) run = new QualityRun(m.head);
		else if (!run) throw new Error('The label quality worker got images before its request');
		else if ('images' in m) run.add(m.images);
		else scope.postMessage({ ok: true, result: run.finish() });
	} catch (e) {
		scope.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) });
	}
};
