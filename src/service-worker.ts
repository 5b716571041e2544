/// <reference types="@sveltejs/kit" />
/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
// Makes the app start with no network after one visit: the app shell (the built code, `static/` and
// the single-page fallback served at '/') is cached per version. Project data is not handled here: it
// lives in IndexedDB.
import { base, build, files, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;

const CACHE = `peerlabel-shell-${version}`;
/** Every route is rendered in the browser from this one page (adapter-static's fallback). */
const SHELL = `${base}/`;
const ASSETS = new Set([...build, ...files, SHELL]);
/**
 * onnxruntime-web's files (/ort/) and the bundled models (/models/): ~45 MB, so cached on first use
 * rather than at install, and kept across app versions (their paths name no version: bump this when
 * onnxruntime-web or a bundled model changes).
 */
const ML_CACHE = 'peerlabel-ml-ort-1.30.0';
const isMlFile = (path: string) => path.startsWith(`${base}/ort/`) || path.startsWith(`${base}/models/`);

// `vite dev` serves modules that change on every edit: caching them would serve stale code.
if (!import.meta.env.DEV) {
	sw.addEventListener('install', (event) => {
		// A new version takes over as soon as it is cached; the page already open keeps its loaded code.
		event.waitUntil(
			caches
				.open(CACHE)
				.then((cache) => cache.addAll([...ASSETS].map((path) => new Request(path, { cache: 'reload' }))))
				.then(() => sw.skipWaiting())
		);
	});

	sw.addEventListener('activate', (event) => {
		event.waitUntil(
			caches
				.keys()
				.then((keys) => Promise.all(keys.filter((key) => key !== CACHE && key !== ML_CACHE).map((key) => caches.delete(key))))
				.then(() => sw.clients.claim())
		);
	});

	sw.addEventListener('fetch', (event) => {
		const { request } = event;
		if (request.method !== 'GET') return;
		const url = new URL(request.url);
		// blob: URLs report the page's origin too, hence the protocol check.
		if (url.origin !== location.origin || !url.protocol.startsWith('http')) return;
		if (url.pathname === '/signaling') return; // the peers' WebSocket endpoint
		if (request.mode === 'navigate') event.respondWith(navigate(request));
		else if (ASSETS.has(url.pathname)) event.respondWith(cached(request, url.pathname));
		else if (isMlFile(url.pathname)) event.respondWith(cachedOnFirstUse(event, url.pathname));
	});
}

/**
 * Online, the server's page (the newest version); offline, the cached shell. Either keeps the
 * server's COOP/COEP headers, which the Cache API stores with the body, so the page stays
 * cross-origin isolated offline too.
 */
async function navigate(request: Request): Promise<Response> {
	try {
		return await fetch(request);
	} catch (offline) {
		const shell = await caches.match(SHELL, { cacheName: CACHE });
		if (shell) return shell;
		throw offline;
	}
}

/** Build files have content-hashed names and `static/` changes only with a new version: cache first. */
async function cached(request: Request, path: string): Promise<Response> {
	return (await caches.match(path, { cacheName: CACHE })) ?? fetch(request);
}

/** Cache first; fetched once online, then served offline. The page gets the answer while it is stored. */
async function cachedOnFirstUse(event: FetchEvent, path: string): Promise<Response> {
	const cache = await caches.open(ML_CACHE);
	const hit = await cache.match(path);
	if (hit) return hit;
	const response = await fetch(event.request);
	// The single-page fallback answers unknown paths with the app's page: not a file worth keeping.
	if (response.status === 200 && !response.headers.get('Content-Type')?.startsWith('text/html')) event.waitUntil(cache.put(path, response.clone()));
	return response;
}
