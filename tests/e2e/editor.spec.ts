import { expect, test, type Locator, type Page } from '@playwright/test';
import {
	clickOnImage,
	dragOnScreen,
	editorCanvas,
	shapeGeometry,
	shapeRow,
	shapeRows,
	toScreen,
	waitForEditor,
	type BoxGeometry,
	type Point,
	type PolygonGeometry
} from './support/editor';

/**
 * The editor as a user drives it: one seeded project (2 images of 1600x1000, classes car/person/tree
 * with hotkeys 1-3), then drawing, editing, undo, navigation and reload in order.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let editorUrl = '';

type Box = BoxGeometry;
type Poly = PolygonGeometry;

const canvas = () => editorCanvas(page);
const rows = () => shapeRows(page);
const row = (id: string) => shapeRow(page, id);
const selectedId = () => canvas().getAttribute('data-selected-id');
const geometry = <G>(id: string) => shapeGeometry<G>(page, id);
const screen = (x: number, y: number) => toScreen(page, x, y);
const drag = (from: Point, to: Point) => dragOnScreen(page, from, to);
const clickImage = (x: number, y: number, modifiers?: ('Alt' | 'Shift')[]) => clickOnImage(page, x, y, modifiers);
const waitReady = () => waitForEditor(page);

async function scale(): Promise<number> {
	return Number(await canvas().getAttribute('data-scale'));
}

async function newestRowId(): Promise<string> {
	return (await rows().first().getAttribute('data-id'))!;
}

function expectNear(actual: number, expected: number, tolerance = 2) {
	expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(tolerance);
}

async function pressed(l: Locator) {
	return l.getAttribute('aria-pressed');
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	await page.goto('/dev/seed?images=2&polygons=0&width=1600&height=1000&seed=7');
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitReady();
	editorUrl = page.url();
});

test.afterAll(async () => {
	await page.context().close();
});

let boxId = '';
let polyId = '';
let topBoxId = '';

test('draws a box by dragging; it is listed and selected', async () => {
	await expect(page.getByTestId('shape-count')).toHaveText('0');
	await page.keyboard.press('b');
	await expect(page.getByTestId('tool-box')).toHaveAttribute('aria-pressed', 'true');
	await drag(await screen(100, 100), await screen(400, 300));
	await expect(rows()).toHaveCount(1);
	boxId = await newestRowId();
	await expect(row(boxId)).toHaveAttribute('data-type', 'box');
	await expect(row(boxId).getByTestId('shape-class-name')).toHaveText('car');
	expect(await selectedId()).toBe(boxId);
	const g = await geometry<Box>(boxId);
	expectNear(g.x, 100);
	expectNear(g.y, 100);
	expectNear(g.width, 300);
	expectNear(g.height, 200);
});

test('a class hotkey changes the selected shape and the class of new shapes', async () => {
	await page.keyboard.press('2');
	await expect(row(boxId).getByTestId('shape-class-name')).toHaveText('person');
	expect(await pressed(page.getByTestId('class-option').nth(1))).toBe('true');
});

test('draws a polygon by clicks, closed on its first vertex', async () => {
	await page.keyboard.press('p');
	for (const [x, y] of [
		[600, 100],
		[900, 150],
		[800, 400]
	])
		await clickImage(x, y);
	await expect(rows()).toHaveCount(1); // still drawing
	await clickImage(601, 101);
	await expect(rows()).toHaveCount(2);
	polyId = await newestRowId();
	await expect(row(polyId)).toHaveAttribute('data-type', 'polygon');
	await expect(row(polyId).getByTestId('shape-class-name')).toHaveText('person');
	expect((await geometry<Poly>(polyId)).points).toHaveLength(6);
});

test('polygon: Backspace drops the last vertex, Enter closes, Escape cancels', async () => {
	for (const [x, y] of [
		[1100, 600],
		[1400, 600],
		[1400, 900],
		[1200, 950]
	])
		await clickImage(x, y);
	await page.keyboard.press('Backspace');
	await page.keyboard.press('Enter');
	await expect(rows()).toHaveCount(3);
	const id = await newestRowId();
	expect((await geometry<Poly>(id)).points).toHaveLength(6);
	await clickImage(100, 700);
	await clickImage(200, 700);
	await page.keyboard.press('Escape');
	await clickImage(300, 900);
	await page.keyboard.press('Escape');
	await expect(rows()).toHaveCount(3);
	// Remove it again through the sidebar.
	await row(id).getByTestId('shape-delete').click();
	await expect(rows()).toHaveCount(2);
});

test('select tool: moves a box by its body and resizes it by a grip', async () => {
	await page.keyboard.press('v');
	await clickImage(250, 200);
	expect(await selectedId()).toBe(boxId);
	const before = await geometry<Box>(boxId);
	await drag(await screen(250, 200), await screen(300, 240));
	await expect.poll(async () => (await geometry<Box>(boxId)).x).not.toBe(before.x);
	let g = await geometry<Box>(boxId);
	expectNear(g.x, before.x + 50);
	expectNear(g.y, before.y + 40);
	expectNear(g.width, before.width, 0.01);

	await drag(await screen(g.x + g.width, g.y + g.height), await screen(g.x + g.width + 60, g.y + g.height + 30));
	await expect.poll(async () => (await geometry<Box>(boxId)).width).not.toBe(g.width);
	const resized = await geometry<Box>(boxId);
	expectNear(resized.x, g.x, 0.01);
	expectNear(resized.width, g.width + 60);
	expectNear(resized.height, g.height + 30);
	g = resized;
});

test('select tool: drags a polygon vertex, inserts one on an edge, deletes one', async () => {
	await clickImage(750, 200);
	expect(await selectedId()).toBe(polyId);
	// Drag vertex 1 (900,150) to (950,120).
	await drag(await screen(900, 150), await screen(950, 120));
	await expect.poll(async () => (await geometry<Poly>(polyId)).points[2]).not.toBe(900);
	let pts = (await geometry<Poly>(polyId)).points;
	expectNear(pts[2], 950);
	expectNear(pts[3], 120);

	// Drag the midpoint of edge 0 (600,100)→(950,120) outwards: a 4th vertex.
	const mid = { x: (pts[0] + pts[2]) / 2, y: (pts[1] + pts[3]) / 2 };
	await drag(await screen(mid.x, mid.y), await screen(mid.x, mid.y - 60));
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(8);
	pts = (await geometry<Poly>(polyId)).points;
	expectNear(pts[2], mid.x);
	expectNear(pts[3], mid.y - 60);

	// Alt+click a vertex deletes it.
	await clickImage(pts[2], pts[3], ['Alt']);
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(6);

	// Delete on a hovered vertex is refused below 3 points, with a hint.
	pts = (await geometry<Poly>(polyId)).points;
	const v = await screen(pts[4], pts[5]);
	await page.mouse.move(v.x, v.y);
	await page.keyboard.press('Delete');
	await expect(page.getByTestId('editor-hint')).toContainText('at least 3');
	expect((await geometry<Poly>(polyId)).points).toHaveLength(6);
	await expect(rows()).toHaveCount(2); // the shape itself was not deleted
});

test('undo and redo (Ctrl+Z, Ctrl+Shift+Z, Ctrl+Y)', async () => {
	await page.keyboard.press('Control+z'); // undoes the Alt+click deletion
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(8);
	await page.keyboard.press('Control+Shift+z');
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(6);
	await page.keyboard.press('Control+z');
	await page.keyboard.press('Control+z'); // and the vertex insertion
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(6);
	await page.keyboard.press('Control+y');
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(8);
	await page.keyboard.press('Control+Shift+z');
	await expect.poll(async () => (await geometry<Poly>(polyId)).points.length).toBe(6);
});

test('hit-testing picks the topmost shape', async () => {
	const g = await geometry<Box>(boxId);
	await page.keyboard.press('b');
	await drag(await screen(g.x + 20, g.y + 20), await screen(g.x + g.width + 80, g.y + g.height + 80));
	await expect(rows()).toHaveCount(3);
	topBoxId = await newestRowId();
	await page.keyboard.press('v');
	await page.keyboard.press('Escape');
	expect(await selectedId()).toBeNull();
	await clickImage(g.x + g.width / 2, g.y + g.height / 2); // inside both: the newer is on top
	expect(await selectedId()).toBe(topBoxId);
	await clickImage(g.x + 8, g.y + 8); // inside the lower one only
	expect(await selectedId()).toBe(boxId);
	await clickImage(1500, 950); // empty
	expect(await selectedId()).toBeNull();
});

test('a degenerate box is refused with a visible hint', async () => {
	await page.keyboard.press('b');
	const a = await screen(1200, 200);
	await drag(a, { x: a.x + 40, y: a.y });
	await expect(page.getByTestId('editor-hint')).toContainText('box needs at least');
	await expect(rows()).toHaveCount(3);
	await page.keyboard.press('v');
});

test('zooming and panning keep the shape under the cursor', async () => {
	const pts = (await geometry<Poly>(polyId)).points;
	const cx = (pts[0] + pts[2] + pts[4]) / 3,
		cy = (pts[1] + pts[3] + pts[5]) / 3;
	const p = await screen(cx, cy);
	const s0 = await scale();
	await page.mouse.move(p.x, p.y);
	await page.mouse.wheel(0, -300);
	await expect.poll(scale).toBeGreaterThan(s0 * 1.3);
	const after = await screen(cx, cy);
	expectNear(after.x, p.x, 1);
	expectNear(after.y, p.y, 1);
	await page.mouse.click(p.x, p.y);
	expect(await selectedId()).toBe(polyId);

	// Space+drag pans by the drag.
	await page.keyboard.down(' ');
	await drag(p, { x: p.x + 120, y: p.y - 60 });
	await page.keyboard.up(' ');
	const panned = await screen(cx, cy);
	expectNear(panned.x, p.x + 120, 1);
	expectNear(panned.y, p.y - 60, 1);
	expect(await selectedId()).toBe(polyId); // a pan is not a click
	await page.keyboard.press('Escape');
	await page.mouse.click(panned.x, panned.y);
	expect(await selectedId()).toBe(polyId);

	// + / - / 0 (fit)
	const s1 = await scale();
	await page.keyboard.press('+');
	await expect.poll(scale).toBeGreaterThan(s1);
	await page.keyboard.press('0');
	await expect.poll(scale).toBeCloseTo(s0, 5);
	await page.keyboard.press('-');
	await expect.poll(scale).toBeLessThan(s0);
	await page.getByTestId('zoom-fit').click();
	await expect.poll(scale).toBeCloseTo(s0, 5);
	await waitReady();
});

test('sidebar: selects, changes class, deletes', async () => {
	await row(boxId).click();
	expect(await selectedId()).toBe(boxId);
	await expect(row(boxId).getByTestId('shape-pick')).toHaveAttribute('aria-current', 'true');
	await row(boxId).getByTestId('shape-class').selectOption({ label: 'tree' });
	await expect(row(boxId).getByTestId('shape-class-name')).toHaveText('tree');
	await row(topBoxId).getByTestId('shape-delete').click();
	await expect(rows()).toHaveCount(2);
	await canvas().click({ position: { x: 5, y: 5 } }); // focus back on the canvas
	await page.keyboard.press('Control+z');
	await expect(rows()).toHaveCount(3);
	// Delete key on the selected shape.
	await row(topBoxId).click();
	await canvas().hover({ position: { x: 5, y: 5 } });
	await page.keyboard.press('Delete');
	await expect(rows()).toHaveCount(2);
	await expect(row(topBoxId)).toHaveCount(0);
});

test('a reload shows every edit', async () => {
	const box = await geometry<Box>(boxId);
	const poly = await geometry<Poly>(polyId);
	// Submitted for review, the editor goes on to the next image; the stage is kept with the edits.
	await page.getByTestId('submit-review').click();
	await expect(page).not.toHaveURL(editorUrl);
	await page.goto(editorUrl);
	await page.reload();
	await waitReady();
	await expect(rows()).toHaveCount(2);
	expect(await geometry<Box>(boxId)).toEqual(box);
	expect(await geometry<Poly>(polyId)).toEqual(poly);
	await expect(row(boxId).getByTestId('shape-class-name')).toHaveText('tree');
	await expect(page.getByTestId('stage-badge')).toHaveAttribute('data-stage', 'review');
	await page.screenshot({ path: '/tmp/peerlabel-editor.png' });
});

test('next and previous image by key', async () => {
	await expect(page.getByTestId('image-position')).toHaveText('1 / 2');
	await page.keyboard.press('f');
	await expect(page.getByTestId('image-position')).toHaveText('2 / 2');
	await expect(page).not.toHaveURL(editorUrl);
	await waitReady();
	await expect(rows()).toHaveCount(0);
	await page.keyboard.press('ArrowLeft');
	await expect(page).toHaveURL(editorUrl);
	await expect(page.getByTestId('image-position')).toHaveText('1 / 2');
	await expect(rows()).toHaveCount(2);
	await page.keyboard.press('ArrowRight');
	await expect(page.getByTestId('image-position')).toHaveText('2 / 2');
	await page.keyboard.press('d');
	await expect(page.getByTestId('image-position')).toHaveText('1 / 2');
});
