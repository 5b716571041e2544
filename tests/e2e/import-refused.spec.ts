import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { png } from './support/images';

/**
 * A file can hold what no teammate's app would accept (here a LabelMe group id of 1.5, read as the
 * shape's instance id). The import refuses it as the files are read, naming the shape's place in the
 * file, and creates no project: the importing device must never show a record its teammates refuse.
 */
test('an import holding a shape every peer would refuse is refused, naming the shape, and leaves nothing behind', async ({ page }) => {
	const labelme = {
		version: '5.4.1',
		flags: {},
		shapes: [
			{ label: 'car', points: [[10, 10], [60, 40]], group_id: null, shape_type: 'rectangle', flags: {} },
			{ label: 'car', points: [[80, 80], [120, 130]], group_id: 1.5, shape_type: 'rectangle', flags: {} }
		],
		imagePath: 'street.png',
		imageData: null,
		imageHeight: 240,
		imageWidth: 320
	};
	await page.goto('/');
	await expect(page.getByTestId('project-row')).toHaveCount(0);
	await page.getByTestId('project-from-dataset').click();
	await page.getByTestId('import-files-input').setInputFiles([
		{ name: 'street.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(labelme)) },
		{ name: 'street.png', mimeType: 'image/png', buffer: png(320, 240, 3) }
	]);
	// Refused as the files are read (the worker checks every record as it packs it): before Import.
	const error = page.getByTestId('import-error');
	await expect(error).toContainText('street.json');
	await expect(error).toContainText('shapes[1]');
	await expect(error).toContainText('its instance id is not a whole number');
	// Said once, under the reason.
	await expect(error).toContainText('Nothing was imported');
	expect((await error.innerText()).match(/Nothing was imported/g)).toHaveLength(1);
	await expect(page.getByTestId('import-apply')).toBeDisabled();

	mkdirSync('test-results/screens', { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[1280, 720]
	]) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `test-results/screens/import-refused-${width}x${height}.png` });
	}
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('project-row')).toHaveCount(0);
});
