import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { shapeRows, waitForEditor } from './support/editor';

/** Seeds a project through the dev route; returns its id and its first image's id. */
async function seed(page: Page): Promise<{ projectId: string; imageId: string }> {
	await page.goto('/dev/seed?images=3&polygons=12&shapes=mixed&width=640&height=480');
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 30_000 });
	return { projectId: (await done.getAttribute('data-project-id'))!, imageId: (await done.getAttribute('data-image-id'))! };
}

async function openLibrary(page: Page, projectId: string) {
	await page.goto(`/project/${projectId}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
}

/** The editor's shape rows of one image: type and geometry, in list order. */
async function shapesOf(page: Page, projectId: string, imageId: string) {
	await page.goto(`/project/${projectId}/image/${imageId}`);
	await waitForEditor(page);
	await expect(shapeRows(page).first()).toBeVisible();
	return shapeRows(page).evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-id'), r.getAttribute('data-type'), r.getAttribute('data-geometry')]));
}

test('a native bundle exported with its images restores as a new project with identical records', async ({ page }) => {
	const { projectId, imageId } = await seed(page);
	const before = await shapesOf(page, projectId, imageId);
	expect(before.length).toBeGreaterThan(0);

	await openLibrary(page, projectId);
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '12');
	const name = (await page.getByTestId('project-title').textContent())!.trim();
	await page.getByTestId('export-button').click();
	await expect(page.getByTestId('export-format')).toHaveValue('peerlabel');
	await expect(page.getByTestId('export-include-images')).toBeChecked();
	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-start').click();
	const download = await downloading;
	expect(download.suggestedFilename()).toBe(`${name}-peerlabel.zip`);
	const zipPath = await download.path();
	const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
	const names = Object.keys(entries).sort();
	expect(names).toContain('document.yjs');
	expect(names.filter((n) => /^images\/[0-9a-f]{64}\.(png|jpg|webp)$/.test(n))).toHaveLength(3);
	expect(names).toContain('project.json');
	expect(names).toHaveLength(5);
	const manifest = JSON.parse(new TextDecoder().decode(entries['project.json']));
	expect(manifest).toMatchObject({ app: 'peerlabel', name, counts: { images: 3, annotations: 12 } });
	await expect(page.getByTestId('export-report')).toContainText('Exported 5 files');

	// New project from that zip: the same counts, and the same records (same ids) in the editor.
	await page.goto('/');
	await page.getByTestId('project-from-dataset').click();
	await page.getByTestId('import-files-input').setInputFiles(zipPath);
	await expect(page.getByTestId('import-summary')).toContainText(`Restores the project “${name}”: 3 images`);
	await page.getByTestId('import-apply').click();
	await expect(page).toHaveURL(/\/project\/[A-Za-z0-9]{16}$/);
	const restoredId = page.url().split('/').pop()!;
	expect(restoredId).not.toBe(projectId);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('image-count')).toHaveText('3 images');
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '12');
	await expect(page.getByTestId('image-thumb')).toHaveCount(3);
	expect(await shapesOf(page, restoredId, imageId)).toEqual(before);
});

test('a malformed file is refused with its file and place, and the project is unchanged', async ({ page }) => {
	const { projectId } = await seed(page);
	await openLibrary(page, projectId);
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '12');
	await page.getByTestId('import-dataset-button').click();
	const future = zipSync({
		'project.json': strToU8(JSON.stringify({ app: 'peerlabel', bundleVersion: 1, schemaVersion: 99, name: 'Future' })),
		'document.yjs': new Uint8Array([0, 0])
	});
	await page.getByTestId('import-files-input').setInputFiles({ name: 'future.zip', mimeType: 'application/zip', buffer: Buffer.from(future) });
	const error = page.getByTestId('import-error');
	await expect(error).toBeVisible();
	await expect(error).toHaveAttribute('data-file', 'project.json');
	await expect(error).toHaveAttribute('data-place', 'schemaVersion');
	await expect(error).toContainText('newer version of Peerlabel');
	await expect(error).toContainText('Nothing was imported');
	await expect(page.getByTestId('import-apply')).toBeDisabled();

	// A file no format claims: named too.
	await page.getByTestId('import-files-input').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
	await expect(error).toHaveAttribute('data-file', 'notes.txt');
	await expect(error).toContainText('no known annotation format');
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '12');
	await expect(page.getByTestId('image-count')).toHaveText('3 images');
});

/** Type and geometry of every shape of every image, by image name: what a format round trip must keep. */
async function shapesByImageName(page: Page, projectId: string) {
	await openLibrary(page, projectId);
	const cells = page.getByTestId('image-cell');
	const count = await cells.count();
	const out: Record<string, string[]> = {};
	for (let i = 0; i < count; i++) {
		await openLibrary(page, projectId);
		const cell = page.getByTestId('image-cell').nth(i);
		const name = (await cell.getByTestId('image-name').textContent())!.trim();
		await cell.click();
		await waitForEditor(page);
		const rows = await shapeRows(page).evaluateAll((els) => els.map((r) => `${r.getAttribute('data-type')} ${r.getAttribute('data-geometry')}`));
		out[name] = rows.sort();
	}
	return out;
}

test('COCO with a train/val split: exported, then imported as a new project, every box and polygon is the same', async ({ page }) => {
	const { projectId } = await seed(page);
	const before = await shapesByImageName(page, projectId);
	expect(Object.values(before).flat()).toHaveLength(12);

	await openLibrary(page, projectId);
	await page.getByTestId('export-button').click();
	await page.getByTestId('export-format').selectOption('coco');
	await page.getByTestId('export-split-new').check();
	await page.getByTestId('export-split-ratios').fill('0.67,0.33,0');
	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-start').click();
	const download = await downloading;
	const zipPath = await download.path();
	const entries = unzipSync(new Uint8Array(readFileSync(zipPath)));
	const names = Object.keys(entries).sort();
	expect(names).toContain('annotations/instances_train.json');
	expect(names).toContain('annotations/instances_val.json');
	expect(names.filter((n) => n.startsWith('images/train/'))).toHaveLength(2);
	expect(names.filter((n) => n.startsWith('images/val/'))).toHaveLength(1);
	const train = JSON.parse(new TextDecoder().decode(entries['annotations/instances_train.json']));
	expect(train.categories.map((c: { name: string }) => c.name)).toEqual(['car', 'person', 'tree']);

	await page.goto('/');
	await page.getByTestId('project-from-dataset').click();
	await page.getByTestId('import-files-input').setInputFiles(zipPath);
	await expect(page.getByTestId('import-summary')).toContainText('12 annotations');
	await page.getByTestId('import-apply').click();
	await expect(page).toHaveURL(/\/project\/[A-Za-z0-9]{16}$/);
	const importedId = page.url().split('/').pop()!;
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '12');
	await expect(page.getByTestId('image-count')).toHaveText('3 images');
	const after = await shapesByImageName(page, importedId);
	// Images keep their names under the split folders' names.
	expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
	expect(after).toEqual(before);
});

test('a malformed COCO file names the file and the JSON path, and nothing is imported', async ({ page }) => {
	const { projectId } = await seed(page);
	await openLibrary(page, projectId);
	await page.getByTestId('import-dataset-button').click();
	const coco = {
		images: [{ id: 1, file_name: 'image-00001.png', width: 640, height: 480 }],
		categories: [{ id: 1, name: 'car' }],
		annotations: [
			{ id: 1, image_id: 1, category_id: 1, bbox: [10, 10, 20, 20] },
			{ id: 2, image_id: 1, category_id: 1, bbox: [10, 10, -5, 20] }
		]
	};
	await page.getByTestId('import-files-input').setInputFiles({ name: 'instances.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(coco)) });
	const error = page.getByTestId('import-error');
	await expect(error).toBeVisible();
	await expect(error).toHaveAttribute('data-file', 'instances.json');
	await expect(error).toHaveAttribute('data-place', /annotations\[1\]\.bbox/);
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('library')).toHaveAttribute('data-annotation-count', '12');
});

test('YOLO export of the images whose name matches a filter: one image, its boxes (and its polygons as their boxes) as normalised label lines', async ({ page }) => {
	const { projectId } = await seed(page);
	const before = await shapesByImageName(page, projectId);
	const shapes = before['image-00002.png'];
	const boxes = shapes.filter((s) => s.startsWith('box '));
	await openLibrary(page, projectId);
	await page.getByTestId('export-button').click();
	await page.getByTestId('export-format').selectOption('yolo');
	await page.getByTestId('export-name-filter').fill('00002');
	const downloading = page.waitForEvent('download');
	await page.getByTestId('export-start').click();
	const entries = unzipSync(new Uint8Array(readFileSync(await (await downloading).path())));
	const names = Object.keys(entries).sort();
	expect(names).toContain('data.yaml');
	expect(names.filter((n) => n.startsWith('labels/'))).toEqual(['labels/train/image-00002.txt']);
	expect(names.filter((n) => n.startsWith('images/'))).toEqual(['images/train/image-00002.png']);
	const lines = new TextDecoder().decode(entries['labels/train/image-00002.txt']).trim().split('\n').filter(Boolean);
	// Detection writes every shape with an extent: the seeded boxes and polygons, one line each.
	expect(lines).toHaveLength(shapes.length);
	expect(boxes.length).toBeGreaterThan(0);
	// Each line back in pixels of the 640x480 image: every stored box is one of them.
	const written = lines.map((l) => {
		const [, xc, yc, w, h] = l.split(' ').map(Number);
		return { x: (xc - w / 2) * 640, y: (yc - h / 2) * 480, width: w * 640, height: h * 480 };
	});
	for (const g of boxes.map((b) => JSON.parse(b.slice(4)) as (typeof written)[number]))
		expect(written.some((p) => Math.abs(g.x - p.x) < 1e-3 && Math.abs(g.y - p.y) < 1e-3 && Math.abs(g.width - p.width) < 1e-3 && Math.abs(g.height - p.height) < 1e-3)).toBe(true);
});
