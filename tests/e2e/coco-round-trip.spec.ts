import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { shapeRows, waitForEditor } from './support/editor';
import { png } from './support/images';

/**
 * Issue 13 items 1 and 2 in the app: a COCO file as a Python script writes it (annotations first, COCO's
 * own ids, an object in two polygons) becomes a project with one annotation per COCO object, and its COCO
 * export carries the same ids, fields and polygons.
 */
const COCO = {
	annotations: [
		{ segmentation: [[10, 10, 60, 12, 55, 70, 12, 66], [100, 100, 160, 104, 150, 170]], area: 5342.61, iscrowd: 0, image_id: 397133, bbox: [10, 10, 150, 160], category_id: 18, id: 1768123 },
		{ segmentation: [[200, 20, 260, 20, 260, 80, 200, 80]], area: 3600, iscrowd: 0, image_id: 397133, bbox: [200, 20, 60, 60], category_id: 90, id: 1768124, note: 'kept' }
	],
	licenses: [{ url: 'http://creativecommons.org/licenses/by/2.0/', id: 4, name: 'Attribution License' }],
	info: { description: 'COCO 2017 Dataset', version: '1.0', year: 2017 },
	images: [{ license: 4, file_name: 'street.png', coco_url: 'http://images.cocodataset.org/val2017/street.png', height: 240, width: 320, date_captured: '2013-11-14 17:02:52', id: 397133 }],
	categories: [
		{ supercategory: 'animal', id: 18, name: 'dog' },
		{ supercategory: 'indoor', id: 90, name: 'toothbrush' }
	]
};

test('a COCO dataset with its own ids and an object in two parts: one annotation each, the same ids and polygons on export', async ({ page }) => {
	await page.goto('/');
	await page.getByTestId('project-from-dataset').click();
	await page.getByTestId('import-files-input').setInputFiles([
		{ name: 'instances_val2017.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(COCO)) },
		{ name: 'street.png', mimeType: 'image/png', buffer: png(320, 240, 3) }
	]);
	await expect(page.getByTestId('import-summary')).toContainText('2 annotations');
	await page.getByTestId('import-apply').click();
	await expect(page).toHaveURL(/\/project\/[A-Za-z0-9]{16}$/);
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '2');

	await page.getByTestId('image-cell').first().click();
	await waitForEditor(page);
	const rows = await shapeRows(page).evaluateAll((els) => els.map((r) => ({ type: r.getAttribute('data-type'), geometry: JSON.parse(r.getAttribute('data-geometry')!) })));
	const dog = rows.find((r) => r.geometry.parts);
	expect(rows).toHaveLength(2);
	expect(dog).toEqual({ type: 'polygon', geometry: { points: COCO.annotations[0].segmentation[0], parts: [{ points: COCO.annotations[0].segmentation[1] }] } });

	await page.goBack();
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await page.getByTestId('export-button').click();
	await page.getByTestId('export-format').selectOption('coco');
	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-start').click();
	const entries = unzipSync(new Uint8Array(readFileSync(await (await downloading).path())));
	// The file's name said val2017: its images keep the split val, and the export (the project's splits) says so.
	expect(Object.keys(entries).filter((p) => p.startsWith('annotations/'))).toEqual(['annotations/instances_val.json']);
	const out = JSON.parse(new TextDecoder().decode(entries['annotations/instances_val.json']));
	expect(out.info).toEqual(COCO.info);
	expect(out.licenses).toEqual(COCO.licenses);
	expect(out.images).toEqual([{ license: 4, coco_url: COCO.images[0].coco_url, date_captured: COCO.images[0].date_captured, id: 397133, file_name: 'street.png', width: 320, height: 240 }]);
	expect(out.categories).toEqual([
		{ id: 18, name: 'dog', supercategory: 'animal' },
		{ id: 90, name: 'toothbrush', supercategory: 'indoor' }
	]);
	const byId = new Map(out.annotations.map((a: { id: number }) => [a.id, a]));
	expect([...byId.keys()].sort()).toEqual([1768123, 1768124]);
	expect(byId.get(1768123)).toMatchObject({ image_id: 397133, category_id: 18, segmentation: COCO.annotations[0].segmentation, area: 5342.61, bbox: [10, 10, 150, 160] });
	expect(byId.get(1768124)).toMatchObject({ category_id: 90, note: 'kept', area: 3600 });
});
