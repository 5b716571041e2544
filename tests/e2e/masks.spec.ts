import { expect, test, type Page } from '@playwright/test';
import { decodeMask } from '../../src/lib/shapes/mask/rle';
import { clickOnImage, dragOnImage, shapeGeometry, shapeRow, shapeRows, toScreen, waitForEditor } from './support/editor';

/**
 * Pixel masks as a user paints them: one seeded 1600x1000 image with a semantic class (road) and an
 * instance class (car); brush, stroke, eraser, polygon fill, the semantic layer, undo/redo and reload,
 * in order. Areas are read back from the stored COCO RLE of each shape row.
 */
test.describe.configure({ mode: 'serial' });

type Mask = { x: number; y: number; width: number; height: number; rle: string };

let page: Page;
const BRUSH = 40;
const DISC = Math.PI * (BRUSH / 2) ** 2;

const rows = () => shapeRows(page);
const selectedId = () => page.getByTestId('editor-canvas').getAttribute('data-selected-id');

async function areaOf(id: string): Promise<number> {
	const g = await shapeGeometry<Mask>(page, id);
	return decodeMask(g.rle, g.width, g.height).reduce((n, b) => n + b, 0);
}

/** The base canvas's colour (image and cached shape tiles, not the overlay) at an image point. */
async function tilePixel(x: number, y: number): Promise<number[]> {
	const p = await toScreen(page, x, y);
	return page.evaluate(({ x, y }) => {
		const canvas = document.querySelector<HTMLCanvasElement>('canvas.editor-base')!;
		const r = canvas.getBoundingClientRect();
		const dpr = canvas.width / r.width;
		return [...canvas.getContext('2d')!.getImageData(Math.round((x - r.left) * dpr), Math.round((y - r.top) * dpr), 1, 1).data];
	}, p);
}

function expectWithin(actual: number, expected: number, fraction: number) {
	expect(Math.abs(actual - expected) / expected, `${actual} ≈ ${expected}`).toBeLessThanOrEqual(fraction);
}

async function pickClass(name: string) {
	await page.getByTestId('class-option').filter({ hasText: name }).click();
}

/** Escape ends the current instance: the next stroke starts a new mask. */
async function deselect() {
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('editor-canvas')).not.toHaveAttribute('data-selected-id');
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	const classes = encodeURIComponent(JSON.stringify([{ name: 'road', maskMode: 'semantic' }, { name: 'car' }]));
	await page.goto(`/dev/seed?images=1&polygons=0&width=1600&height=1000&seed=11&classes=${classes}`);
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
});

test.afterAll(async () => {
	await page.context().close();
});

let discId = '';
let strokeId = '';

test('a brush mask of a drawn circle has the expected pixel area within 1%', async () => {
	await pickClass('car');
	const before = await tilePixel(400, 300);
	const outside = await tilePixel(400, 360);
	await page.keyboard.press('m');
	await expect(page.getByTestId('tool-mask')).toHaveAttribute('aria-pressed', 'true');
	await expect(page.getByTestId('mask-mode-brush')).toHaveAttribute('aria-pressed', 'true');
	await page.getByTestId('brush-size').fill(String(BRUSH));
	await page.getByTestId('brush-size').press('Tab');
	await clickOnImage(page, 400.3, 300.6);
	await expect(rows()).toHaveCount(1);
	discId = (await rows().first().getAttribute('data-id'))!;
	await expect(shapeRow(page, discId)).toHaveAttribute('data-type', 'mask');
	expectWithin(await areaOf(discId), DISC, 0.01);
	const g = await shapeGeometry<Mask>(page, discId);
	expect(Math.abs(g.x + g.width / 2 - 400.3)).toBeLessThanOrEqual(1.5);
	expect(Math.abs(g.y + g.height / 2 - 300.6)).toBeLessThanOrEqual(1.5);
	await expect(shapeRow(page, discId)).toContainText(`${await areaOf(discId)} px`);
	// Unselected, it is drawn in the cached tiles, tinted with its class colour.
	await deselect();
	await waitForEditor(page);
	await expect.poll(() => tilePixel(400, 300)).not.toEqual(before);
	expect(await tilePixel(400, 360), 'outside the disc').toEqual(outside);
});

