// `BENCH_ONLY=ml npm run bench`: on-device inference on WASM with threads, in headless Chromium,
// through the app's own inference worker (/dev/ml): model load, the PP-OCR detector on a 640x640
// input, and OCR of a 640x640 image end to end once the PP-OCR adapter is registered.
// Targets (docs/benchmarks.md): OCR of 640x640 < 500 ms.
import os from 'node:os';
import { chromium } from '@playwright/test';
import { ensureBuild } from '../../src/server/ensure-build.js';
import { CHROMIUM_FLAGS, findChromium } from '../tools/chromium.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function mlBench() {
	ensureBuild();
	const { createAppServer, listen } = await import('../../src/server/serve.js');
	const server = createAppServer();
	const { port } = await listen(server, { port: 0, host: '127.0.0.1' });
	const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless=new', ...CHROMIUM_FLAGS] });
	const rows = [];
	try {
		const page = await browser.newPage();
		await page.goto(`http://127.0.0.1:${port}/dev/ml`);
		await page.locator('[data-testid="ml-dev"][data-ready="true"]').waitFor();
		const status = await page.evaluate(() => window.peerlabelMl.backendStatus());
		if (!status.crossOriginIsolated) throw new Error('The bench page is not cross-origin isolated: WASM would run on one thread.');

		// The detector alone: worker start, runtime and session creation, then runs on one 640x640 input.
		const detector = await page.evaluate(async (runs) => {
			const ml = window.peerlabelMl;
			const size = 640;
			const data = new Float32Array(3 * size * size).map((_, i) => Math.sin(i * 0.001) * 0.5);
			const feeds = { x: { type: 'float32', dims: [1, 3, size, size], data } };
			const t0 = performance.now();
			const first = await ml.probe('ppocr-v4', 'detector', feeds, 'wasm');
			const firstWall = performance.now() - t0;
			const times = [];
			for (let i = 0; i < runs; i++) times.push((await ml.probe('ppocr-v4', 'detector', feeds, 'wasm')).runMs);
			return { loadMs: first.loadMs, firstWall, firstRun: first.runMs, times };
		}, RUNS);
		rows.push(
			[`runtime: ${status.backend === 'webgpu' ? 'WebGPU available, measured on WASM' : 'WASM'}, ${status.threads} threads (cross-origin isolated)`, ''],
			['PP-OCRv4 load (runtime start, det + rec sessions, first use)', `${detector.loadMs.toFixed(0)} ms`],
			['PP-OCRv4 detector, 640x640, first run', `${detector.firstRun.toFixed(0)} ms`],
			[`PP-OCRv4 detector, 640x640, median of ${RUNS}`, `${median(detector.times).toFixed(0)} ms`]
		);

		// OCR end to end (pre-processing, detector, boxes, recognizer, CTC) through MlApi.readText.
		if (await page.evaluate(() => window.peerlabelMlFamilies('ppocrv4'))) {
			const ocr = await page.evaluate(async (runs) => {
				const canvas = new OffscreenCanvas(640, 640);
				const g = canvas.getContext('2d');
				g.fillStyle = '#fff';
				g.fillRect(0, 0, 640, 640);
				g.fillStyle = '#000';
				g.font = '36px sans-serif';
				const lines = ['Peerlabel 2026', 'on-device OCR', 'invoice no. 4711', 'total 129.90 EUR'];
				lines.forEach((line, i) => g.fillText(line, 40, 100 + i * 130));
				const pixels = g.getImageData(0, 0, 640, 640);
				const image = { width: 640, height: 640, data: pixels.data };
				const ml = window.peerlabelMl;
				const first = await ml.readText('ppocr-v4', image);
				const times = [];
				for (let i = 0; i < runs; i++) {
					const t0 = performance.now();
					await ml.readText('ppocr-v4', image);
					times.push(performance.now() - t0);
				}
				return { regions: first.length, texts: first.map((r) => r.text), times };
			}, RUNS);
			const ms = median(ocr.times);
			rows.push([`OCR of a 640x640 image (${ocr.regions} text lines), median of ${RUNS} (target < 500 ms)`, `${ms.toFixed(0)} ms ${ms < 500 ? '✔' : '✘'}`]);
		} else rows.push(['OCR of a 640x640 image', 'not measured: no PP-OCR adapter registered in ml/families.ts']);
	} finally {
		await browser.close();
		server.close();
	}
	console.log(`On-device inference (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')}):`);
	const width = Math.max(...rows.map(([k]) => k.length));
	for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
	console.log('');
	return rows;
}
