import { expect, test, type Page } from '@playwright/test';
import { clickOnImage, dragOnImage, editorCanvas, shapeGeometry, shapeIds, shapeRows, toScreen, waitForEditor } from './support/editor';

/**
 * A polygon of several parts (an object cut in two by an occluder) as an annotator builds it: drawn,
 * a part added (Shift+P), moved as one, a vertex of the second part dragged, a part removed (pointed
 * at with Shift+Delete, or the part last clicked with the inspector's button), undone, a hole cut in
 * the second part; always one annotation. One seeded project (one 1600x1000 image).
 */
test.describe.configure({ mode: 'serial' });

type Part = { points: number[]; holes?: number[][] };
type Poly = Part & { parts?: Part[] };

let page: Page;
let polyId = '';

const geometry = () => shapeGeometry<Poly>(page, polyId);
const selectedId = () => editorCanvas(page).getAttribute('data-selected-id');
const left = [200, 200, 600, 200, 600, 600, 200, 600];
const right = [900, 200, 1300, 200, 1300, 600, 900, 600];

function expectNear(actual: readonly number[], expected: readonly number[], tolerance = 2) {
	expect(actual).toHaveLength(expected.length);
	actual.forEach((v, i) => expect(Math.abs(v - expected[i]), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(tolerance));
}

const shifted = (ring: number[], dx: number, dy: number) => ring.map((v, i) => v + (i % 2 ? dy : dx));

async function drawRing(ring: number[]) {
	for (let i = 0; i < ring.length; i += 2) await clickOnImage(page, ring[i], ring[i + 1]);
	await page.keyboard.press('Enter');
}

async function pointAt(x: number, y: number) {
	const p = await toScreen(page, x, y);
	await page.mouse.move(p.x, p.y, { steps: 3 });
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	const classes = [{ name: 'car' }];
	await page.goto(`/dev/seed?images=1&polygons=0&width=1600&height=1000&seed=13&classes=${encodeURIComponent(JSON.stringify(classes))}`);
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
});

test.afterAll(async () => {
	await page.context().close();
});

test('Shift+P adds the next ring drawn to the selected polygon as a second part: one annotation', async () => {
	await page.keyboard.press('p');
	await drawRing(left);
	await expect(shapeRows(page)).toHaveCount(1);
	polyId = (await shapeIds(page))[0];
	expect(await selectedId()).toBe(polyId);

	await page.keyboard.press('Shift+P');
	await expect(page.getByTestId('editor-hint')).toContainText('new part');
	await drawRing(right);
	await expect.poll(async () => (await geometry()).parts?.length ?? 0).toBe(1);
	await expect(shapeRows(page)).toHaveCount(1);
	const g = await geometry();
	expectNear(g.points, left);
	expectNear(g.parts![0].points, right);
	await expect(shapeRows(page).first()).toContainText('2 parts, 8 points');
});

test('a click on either part selects the polygon, and dragging one part moves both', async () => {
	await page.keyboard.press('v');
	await page.keyboard.press('Escape');
	await clickOnImage(page, 750, 400); // between the parts: nothing
	expect(await selectedId()).toBeNull();
	await clickOnImage(page, 1100, 400); // inside the second part
	expect(await selectedId()).toBe(polyId);
	await expect(page.getByTestId('inspector-parts')).toHaveAttribute('data-parts', '2');

	await dragOnImage(page, { x: 1100, y: 400 }, { x: 1150, y: 450 });
	await expect.poll(async () => Math.round((await geometry()).points[0])).toBe(250);
	const g = await geometry();
	expectNear(g.points, shifted(left, 50, 50));
	expectNear(g.parts![0].points, shifted(right, 50, 50));
	await expect(shapeRows(page)).toHaveCount(1);
});

test("the second part's vertices are edited in place: a vertex dragged, a midpoint inserts into that part", async () => {
	await dragOnImage(page, { x: 1350, y: 650 }, { x: 1400, y: 700 }); // part 2's third vertex
	await expect.poll(async () => Math.round((await geometry()).parts![0].points[4])).toBe(1400);
	await dragOnImage(page, { x: 1150, y: 250 }, { x: 1150, y: 220 }); // midpoint of part 2's top edge
	await expect.poll(async () => (await geometry()).parts![0].points.length).toBe(10);
	const g = await geometry();
	expectNear(g.parts![0].points, [950, 250, 1150, 220, 1350, 250, 1400, 700, 950, 650]);
	expectNear(g.points, shifted(left, 50, 50)); // the first part untouched
});

test('screenshots of the editor with a two-part polygon selected', async () => {
	for (const [width, height] of [
		[1440, 900],
		[1280, 720]
	]) {
		await page.setViewportSize({ width, height });
		await page.keyboard.press('0'); // fit
		await expect(page.getByTestId('inspector-parts')).toBeVisible();
		await page.screenshot({ path: `/tmp/peerlabel-polygon-parts-${width}x${height}.png` });
	}
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.keyboard.press('0');
});

test('Shift+Delete removes the part under the pointer; undo brings it back', async () => {
	await pointAt(400, 400); // inside the first part
	await page.keyboard.press('Shift+Delete');
	await expect.poll(async () => (await geometry()).parts?.length ?? 0).toBe(0);
	let g = await geometry();
	expectNear(g.points, [950, 250, 1150, 220, 1350, 250, 1400, 700, 950, 650]); // the second is now the only part
	await expect(shapeRows(page)).toHaveCount(1);
	await expect(page.getByTestId('polygon-remove-part')).toBeDisabled();

	await page.keyboard.press('Control+z');
	await expect.poll(async () => (await geometry()).parts?.length ?? 0).toBe(1);
	g = await geometry();
	expectNear(g.points, shifted(left, 50, 50));
});

test("the inspector's Remove part takes the part last clicked; the last part cannot be removed", async () => {
	await clickOnImage(page, 1100, 500); // inside the second part
	expect(await selectedId()).toBe(polyId);
	await page.getByTestId('polygon-remove-part').click();
	await expect.poll(async () => (await geometry()).parts?.length ?? 0).toBe(0);
	expectNear((await geometry()).points, shifted(left, 50, 50));

	await pointAt(400, 400);
	await page.keyboard.press('Shift+Delete');
	await expect(page.getByTestId('editor-hint')).toContainText('one part');
	expectNear((await geometry()).points, shifted(left, 50, 50));
	await expect(shapeRows(page)).toHaveCount(1);
});

test('H cuts a hole in the part it is drawn in; a reload shows both parts and the hole', async () => {
	await page.keyboard.press('Control+z'); // the inspector's removal undone: two parts again
	await expect.poll(async () => (await geometry()).parts?.length ?? 0).toBe(1);
	await page.keyboard.press('h');
	await drawRing([1000, 350, 1200, 350, 1200, 550, 1000, 550]); // inside the second part
	await expect.poll(async () => (await geometry()).parts![0].holes?.length ?? 0).toBe(1);
	const before = await geometry();
	expect(before.holes).toBeUndefined();
	expectNear(before.parts![0].holes![0], [1000, 350, 1200, 350, 1200, 550, 1000, 550]);
	await page.reload();
	await waitForEditor(page);
	await expect(shapeRows(page)).toHaveCount(1);
	expect(await geometry()).toEqual(before);
});
