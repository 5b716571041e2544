import { expect, test } from '@playwright/test';
import { editorCanvas, waitForEditor } from './support/editor';

/**
 * Leaving the editor must not leave work behind: the browser's Back button right after zooming with the
 * wheel threw "Cannot read properties of null (reading 'activeLayer')". Tearing down cancelled the
 * tool, whose redraw asked for a frame that ran after the overlay was gone.
 */
test('Back right after zooming with the wheel leaves the editor without an error', async ({ page }) => {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
	await page.goto('/dev/seed?images=2&polygons=200&width=1600&height=1000&seed=7');
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 60_000 });
	const projectId = await done.getAttribute('data-project-id');
	for (let round = 0; round < 3; round++) {
		await page.goto(`/project/${projectId}`);
		await page.getByTestId('image-cell').first().click();
		await waitForEditor(page);
		const box = (await editorCanvas(page).boundingBox())!;
		await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
		for (let i = 0; i < 4; i++) await page.mouse.wheel(0, i % 2 ? 200 : -300);
		await page.goBack();
		await expect(page.getByTestId('library')).toBeVisible();
		await page.waitForTimeout(1000); // frames, tiles and timers the zoom started
	}
	expect(errors).toEqual([]);
});
