import { expect, test, type Page } from '@playwright/test';
import {
	clickOnImage,
	dragOnImage,
	editorCanvas,
	shapeGeometry,
	shapeRow,
	shapeRows,
	toScreen,
	waitForEditor
} from './support/editor';

/**
 * Rotated boxes, ellipses and cuboids as a user draws and edits them, in one seeded project (1600x1000
 * images): draw, resize, rotate by the rotate handle, undo/redo, reload.
 */
test.describe.configure({ mode: 'serial' });

type RotatedBox = { cx: number; cy: number; width: number; height: number; angle: number };
type Ellipse = { cx: number; cy: number; rx: number; ry: number; angle: number };
type Cuboid = { points: number[] };

/** Where the rotate handle sits above a shape's top (src/lib/geometry/rotation.ts). */
const rotateGap = (halfHeight: number) => Math.max(24, halfHeight * 0.4);

let page: Page;
let boxId = '';
let ellipseId = '';
let circleId = '';
let cuboidId = '';

const rows = () => shapeRows(page);
const row = (id: string) => shapeRow(page, id);
const geometry = <G>(id: string) => shapeGeometry<G>(page, id);
const selectedId = () => editorCanvas(page).getAttribute('data-selected-id');
const drag = (from: { x: number; y: number }, to: { x: number; y: number }) => dragOnImage(page, from, to);

async function newestRowId(): Promise<string> {
	return (await rows().first().getAttribute('data-id'))!;
}

function expectNear(actual: number, expected: number, tolerance = 2) {
	expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(tolerance);
}

/** The point `distance` from a centre in the direction `degrees` clockwise from straight up. */
function towards(cx: number, cy: number, degrees: number, distance: number) {
	const r = (degrees * Math.PI) / 180;
	return { x: cx + Math.sin(r) * distance, y: cy - Math.cos(r) * distance };
}

async function allGeometries(): Promise<Record<string, string>> {
	const entries = await rows().evaluateAll((els) =>
		els.map((r) => [r.getAttribute('data-id'), r.getAttribute('data-geometry')])
	);
	return Object.fromEntries(entries);
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	await page.goto('/dev/seed?images=1&polygons=0&width=1600&height=1000&seed=11');
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
});

test.afterAll(async () => {
	await page.context().close();
});

test('draws a rotated box upright by dragging', async () => {
	await page.keyboard.press('r');
	await expect(page.getByTestId('tool-rotatedBox')).toHaveAttribute('aria-pressed', 'true');
	await drag({ x: 200, y: 200 }, { x: 500, y: 350 });
	await expect(rows()).toHaveCount(1);
	boxId = await newestRowId();
	await expect(row(boxId)).toHaveAttribute('data-type', 'rotatedBox');
	const g = await geometry<RotatedBox>(boxId);
	expectNear(g.cx, 350);
	expectNear(g.cy, 275);
	expectNear(g.width, 300);
	expectNear(g.height, 150);
	expect(g.angle).toBe(0);
	await expect(row(boxId)).toContainText('0°');
});

test('resizes the rotated box by a side grip, the opposite side staying put', async () => {
	await page.keyboard.press('v');
	expect(await selectedId()).toBe(boxId);
	await drag({ x: 500, y: 275 }, { x: 600, y: 275 });
	const g = await geometry<RotatedBox>(boxId);
	expectNear(g.width, 400);
	expectNear(g.cx, 400);
	expectNear(g.height, 150);
});

test('turns the rotated box by its rotate handle, showing the angle while turning', async () => {
	const g = await geometry<RotatedBox>(boxId);
	const handle = { x: g.cx, y: g.cy - g.height / 2 - rotateGap(g.height / 2) };
	await drag(handle, towards(g.cx, g.cy, 30, 160));
	const turned = await geometry<RotatedBox>(boxId);
	expectNear(turned.angle, 30, 1);
	// The hint showed the size and the angle while turning; the last one shown is the one stored.
	const described = `${Math.round(g.width)}×${Math.round(g.height)} · ${Math.round(turned.angle)}°`;
	await expect(page.getByTestId('editor-hint')).toHaveText(described);
	expectNear(turned.cx, g.cx, 0.01);
	expectNear(turned.width, g.width, 0.01);
	await expect(row(boxId)).toContainText(described);
	// A point inside the turned box but outside the upright one still selects it.
	await page.keyboard.press('Escape');
	expect(await selectedId()).toBeNull();
	const inside = towards(turned.cx, turned.cy, 30 + 90, 190); // along its long axis, near the end
	await clickOnImage(page, inside.x, inside.y);
	expect(await selectedId()).toBe(boxId);
});

