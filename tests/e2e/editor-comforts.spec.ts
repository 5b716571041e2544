import { expect, test, type Page } from '@playwright/test';
import { clickOnImage, dragOnImage, editorCanvas, shapeGeometry, shapeRow, shapeRows, waitForEditor, type BoxGeometry } from './support/editor';

/**
 * Copy and paste, duplicate, repeat from the previous image, z-order, lock, hide, rebindable shortcuts
 * and display settings, driven as a user does in one seeded project (2 images of 1600x1000, classes
 * car/person/tree).
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let firstImageUrl = '';
let a = ''; // box (100,100)-(400,300), drawn first
let b = ''; // box (350,250)-(650,500), drawn second: on top where they overlap
const OVERLAP = { x: 375, y: 275 };
const ONLY_A = { x: 150, y: 150 };
const ONLY_B = { x: 600, y: 450 };

const canvas = () => editorCanvas(page);
const rows = () => shapeRows(page);
const row = (id: string) => shapeRow(page, id);
const geometry = (id: string) => shapeGeometry<BoxGeometry>(page, id);
const selectedId = () => canvas().getAttribute('data-selected-id');
const hint = () => page.getByTestId('editor-hint');
const click = (p: { x: number; y: number }) => clickOnImage(page, p.x, p.y);

/** A box moved by (dx, dy): drawn geometry is floats from screen points, so compare to 0.01 px. */
async function expectMoved(id: string, from: BoxGeometry, dx: number, dy: number) {
	const g = await geometry(id);
	for (const [k, v] of Object.entries({ ...from, x: from.x + dx, y: from.y + dy }))
		expect(Math.abs(g[k as keyof BoxGeometry] - v), `${k}: ${g[k as keyof BoxGeometry]} ≈ ${v}`).toBeLessThan(0.01);
}

/** The shapes of the image as the list shows them: ids and geometry, topmost first. */
async function listed(): Promise<{ id: string; geometry: string }[]> {
	return rows().evaluateAll((els) => els.map((r) => ({ id: r.getAttribute('data-id') ?? '', geometry: r.getAttribute('data-geometry') ?? '' })));
}

/** RGB of the base canvas (image + shape tiles) at an image point, optionally `dx` screen px beside it. */
async function basePixel(x: number, y: number, dx = 0): Promise<number[]> {
	const [scale, tx, ty] = await Promise.all(['data-scale', 'data-tx', 'data-ty'].map((n) => canvas().getAttribute(n)));
	return page.evaluate(
		({ sx, sy }) => {
			const c = document.querySelector<HTMLCanvasElement>('canvas.editor-base')!;
			const d = window.devicePixelRatio || 1;
			return [...c.getContext('2d')!.getImageData(Math.round(sx * d), Math.round(sy * d), 1, 1).data.slice(0, 3)];
		},
		{ sx: x * Number(scale) + Number(tx) + dx, sy: y * Number(scale) + Number(ty) }
	);
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	await page.goto('/dev/seed?images=2&polygons=0&width=1600&height=1000&seed=7');
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	firstImageUrl = page.url();
});

test.afterAll(async () => {
	await page.context().close();
});

test('two overlapping boxes: a click in the overlap picks the top one', async () => {
	await page.keyboard.press('b');
	await dragOnImage(page, { x: 100, y: 100 }, { x: 400, y: 300 });
	await expect(rows()).toHaveCount(1);
	a = (await rows().first().getAttribute('data-id'))!;
	await dragOnImage(page, { x: 350, y: 250 }, { x: 650, y: 500 });
	await expect(rows()).toHaveCount(2);
	b = (await rows().first().getAttribute('data-id'))!;
	await page.keyboard.press('v');
	await page.keyboard.press('Escape');
	await click(OVERLAP);
	expect(await selectedId()).toBe(b);
});

test('send to back and bring to front change which shape a click picks', async () => {
	await click(ONLY_B);
	expect(await selectedId()).toBe(b);
	await page.keyboard.press('[');
	await expect(rows().first()).toHaveAttribute('data-id', a);
	await page.keyboard.press('Escape');
	await click(OVERLAP);
	expect(await selectedId()).toBe(a);
	// The toolbar button runs the same action.
	await click(ONLY_B);
	await page.getByTestId('order-front').click();
	await expect(rows().first()).toHaveAttribute('data-id', b);
	await page.keyboard.press('Escape');
	await click(OVERLAP);
	expect(await selectedId()).toBe(b);
});

