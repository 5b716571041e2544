import { expect, test, type Page } from '@playwright/test';
import { dragOnImage, editorCanvas, shapeRows, waitForEditor } from './support/editor';
import { closeAll, join, seedOn, shareProject, syncBadge, teammate } from './support/peers';

/**
 * Issue 15 item 8: three teammates, each a browser context of its own, on the real signaling server.
 * Ada (the lead) splits the images between Bea and Cai; Bea's "My work" shows only hers; Bea draws and
 * submits, Ada rejects with a reason, and Bea finds it in her inbox and in the editor. Cai, offline,
 * moves Bea's box and comments on it mentioning Bea (markup in the text); back online, Bea's inbox
 * counts it and shows the text as text. The inspector names who made and who changed the box, and a
 * deleted box comes back from the activity list.
 */

type Hooked = { peerlabelSession: { doc: { members: { list(): { id: string; name: string }[] }; images(): { id: string }[] } } };

const members = (page: Page) => page.evaluate(() => (window as unknown as Hooked).peerlabelSession.doc.members.list().map((m) => ({ id: m.id, name: m.name })));
/** Keys go to the editor only while no text box has the focus. */
const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const tab = (page: Page, name: 'shapes' | 'comments' | 'activity') => page.getByTestId(`tab-${name}`).click();