test('draws an ellipse, and a circle with Shift', async () => {
	await page.keyboard.press('e');
	await expect(page.getByTestId('tool-ellipse')).toHaveAttribute('aria-pressed', 'true');
	await drag({ x: 800, y: 150 }, { x: 1100, y: 350 });
	await expect(rows()).toHaveCount(2);
	ellipseId = await newestRowId();
	const e = await geometry<Ellipse>(ellipseId);
	expectNear(e.cx, 950);
	expectNear(e.cy, 250);
	expectNear(e.rx, 150);
	expectNear(e.ry, 100);
	await page.keyboard.down('Shift');
	await drag({ x: 800, y: 500 }, { x: 1000, y: 650 });
	await page.keyboard.up('Shift');
	await expect(rows()).toHaveCount(3);
	circleId = await newestRowId();
	const c = await geometry<Ellipse>(circleId);
	expectNear(c.rx, 100);
	expect(c.ry).toBe(c.rx);
	expectNear(c.cx, 900);
	expectNear(c.cy, 600);
	await expect(row(circleId)).toContainText('⌀');
});

test('turns the ellipse by its rotate handle', async () => {
	await page.keyboard.press('v');
	await clickOnImage(page, 950, 250);
	expect(await selectedId()).toBe(ellipseId);
	const e = await geometry<Ellipse>(ellipseId);
	await drag({ x: e.cx, y: e.cy - e.ry - rotateGap(e.ry) }, towards(e.cx, e.cy, -45, 150));
	const turned = await geometry<Ellipse>(ellipseId);
	expectNear(turned.angle, -45, 1);
	await expect(page.getByTestId('editor-hint')).toContainText(` · ${Math.round(turned.angle)}°`);
	expect([turned.cx, turned.cy, turned.rx, turned.ry]).toEqual([e.cx, e.cy, e.rx, e.ry]);
});

test('draws a cuboid: front face by dragging, back face by moving, fixed by a click', async () => {
	await page.keyboard.press('c');
	await expect(page.getByTestId('tool-cuboid')).toHaveAttribute('aria-pressed', 'true');
	await drag({ x: 200, y: 600 }, { x: 400, y: 800 });
	await expect(rows()).toHaveCount(3); // still placing the back face
	const release = await toScreen(page, 400, 800);
	const to = await toScreen(page, 450, 750);
	await page.mouse.move((release.x + to.x) / 2, (release.y + to.y) / 2, { steps: 3 });
	await page.mouse.move(to.x, to.y, { steps: 3 });
	await page.mouse.click(to.x, to.y);
	await expect(rows()).toHaveCount(4);
	cuboidId = await newestRowId();
	await expect(row(cuboidId)).toHaveAttribute('data-type', 'cuboid');
	const expected = [200, 600, 400, 600, 400, 800, 200, 800, 250, 550, 450, 550, 450, 750, 250, 750];
	const { points } = await geometry<Cuboid>(cuboidId);
	expect(points).toHaveLength(16);
	points.forEach((v, i) => expectNear(v, expected[i]));
});

test('drags one back corner of the cuboid; undo and redo it', async () => {
	await page.keyboard.press('v');
	expect(await selectedId()).toBe(cuboidId);
	const before = (await geometry<Cuboid>(cuboidId)).points;
	await drag({ x: before[10], y: before[11] }, { x: 480, y: 520 });
	const after = (await geometry<Cuboid>(cuboidId)).points;
	expectNear(after[10], 480);
	expectNear(after[11], 520);
	expect([...after.slice(0, 10), ...after.slice(12)]).toEqual([...before.slice(0, 10), ...before.slice(12)]);
	await page.keyboard.press('Control+z');
	await expect(row(cuboidId)).toHaveAttribute('data-geometry', JSON.stringify({ points: before }));
	await page.keyboard.press('Control+Shift+z');
	await expect(row(cuboidId)).toHaveAttribute('data-geometry', JSON.stringify({ points: after }));
});

test('zooming and fitting keep the shapes where they are', async () => {
	await page.keyboard.press('Escape');
	await page.keyboard.press('+');
	await page.keyboard.press('0');
	await clickOnImage(page, 900, 600); // the circle's centre
	expect(await selectedId()).toBe(circleId);
});

test('a reload shows every geometry unchanged', async () => {
	const before = await allGeometries();
	expect(Object.keys(before)).toHaveLength(4);
	await page.reload();
	await waitForEditor(page);
	await expect(rows()).toHaveCount(4);
	expect(await allGeometries()).toEqual(before);
	await row(boxId).click();
	expect(await selectedId()).toBe(boxId);
	await page.screenshot({ path: '/tmp/peerlabel-shapes-rotated.png' });
});
