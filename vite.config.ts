import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { selfHostedMl } from './src/server/ml-assets.js';

// Cross-origin isolation lets onnxruntime-web run multi-threaded WASM (SharedArrayBuffer).
const isolation = {
	'Cross-Origin-Opener-Policy': 'same-origin',
	'Cross-Origin-Embedder-Policy': 'require-corp'
};

/** Sets the isolation headers on every response of the dev and preview servers, pages included. */
const crossOriginIsolation: Plugin = {
	name: 'peerlabel:cross-origin-isolation',
	configureServer: (server) => void server.middlewares.use(setIsolationHeaders),
	configurePreviewServer: (server) => void server.middlewares.use(setIsolationHeaders)
};

function setIsolationHeaders(_req: unknown, res: { setHeader(k: string, v: string): void }, next: () => void) {
	for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
	next();
}

export default defineConfig({
	plugins: [crossOriginIsolation, selfHostedMl(), sveltekit()],
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