test('three teammates: assigned work, a rejection with its reason, an offline mention, history and a restore', async ({ browser }) => {
	test.setTimeout(300_000);
	const ada = await teammate(browser, 'Ada');
	const bea = await teammate(browser, 'Bea');
	const cai = await teammate(browser, 'Cai');
	try {
		const { projectId } = await seedOn(ada.page, 'images=4&polygons=0&width=800&height=600&seed=31');
		const link = await shareProject(ada.page, projectId);
		await join(bea.page, link);
		await join(cai.page, link);
		// Everyone who opened the project is in its member list, on every device.
		for (const p of [ada, bea, cai]) await expect(p.page.getByTestId('members-count')).toHaveText('3', { timeout: 60_000 });
		const ids = Object.fromEntries((await members(ada.page)).map((m) => [m.name, m.id]));
		const images = await ada.page.evaluate(() => (window as unknown as Hooked).peerlabelSession.doc.images().map((i) => i.id));

		// Ada splits the four images between Bea and Cai: Bea gets the first and the third.
		await ada.page.getByTestId('assign-button').click();
		const dialog = ada.page.getByTestId('assign-dialog');
		await dialog.getByTestId('assign-mode-split').check();
		for (const [name, id] of Object.entries(ids)) {
			const box = dialog.locator(`[data-testid="assign-split-member"][data-member-id="${id}"]`);
			if (name === 'Ada') await box.uncheck();
			else await box.check();
		}
		await expect(dialog.getByTestId('assign-preview-text')).toHaveText('2 images to Bea, 2 images to Cai');
		await dialog.getByTestId('assign-apply').click();

		// Bea's "My work": her two images only.
		await expect(bea.page.getByTestId('my-work-count')).toHaveText('2', { timeout: 30_000 });
		await bea.page.getByTestId('my-work-filter').click();
		const cells = bea.page.getByTestId('image-cell');
		await expect(cells).toHaveCount(2);
		expect(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-image-id')))).toEqual([images[0], images[2]]);
		await expect(cai.page.getByTestId('my-work-count')).toHaveText('2');

		// Bea draws a box on her first image and submits it: the editor goes on to her next image.
		await cells.first().click();
		await waitForEditor(bea.page); // the bytes come from Ada's device
		await bea.page.keyboard.press('b');
		await dragOnImage(bea.page, { x: 200, y: 150 }, { x: 400, y: 300 });
		const boxId = (await editorCanvas(bea.page).getAttribute('data-selected-id'))!;
		expect(boxId).toBeTruthy();
		await blur(bea.page);
		await bea.page.keyboard.press('Shift+Enter');
		await expect(bea.page).toHaveURL(new RegExp(`/image/${images[2]}`));

		// Ada rejects it with a reason.
		await ada.page.goto(`/project/${projectId}/image/${images[0]}`);
		await waitForEditor(ada.page);
		await expect(ada.page.getByTestId('stage-badge')).toHaveAttribute('data-stage', 'review', { timeout: 30_000 });
		await ada.page.getByTestId('reject-review').click();
		await ada.page.getByTestId('reject-reason').fill('Two boats are missing on the left');
		await ada.page.getByTestId('reject-confirm').click();
		await expect(ada.page.getByTestId('stage-badge')).toHaveAttribute('data-stage', 'rejected');

		// Bea sees it in her inbox, and it takes her to the image, rejected, with the reason.
		await expect(bea.page.getByTestId('inbox-count')).toHaveText('1', { timeout: 30_000 });
		await bea.page.getByTestId('inbox-button').click();
		const entry = bea.page.getByTestId('inbox-entry');
		await expect(entry.getByTestId('inbox-text')).toHaveText('Two boats are missing on the left');
		await entry.click();
		await expect(bea.page).toHaveURL(new RegExp(`/image/${images[0]}`));
		await waitForEditor(bea.page);
		await expect(bea.page.getByTestId('stage-badge')).toHaveAttribute('data-stage', 'rejected');
		await expect(bea.page.locator('[data-testid="thread"][data-anchor="image"]').getByTestId('comment-text').first()).toHaveText('Two boats are missing on the left');
		await expect(bea.page.getByTestId('inbox-count')).toHaveCount(0);

		// Cai, offline, moves Bea's box and comments on it, mentioning Bea, with markup in the text.
		await cai.page.goto(`/project/${projectId}/image/${images[0]}`);
		await waitForEditor(cai.page);
		await expect(shapeRows(cai.page)).toHaveCount(1);
		await cai.context.setOffline(true);
		await expect(syncBadge(cai.page)).toHaveAttribute('data-status', 'offline');
		await cai.page.keyboard.press('v');
		await dragOnImage(cai.page, { x: 300, y: 220 }, { x: 340, y: 260 });
		await expect(editorCanvas(cai.page)).toHaveAttribute('data-selected-id', boxId);
		await tab(cai.page, 'comments');
		await cai.page.getByTestId('comment-on-shape').click();
		const input = cai.page.getByTestId('new-comment-input');
		await input.pressSequentially('@Be');
		await expect(cai.page.getByTestId('mention-option')).toHaveText(['Bea']);
		await input.press('Enter');
		const markup = '<img src=x onerror=alert(1)>';
		await input.pressSequentially(`moved it, is it right? ${markup}`);
		await input.press('Enter');
		await expect(cai.page.getByTestId('thread')).toHaveCount(2);
		// Bea hears nothing while Cai is away.
		await bea.page.waitForTimeout(2000);
		await expect(bea.page.getByTestId('inbox-count')).toHaveCount(0);

		await cai.context.setOffline(false);
		await expect(bea.page.getByTestId('inbox-count')).toHaveText('1', { timeout: 60_000 });
		await bea.page.getByTestId('inbox-button').click();
		const mention = bea.page.getByTestId('inbox-entry').first();
		await expect(mention).toContainText('mentioned you');
		await expect(mention.getByTestId('inbox-text')).toHaveText(`@Bea moved it, is it right? ${markup}`);
		await mention.click();
		const onShape = bea.page.locator('[data-testid="thread"][data-anchor="annotation"]');
		await expect(onShape.getByTestId('comment-text')).toHaveText(`@Bea moved it, is it right? ${markup}`);
		await expect(onShape.locator('img')).toHaveCount(0); // text, never HTML

		// The inspector names who made the box and who changed it last.
		await ada.page.reload();
		await waitForEditor(ada.page);
		await tab(ada.page, 'shapes');
		await ada.page.locator(`[data-testid="shape-row"][data-id="${boxId}"]`).getByTestId('shape-pick').click();
		await expect(ada.page.getByTestId('shape-creator')).toContainText('Bea', { timeout: 30_000 });
		await expect(ada.page.getByTestId('shape-changer')).toContainText('Cai');

		// Ada deletes the box by mistake and restores it from the image's activity; Bea gets it back too.
		await blur(ada.page);
		await ada.page.keyboard.press('Delete');
		await expect(shapeRows(ada.page)).toHaveCount(0);
		await expect(bea.page.locator('[data-testid="pin"].orphaned')).toHaveCount(1, { timeout: 30_000 }); // Cai's thread stays
		await tab(ada.page, 'activity');
		const deleted = ada.page.locator('[data-testid="activity-entry"][data-kind="delete"]').first();
		await expect(deleted).toContainText('Ada');
		await deleted.getByTestId('activity-restore').click();
		await tab(ada.page, 'shapes');
		await expect(shapeRows(ada.page)).toHaveCount(1);
		await tab(bea.page, 'shapes');
		await expect(shapeRows(bea.page)).toHaveCount(1, { timeout: 30_000 });
		await expect(bea.page.locator(`[data-testid="shape-row"][data-id="${boxId}"]`)).toHaveCount(1);
	} finally {
		await closeAll(ada, bea, cai);
	}
});