test('a locked shape cannot be moved or deleted until unlocked', async () => {
	await click(ONLY_A);
	expect(await selectedId()).toBe(a);
	const before = await geometry(a);
	await page.keyboard.press('Control+l');
	await expect(row(a)).toHaveAttribute('data-locked', 'true');
	await dragOnImage(page, ONLY_A, { x: 250, y: 220 });
	await expect(hint()).toContainText('This shape is locked');
	expect(await geometry(a)).toEqual(before);
	await page.keyboard.press('Delete');
	await expect(hint()).toContainText('locked');
	await expect(rows()).toHaveCount(2);
	await page.keyboard.press('Control+l');
	await expect(row(a)).toHaveAttribute('data-locked', 'false');
	await dragOnImage(page, ONLY_A, { x: 170, y: 150 });
	await expect.poll(async () => (await geometry(a)).x).not.toBe(before.x);
	await expectMoved(a, before, 20, 0);
	await page.keyboard.press('Control+z');
	await expect.poll(() => geometry(a)).toEqual(before);
});

test('a hidden shape is not hit; the eye in the list shows it again; a class can be hidden', async () => {
	await click(OVERLAP);
	expect(await selectedId()).toBe(b);
	await page.keyboard.press('Alt+h');
	await expect(row(b)).toHaveAttribute('data-hidden', 'true');
	expect(await selectedId()).toBeNull();
	await click(ONLY_B);
	expect(await selectedId()).toBeNull();
	await click(OVERLAP);
	expect(await selectedId()).toBe(a); // the one below
	await row(b).getByTestId('shape-visibility').click();
	await expect(row(b)).toHaveAttribute('data-hidden', 'false');
	await click(OVERLAP);
	expect(await selectedId()).toBe(b);

	const car = await row(a).getAttribute('data-class-id');
	await page.locator(`[data-testid="class-visibility"][data-class-id="${car}"]`).click();
	await expect(row(a)).toHaveAttribute('data-hidden', 'true');
	await expect(row(b)).toHaveAttribute('data-hidden', 'true');
	await click(ONLY_A);
	expect(await selectedId()).toBeNull();
	await page.locator(`[data-testid="class-visibility"][data-class-id="${car}"]`).click();
	await expect(row(a)).toHaveAttribute('data-hidden', 'false');
	await click(ONLY_A);
	expect(await selectedId()).toBe(a);
});

let pasted = '';

test('copy and paste on the same image lands 10 px off; undo and redo the paste', async () => {
	await click(ONLY_A);
	await page.keyboard.press('Control+c');
	await page.keyboard.press('Control+v');
	await expect(rows()).toHaveCount(3);
	pasted = (await selectedId())!;
	expect([a, b]).not.toContain(pasted);
	await expectMoved(pasted, await geometry(a), 10, 10);
	await page.keyboard.press('Control+z');
	await expect(rows()).toHaveCount(2);
	await page.getByTestId('redo').click();
	await expect(rows()).toHaveCount(3);
	await expectMoved(pasted, await geometry(a), 10, 10);
});

test('duplicate makes a selected copy 10 px off', async () => {
	await click(ONLY_B);
	await page.keyboard.press('Control+d');
	await expect(rows()).toHaveCount(4);
	const copy = (await selectedId())!;
	expect([a, b, pasted]).not.toContain(copy);
	await expectMoved(copy, await geometry(b), 10, 10);
});

test('arrow keys move the selected shape by 1 px, by 10 px with Shift, one undo step each', async () => {
	const id = (await selectedId())!;
	const before = await geometry(id);
	await page.keyboard.press('ArrowRight');
	await page.keyboard.press('Shift+ArrowDown');
	await expect.poll(async () => (await geometry(id)).y).toBeCloseTo(before.y + 10, 5);
	await expectMoved(id, before, 1, 10);
	await expect(page.getByTestId('image-position')).toHaveText('1 / 2'); // with a selection the arrows do not turn pages
	await page.keyboard.press('Control+z');
	await expect.poll(async () => (await geometry(id)).y).toBeCloseTo(before.y, 5);
	await expectMoved(id, before, 1, 0);
	await page.keyboard.press('Control+z');
	await expect.poll(() => geometry(id)).toEqual(before);
});

test('the clipboard survives moving to another image: the paste lands at the same place', async () => {
	const original = await geometry(a);
	await page.keyboard.press('f');
	await expect(page.getByTestId('image-position')).toHaveText('2 / 2');
	await waitForEditor(page);
	await expect(rows()).toHaveCount(0);
	await page.keyboard.press('Control+v');
	await expect(rows()).toHaveCount(1);
	await expectMoved((await selectedId())!, original, 0, 0);
});

