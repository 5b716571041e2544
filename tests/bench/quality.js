// `BENCH_ONLY=quality npm run bench`: agreement of two members over 1,000 images of 50 shapes each
// (25 boxes, 12 polygons of 20 points, 4 masks, 5 keypoints, 4 COCO-person skeletons; the second
// member's shapes jittered copies of the first's, 8 % missing, 4 % extra, 5 % of another class):
// in headless Chromium through the app's own quality worker (/dev/quality, agreement-client.ts) —
// wall time from the call to the result, the worker's compute time, and the main thread's longest task
// meanwhile — and the same batch computed in Node. Target (issue 16): < 2 s, off the main thread.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { ensureBundle } from '../../src/cli/bundle.js';
import { CHROMIUM_FLAGS, findChromium } from '../tools/chromium.js';
import { startBuildServer } from '../tools/test-build-server.js';

const IMAGES = Number(process.env.BENCH_QUALITY_IMAGES ?? 1000);
const SHAPES = Number(process.env.BENCH_QUALITY_SHAPES ?? 50);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_MS = 2000;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => `${v.toFixed(0)} ms`;

export async function qualityBench() {
	const loadAtStart = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
	const { qualityBenchRequest, runQualityInNode } = await import(pathToFileURL(await ensureBundle('quality-bench', 'tests/bench/quality-bench.ts')).href);
	const request = qualityBenchRequest({ images: IMAGES, shapes: SHAPES, seed: 16 });
	const shapes = request.images.reduce((s, i) => s + i.layers.reduce((t, l) => t + l.annotations.length, 0), 0);
	const node = runQualityInNode(request, RUNS);

	const { server, base } = await startBuildServer(); // the test build: /dev/quality holds the client
	const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless=new', ...CHROMIUM_FLAGS] });
	const runs = [];
	try {
		const page = await browser.newPage();
		await page.goto(`${base}/dev/quality`);
		await page.locator('[data-testid="quality-dev"][data-ready="true"]').waitFor();
		// The batch is handed to the page once; each run then posts it to a fresh worker as the app does.
		await page.evaluate((r) => (/** @type {any} */ (window).__qualityRequest = r), request);
		for (let r = 0; r <= RUNS; r++) {
			const run = await page.evaluate(async () => {
				const w = /** @type {any} */ (window);
				const tasks = [];
				const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
				observer.observe({ type: 'longtask' });
				// Frames drawn meanwhile: the page keeps answering while the worker computes.
				let frames = 0;
				let running = true;
				const tick = () => running && (frames++, requestAnimationFrame(tick));
				requestAnimationFrame(tick);
				const t0 = performance.now();
				const result = await w.peerlabelQuality.agreementInWorker(w.__qualityRequest);
				const wallMs = performance.now() - t0;
				running = false;
				await new Promise((resolve) => setTimeout(resolve, 100));
				observer.takeRecords().forEach((e) => tasks.push(e.duration));
				observer.disconnect();
				return { wallMs, computeMs: result.computeMs, longestTaskMs: Math.max(0, ...tasks), frames, meanScore: result.totals.meanScore, failed: result.images.filter((i) => !i.ok).length };
			});
			if (r > 0) runs.push(run); // the first run warms the browser's caches (the worker's script)
		}
	} finally {
		await browser.close();
		server.close();
	}
	const wall = median(runs.map((r) => r.wallMs));
	const longest = Math.max(...runs.map((r) => r.longestTaskMs));
	const rows = [
		[`agreement of 2 members, ${IMAGES.toLocaleString('en')} images × ${SHAPES} shapes (${shapes.toLocaleString('en')} shapes), in the worker: call to result, median of ${RUNS} (target < ${TARGET_MS} ms)`, `${ms(wall)} ${wall < TARGET_MS ? '✔' : '✘'}`],
		['  of which computing in the worker', ms(median(runs.map((r) => r.computeMs)))],
		['  longest main-thread task meanwhile (posting the batch in chunks, reading the result)', longest ? ms(longest) : 'none of 50 ms or more (the long-task threshold)'],
		['  frames the page drew meanwhile (median)', String(median(runs.map((r) => r.frames)))],
		[`the same batch in Node (no worker), median of ${RUNS}`, ms(node.medianMs)],
		['  mean image agreement / mean similarity of matched pairs (a check that the figures are real)', `${runs[0].meanScore.toFixed(3)} / ${node.similarity.toFixed(3)}`]
	];
	if (runs.some((r) => r.failed) || node.failed) rows.push(['images that failed', String(node.failed)]);
	console.log(`Label quality (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; load average at start ${loadAtStart}, at end ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}):`);
	const width = Math.max(...rows.map(([k]) => k.length));
	for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
	console.log('');
	return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await qualityBench();
