import { expect, test } from '@playwright/test';
import { garbage, png, tempFolder } from './support/images';
import {
	clickOnImage,
	dragOnImage,
	editorCanvas,
	shapeGeometry,
	shapeIds,
	shapeRow,
	shapeRows,
	waitForEditor,
	type BoxGeometry,
	type PolygonGeometry
} from './support/editor';

/**
 * A new user's first session, through the UI only: a project, classes, an import through the file
 * chooser with a corrupt file, a box and a polygon drawn with the mouse, a class switched by hotkey,
 * undo and redo, a reload that keeps everything, and a duplicate import reported.
 */
test('a new user annotates their first images and finds everything after a reload', async ({ page }) => {
	await page.goto('/');
	// Served cross-origin isolated, so that WASM inference can use threads later.
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	await page.getByTestId('new-project-name').fill('Parking lot');
	await page.getByTestId('create-project').click();
	await page.getByTestId('project-row').filter({ hasText: 'Parking lot' }).getByTestId('project-link').click();
	await expect(page.getByTestId('project-title')).toHaveText('Parking lot');

	for (const name of ['car', 'person']) {
		await page.getByTestId('new-class-name').fill(name);
		await page.getByTestId('add-class').click();
	}
	await expect(page.getByTestId('class-row')).toHaveCount(2);

	const files = tempFolder();
	const first = files.write('lot-1.png', png(640, 480, 11));
	await page
		.getByTestId('add-images-input')
		.setInputFiles([first, files.write('lot-2.png', png(640, 480, 12)), files.write('lot-3.png', png(800, 600, 13)), files.write('broken.png', garbage(2048, 5))]);
	const report = page.getByTestId('import-report').first();
	await expect(report.getByTestId('import-summary')).toHaveText('Imported 3 images');
	await expect(report.getByTestId('import-error')).toHaveCount(1);
	await expect(report.getByTestId('import-error')).toContainText('broken.png');
	await expect(page.getByTestId('image-cell')).toHaveCount(3);

	// Open the first image and draw with the mouse.
	await page.getByTestId('image-cell').filter({ hasText: 'lot-1.png' }).click();
	await waitForEditor(page);
	await page.keyboard.press('b');
	await dragOnImage(page, { x: 100, y: 80 }, { x: 300, y: 220 });
	await expect(shapeRows(page)).toHaveCount(1);
	const [boxId] = await shapeIds(page);
	await expect(shapeRow(page, boxId).getByTestId('shape-class-name')).toHaveText('car');

	await page.keyboard.press('2'); // hotkey of "person": the selected box becomes a person
	await expect(shapeRow(page, boxId).getByTestId('shape-class-name')).toHaveText('person');

	await page.keyboard.press('p');
	for (const [x, y] of [
		[400, 100],
		[560, 140],
		[520, 360],
		[380, 300]
	])
		await clickOnImage(page, x, y);
	await page.keyboard.press('Enter');
	await expect(shapeRows(page)).toHaveCount(2);
	const polygonId = (await shapeIds(page)).find((id) => id !== boxId)!;
	await expect(shapeRow(page, polygonId)).toHaveAttribute('data-type', 'polygon');
	await expect(shapeRow(page, polygonId).getByTestId('shape-class-name')).toHaveText('person');

	// Undo the polygon, then the class change; redo both.
	await page.keyboard.press('Control+z');
	await expect(shapeRows(page)).toHaveCount(1);
	await page.keyboard.press('Control+z');
	await expect(shapeRow(page, boxId).getByTestId('shape-class-name')).toHaveText('car');
	await page.keyboard.press('Control+Shift+z');
	await expect(shapeRow(page, boxId).getByTestId('shape-class-name')).toHaveText('person');
	await page.keyboard.press('Control+y');
	await expect(shapeRows(page)).toHaveCount(2);

	const box = await shapeGeometry<BoxGeometry>(page, boxId);
	const polygon = await shapeGeometry<PolygonGeometry>(page, polygonId);
	expect(box.width).toBeCloseTo(200, -1);
	expect(polygon.points).toHaveLength(8);

	await page.reload();
	await waitForEditor(page);
	await expect(shapeRows(page)).toHaveCount(2);
	expect(await shapeGeometry<BoxGeometry>(page, boxId)).toEqual(box);
	expect(await shapeGeometry<PolygonGeometry>(page, polygonId)).toEqual(polygon);
	await expect(shapeRow(page, boxId).getByTestId('shape-class-name')).toHaveText('person');
	await expect(editorCanvas(page)).toBeVisible();

	// Back in the library: the image shows its two shapes; importing it again is reported as a duplicate.
	await page.goBack();
	await expect(page.getByTestId('image-cell').filter({ hasText: 'lot-1.png' }).getByTestId('image-annotations')).toHaveText('2');
	await page.getByTestId('add-images-input').setInputFiles([first]);
	await expect(page.getByTestId('import-report').first().getByTestId('import-duplicates')).toContainText('lot-1.png');
	await expect(page.getByTestId('image-cell')).toHaveCount(3);
});
