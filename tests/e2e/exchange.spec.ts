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
