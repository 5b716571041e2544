import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { isTestBuild, TEST_ROUTES_FLAG } from './src/server/build-mode.js';
import { cspHeader, SECURITY_HEADERS } from './src/server/csp.js';
import { selfHostedMl } from './src/server/ml-assets.js';

// Cross-origin isolation lets onnxruntime-web run multi-threaded WASM (SharedArrayBuffer).
const isolation = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

/**
 * Sets the isolation and security headers on every response of the dev and preview servers, as
 * src/server/serve.js does. SvelteKit replaces the policy on pages with one that adds the hashes of
 * their inline scripts (kit.csp in svelte.config.js).
 */
const serverHeaders: Plugin = {
	name: 'peerlabel:server-headers',
	configureServer: (server) => void server.middlewares.use(setServerHeaders),
	configurePreviewServer: (server) => void server.middlewares.use(setServerHeaders)
};

function setServerHeaders(_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) {
	for (const [k, v] of Object.entries({ ...isolation, ...SECURITY_HEADERS, 'Content-Security-Policy': cspHeader() })) res.setHeader(k, v);
	next();
}

export default defineConfig({
	plugins: [serverHeaders, selfHostedMl(), sveltekit()],
	// The test routes' switch (src/server/build-mode.js), always defined so that a build without it
	// compares a constant and drops their code.
	define: { [`import.meta.env.${TEST_ROUTES_FLAG}`]: JSON.stringify(isTestBuild() ? '1' : '') },
	resolve: {
		// y-webrtc's tab sync is replaced by sync/tab-sync.ts (why: sync/no-broadcast.ts). Only y-webrtc imports it.
		alias: { 'lib0/broadcastchannel': fileURLToPath(new URL('./src/lib/sync/no-broadcast.ts', import.meta.url)) }
	},
	worker: { format: 'es' },
	test: {
		include: ['tests/unit/**/*.test.ts', 'src/**/*.test.ts'],
		environment: 'node'
	}
});
