import { error } from '@sveltejs/kit';
import type { PageLoad } from './$types';

// A test route: in a test build only (src/server/build-mode.js). Elsewhere the condition is false at
// build time, so the page's code is left out of the bundle and the route answers "Not found".
export const load: PageLoad = async () =>
	import.meta.env.VITE_PEERLABEL_TEST_ROUTES === '1' ? { Page: (await import('./QualityPage.svelte')).default } : error(404, 'Not found');
