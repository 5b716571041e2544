import { expect, test, type Locator, type Page } from '@playwright/test';
import { clickOnImage, dragOnImage, editorCanvas, toScreen, waitForEditor } from './support/editor';
import { publishPresence } from './support/hostile-presence';
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

/** What a style injection would change: where the element is laid out, and what it loads. */
const layout = (el: Locator) => el.evaluate((e) => ({ position: getComputedStyle(e).position, backgroundImage: getComputedStyle(e).backgroundImage }));

test("a peer's hostile presence neither styles nor breaks a teammate's views", async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId, imageId } = await seedOn(a.page, 'images=1&polygons=2&width=800&height=600&seed=13');
		await join(b.page, await shareProject(a.page, projectId));
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		const fetched: string[] = [];
		b.page.on('request', (r) => r.url().includes('hostile-presence') && fetched.push(r.url()));
		await openImage(b.page, imageId);
		await waitForEditor(b.page);

		// Ada's page relays states of its choosing: a colour that injects style, a number as a name, a
		// name of 10,000 characters, a selection of 100,000 shapes.
		const on = { imageId, cursor: { x: 200, y: 150 }, selection: [] };
		const injected = 'red; position: fixed; inset: 0; z-index: 9999; background-image: url(/hostile-presence.png)';
		await publishPresence(a.page, projectId, [
			{ ...on, user: { id: 'u-style', name: 'Mallory', color: injected } },
			{ ...on, user: { id: 'u-number', name: 12345, color: '#123456' } },
			{ ...on, user: { id: 'u-long', name: 'L'.repeat(10_000), color: '#123456' } },
			{ ...on, user: { id: 'u-many', name: 'Many', color: '#123456' }, selection: Array.from({ length: 100_000 }, (_, i) => `shape-${i}`) }
		]);

		// B's editor shows Mallory (in a colour of her own, laid out as any face) and the long name cut
		// to 64 characters; the other two are not shown.
		const faces = b.page.getByTestId('image-peers').getByTestId('peer-face');
		await expect(faces).toHaveCount(2);
		expect(await faces.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['L'.repeat(64), 'Mallory']);
		const mallory = faces.filter({ hasText: 'M' });
		expect(await layout(mallory)).toEqual({ position: 'static', backgroundImage: 'none' });
		const cursors = b.page.getByTestId('remote-cursor');
		await expect(cursors).toHaveCount(2);
		const cursor = cursors.and(b.page.locator('[data-name="Mallory"]'));
		expect(await layout(cursor)).toEqual({ position: 'absolute', backgroundImage: 'none' });
		expect(await cursor.evaluate((e) => getComputedStyle(e).getPropertyValue('--c').trim())).toMatch(/^#[0-9a-f]{6}$/i);

		// B's canvas still works: B draws a box.
		await b.page.keyboard.press('b');
		await dragOnImage(b.page, { x: 100, y: 100 }, { x: 300, y: 250 });
		await expect(editorCanvas(b.page)).toHaveAttribute('data-selected-id', /.+/);

		// The peer list lists Ada, the long name and Mallory, each with a plain dot.
		await backToLibrary(b.page);
		await syncBadge(b.page).click();
		const listed = b.page.getByTestId('peer-list').getByTestId('peer');
		await expect(listed).toHaveCount(3);
		expect(await listed.evaluateAll((els) => els.map((e) => e.getAttribute('data-peer-name')))).toEqual(['Ada', 'L'.repeat(64), 'Mallory']);
		expect(await layout(listed.last().locator('.dot'))).toEqual({ position: 'static', backgroundImage: 'none' });
		expect(fetched).toEqual([]);
	} finally {
		await closeAll(a, b);
	}
});
