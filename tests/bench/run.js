#!/usr/bin/env node
// `npm run bench`: performance figures measured in headless Chromium (1280x800, DPR 1), with the data
// and gesture of shared/PERF-ANCHORS.md so that the figures sit beside other tools'.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { chromium } from '@playwright/test';
import { ensureBuild } from '../../src/server/ensure-build.js';
import { CHROMIUM_FLAGS, findChromium } from '../tools/chromium.js';

const POLYGONS = Number(process.env.BENCH_POLYGONS ?? 10_000);
const PROJECT_IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const PROJECT_ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 100_000);

ensureBuild();
const { createAppServer, listen } = await import('../../src/server/serve.js');
const server = createAppServer();
const { port } = await listen(server, { port: 0, host: '127.0.0.1' });
const base = `http://127.0.0.1:${port}`;

const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless=new', ...CHROMIUM_FLAGS] });
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
const WATCHED = ['[data-editor-ready="true"]', '[data-testid="image-cell"]', '[data-testid="library"][data-live="true"]'];
await context.addInitScript((selectors) => {
	const w = /** @type {any} */ (window);
	w.__seen = {};
	w.__longTasks = [];
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) w.__longTasks.push({ start: e.startTime, duration: e.duration });
	}).observe({ type: 'longtask', buffered: true });
	const check = () => {
		for (const sel of selectors) if (w.__seen[sel] === undefined && document.querySelector(sel)) w.__seen[sel] = performance.now();
	};
	new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
}, WATCHED);
const results = [];

function quantile(sorted, q) {
	if (!sorted.length) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function heapMB() {
	await cdp.send('HeapProfiler.collectGarbage');
	const { usedSize } = await cdp.send('Runtime.getHeapUsage');
	return usedSize / 2 ** 20;
}

async function seed(params) {
	await page.goto(`${base}/dev/seed?${new URLSearchParams(params)}`);
	const done = page.getByTestId('seed-done');
	await done.waitFor({ timeout: 600_000 });
	return { projectId: await done.getAttribute('data-project-id'), imageId: await done.getAttribute('data-image-id') };
}

/** Bytes of a project's document as y-indexeddb stores it. */
function documentBytes(projectId) {
	return page.evaluate(async (name) => {
		const database = await new Promise((resolve, reject) => {
			const r = indexedDB.open(name);
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		const updates = await new Promise((resolve) => {
			const q = database.transaction('updates').objectStore('updates').getAll();
			q.onsuccess = () => resolve(q.result);
		});
		database.close();
		return updates.reduce((sum, u) => sum + u.byteLength, 0);
	}, `peerlabel-project-${projectId}`);
}

/**
 * Navigates to url and returns, for each selector, the milliseconds from navigation start until it
 * first matched. The page itself notes the moment (a MutationObserver), so a main thread that is busy
 * right after does not inflate it.
 */
async function openAndTime(url, ...selectors) {
	await page.goto(url);
	await page.waitForFunction((list) => list.every((sel) => /** @type {any} */ (window).__seen?.[sel] !== undefined), selectors, {
		timeout: 120_000,
		polling: 100
	});
	const seen = await page.evaluate(() => /** @type {any} */ (window).__seen);
	return selectors.map((sel) => seen[sel]);
}

/** The anchors' gesture: 1 s wheel zoom-in at the centre, 1 s drag-pan on a circle, 1 s wheel zoom-out. */
async function gesture() {
	const cx = 640,
		cy = 400;
	await page.evaluate(() => {
		const w = /** @type {any} */ (window);
		w.__bench = { frames: [], running: true };
		const loop = (t) => {
			w.__bench.frames.push(t);
			if (w.__bench.running) requestAnimationFrame(loop);
		};
		requestAnimationFrame(loop);
	});
	const sends = [];
	const send = (method, params) => sends.push(cdp.send(method, params).catch(() => {}));
	const tick = () => new Promise((r) => setTimeout(r, 1000 / 60));
	for (let i = 0; i < 60; i++) {
		send('Input.dispatchMouseEvent', { type: 'mouseWheel', x: cx, y: cy, deltaX: 0, deltaY: -100 });
		await tick();
	}
	send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: cx + 150, y: cy, button: 'none' });
	send('Input.dispatchMouseEvent', { type: 'mousePressed', x: cx + 150, y: cy, button: 'middle', buttons: 4, clickCount: 1 });
	for (let i = 1; i <= 60; i++) {
		const a = (i / 60) * 2 * Math.PI;
		send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: cx + 150 * Math.cos(a), y: cy + 150 * Math.sin(a), button: 'middle', buttons: 4 });
		await tick();
	}
	send('Input.dispatchMouseEvent', { type: 'mouseReleased', x: cx + 150, y: cy, button: 'middle', buttons: 0, clickCount: 1 });
	for (let i = 0; i < 60; i++) {
		send('Input.dispatchMouseEvent', { type: 'mouseWheel', x: cx, y: cy, deltaX: 0, deltaY: 100 });
		await tick();
	}
	// CDP acknowledges an input once the page has handled it: frames count until the last one is
	// handled and drawn, so a backlog counts against the page.
	await Promise.all(sends);
	const frames = await page.evaluate(
		() =>
			new Promise((resolve) =>
				requestAnimationFrame(() =>
					requestAnimationFrame(() => {
						const w = /** @type {any} */ (window);
						w.__bench.running = false;
						resolve(w.__bench.frames);
					})
				)
			)
	);
	const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
	return { median: quantile(gaps, 0.5), p95: quantile(gaps, 0.95), frames: gaps.length };
}

