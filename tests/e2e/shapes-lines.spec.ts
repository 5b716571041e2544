import { expect, test, type Page } from '@playwright/test';
import { COCO_PERSON } from '../../src/lib/shapes/skeleton/templates';
import {
	clickOnImage,
	dragOnImage,
	editorCanvas,
	shapeGeometry,
	shapeRow,
	shapeRows,
	toScreen,
	waitForEditor,
	type PolygonGeometry
} from './support/editor';

/**
 * Polygons with holes, polylines, keypoints and skeletons as a user draws them, with vertex snapping:
 * one seeded project (1600x1000 images; classes building, road, and person with the COCO-17 skeleton).
 */
test.describe.configure({ mode: 'serial' });

type Poly = PolygonGeometry & { holes?: number[][] };
type Line = { points: number[] };
type Skeleton = { points: number[]; visibility: number[] };

let page: Page;

const canvas = () => editorCanvas(page);
const rows = () => shapeRows(page);
const row = (id: string) => shapeRow(page, id);
const selectedId = () => canvas().getAttribute('data-selected-id');
const geometry = <G>(id: string) => shapeGeometry<G>(page, id);
const clickImage = (x: number, y: number) => clickOnImage(page, x, y);
const hoverImage = async (x: number, y: number) => {
	const p = await toScreen(page, x, y);
	await page.mouse.move(p.x, p.y, { steps: 3 });
};

async function newestRowId(): Promise<string> {
	return (await rows().first().getAttribute('data-id'))!;
}

function expectNear(actual: number, expected: number, tolerance = 2) {
	expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(tolerance);
}

async function pickClass(name: string) {
	await page.keyboard.press('Escape'); // picking a class with a shape selected would change that shape's class
	await page.getByTestId('class-option').filter({ hasText: name }).click();
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()); // Enter is for the tools
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	const classes = [{ name: 'building' }, { name: 'road' }, { name: 'person', skeleton: COCO_PERSON }];
	await page.goto(`/dev/seed?images=1&polygons=0&width=1600&height=1000&seed=11&classes=${encodeURIComponent(JSON.stringify(classes))}`);
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
});

test.afterAll(async () => {
	await page.context().close();
});

let polyId = '';
let lineId = '';
let neighbourId = '';
let keypointId = '';
let skeletonId = '';

test('cuts a hole in a polygon with H; the hole is see-through to clicks, the ring is not', async () => {
	await pickClass('building');
	await page.keyboard.press('p');
	for (const [x, y] of [
		[200, 200],
		[600, 200],
		[600, 600],
		[200, 600]
	])
		await clickImage(x, y);
	await page.keyboard.press('Enter');
	await expect(rows()).toHaveCount(1);
	polyId = await newestRowId();
	expect(await selectedId()).toBe(polyId);

	await page.keyboard.press('h');
	await expect(page.getByTestId('editor-hint')).toContainText('hole');
	for (const [x, y] of [
		[300, 300],
		[500, 300],
		[500, 500],
		[300, 500]
	])
		await clickImage(x, y);
	await page.keyboard.press('Enter');
	await expect.poll(async () => (await geometry<Poly>(polyId)).holes?.length ?? 0).toBe(1);
	await expect(rows()).toHaveCount(1); // a hole, not a new shape
	const g = await geometry<Poly>(polyId);
	expect(g.points).toHaveLength(8);
	expect(g.holes![0]).toHaveLength(8);
	expectNear(g.holes![0][0], 300);

	await page.keyboard.press('v');
	await page.keyboard.press('Escape');
	await clickImage(400, 400); // inside the hole
	expect(await selectedId()).toBeNull();
	await clickImage(250, 250); // in the ring
	expect(await selectedId()).toBe(polyId);
});

test('draws a polyline finished by Enter and drags one of its vertices', async () => {
	await pickClass('road');
	await page.keyboard.press('l');
	await expect(page.getByTestId('tool-polyline')).toHaveAttribute('aria-pressed', 'true');
	for (const [x, y] of [
		[800, 100],
		[1000, 150],
		[1200, 100]
	])
		await clickImage(x, y);
	await expect(rows()).toHaveCount(1); // still drawing
	await page.keyboard.press('Enter');
	await expect(rows()).toHaveCount(2);
	lineId = await newestRowId();
	await expect(row(lineId)).toHaveAttribute('data-type', 'polyline');
	expect((await geometry<Line>(lineId)).points).toHaveLength(6);

	await page.keyboard.press('v');
	expect(await selectedId()).toBe(lineId);
	const pts = (await geometry<Line>(lineId)).points;
	await dragOnImage(page, { x: pts[2], y: pts[3] }, { x: 1000, y: 250 });
	await expect.poll(async () => (await geometry<Line>(lineId)).points[3]).not.toBe(pts[3]);
	const moved = (await geometry<Line>(lineId)).points;
	expectNear(moved[2], 1000);
	expectNear(moved[3], 250);
	expect(moved).toHaveLength(6);
});

