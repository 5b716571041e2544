// `BENCH_ONLY=firstvisit npm run bench`: a first visit to the app's own build (what `npm start`
// serves), in headless Chromium with an empty cache and no service worker yet: the project list `/`
// and a project's library. For each page: bytes over the wire, the JavaScript it loads (transferred
// and decoded) and how much of that never ran by the time the page was ready (V8 coverage, as
// Lighthouse's "unused JavaScript"), then first contentful paint under a mobile-like throttle
// (Lighthouse's devtools mobile numbers: 562.5 ms RTT, 1.47 Mbit/s down, CPU 4x slower, 412x823), and
// the long tasks that began after that paint (what Lighthouse's total blocking time adds up).
// Figures, not asserts: docs/benchmarks.md ("First visit").
import os from 'node:os';
import { chromium } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium } from '../tools/chromium.js';
import { startBuildServer } from '../tools/test-build-server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const MOBILE = { latency: 562.5, downloadThroughput: (1474.56 * 1024) / 8, uploadThroughput: (675 * 1024) / 8, cpu: 4 };
const KiB = (n) => `${(n / 1024).toFixed(0)} KiB`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Bytes of the part of a script that ran: V8's block coverage, inner ranges overriding outer ones. */
export function usedBytes({ source, functions }) {
	const used = new Uint8Array(source.length);
	const ranges = functions.flatMap((f) => f.ranges).sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
	for (const r of ranges) used.fill(r.count > 0 ? 1 : 0, r.startOffset, r.endOffset);
	return used.reduce((sum, v) => sum + v, 0);
}

/**
 * Loads url in a fresh page with the HTTP cache cleared; returns what crossed the network and, with
 * `coverage`, the JavaScript that did not run until `ready` matched.
 */
async function visit(context, url, ready, { coverage = false, throttle = null } = {}) {
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.clearBrowserCache');
	if (throttle) {
		const { cpu, ...network } = throttle;
		await cdp.send('Network.emulateNetworkConditions', { offline: false, ...network });
		await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpu });
	}
	const responses = new Map();
	cdp.on('Network.responseReceived', (e) => responses.set(e.requestId, { type: e.type, url: e.response.url, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] }));
	const finished = new Map();
	cdp.on('Network.loadingFinished', (e) => finished.set(e.requestId, e.encodedDataLength));
	const decoded = new Map();
	cdp.on('Network.dataReceived', (e) => decoded.set(e.requestId, (decoded.get(e.requestId) ?? 0) + e.dataLength));
	if (coverage) await page.coverage.startJSCoverage({ resetOnNavigation: false });
	await page.addInitScript(() => {
		const tasks = (globalThis.__longTasks = []);
		new PerformanceObserver((list) => tasks.push(...list.getEntries())).observe({ type: 'longtask', buffered: true });
	});
	await page.goto(url);
	await page.locator(ready).first().waitFor({ timeout: 120_000 });
	const fcp = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN);
	const readyMs = await page.evaluate(() => performance.now());
	await page.waitForTimeout(throttle ? 1000 : 0); // the page's work that follows ready (the library's side panels)
	// Lighthouse's total blocking time counts each task past 50 ms after the first paint (here: that began after it).
	const tasks = await page.evaluate(
		(after) =>
			globalThis.__longTasks
				.filter((t) => t.startTime >= after)
				.map((t) => t.duration),
		fcp
	);
	const blocking = tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0);
	const longest = Math.max(0, ...tasks);
	const scripts = coverage ? await page.coverage.stopJSCoverage() : [];
	await page.waitForTimeout(200); // the last loadingFinished events
	let transferred = 0,
		jsTransferred = 0,
		jsDecoded = 0,
		jsFiles = 0;
	const encodings = new Set();
	for (const [id, r] of responses) {
		const bytes = finished.get(id) ?? 0;
		transferred += bytes;
		if (r.type === 'Script') {
			jsFiles++;
			jsTransferred += bytes;
			jsDecoded += decoded.get(id) ?? 0;
			encodings.add(r.encoding ?? 'identity');
		}
	}
	const appScripts = scripts.filter((s) => s.url.startsWith(new URL(url).origin));
	const total = appScripts.reduce((sum, s) => sum + s.source.length, 0);
	const unused = appScripts.reduce((sum, s) => sum + s.source.length - usedBytes(s), 0);
	await page.close();
	return { transferred, jsTransferred, jsDecoded, jsFiles, encodings: [...encodings].join(', '), total, unused, fcp, readyMs, blocking, longest };
}

export async function firstVisitBench() {
	const loadAtStart = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
	const { server, base } = await startBuildServer({ test: false });
	const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless=new', ...CHROMIUM_FLAGS] });
	const results = [];
	try {
		// No service worker: every visit measured is a first one (the worker would serve the second).
		const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 412, height: 823 }, deviceScaleFactor: 1.75, isMobile: true, hasTouch: true });
		const setup = await context.newPage();
		await setup.goto(`${base}/`);
		await setup.getByTestId('new-project-name').fill('First visit');
		await setup.getByTestId('create-project').click();
		const libraryUrl = `${base}/project/${await setup.getByTestId('project-row').first().getAttribute('data-project-id')}`;
		await setup.close();
		const pages = [
			['project list /', `${base}/`, '[data-testid="new-project-name"]'],
			['library /project/<id>', libraryUrl, '[data-testid="library"][data-live="true"]']
		];
		for (const [name, url, ready] of pages) {
			const v = await visit(context, url, ready, { coverage: true });
			const fcps = [],
				readies = [],
				blockings = [],
				longests = [];
			for (let i = 0; i < RUNS; i++) {
				const t = await visit(context, url, ready, { throttle: MOBILE });
				fcps.push(t.fcp);
				readies.push(t.readyMs);
				blockings.push(t.blocking);
				longests.push(t.longest);
			}
			results.push(
				[`${name}: bytes transferred (all responses)`, KiB(v.transferred)],
				[`  JavaScript: files, transferred (encoding)`, `${v.jsFiles} files, ${KiB(v.jsTransferred)} (${v.encodings})`],
				[`  JavaScript decoded / of which not run by the time the page is ready`, `${KiB(v.total)} / ${KiB(v.unused)} (${((100 * v.unused) / v.total).toFixed(0)} %)`],
				[`  mobile throttle: first contentful paint, median of ${RUNS}`, `${median(fcps).toFixed(0)} ms`],
				[`  mobile throttle: page ready (its form or library shown), median of ${RUNS}`, `${median(readies).toFixed(0)} ms`],
				[`  mobile throttle: longest task after first paint, median of ${RUNS}`, median(longests) ? `${median(longests).toFixed(0)} ms` : 'none of 50 ms or more'],
				[`  mobile throttle: blocking time after first paint (each task past 50 ms), median of ${RUNS}`, `${median(blockings).toFixed(0)} ms`]
			);
		}
		await context.close();
	} finally {
		await browser.close();
		server.close();
	}
	const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
	console.log(`\nFirst visit (app build served by src/server/serve.js) — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average at start ${loadAtStart}, at end ${load}\n`);
	const width = Math.max(...results.map(([k]) => k.length));
	for (const [k, v] of results) console.log(`${k.padEnd(width)}  ${v}`);
}