try {
	// 1. One 6000x4000 image with 10,000 polygons of 32 vertices.
	const editor = await seed({ images: 1, polygons: POLYGONS, width: 6000, height: 4000, seed: 1 });
	const editorUrl = `${base}/project/${editor.projectId}/image/${editor.imageId}`;
	await openAndTime(editorUrl, WATCHED[0]); // warm the caches of the browser, not of the app
	const [openMs] = await openAndTime(editorUrl, WATCHED[0]);
	const frames = await gesture();
	const editorHeap = await heapMB();
	results.push(
		[`open an image with ${POLYGONS.toLocaleString('en')} polygons (32 vertices, 6000x4000)`, `${openMs.toFixed(0)} ms`],
		['pan/zoom frame time, median', `${frames.median.toFixed(1)} ms`],
		['pan/zoom frame time, p95 (target: 16.7 ms, every frame at 60 fps)', `${frames.p95.toFixed(1)} ms`],
		['frames measured', String(frames.frames)],
		['JS heap with that image open', `${editorHeap.toFixed(0)} MB`]
	);

	// 2. A project of 10,000 images and 100,000 annotations read back from IndexedDB.
	// 'mixed': 7 in 10 boxes, 3 in 10 polygons of 12 vertices; 'polygons': all of 32 vertices (worst case).
	for (const shapes of ['mixed', 'polygons']) {
		const big = await seed({ images: PROJECT_IMAGES, polygons: PROJECT_ANNOTATIONS, width: 1920, height: 1080, seed: 2, blobs: 0, shapes });
		const libraryUrl = `${base}/project/${big.projectId}`;
		await openAndTime(libraryUrl, WATCHED[2]); // the first open saves the library's summary
		await page.waitForTimeout(3000);
		const [shownMs, liveMs] = await openAndTime(libraryUrl, WATCHED[1], WATCHED[2]);
		const longestMs = await page.evaluate((liveAt) => {
			const tasks = /** @type {any} */ (window).__longTasks.filter((t) => t.start <= liveAt);
			return Math.max(0, ...tasks.map((t) => t.duration));
		}, liveMs);
		const readMs = await page.evaluate(() => {
			const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
			return mark('project:read') - mark('project:open');
		});
		const bytes = await documentBytes(big.projectId);
		const projectHeap = await heapMB();
		const label = `${PROJECT_IMAGES.toLocaleString('en')} images, ${PROJECT_ANNOTATIONS.toLocaleString('en')} annotations (${shapes}, ${(bytes / 2 ** 20).toFixed(1)} MiB stored)`;
		results.push(
			[`open a project of ${label}: library shown and browsable${shapes === 'mixed' ? ' (target < 1500 ms)' : ''}`, `${shownMs.toFixed(0)} ms`],
			['  document loaded, project editable', `${liveMs.toFixed(0)} ms`],
			['  longest main-thread task until then (the page answers input between tasks)', `${longestMs.toFixed(0)} ms`],
			['  of which reading the document from IndexedDB', `${readMs.toFixed(0)} ms`],
			['  JS heap with that project open', `${projectHeap.toFixed(0)} MB`]
		);
	}
} finally {
	await browser.close();
	server.close();
}

const version = execFileSync(await findChromium(), ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
console.log(`\nPeerlabel benchmark — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${String(version).trim()}, headless, 1280x800, DPR 1\n`);
const width = Math.max(...results.map(([k]) => k.length));
for (const [k, v] of results) console.log(`${k.padEnd(width)}  ${v}`);
