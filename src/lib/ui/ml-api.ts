import type { MlApi } from '$lib/ml/types';

/**
 * The page's handle on the inference worker, shared by the editor's Assist panel and the models page.
 * Null until the worker client is wired in (`setMlApi`): the panel then says models are not available.
 */
let api: MlApi | null = null;

export function getMlApi(): MlApi | null {
	return api;
}

export function setMlApi(next: MlApi | null): void {
	api = next;
}