test('a dragged stroke paints a band of the brush width; the eraser takes a bite out of it', async () => {
	await deselect();
	await dragOnImage(page, { x: 700, y: 300 }, { x: 1000, y: 300 });
	await expect(rows()).toHaveCount(2);
	strokeId = (await selectedId())!;
	expect(strokeId).not.toBe(discId);
	const stroke = await areaOf(strokeId);
	expectWithin(stroke, 300 * BRUSH + DISC, 0.02);

	await page.keyboard.press('x');
	await expect(page.getByTestId('mask-mode-eraser')).toHaveAttribute('aria-pressed', 'true');
	await clickOnImage(page, 850, 300);
	await expect.poll(() => areaOf(strokeId)).toBeLessThan(stroke);
	expectWithin(stroke - (await areaOf(strokeId)), DISC, 0.05);
	await page.keyboard.press('x');
	await expect(page.getByTestId('mask-mode-brush')).toHaveAttribute('aria-pressed', 'true');
	expect(await areaOf(discId), 'the other mask is untouched').toBeGreaterThan(0);
});

test('polygon fill: clicked vertices and Enter fill a triangle', async () => {
	await deselect();
	await page.getByTestId('mask-mode-fill').click();
	await clickOnImage(page, 300, 600);
	await clickOnImage(page, 500, 600);
	await clickOnImage(page, 300, 800);
	await expect(rows()).toHaveCount(2);
	await page.keyboard.press('Enter');
	await expect(rows()).toHaveCount(3);
	const id = (await selectedId())!;
	expectWithin(await areaOf(id), (200 * 200) / 2, 0.01);
	await page.getByTestId('mask-mode-brush').click();
});

let roadId = '';

test('two strokes of the semantic class land in its one mask', async () => {
	await deselect();
	await pickClass('road');
	const road = await page.getByTestId('class-option').filter({ hasText: 'road' }).getAttribute('data-class-id');
	await clickOnImage(page, 1200, 700);
	await expect(rows()).toHaveCount(4);
	roadId = (await page.locator(`[data-testid="shape-row"][data-class-id="${road}"]`).getAttribute('data-id'))!;
	// The layer is left unselected: picking another class and back does not relabel it.
	expect(await selectedId()).toBeNull();
	await pickClass('car');
	await pickClass('road');
	await expect(shapeRow(page, roadId)).toHaveAttribute('data-class-id', road!);
	await clickOnImage(page, 1400, 850);
	await expect.poll(() => areaOf(roadId)).toBeGreaterThan(DISC * 1.5);
	await expect(rows()).toHaveCount(4);
	expectWithin(await areaOf(roadId), 2 * DISC, 0.01);
	const layer = await shapeGeometry<Mask>(page, roadId);
	expect(layer.x + layer.width).toBeGreaterThanOrEqual(1419);
	expect(layer.x).toBeLessThanOrEqual(1181);
});

test('undo and redo a stroke', async () => {
	await page.keyboard.press('Control+z');
	await expect.poll(() => areaOf(roadId)).toBeLessThan(DISC * 1.5);
	expectWithin(await areaOf(roadId), DISC, 0.01);
	await page.keyboard.press('Control+Shift+z');
	await expect.poll(() => areaOf(roadId)).toBeGreaterThan(DISC * 1.5);
});

test('a reload shows the masks unchanged', async () => {
	const before = await rows().evaluateAll((rs) => rs.map((r): [string, string] => [r.getAttribute('data-id')!, r.getAttribute('data-geometry')!]));
	expect(before).toHaveLength(4);
	await page.reload();
	await waitForEditor(page);
	await expect(rows()).toHaveCount(4);
	const after = await rows().evaluateAll((rs) => rs.map((r): [string, string] => [r.getAttribute('data-id')!, r.getAttribute('data-geometry')!]));
	expect(new Map(after)).toEqual(new Map(before));
});
