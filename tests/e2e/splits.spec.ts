import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { seedProject } from './support/seed';
import { expectAccessible, screens } from './support/screens';
import { png, tempFolder } from './support/images';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';

/**
 * Issue 16, item 5: train/val/test kept in the project. Set by hand and by "Splits…" (a seeded split that
 * only assigns images without one), filtered, kept after a reload and when images are added; YOLO
 * exports write the stored splits; a frozen version exports the splits it had.
 */

const VIEWPORT = { width: 1280, height: 800 };
const img = (n: number) => `img${String(n).padStart(11, '0')}`; // as support/seed.ts names them
const frame = (n: number) => `frame_${String(n).padStart(5, '0')}.jpg`;
const cell = (page: Page, n: number) => page.locator(`[data-testid="image-cell"][data-image-id="${img(n)}"]`);
const pick = (page: Page, n: number) => cell(page, n).locator('xpath=..').getByTestId('image-select');

/** A 10-image project (boxes of car and bus), opened in the library. */
async function openProject(page: Page): Promise<string> {
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible();
	const id = await seedProject(page, { name: 'Street splits', images: 10, classes: ['car', 'bus'], imageSetup: (i) => ({ boxes: [i % 3 ? 0 : 1] }) });
	await page.goto(`/project/${id}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('image-cell')).toHaveCount(10);
	return id;
}

/** The image names the split filter shows for each split (and for none), then the filter back to any. */
async function namesBySplit(page: Page): Promise<Record<string, string[]>> {
	const out: Record<string, string[]> = {};
	for (const s of ['train', 'val', 'test', 'none']) {
		await page.getByTestId('split-filter').selectOption(s);
		const count = page.getByTestId('filtered-count');
		await expect(count).not.toHaveText(/^\s*$/);
		const cells = page.getByTestId('image-cell');
		// The grid shows what the filter lets through: wait until it agrees with the count it states.
		const text = (await count.innerText()).trim();
		const shown = /^Showing ([\d,]+) of/.exec(text);
		if (shown) await expect(cells).toHaveCount(Number(shown[1].replace(/,/g, '')));
		out[s] = shown && shown[1] === '0' ? [] : (await cells.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')!))).sort();
	}
	await page.getByTestId('split-filter').selectOption('any');
	return out;
}

/** Splits… with the seeded split: checks the preview it says, assigns, returns the note. */
async function assignSeeded(page: Page, preview: string, keep: string | null): Promise<string> {
	await page.getByTestId('splits-button').click();
	const dialog = page.getByTestId('split-dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.getByTestId('split-mode-seeded')).toBeChecked();
	await expect(dialog.getByTestId('split-preview-text')).toHaveText(preview);
	if (keep) await expect(dialog.getByTestId('split-preview-detail')).toHaveText(keep);
	else await expect(dialog.getByTestId('split-preview-detail')).toHaveCount(0);
	await dialog.getByTestId('split-apply').click();
	await expect(dialog).toBeHidden();
	return (await page.getByTestId('assign-note').innerText()).trim();
}

async function exportYolo(page: Page, setup?: () => Promise<void>): Promise<Record<string, Uint8Array>> {
	const dialog = page.getByTestId('export-dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByTestId('export-format').selectOption('yolo');
	await dialog.getByTestId('export-include-images').uncheck(); // seeded images have thumbnails only
	await setup?.();
	const downloading = page.waitForEvent('download');
	await dialog.getByTestId('export-start').click();
	const download = await downloading;
	const entries = unzipSync(new Uint8Array(readFileSync(await download.path())));
	await expect(dialog.getByTestId('export-report')).toBeVisible();
	await page.keyboard.press('Escape');
	await expect(dialog).toBeHidden();
	return entries;
}

/** The YOLO zip's label files by split folder: { train: ['frame_00002', …], … }. */
function labelsBySplit(entries: Record<string, Uint8Array>): Record<string, string[]> {
	const out: Record<string, string[]> = {};
	for (const path of Object.keys(entries)) {
		const m = /^labels\/([^/]+)\/(.+)\.txt$/.exec(path);
		if (m) (out[m[1]] ??= []).push(`${m[2]}.jpg`);
	}
	for (const list of Object.values(out)) list.sort();
	return out;
}

test.beforeEach(async ({ page }) => {
	await page.setViewportSize(VIEWPORT);
});

test('splits by hand and by Splits…: filtered, kept after a reload, and old images keep theirs when images are added', async ({ page }) => {
	await openProject(page);
	await expect(page.getByTestId('image-split')).toHaveCount(0); // no badge until the project uses splits
	await expect(page.getByTestId('split-filter').locator('option[value="none"]')).toHaveText('No split (10)');

	// By hand: two picked images go to test.
	await pick(page, 0).check();
	await pick(page, 1).check();
	await expect(page.getByTestId('selected-count')).toHaveText('2 images selected');
	await screens(page, 'splits', 'selection-buttons', VIEWPORT);
	await page.getByTestId('split-set-test').click();
	await expect(page.getByTestId('assign-note')).toHaveText('Put 2 images in Test');
	await expect(cell(page, 0).getByTestId('image-split')).toHaveText(/test/i);
	await expect(cell(page, 1).getByTestId('image-split')).toHaveAttribute('data-split', 'test');
	await expect(cell(page, 2).getByTestId('image-split')).toHaveCount(0);

	// Seeded: 10 images → 8/1/1; test holds 2 already, so its room is none; the 8 others share train's 8 and val's 1.
	await page.getByTestId('splits-button').click();
	const dialog = page.getByTestId('split-dialog');
	await expect(dialog.getByTestId('split-scope-filter')).toBeChecked();
	await expect(dialog.getByTestId('split-preview-text')).toHaveText('Assigns 8 images: 7 to Train, 1 to Val');
	// The preview follows the ratios; a sum that is not 100 % is said, and nothing can be assigned.
	await dialog.getByTestId('split-ratio-val').fill('30');
	await expect(dialog.getByTestId('split-preview-text')).toHaveText('The percentages add up to 120 %, not 100 %.');
	await expect(dialog.getByTestId('split-apply')).toBeDisabled();
	await dialog.getByTestId('split-ratio-val').fill('10');
	await screens(page, 'splits', 'assign-dialog', VIEWPORT);
	await expectAccessible(page, 'split dialog', '[data-testid="split-dialog"]');
	await dialog.getByTestId('split-cancel').click();
	expect(await assignSeeded(page, 'Assigns 8 images: 7 to Train, 1 to Val', '2 images keep theirs.')).toBe('Assigned 8 images: 7 to Train, 1 to Val');
	await expect(page.getByTestId('image-split')).toHaveCount(10);
	await expect(page.getByTestId('split-filter').locator('option[value="train"]')).toHaveText('Train (7)');
	await screens(page, 'splits', 'library-badges', VIEWPORT);
	await expectAccessible(page, 'library with splits');

	const before = await namesBySplit(page);
	expect(before.test).toEqual([frame(0), frame(1)]);
	expect(before.train).toHaveLength(7);
	expect(before.val).toHaveLength(1);
	expect(before.none).toEqual([]);

	// The filter by split, with the grid and the count.
	await page.getByTestId('split-filter').selectOption('test');
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 2 of 10 images');
	await screens(page, 'splits', 'filter-test', VIEWPORT);
	await page.getByTestId('split-filter').selectOption('any');

	// Everything assigned: Splits… says there is nothing to do.
	await page.getByTestId('splits-button').click();
	await expect(dialog.getByTestId('split-preview-text')).toHaveText('Every one of the 10 images has a split already: nothing to assign.');
	await expect(dialog.getByTestId('split-apply')).toBeDisabled();
	await dialog.getByTestId('split-cancel').click();

	await page.reload();
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	expect(await namesBySplit(page)).toEqual(before);

	// Five images added: only they are assigned; the ten keep theirs. 15 → 12/2/1; held 7/1/2 → rooms 5/1/0.
	const folder = tempFolder();
	const added = [0, 1, 2, 3, 4].map((n) => folder.write(`new/added-${n}.png`, png(64, 48, 40 + n)));
	await page.getByTestId('add-images-input').setInputFiles(added);
	await expect(page.getByTestId('image-count')).toHaveText('15 images');
	await expect(page.getByTestId('split-filter').locator('option[value="none"]')).toHaveText('No split (5)');
	expect(await assignSeeded(page, 'Assigns 5 images: 4 to Train, 1 to Val', '10 images keep theirs.')).toBe('Assigned 5 images: 4 to Train, 1 to Val');
	const after = await namesBySplit(page);
	for (const s of ['train', 'val', 'test']) expect(after[s], s).toEqual(expect.arrayContaining(before[s]));
	expect(after.train).toHaveLength(11);
	expect(after.val).toHaveLength(2);
	expect(after.test).toEqual(before.test);
	expect(after.none).toEqual([]);
});

test("the Splits… dialog by keyboard: put the filter's images in a split, or in none", async ({ page }) => {
	await openProject(page);
	await page.getByTestId('splits-button').focus();
	await page.keyboard.press('Enter');
	const dialog = page.getByTestId('split-dialog');
	await expect(dialog).toBeVisible();
	await dialog.getByTestId('split-mode-put').focus();
	await page.keyboard.press('Space');
	await expect(dialog.getByTestId('split-mode-put')).toBeChecked();
	await page.keyboard.press('Tab');
	await expect(dialog.getByTestId('split-target')).toBeFocused();
	await dialog.getByTestId('split-target').selectOption('val');
	await expect(dialog.getByTestId('split-preview-text')).toHaveText('Put 10 images in Val');
	await page.keyboard.press('Tab');
	await page.keyboard.press('Tab');
	await expect(dialog.getByTestId('split-apply')).toBeFocused();
	await page.keyboard.press('Enter');
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('assign-note')).toHaveText('Put 10 images in Val');
	await expect(page.getByTestId('split-filter').locator('option[value="val"]')).toHaveText('Val (10)');

	// The val filter's images, all out of their split.
	await page.getByTestId('split-filter').selectOption('val');
	await page.getByTestId('splits-button').click();
	await expect(dialog.getByTestId('split-scope-filter')).toBeChecked();
	await expect(dialog).toContainText('All 10 images in this filter');
	await dialog.getByTestId('split-target').selectOption('none');
	await expect(dialog.getByTestId('split-mode-put')).toBeChecked();
	await expect(dialog.getByTestId('split-preview-text')).toHaveText('Take 10 images out of their splits');
	await dialog.getByTestId('split-apply').click();
	await expect(page.getByTestId('assign-note')).toHaveText('Took 10 images out of their splits');
	await expect(page.getByTestId('library-no-match')).toBeVisible();
	await expect(page.getByTestId('split-filter').locator('option[value="none"]')).toHaveText('No split (10)');
});

test("YOLO export with the project's splits writes each image under its split (unsplit ones under train); a version exports the splits it had", async ({ page }) => {
	await openProject(page);
	// 0, 1 → val; 2 → test; 3 → none; the rest → train.
	await pick(page, 0).check();
	await pick(page, 1).check();
	await page.getByTestId('split-set-val').click();
	await pick(page, 2).check();
	await page.getByTestId('split-set-test').click();
	for (const n of [4, 5, 6, 7, 8, 9]) await pick(page, n).check();
	await page.getByTestId('split-set-train').click();
	await expect(page.getByTestId('assign-note')).toHaveText('Put 6 images in Train');

	await page.getByTestId('version-name-input').fill('v1');
	await page.getByTestId('freeze-version').click();
	await expect(page.locator('[data-testid="version-row"][data-name="v1"]')).toBeVisible();

	await page.getByTestId('export-button').click();
	const dialog = page.getByTestId('export-dialog');
	await dialog.getByTestId('export-format').selectOption('yolo');
	await expect(dialog.getByTestId('export-split-stored')).toBeChecked(); // the default once any image has a split
	await expect(dialog.getByTestId('export-split-stored-note')).toHaveText('1 image without one goes to train, where YOLO and COCO trainers look for training images.');
	await screens(page, 'splits', 'export-dialog', VIEWPORT);
	await expectAccessible(page, 'export dialog', '[data-testid="export-dialog"]');
	const stored = labelsBySplit(await exportYolo(page));
	expect(stored).toEqual({
		train: [3, 4, 5, 6, 7, 8, 9].map(frame).sort(),
		val: [frame(0), frame(1)],
		test: [frame(2)]
	});

	// No splits: YOLO puts every image in train.
	await page.getByTestId('export-button').click();
	const none = labelsBySplit(await exportYolo(page, () => dialog.getByTestId('export-split-none').check()));
	expect(Object.keys(none)).toEqual(['train']);
	expect(none.train).toHaveLength(10);

	// Today's splits change; the frozen version still exports v1's.
	await page.getByTestId('split-filter').selectOption('val');
	await page.getByTestId('splits-button').click();
	await page.getByTestId('split-mode-put').check();
	await page.getByTestId('split-target').selectOption('test');
	await page.getByTestId('split-apply').click();
	await page.getByTestId('split-filter').selectOption('any');
	await page.locator('[data-testid="version-row"][data-name="v1"]').getByTestId('version-export').click();
	await expect(dialog.getByTestId('export-split-stored')).toBeChecked();
	expect(labelsBySplit(await exportYolo(page))).toEqual(stored);
});

test('a teammate sees the splits set on another device, and theirs come back', async ({ browser }) => {
	test.setTimeout(180_000);
	const ada = await newPeer(browser, 'Ada');
	const bea = await newPeer(browser, 'Bea');
	try {
		const { projectId } = await seedOn(ada.page, 'images=6&polygons=0&width=640&height=480&seed=5');
		const link = await shareProject(ada.page, projectId);
		await join(bea.page, link);
		await expect(bea.page.getByTestId('image-cell')).toHaveCount(6, { timeout: 60_000 });
		await expect(bea.page.getByTestId('library')).toHaveAttribute('data-live', 'true');

		// 6 images at 80/10/10 → 5/1/0 (largest remainder: 4.8, 0.6, 0.6 → 4, 0, 0, then train and val).
		expect(await assignSeeded(ada.page, 'Assigns 6 images: 5 to Train, 1 to Val', null)).toBe('Assigned 6 images: 5 to Train, 1 to Val');
		await expect(bea.page.getByTestId('image-split')).toHaveCount(6, { timeout: 30_000 });
		await expect(bea.page.getByTestId('split-filter').locator('option[value="train"]')).toHaveText('Train (5)');

		// Bea moves the first image to test; Ada sees it.
		const first = bea.page.getByTestId('image-cell').first();
		const firstId = (await first.getAttribute('data-image-id'))!;
		await first.locator('xpath=..').getByTestId('image-select').check();
		await bea.page.getByTestId('split-set-test').click();
		await expect(ada.page.locator(`[data-testid="image-cell"][data-image-id="${firstId}"]`).getByTestId('image-split')).toHaveAttribute('data-split', 'test', { timeout: 30_000 });
		await expect(ada.page.getByTestId('split-filter').locator('option[value="test"]')).toHaveText('Test (1)');
	} finally {
		await closeAll(ada, bea);
	}
});
