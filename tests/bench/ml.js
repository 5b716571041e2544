// `BENCH_ONLY=ml npm run bench`: on-device inference on WASM with threads, in headless Chromium,
// through the app's own inference worker (/dev/ml): model load, the PP-OCR detector on a 640x640
// input, and OCR of a 640x640 image end to end once the PP-OCR adapter is registered; the SAM
// decoder step and YOLOv8n detection on models generated with the real architectures and seeded
// random weights (tests/bench/models: no weights can be downloaded here; latency depends on the
// graph and tensor sizes, not on the values), added through the client as the models page does.
// Targets (docs/benchmarks.md): OCR of 640x640 < 500 ms; SAM decoder step < 50 ms.
import { existsSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from '@playwright/test';
import { cacheDir, ensureBundle, root } from '../../src/cli/bundle.js';
import { newestMtime } from '../../src/server/ensure-build.js';
import { CHROMIUM_FLAGS, findChromium } from '../tools/chromium.js';
import { startBuildServer } from '../tools/test-build-server.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);

const CLICKS = Number(process.env.BENCH_CLICKS ?? 10);
const DECODER_TARGET_MS = 50;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (v) => `${v.toFixed(0)} ms`;

/** The generators, bundled for Node; rebuilt when they change (ensureBundle watches src/ and the entry only). */
async function generatedModels() {
	const name = 'ml-bench-models';
	const bundle = join(cacheDir, `${name}.mjs`);
	const sources = ['tests/bench/models', 'tests/unit/support/onnx-graph.ts'].map((p) => join(root, p));
	if (existsSync(bundle) && Math.max(...sources.map(newestMtime)) > statSync(bundle).mtimeMs) rmSync(bundle);
	const m = await import(pathToFileURL(await ensureBundle(name, 'tests/bench/models/index.ts')).href);
	const t0 = performance.now();
	const decoder = m.samDecoder();
	const detector = m.yolov8n();
	const generateMs = performance.now() - t0;
	return {
		generateMs,
		decoderParams: decoder.params,
		detectorParams: detector.params,
		files: {
			'sam_vit_b_encoder.onnx': m.samEncoderStandIn(),
			'sam_vit_b_decoder.onnx': decoder.bytes,
			'yolov8n.onnx': detector.bytes
		}
	};
}

export async function mlBench() {
	const { server, base } = await startBuildServer(); // the test build: /dev/ml holds the inference client
	const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless=new', ...CHROMIUM_FLAGS] });
	const rows = [];
	try {
		const page = await browser.newPage();
		await page.goto(`${base}/dev/ml`);
		await page.locator('[data-testid="ml-dev"][data-ready="true"]').waitFor();
		const status = await page.evaluate(() => window.peerlabelMl.backendStatus());
		if (!status.crossOriginIsolated) throw new Error('The bench page is not cross-origin isolated: WASM would run on one thread.');
		// Every figure is on WASM: the adapters' calls (readText, segment, detect) too, not only the probes.
		await page.evaluate(() => window.peerlabelMl.setWasmOnly(true));

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

		rows.push(...(await samAndYolo(page, base)));
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

/** Serves the generated files to the page at base/__bench-models/<name> (same origin, so COEP lets them through). */
async function serveModels(page, base, files) {
	await page.route(`${base}/__bench-models/*`, (route) => {
		const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop());
		const body = files[name];
		return body ? route.fulfill({ status: 200, body: Buffer.from(body), headers: { 'content-type': 'application/octet-stream' } }) : route.fulfill({ status: 404 });
	});
}

/** The SAM decoder step and YOLOv8n detection on WASM, through MlApi as the editor calls it. */
async function samAndYolo(page, base) {
	const models = await generatedModels();
	await serveModels(page, base, models.files);
	const rows = [];
	// The page's models store, as a drop on the models page fills it; then WASM only, as measured.
	const ids = await page.evaluate(async (names) => {
		const ml = window.peerlabelMl;
		const files = await Promise.all(names.map(async (name) => ({ name, blob: await (await fetch(`/__bench-models/${name}`)).blob() })));
		const added = await ml.addFiles(files);
		if (added.refused.length) throw new Error(added.refused.join(' '));
		await ml.setWasmOnly(true);
		const byFamily = Object.fromEntries(added.added.map((e) => [e.manifest.family, e.manifest.id]));
		return { sam: byFamily.sam, yolo: byFamily.yolo };
	}, Object.keys(models.files));
	if (!ids.sam || !ids.yolo) throw new Error(`The generated models were not recognised: ${JSON.stringify(ids)}`);

	const sam = await page.evaluate(
		async ({ modelId, clicks, runs }) => {
			const ml = window.peerlabelMl;
			const [width, height] = [1600, 1000];
			const g = new OffscreenCanvas(width, height).getContext('2d');
			const gradient = g.createLinearGradient(0, 0, width, height);
			gradient.addColorStop(0, '#2a6');
			gradient.addColorStop(1, '#a62');
			g.fillStyle = gradient;
			g.fillRect(0, 0, width, height);
			g.fillStyle = '#fff';
			g.beginPath();
			g.arc(800, 500, 220, 0, Math.PI * 2);
			g.fill();
			const image = { width, height, data: g.getImageData(0, 0, width, height).data };
			// The raw decoder: session creation on first use (both files), then runs on a fixed prompt.
			const embedding = new Float32Array(256 * 64 * 64).map((_, i) => Math.sin(i * 0.37) * 0.2);
			const feeds = {
				image_embeddings: { type: 'float32', dims: [1, 256, 64, 64], data: embedding },
				point_coords: { type: 'float32', dims: [1, 2, 2], data: new Float32Array([512, 320, 0, 0]) },
				point_labels: { type: 'float32', dims: [1, 2], data: new Float32Array([1, -1]) },
				mask_input: { type: 'float32', dims: [1, 1, 256, 256], data: new Float32Array(256 * 256) },
				has_mask_input: { type: 'float32', dims: [1], data: new Float32Array([0]) },
				orig_im_size: { type: 'float32', dims: [2], data: new Float32Array([height, width]) }
			};
			const first = await ml.probe(modelId, 'decoder', feeds, 'wasm');
			const raw = [];
			for (let i = 0; i < runs; i++) raw.push((await ml.probe(modelId, 'decoder', feeds, 'wasm')).runMs);
			await ml.embedImage(modelId, 'bench-1600x1000', image);
			// Clicks over the image, each a fresh prompt (the mask that follows the pointer), then refinements.
			const steps = [];
			let mask = 0;
			for (let i = 0; i < clicks; i++) {
				const point = { x: 200 + ((i * 523) % 1200), y: 150 + ((i * 311) % 700), label: 1 };
				const t0 = performance.now();
				const result = await ml.segment(modelId, 'bench-1600x1000', { points: [point] });
				steps.push(performance.now() - t0);
				mask = result.mask.width * result.mask.height;
			}
			const refine = [];
			let previous;
			const points = [];
			for (let i = 0; i < Math.max(3, Math.floor(clicks / 2)); i++) {
				points.push({ x: 700 + i * 40, y: 450 + (i % 2) * 60, label: i % 3 === 2 ? 0 : 1 });
				const t0 = performance.now();
				previous = (await ml.segment(modelId, 'bench-1600x1000', { points: [...points] }, previous)).lowRes;
				refine.push(performance.now() - t0);
			}
			return { loadMs: first.loadMs, firstRun: first.runMs, raw, steps, refine, mask };
		},
		{ modelId: ids.sam, clicks: CLICKS, runs: RUNS }
	);
	const step = median(sam.steps);
	rows.push(
		[`SAM decoder (the official export's graph, ${(models.decoderParams / 1e6).toFixed(2)} M parameters, random weights; generated in ${ms(models.generateMs)} with YOLOv8n)`, ''],
		['  load (decoder + encoder sessions, first use)', ms(sam.loadMs)],
		['  encoder (image embedding)', 'not measured: no encoder weights (a stand-in encoder completes the model)'],
		[`  raw decoder run, 1 click + padding point, 1600x1000 output, median of ${RUNS} (first ${ms(sam.firstRun)})`, ms(median(sam.raw))],
		[`  decoder step through MlApi.segment (prompt scaling, run, mask of ${(sam.mask / 1e6).toFixed(1)} Mpx back), median of ${CLICKS} clicks (target < ${DECODER_TARGET_MS} ms)`, `${ms(step)} ${step < DECODER_TARGET_MS ? '✔' : '✘'}`],
		[`  refinement step (2…${sam.refine.length + 1} points + previous low-res mask), median of ${sam.refine.length}`, ms(median(sam.refine))]
	);

	const yolo = await page.evaluate(
		async ({ modelId, runs }) => {
			const ml = window.peerlabelMl;
			const [width, height] = [1280, 720];
			const g = new OffscreenCanvas(width, height).getContext('2d');
			g.fillStyle = '#678';
			g.fillRect(0, 0, width, height);
			for (let i = 0; i < 12; i++) {
				g.fillStyle = `hsl(${i * 30} 70% 50%)`;
				g.fillRect(60 + (i % 6) * 200, 120 + Math.floor(i / 6) * 300, 140, 200);
			}
			const image = { width, height, data: g.getImageData(0, 0, width, height).data };
			const options = { scoreThreshold: 0.25, iouThreshold: 0.45 };
			const t0 = performance.now();
			const first = await ml.detect(modelId, image, options);
			const firstMs = performance.now() - t0;
			const times = [];
			for (let i = 0; i < runs; i++) {
				const t1 = performance.now();
				await ml.detect(modelId, image, options);
				times.push(performance.now() - t1);
			}
			const input = new Float32Array(3 * 640 * 640).map((_, i) => (i % 255) / 255);
			const raw = [];
			for (let i = 0; i < runs; i++) raw.push((await ml.probe(modelId, 'model', { images: { type: 'float32', dims: [1, 3, 640, 640], data: input } }, 'wasm')).runMs);
			return { firstMs, detections: first.length, times, raw };
		},
		{ modelId: ids.yolo, runs: RUNS }
	);
	rows.push(
		[`YOLOv8n (Ultralytics' graph: ${(models.detectorParams / 1e6).toFixed(2)} M parameters, random weights, Detect.bias_init biases)`, ''],
		['  load and first detection (session creation, run)', ms(yolo.firstMs)],
		[`  raw model run, 640x640, median of ${RUNS}`, ms(median(yolo.raw))],
		[`  detection of a 1280x720 image through MlApi.detect (letterbox, run, decode, NMS; ${yolo.detections} boxes), median of ${RUNS}`, ms(median(yolo.times))]
	);
	return rows;
}
