import { expect, test, type Page } from '@playwright/test';
import { samDecoderModel, samEncoderModel } from '../unit/support/onnx-models';
import { clickOnImage, dragOnImage, shapeGeometry, shapeIds, shapeRows, waitForEditor, type PolygonGeometry } from './support/editor';

/**
 * Model assistance in the editor with real models in the inference worker: the bundled PP-OCRv4 reads
 * words printed on the image into a polygon carrying the text; a SAM model added on the models page
 * (generated with the official export's names and shapes: its mask is a disc around the first prompt
 * point) turns a click into a polygon of the current class, and a dragged box into one at once.
 */
test.describe.configure({ mode: 'serial' });

const WORDS = 'PEERLABEL 2026';
const RADIUS = 60;
let page: Page;
let editorUrl = '';

const proposalRows = () => page.locator('[data-testid="shape-row"][data-proposal="true"]');

async function addSamModel() {
	await page.goto('/models');
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
	await page.getByTestId('model-file-input').setInputFiles([
		{ name: 'sam_vit_b_encoder.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(samEncoderModel()) },
		{ name: 'sam_vit_b_decoder.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(samDecoderModel(RADIUS)) }
	]);
	const added = page.locator('[data-testid="model-row"][data-bundled="false"]');
	await expect(added).toHaveCount(1);
	await expect(added).toHaveAttribute('data-missing', '');
}

/** Centre and mean radius of a polygon's vertices. */
function circleOf(points: number[]) {
	const n = points.length / 2;
	let cx = 0,
		cy = 0;
	for (let i = 0; i < n; i++) [cx, cy] = [cx + points[i * 2] / n, cy + points[i * 2 + 1] / n];
	let r = 0;
	for (let i = 0; i < n; i++) r += Math.hypot(points[i * 2] - cx, points[i * 2 + 1] - cy) / n;
	return { cx, cy, r };
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	await addSamModel();
	await page.goto(`/dev/seed?images=2&polygons=0&width=1600&height=1000&seed=5&text=${encodeURIComponent(WORDS)}`);
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	editorUrl = page.url();
	await expect(page.getByTestId('assist-backend')).toHaveAttribute('data-backend', 'wasm', { timeout: 30_000 });
});

test.afterAll(async () => {
	await page.context().close();
});

test('OCR reads the printed words into a polygon carrying the text, once the class allows text', async () => {
	await page.getByTestId('assist-ocr').selectOption('ppocr-v4');
	await page.getByTestId('assist-read-image').click();
	// The current class has no text field yet: the panel says so and offers to turn it on.
	await expect(page.getByTestId('assist-text-off')).toBeVisible();
	await page.getByTestId('assist-allow-text').click();
	await page.getByTestId('assist-read-image').click();
	// Two lines: the seed's own "Image 1" label at the top left, and the words.
	await expect(page.getByTestId('assist-report')).toHaveText(/Read 2 text regions/, { timeout: 120_000 });
	await expect(page.locator('[data-testid="shape-row"][data-proposal="true"][data-text="Image 1"]')).toHaveCount(1);
	const row = page.locator(`[data-testid="shape-row"][data-proposal="true"][data-text="${WORDS}"]`);
	await expect(row).toHaveCount(1);
	const id = (await row.getAttribute('data-id'))!;
	// The quad sits on the printed line: 64 px text at y = 500, starting at x = 160.
	const quad = (await shapeGeometry<PolygonGeometry>(page, id)).points;
	expect(quad).toHaveLength(8);
	const xs = quad.filter((_, i) => i % 2 === 0);
	const ys = quad.filter((_, i) => i % 2 === 1);
	expect(Math.min(...xs)).toBeGreaterThan(140);
	expect(Math.min(...xs)).toBeLessThan(180);
	expect(Math.min(...ys)).toBeGreaterThan(440);
	expect(Math.max(...ys)).toBeLessThan(560);
});

test('OCR inside a dragged box reads only the words in it', async () => {
	await page.getByTestId('assist-read-box').click();
	await dragOnImage(page, { x: 100, y: 400 }, { x: 1100, y: 600 });
	await expect(page.getByTestId('assist-report')).toHaveText(/Read 1 text region/, { timeout: 60_000 });
	await expect(page.locator(`[data-testid="shape-row"][data-proposal="true"][data-text="${WORDS}"]`)).toHaveCount(2);
	await expect(page.locator('[data-testid="shape-row"][data-proposal="true"][data-text="Image 1"]')).toHaveCount(1);
});

test('the smart tool turns a click into a polygon of the current class around the point, on Enter', async () => {
	const before = await shapeRows(page).count();
	const known = new Set(await shapeIds(page));
	await page.getByTestId('assist-segmenter').selectOption({ index: 1 });
	await page.getByTestId('assist-segment-mode').click();
	await clickOnImage(page, 900, 300);
	// Enter commits once the mask has come back (until then the tool says it is still being computed).
	await expect
		.poll(
			async () => {
				await page.keyboard.press('Enter');
				return shapeRows(page).count();
			},
			{ timeout: 60_000, intervals: [250] }
		)
		.toBe(before + 1);
	const id = (await shapeIds(page)).find((i) => !known.has(i))!;
	await expect(page.locator(`[data-testid="shape-row"][data-id="${id}"]`)).toHaveAttribute('data-type', 'polygon');
	const { cx, cy, r } = circleOf((await shapeGeometry<PolygonGeometry>(page, id)).points);
	// The model's disc is centred on the prompt mapped back by 1600 / 1024: the click, within a pixel.
	expect(Math.abs(cx - 900)).toBeLessThan(1);
	expect(Math.abs(cy - 300)).toBeLessThan(1);
	expect(Math.abs(r - RADIUS)).toBeLessThan(1.5);
});

test('a box dragged with no click is auto-annotated at once, and survives a reload', async () => {
	const before = await shapeRows(page).count();
	const known = new Set(await shapeIds(page));
	await dragOnImage(page, { x: 1200, y: 700 }, { x: 1400, y: 900 });
	await expect(shapeRows(page)).toHaveCount(before + 1, { timeout: 60_000 });
	const id = (await shapeIds(page)).find((i) => !known.has(i))!;
	const { cx, cy } = circleOf((await shapeGeometry<PolygonGeometry>(page, id)).points);
	// This generated decoder centres its disc on the first prompt point: the box's top-left corner.
	expect(Math.abs(cx - 1200)).toBeLessThan(1);
	expect(Math.abs(cy - 700)).toBeLessThan(1);
	await page.goto(editorUrl);
	await waitForEditor(page);
	await expect(page.locator(`[data-testid="shape-row"][data-id="${id}"]`)).toHaveCount(1);
	// The image's embedding was computed once and kept in IndexedDB for the next visit.
	expect(await storedEmbeddings()).toBe(1);
});

function storedEmbeddings(): Promise<number> {
	return page.evaluate(
		() =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('peerlabel');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const count = open.result.transaction('embeddings').objectStore('embeddings').count();
					count.onsuccess = () => resolve(count.result);
					count.onerror = () => reject(count.error);
				};
			})
	);
}