test('repeat the previous image copies its shapes, as one undo step', async () => {
	await page.keyboard.press('Shift+R');
	await expect(hint()).toHaveText('Copied 4 shapes from image-00001.png');
	await expect(rows()).toHaveCount(5);
	await page.keyboard.press('Control+z');
	await expect(rows()).toHaveCount(1);
	await page.getByTestId('repeat-previous').click();
	await expect(rows()).toHaveCount(5);
	await page.keyboard.press('d');
	await expect(page).toHaveURL(firstImageUrl);
	await waitForEditor(page);
	await expect(rows()).toHaveCount(4);
});

test('the shortcut sheet lists actions; a rebinding refuses conflicts, works, and survives a reload', async () => {
	await page.keyboard.press('?');
	const sheet = page.getByTestId('shortcut-sheet');
	await expect(sheet).toBeVisible();
	for (const id of ['tool.box', 'copy', 'paste', 'lock', 'order.front', 'image.next']) await expect(sheet.locator(`[data-action="${id}"]`)).toHaveCount(1);
	const boxRow = sheet.locator('[data-action="tool.box"]');
	await boxRow.getByTestId('shortcut-change').click();
	await page.keyboard.press('v');
	await expect(page.getByTestId('shortcut-message')).toHaveText('V is already used by “Select”');
	await expect(boxRow.getByTestId('shortcut-keys')).toHaveText('B');
	await boxRow.getByTestId('shortcut-change').click();
	await page.keyboard.press('Alt+b');
	await expect(boxRow.getByTestId('shortcut-keys')).toHaveText('Alt+B');
	await expect(page.getByTestId('shortcut-message')).toHaveText('Box tool: Alt+B');
	await page.keyboard.press('Escape');
	await expect(sheet).toBeHidden();

	await page.keyboard.press('b');
	await expect(page.getByTestId('tool-select')).toHaveAttribute('aria-pressed', 'true');
	await page.keyboard.press('Alt+b');
	await expect(page.getByTestId('tool-box')).toHaveAttribute('aria-pressed', 'true');
	await expect(page.getByTestId('tool-box')).toHaveAttribute('title', 'Box (Alt+B)');

	await page.reload();
	await waitForEditor(page);
	await expect(page.getByTestId('tool-box').getByTestId('tool-key')).toHaveText('Alt+B');
	await page.keyboard.press('Alt+b');
	await expect(page.getByTestId('tool-box')).toHaveAttribute('aria-pressed', 'true');

	await page.keyboard.press('v');
	await page.getByTestId('shortcuts-open').click();
	await boxRow.getByTestId('shortcut-reset').click();
	await expect(boxRow.getByTestId('shortcut-keys')).toHaveText('B');
	await page.keyboard.press('Escape');
	await page.keyboard.press('b');
	await expect(page.getByTestId('tool-box')).toHaveAttribute('aria-pressed', 'true');
	await page.keyboard.press('v');
});

test('fill opacity and outline width redraw the shapes and are kept over a reload', async () => {
	await page.keyboard.press('Escape');
	await waitForEditor(page);
	const inside = { x: 500, y: 480 }; // inside b only (and its duplicate's) fill
	const before = await basePixel(inside.x, inside.y);
	await page.getByTestId('view-settings-open').click();
	await page.getByTestId('fill-opacity').fill('100');
	await expect(page.getByTestId('fill-opacity-value')).toHaveText('100%');
	await waitForEditor(page);
	await expect.poll(() => basePixel(inside.x, inside.y)).not.toEqual(before);
	// 2 screen px left of a's left edge: outside a 1 px outline, inside a 4 px one.
	const edge = await geometry(a);
	const outside = () => basePixel(edge.x, ONLY_A.y, -2);
	const thin = await outside();
	await page.getByTestId('outline-width').fill('4');
	await expect(page.getByTestId('outline-width-value')).toHaveText('4 px');
	await waitForEditor(page);
	await expect.poll(outside).not.toEqual(thin);
	const list = await listed();
	await page.reload();
	await waitForEditor(page);
	await page.getByTestId('view-settings-open').click();
	await expect(page.getByTestId('fill-opacity-value')).toHaveText('100%');
	await expect(page.getByTestId('outline-width-value')).toHaveText('4 px');
	// A reload keeps the document as it was.
	expect(await listed()).toEqual(list);
	// So does the clipboard (sessionStorage): a's place and the one 10 px off are taken, so 20 px off.
	await page.keyboard.press('Escape');
	await page.keyboard.press('Control+v');
	await expect(rows()).toHaveCount(5);
	await expectMoved((await selectedId())!, await geometry(a), 20, 20);
});
