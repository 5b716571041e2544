import { expect, test, type Locator, type Page } from '@playwright/test';
import { clickOnImage, dragOnImage, editorCanvas, toScreen, waitForEditor } from './support/editor';
import { closeAll, join, newPeer, seedOn, shareProject, syncBadge } from './support/peers';

const PX = 3; // screen tolerance: pointer events and layout round to device pixels

const imageCell = (page: Page, imageId: string) => page.locator(`[data-testid="image-cell"][data-image-id="${imageId}"]`);

/** Moves between the library and the editor as a user does, in the page (a reload would drop the peer link). */
async function openImage(page: Page, imageId: string) {
	await imageCell(page, imageId).click();
	await expect(editorCanvas(page)).toBeVisible();
}
async function backToLibrary(page: Page) {
	await page.getByTitle('Back to the library').click();
	await expect(page.getByTestId('library')).toBeVisible();
}

async function expectAt(el: Locator, p: { x: number; y: number }) {
	const box = (await el.boundingBox())!;
	expect(Math.abs(box.x - p.x)).toBeLessThan(PX);
	expect(Math.abs(box.y - p.y)).toBeLessThan(PX);
}

test('presence and cursor of A are visible to B', async ({ browser }) => {
	// A closed browser sends no goodbye: B notices when WebRTC gives up on the link, some 20 s later.
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId, imageId } = await seedOn(a.page, 'images=2&polygons=3&width=800&height=600&seed=11');
		await join(b.page, await shareProject(a.page, projectId));
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });

		// Both open the same image: B sees Ada's face in the editor's toolbar.
		await openImage(a.page, imageId);
		await waitForEditor(a.page);
		await openImage(b.page, imageId);
		const faces = b.page.getByTestId('image-peers').getByTestId('peer-face');
		await expect(faces).toHaveCount(1);
		await expect(faces).toHaveAttribute('data-name', 'Ada');
		await expect(faces).toHaveAttribute('title', /Ada/);

		// Ada's pointer at image point (200, 150) shows on B at B's own screen point for it.
		const onA = await toScreen(a.page, 200, 150);
		await a.page.mouse.move(onA.x - 40, onA.y - 30);
		await a.page.mouse.move(onA.x, onA.y, { steps: 5 });
		const cursor = b.page.getByTestId('remote-cursor');
		await expect(cursor).toHaveAttribute('data-name', 'Ada');
		await expect.poll(async () => Math.abs(Number(await cursor.getAttribute('data-x')) - 200)).toBeLessThan(1.5);
		await expect.poll(async () => Math.abs(Number(await cursor.getAttribute('data-y')) - 150)).toBeLessThan(1.5);
		await expectAt(cursor, await toScreen(b.page, 200, 150));
		await expect(cursor).toContainText('Ada');

		// It follows B's zoom.
		const scale = await editorCanvas(b.page).getAttribute('data-scale');
		await b.page.getByTitle(/^Zoom in/).click();
		await expect(editorCanvas(b.page)).not.toHaveAttribute('data-scale', scale!);
		await expectAt(cursor, await toScreen(b.page, Number(await cursor.getAttribute('data-x')), Number(await cursor.getAttribute('data-y'))));

		// Ada draws a box, deselects it, then clicks it: B outlines it, named after her.
		await a.page.keyboard.press('b');
		await dragOnImage(a.page, { x: 100, y: 100 }, { x: 300, y: 250 });
		const boxId = await editorCanvas(a.page).getAttribute('data-selected-id');
		expect(boxId).toBeTruthy();
		await a.page.keyboard.press('v');
		await a.page.keyboard.press('Escape');
		await expect(editorCanvas(a.page)).not.toHaveAttribute('data-selected-id');
		const outline = b.page.getByTestId('remote-selection');
		await expect(outline).toHaveCount(0);
		await clickOnImage(a.page, 200, 175);
		await expect(editorCanvas(a.page)).toHaveAttribute('data-selected-id', boxId!);
		await expect(outline).toHaveAttribute('data-shape-id', boxId!);
		await expect(outline).toHaveAttribute('data-name', 'Ada');
		await expectAt(outline, await toScreen(b.page, 100, 100));
		const corner = await toScreen(b.page, 300, 250);
		const box = (await outline.boundingBox())!;
		expect(Math.abs(box.x + box.width - corner.x)).toBeLessThan(PX);
		expect(Math.abs(box.y + box.height - corner.y)).toBeLessThan(PX);

		// Ada goes back to the library: her cursor, outline and face leave B's editor.
		await backToLibrary(a.page);
		await expect(cursor).toHaveCount(0);
		await expect(outline).toHaveCount(0);
		await expect(faces).toHaveCount(0);

		// B in the library sees which image Ada opens next, on its thumbnail and in the peer list.
		await backToLibrary(b.page);
		const other = (await a.page.getByTestId('image-cell').nth(1).getAttribute('data-image-id'))!;
		const otherName = (await imageCell(a.page, other).getAttribute('data-name'))!;
		await openImage(a.page, other);
		const marker = imageCell(b.page, other).getByTestId('image-peer');
		await expect(marker).toHaveAttribute('data-name', 'Ada');
		await expect(imageCell(b.page, imageId).getByTestId('image-peer')).toHaveCount(0);
		await syncBadge(b.page).click();
		const ada = b.page.getByTestId('peer-list').getByTestId('peer');
		await expect(ada).toHaveAttribute('data-peer-name', 'Ada');
		await expect(ada).toContainText(`on ${otherName}`);

		// Ada closes her browser: B's list of who is online empties.
		await a.context.close();
		await expect(b.page.getByTestId('peer-list-empty')).toBeVisible({ timeout: 45_000 });
		await expect(marker).toHaveCount(0);
		await expect(b.page.getByTestId('online-peers')).toHaveCount(0);
	} finally {
		await closeAll(a, b);
	}
});
