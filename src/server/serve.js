#!/usr/bin/env node
// Serves the built app (build/) as a single-page app, cross-origin isolated so that
// onnxruntime-web can run multi-threaded WASM, and the peers' signaling endpoint (/signaling).
import http from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { attachSignaling, logDrop } from './signaling.js';

const root = fileURLToPath(new URL('../../build', import.meta.url));

export function createAppServer({ dir = root } = {}) {
	if (!existsSync(dir)) throw new Error(`No build found at ${dir}: run "npm run build" first.`);
	const assets = sirv(dir, {
		single: true, // unknown paths get index.html: the router takes it from there
		etag: true,
		setHeaders(res, pathname) {
			if (pathname.startsWith('/_app/immutable/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
			else res.setHeader('Cache-Control', 'no-cache');
		}
	});
	const server = http.createServer((req, res) => {
		res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
		res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
		res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
		assets(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	});
	// Peers of one network find each other through the same origin that serves the app.
	attachSignaling(server, { onDrop: logDrop });
	return server;
}

export function listen(server, { port, host }) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server.address()));
	});
}

/** Starts the server from PORT and HOST, and prints the address a user opens. */
export function main() {
	const port = Number(process.env.PORT ?? 4173);
	const host = process.env.HOST ?? '127.0.0.1';
	const server = createAppServer();
	listen(server, { port, host }).then(
		() => console.log(`Peerlabel is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`),
		(e) => {
			console.error(e.code === 'EADDRINUSE' ? `Port ${port} is in use: set PORT to another one.` : e.message);
			process.exit(1);
		}
	);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
