import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { dragOnImage, shapeGeometry, shapeRows, toScreen, waitForEditor, type BoxGeometry } from './support/editor';

/**
 * An edit survives the tab dying: once the header says Saved it is in IndexedDB, and an edit made
 * (or still under way) when the page goes away is written before it goes.
 *
 * Headless Chromium never hides a tab (another tab in front, a minimised window: still "visible"), so
 * the hide these tests use is the tab being closed: pagehide, as when the user closes it.
 */

async function openSeededEditor(page: Page, seed: number): Promise<string> {
	await page.goto(`/dev/seed?images=1&polygons=0&width=800&height=600&seed=${seed}`);
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	return page.url();
}

async function drawBox(page: Page): Promise<string> {
	await page.keyboard.press('b');
	await dragOnImage(page, { x: 100, y: 100 }, { x: 300, y: 250 });
	await expect(shapeRows(page)).toHaveCount(1);
	return (await shapeRows(page).first().getAttribute('data-id'))!;
}

/** Opens the editor again in a new tab of the same browser profile. */
async function reopen(context: BrowserContext, url: string): Promise<Page> {
	const page = await context.newPage();
	await page.goto(url);
	await waitForEditor(page);
	return page;
}

const near = (actual: number, expected: number) => expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(2);

test('a box reported saved is there after the tab crashes', async ({ page, context }) => {
	const url = await openSeededEditor(page, 11);
	const id = await drawBox(page);
	await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');
	await expect(page.getByTestId('save-state')).toHaveText('Saved');

	// The renderer dies at once: no pagehide, no unload, nothing more runs in the page.
	const cdp = await context.newCDPSession(page);
	const crashed = page.waitForEvent('crash');
	void cdp.send('Page.crash').catch(() => {});
	await crashed;

	const again = await reopen(context, url);
	await expect(shapeRows(again)).toHaveCount(1);
	const g = await shapeGeometry<BoxGeometry>(again, id);
	near(g.x, 100);
	near(g.width, 200);
});

test('a box drawn just before the tab is closed is there when it is opened again', async ({ page, context }) => {
	const url = await openSeededEditor(page, 13);
	const id = await drawBox(page);
	// No waiting for Saved: the tab goes at once.
	const closed = page.waitForEvent('close');
	await page.close({ runBeforeUnload: true });
	await closed;

	const again = await reopen(context, url);
	await expect(shapeRows(again)).toHaveCount(1);
	near((await shapeGeometry<BoxGeometry>(again, id)).x, 100);
});

test('a box still being dragged when the tab is closed is saved where it was', async ({ page, context }) => {
	const url = await openSeededEditor(page, 12);
	const id = await drawBox(page);
	await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');

	// Grab the box and move it 100 px right, without letting go.
	await page.keyboard.press('v');
	const from = await toScreen(page, 200, 175);
	const to = await toScreen(page, 300, 175);
	await page.mouse.move(from.x, from.y);
	await page.mouse.down();
	await page.mouse.move(to.x, to.y, { steps: 8 });

	// Closing the tab: the page gets pagehide and is gone; the pointerup never comes.
	const closed = page.waitForEvent('close');
	await page.close({ runBeforeUnload: true });
	await closed;

	const again = await reopen(context, url);
	await expect(shapeRows(again)).toHaveCount(1);
	const g = await shapeGeometry<BoxGeometry>(again, id);
	near(g.x, 200);
	near(g.y, 100);
});
