import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { buildDir, isTestBuild } from './src/server/build-mode.js';
import { CSP_DIRECTIVES } from './src/server/csp.js';
import { precompressed } from './src/server/precompress.js';

const out = buildDir(isTestBuild());

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		// A single-page app: every route is rendered in the browser, the server only hands out files.
		// A test build (with /dev/seed and /dev/ml) goes to a folder of its own: src/server/build-mode.js.
		// Every compressible file also as .br and .gz, which the server sends to browsers that take them.
		adapter: precompressed(adapter({ pages: out, assets: out, fallback: 'index.html' }), out),
		// Hashes, not nonces: the page is built once, not rendered per request.
		csp: { mode: 'hash', directives: structuredClone(CSP_DIRECTIVES) }
	}
};

export default config;
