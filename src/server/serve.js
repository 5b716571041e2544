#!/usr/bin/env node
// Serves the built app (build/, or the test build with --test-build) as a single-page app, cross-origin
// isolated so that onnxruntime-web can run multi-threaded WASM, under the app's Content-Security-Policy,
// and the peers' signaling endpoint (/signaling).
import http from 'node:http';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';
import { buildDir } from './build-mode.js';
import { cspHeader, SECURITY_HEADERS } from './csp.js';
import { attachSignaling, logDrop } from './signaling.js';

export function createAppServer({ dir = buildDir(false) } = {}) {
	if (!existsSync(dir)) throw new Error(`No build found at ${dir}: run "npm run build" first.`);
	const headers = {
		'Cross-Origin-Opener-Policy': 'same-origin',
		'Cross-Origin-Embedder-Policy': 'require-corp',
		'Cross-Origin-Resource-Policy': 'same-origin',
		'Content-Security-Policy': cspHeader(inlineScriptHashes(join(dir, 'index.html'))),
		...SECURITY_HEADERS
	};
	const assets = sirv(dir, {
		single: true, // unknown paths get index.html: the router takes it from there
		etag: true,
		// The .br/.gz written beside each file at build time (precompress.js), with Vary: Accept-Encoding.
		brotli: true,
		gzip: true,
		setHeaders(res, pathname) {
			if (pathname.startsWith('/_app/immutable/')) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
			else res.setHeader('Cache-Control', 'no-cache');
		}
	});
	const server = http.createServer((req, res) => {
		for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
		// sirv would count a range in the compressed file's bytes: a range asks for the file itself.
		if (req.headers.range) delete req.headers['accept-encoding'];
		assets(req, res, () => {
			res.statusCode = 404;
			res.end('Not found');
		});
	});
	// Peers of one network find each other through the same origin that serves the app.
	attachSignaling(server, { onDrop: logDrop });
	return server;
}

/**
 * The hashes of the page's inline scripts (SvelteKit's bootstrap), which the policy allows by hash.
 * Every route is this one page, so one policy serves them all.
 */
function inlineScriptHashes(page) {
	if (!existsSync(page)) return [];
	const html = readFileSync(page, 'utf8');
	return [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
		([, body]) => `sha256-${createHash('sha256').update(body).digest('base64')}`
	);
}

export function listen(server, { port, host }) {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => resolve(server.address()));
	});
}

/**
 * Starts the server from PORT and HOST, and prints the address a user opens. `test` serves the test
 * build (build-test/): only the end-to-end tests ask for it (--test-build).
 */
export function main({ test = process.argv.includes('--test-build') } = {}) {
	const port = Number(process.env.PORT ?? 4173);
	const host = process.env.HOST ?? '127.0.0.1';
	const server = createAppServer({ dir: buildDir(test) });
	listen(server, { port, host }).then(
		() => console.log(`Peerlabel${test ? ' (test build)' : ''} is running at http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/`),
		(e) => {
			console.error(e.code === 'EADDRINUSE' ? `Port ${port} is in use: set PORT to another one.` : e.message);
			process.exit(1);
		}
	);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