test('a vertex placed near another shape’s vertex snaps exactly onto it', async () => {
	await pickClass('building');
	const outer = (await geometry<Poly>(polyId)).points;
	const shared = { x: outer[4], y: outer[5] }; // the (600, 600) corner
	await page.keyboard.press('p');
	await clickImage(shared.x + 3, shared.y - 2);
	await clickImage(900, 600);
	await clickImage(900, 900);
	await clickImage(600, 900);
	await page.keyboard.press('Enter');
	await expect(rows()).toHaveCount(3);
	neighbourId = await newestRowId();
	const g = await geometry<Poly>(neighbourId);
	expect(g.points[0]).toBe(shared.x);
	expect(g.points[1]).toBe(shared.y);
});

test('with snapping turned off in the display settings, the same click stays where it was made', async () => {
	const outer = (await geometry<Poly>(polyId)).points;
	const shared = { x: outer[4], y: outer[5] };
	await page.getByTestId('view-settings-open').click();
	await page.getByTestId('snap-to-vertices').uncheck();
	await page.getByTestId('view-settings-open').click();
	await page.keyboard.press('p');
	await clickImage(shared.x + 3, shared.y - 2);
	await clickImage(shared.x + 200, shared.y - 2);
	await clickImage(shared.x + 200, shared.y - 150);
	await page.keyboard.press('Enter');
	await expect(rows()).toHaveCount(4);
	const freeId = await newestRowId();
	const g = await geometry<Poly>(freeId);
	expectNear(g.points[0], shared.x + 3, 0.5);
	expect(g.points[0]).not.toBe(shared.x);
	await page.keyboard.press('Delete');
	await expect(rows()).toHaveCount(3);
	await page.getByTestId('view-settings-open').click();
	await page.getByTestId('snap-to-vertices').check();
	await page.getByTestId('view-settings-open').click();
});

test('places a keypoint with one click', async () => {
	await page.keyboard.press('k');
	await clickImage(1450, 900);
	await expect(rows()).toHaveCount(4);
	keypointId = await newestRowId();
	await expect(row(keypointId)).toHaveAttribute('data-type', 'keypoint');
	const g = await geometry<{ x: number; y: number }>(keypointId);
	expectNear(g.x, 1450);
	expectNear(g.y, 900);
});

test('places a person skeleton, drags a point, and cycles another’s visibility with O', async () => {
	await page.keyboard.press('Escape');
	await pickClass('building');
	await page.keyboard.press('s');
	await dragOnImage(page, { x: 1000, y: 350 }, { x: 1250, y: 850 });
	await expect(page.getByTestId('editor-hint')).toContainText('no skeleton template');
	await expect(rows()).toHaveCount(4);

	await pickClass('person');
	await page.keyboard.press('s');
	await dragOnImage(page, { x: 1000, y: 350 }, { x: 1250, y: 850 });
	await expect(rows()).toHaveCount(5);
	skeletonId = await newestRowId();
	await expect(row(skeletonId)).toHaveAttribute('data-type', 'skeleton');
	const placed = await geometry<Skeleton>(skeletonId);
	expect(placed.points).toHaveLength(34);
	expect(placed.visibility).toEqual(new Array(17).fill(2));

	await page.keyboard.press('v');
	expect(await selectedId()).toBe(skeletonId);
	const wrist = { x: placed.points[18], y: placed.points[19] }; // left_wrist
	await dragOnImage(page, wrist, { x: wrist.x + 30, y: wrist.y + 40 });
	await expect.poll(async () => (await geometry<Skeleton>(skeletonId)).points[18]).not.toBe(wrist.x);
	const dragged = await geometry<Skeleton>(skeletonId);
	expectNear(dragged.points[18], wrist.x + 30);
	expectNear(dragged.points[19], wrist.y + 40);

	await hoverImage(placed.points[30], placed.points[31]); // left_ankle
	await page.keyboard.press('o');
	await expect.poll(async () => (await geometry<Skeleton>(skeletonId)).visibility[15]).toBe(1);
	expect((await geometry<Skeleton>(skeletonId)).visibility.filter((v) => v === 2)).toHaveLength(16);
});

test('undo and redo an edit', async () => {
	await page.keyboard.press('Control+z');
	await expect.poll(async () => (await geometry<Skeleton>(skeletonId)).visibility[15]).toBe(2);
	await page.keyboard.press('Control+Shift+z');
	await expect.poll(async () => (await geometry<Skeleton>(skeletonId)).visibility[15]).toBe(1);
});

test('a reload shows every shape unchanged', async () => {
	const ids = [polyId, lineId, neighbourId, keypointId, skeletonId];
	const before = await Promise.all(ids.map((id) => geometry<unknown>(id)));
	await page.reload();
	await waitForEditor(page);
	await expect(rows()).toHaveCount(5);
	expect(await Promise.all(ids.map((id) => geometry<unknown>(id)))).toEqual(before);
	expect((await geometry<Poly>(polyId)).holes).toHaveLength(1);
	await page.screenshot({ path: '/tmp/peerlabel-shapes-lines.png' });
});
