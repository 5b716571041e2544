import { mlClient } from '$lib/ml/client';
import type { MlApi } from '$lib/ml/types';

/**
 * The page's handle on the inference worker, shared by the editor's Assist panel and the models page.
 * The worker starts on first use; a browser without workers gets null, and the panel then says models
 * are not available.
 */
let api: MlApi | null | undefined;

export function getMlApi(): MlApi | null {
	if (api === undefined) api = typeof Worker === 'undefined' ? null : mlClient();
	return api;
}
