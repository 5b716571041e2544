import { expect, test } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { shapeRows, waitForEditor } from './support/editor';
import { png } from './support/images';
import { PEOPLE, xAnyLabelingFile } from '../unit/support/xanylabeling';

type Skeleton = { points: number[]; visibility: number[]; box?: { x: number; y: number; width: number; height: number } };

/**
 * An X-AnyLabeling pose file (each person a rectangle and named keypoints sharing a group_id) becomes a
 * project in which each person is one skeleton with its box, drawn as a dashed rectangle around it.
 */
test('a new project from an X-AnyLabeling pose file: one skeleton per person, with its box', async ({ page }) => {
	const json = xAnyLabelingFile('crowd.png');
	await page.goto('/');
	await page.getByTestId('project-from-dataset').click();
	await page.getByTestId('import-files-input').setInputFiles([
		{ name: 'crowd.json', mimeType: 'application/json', buffer: Buffer.from(json.bytes) },
		{ name: 'crowd.png', mimeType: 'image/png', buffer: png(500, 750, 7) }
	]);
	await expect(page.getByTestId('import-summary')).toContainText('2 annotations');
	await page.getByTestId('import-apply').click();
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '2');
	await page.getByTestId('image-cell').first().click();
	await waitForEditor(page);

	const rows = await shapeRows(page).evaluateAll((els) => els.map((r) => ({ type: r.getAttribute('data-type'), geometry: JSON.parse(r.getAttribute('data-geometry')!) as Skeleton })));
	expect(rows.map((r) => r.type)).toEqual(['skeleton', 'skeleton']);
	const boxes = rows.map((r) => r.geometry.box).sort((a, b) => a!.x - b!.x);
	const wanted = [PEOPLE.two.box, PEOPLE.one.box].map(([x0, y0, x1, y1]) => ({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }));
	expect(boxes).toEqual(wanted);

	mkdirSync('test-results/screens', { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[1280, 720]
	]) {
		await page.setViewportSize({ width, height });
		await waitForEditor(page);
		await page.screenshot({ path: `test-results/screens/labelme-pose-${width}x${height}.png` });
	}
});
