import { expect, test } from '@playwright/test';
import { png, tempFolder } from './support/images';
import { goOffline, waitForServiceWorker } from './support/offline';

/**
 * The installable app after one visit: with no network it still starts, stays cross-origin isolated
 * (the cached pages keep the server's COOP/COEP headers), opens a project by link, and imports an
 * image (the import's module worker comes from the cache too).
 */
test('the app reloads offline through the service worker', async ({ page, context }) => {
	await page.goto('/');
	await waitForServiceWorker(page);
	await page.getByTestId('new-project-name').fill('Field trip');
	await page.getByTestId('create-project').click();
	const row = page.getByTestId('project-row').filter({ hasText: 'Field trip' });
	await expect(row).toBeVisible();
	const id = (await row.getAttribute('data-project-id'))!;

	await goOffline(context);
	await page.reload();
	await expect(page.getByTestId('project-row').filter({ hasText: 'Field trip' })).toBeVisible();
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

	await page.getByTestId('project-row').filter({ hasText: 'Field trip' }).getByTestId('project-link').click();
	await expect(page).toHaveURL(new RegExp(`/project/${id}$`));
	await expect(page.getByTestId('project-title')).toHaveText('Field trip');

	const files = tempFolder();
	await page.getByTestId('add-images-input').setInputFiles([files.write('offline.png', png(64, 48, 21))]);
	await expect(page.getByTestId('import-report').first().getByTestId('import-summary')).toHaveText('Imported 1 image');
	await expect(page.getByTestId('image-cell')).toHaveCount(1);

	// A deep link opened with no network: the cached shell routes it.
	await page.goto('about:blank');
	await page.goto(`/project/${id}`);
	await expect(page.getByTestId('project-title')).toHaveText('Field trip');
	await expect(page.getByTestId('image-cell').getByTestId('image-name')).toHaveText(['offline.png']);
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
});
