import { expect, test, type Page } from '@playwright/test';
import { bmp, browserImage, garbage, gif, png, tempFolder } from './support/images';
import { seedProject, storedFor } from './support/seed';

const shot = (page: Page, name: string) => page.screenshot({ path: `/tmp/peerlabel-${name}.png` });

async function createProject(page: Page, name: string): Promise<string> {
	await page.goto('/');
	await page.getByTestId('new-project-name').fill(name);
	await page.getByTestId('create-project').click();
	const row = page.getByTestId('project-row').filter({ hasText: name });
	await expect(row).toBeVisible();
	return (await row.getAttribute('data-project-id'))!;
}

/** Every visible thumbnail has decoded pixels. */
async function expectThumbnailsLoaded(page: Page, count: number) {
	const thumbs = page.getByTestId('image-thumb');
	await expect(thumbs).toHaveCount(count);
	await expect
		.poll(() => thumbs.evaluateAll((imgs) => imgs.filter((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0).length))
		.toBe(count);
}

test('a new user creates a project, adds classes, imports images and folders, filters, reloads and deletes it', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible();
	await expect(page.locator('header')).toContainText('Peerlabel');

	// Create, then rename inline.
	const id = await createProject(page, 'Street scenes');
	const row = page.locator(`[data-project-id="${id}"]`);
	await row.getByTestId('project-rename').click();
	await row.getByTestId('project-rename-input').fill('City streets');
	await row.getByTestId('project-rename-input').press('Enter');
	await expect(row.getByTestId('project-link')).toHaveText('City streets');
	await shot(page, 'projects');

	await row.getByTestId('project-link').click();
	await expect(page).toHaveURL(new RegExp(`/project/${id}$`));
	await expect(page.getByTestId('project-title')).toHaveText('City streets');
	await expect(page.getByTestId('library-empty')).toBeVisible();

	// Two classes; a third with a taken name is refused.
	await page.getByTestId('new-class-name').fill('car');
	await page.getByTestId('add-class').click();
	await page.getByTestId('new-class-name').fill('person');
	await page.getByTestId('new-class-color').fill('#22cc88');
	await page.getByTestId('new-class-name').press('Enter');
	const classes = page.getByTestId('class-row');
	await expect(classes).toHaveCount(2);
	await expect(classes.getByTestId('class-name')).toHaveText(['car', 'person']);
	await expect(classes.getByTestId('class-hotkey')).toHaveText(['1', '2']);
	await expect(classes.nth(1).locator('.swatch')).toHaveCSS('background-color', 'rgb(34, 204, 136)');
	await page.getByTestId('new-class-name').fill('Car');
	await page.getByTestId('add-class').click();
	await expect(page.getByTestId('add-class-error')).toContainText('already exists');
	await page.getByTestId('new-class-name').fill('');

	// Three valid images of three formats, and one corrupt file.
	const files = tempFolder();
	const aPng = png(64, 48, 1);
	const picked = [
		files.write('picked/a.png', aPng),
		files.write('picked/b.jpg', await browserImage(page, 'image/jpeg', 80, 60, 2)),
		files.write('picked/c.bmp', bmp(40, 30, 3)),
		files.write('picked/corrupt.jpg', garbage(3000, 4))
	];
	await page.getByTestId('add-images-input').setInputFiles(picked);
	const report = page.getByTestId('import-report').first();
	await expect(report.getByTestId('import-summary')).toHaveText('Imported 3 images');
	await expect(report.getByTestId('import-error')).toHaveCount(1);
	await expect(report.getByTestId('import-error')).toContainText('corrupt.jpg');
	await expect(report.getByTestId('import-error')).toContainText('not a supported image');
	const cells = page.getByTestId('image-cell');
	await expect(cells).toHaveCount(3);
	await expect(cells.getByTestId('image-name')).toHaveText(['a.png', 'b.jpg', 'c.bmp']);
	await expect(cells.getByTestId('image-status')).toHaveText(['Annotate', 'Annotate', 'Annotate']);
	await expect(cells.getByTestId('image-annotations')).toHaveText(['0', '0', '0']);
	await expect(cells.first()).toHaveAttribute('title', /64×48/);
	await expect(page.getByTestId('image-count')).toHaveText('3 images');
	await expectThumbnailsLoaded(page, 3);
	await shot(page, 'library-imported');

	// The same file again: a duplicate, named; nothing added.
	await page.getByTestId('add-images-input').setInputFiles([picked[0]]);
	const again = page.getByTestId('import-report').first();
	await expect(again.getByTestId('import-summary')).toHaveText('No images imported');
	await expect(again.getByTestId('import-duplicates')).toContainText('1 duplicate skipped');
	await expect(again.getByTestId('import-duplicates')).toContainText('a.png');
	await expect(cells).toHaveCount(3);
	await expect(page.getByTestId('image-count')).toHaveText('3 images');

	// A folder: GIF and WebP in a subfolder import; a copy of a.png is a duplicate; a truncated PNG
	// is reported as damaged; a text file is skipped, not reported as a broken image.
	const folder = tempFolder();
	folder.write('drive/d.gif', gif(24, 16, 5));
	folder.write('drive/night/e.webp', await browserImage(page, 'image/webp', 50, 40, 6));
	folder.write('drive/a-copy.png', aPng);
	folder.write('drive/truncated.png', png(64, 48, 7).subarray(0, 60));
	folder.write('drive/notes.txt', Buffer.from('weather: rain'));
	await page.getByTestId('add-folder-input').setInputFiles(`${folder.dir}/drive`);
	const fromFolder = page.getByTestId('import-report').first();
	await expect(fromFolder.getByTestId('import-summary')).toHaveText('Imported 2 images');
	await expect(fromFolder.getByTestId('import-duplicates')).toContainText('drive/a-copy.png');
	await expect(fromFolder.getByTestId('import-error')).toHaveCount(1);
	await expect(fromFolder.getByTestId('import-error')).toContainText('drive/truncated.png');
	await expect(fromFolder.getByTestId('import-error')).toContainText('damaged');
	await expect(fromFolder.getByTestId('import-skipped')).toContainText('drive/notes.txt');
	await expect(cells).toHaveCount(5);
	await expect(page.getByTestId('image-count')).toHaveText('5 images');
	const gifCell = cells.filter({ has: page.getByText('d.gif', { exact: true }) });
	await expect(gifCell).toHaveAttribute('title', /24×16/); // the first frame's size
	await expect(cells.filter({ hasText: 'e.webp' })).toContainText('drive/night');
	await expectThumbnailsLoaded(page, 5);

	// Filters: every image waits in annotate; none is done.
	await expect(page.getByTestId('status-filter-annotate')).toContainText('5');
	await page.getByTestId('status-filter-done').click();
	await expect(page.getByTestId('library-no-match')).toBeVisible();
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 0 of 5 images');
	await page.getByTestId('status-filter-annotate').click();
	await expect(cells).toHaveCount(5);
	await page.getByTestId('class-filter').selectOption({ label: 'car' });
	await expect(page.getByTestId('library-no-match')).toBeVisible();
	await page.getByRole('button', { name: 'Clear filters' }).click();
	await expect(cells).toHaveCount(5);
	await shot(page, 'library-folder');

	// Reload: everything is still there.
	await page.reload();
	await expect(page.getByTestId('project-title')).toHaveText('City streets');
	await expect(cells).toHaveCount(5);
	await expect(page.getByTestId('class-row').getByTestId('class-name')).toHaveText(['car', 'person']);
	await expectThumbnailsLoaded(page, 5);
	const stored = await storedFor(page, id);
	expect(stored.refs).toHaveLength(5);
	expect(stored.blobs).toBe(5);
	expect(stored.thumbnails).toBe(5);

	// Clicking an image opens the editor's route.
	await expect(cells.first()).toHaveAttribute('href', new RegExp(`^/project/${id}/image/[0-9A-Za-z]+$`));

	// Back on the list: the count shows; deleting asks first.
	await page.goto('/');
	await expect(row.getByTestId('project-image-count')).toHaveText('5 images');
	await row.getByTestId('project-delete').click();
	const dialog = page.getByTestId('confirm-dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('City streets');
	await shot(page, 'delete-dialog');
	await dialog.getByTestId('confirm-cancel').click();
	await expect(dialog).toBeHidden();
	await expect(row).toBeVisible();
	await row.getByTestId('project-delete').click();
	await dialog.getByTestId('confirm-ok').click();
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('project-row')).toHaveCount(0);
	await expect(page.getByTestId('no-projects')).toBeVisible();
	expect((await storedFor(page, id)).refs).toHaveLength(0);
	await page.reload();
	await expect(page.getByTestId('no-projects')).toBeVisible();
});

test('running out of storage imports what fits, says which files were not imported, and stores nothing by halves', async ({ page }) => {
	// Chromium reads an origin's quota when it first writes to it: shrink it before the app stores anything.
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible();
	const origin = new URL(page.url()).origin;
	const cdp = await page.context().newCDPSession(page);
	// The quota also holds the service worker's copy of the app shell: room for ~3 of the 6 images beyond
	// what the origin already uses.
	await page.evaluate(() => navigator.serviceWorker.ready);
	const { usage = 0 } = await page.evaluate(() => navigator.storage.estimate());
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: Math.round(usage) + 2_400_000 });
	try {
		const id = await createProject(page, 'Quota');
		await page.goto(`/project/${id}`);
		await expect(page.getByTestId('library-empty')).toBeVisible();

		const folder = tempFolder();
		// Noise does not compress: each file is ~750 kB, so only a few fit beside the app shell.
		const paths = Array.from({ length: 6 }, (_, i) => folder.write(`big${i + 1}.png`, png(500, 500, 100 + i, { noise: true })));
		await page.getByTestId('add-images-input').setInputFiles(paths);
		const full = page.getByTestId('import-storage-full');
		await expect(full).toBeVisible({ timeout: 30_000 });
		await expect(full).toContainText('Storage is full');
		await expect(full).toContainText('Free some disk space');
		const text = (await full.textContent())!;
		const imported = Number(/(\d+) images? of 6 imported/.exec(text)?.[1]);
		expect(imported).toBeGreaterThanOrEqual(1);
		expect(imported).toBeLessThan(6);
		await expect(page.getByTestId('image-cell')).toHaveCount(imported);
		// Two files are in flight at once, so which ones fit may vary; the message names the first that did not.
		const listed = await page.getByTestId('image-name').allTextContents();
		expect(new Set(listed).size).toBe(imported);
		for (const name of listed) expect(paths.map((p) => p.slice(p.lastIndexOf('/') + 1))).toContain(name);
		const firstMissing = paths.map((p) => p.slice(p.lastIndexOf('/') + 1)).find((n) => !listed.includes(n))!;
		expect(text).toContain(firstMissing);
		await expect(page.getByTestId('image-count')).toHaveText(`${imported} image${imported === 1 ? '' : 's'}`);
		await shot(page, 'quota');

		await page.reload();
		const cells = page.getByTestId('image-cell');
		await expect(cells).toHaveCount(imported);
		await expect(cells.getByTestId('image-name')).toHaveText(listed);
		await expectThumbnailsLoaded(page, imported);
		// Every listed image has its bytes and thumbnail, and nothing else was kept.
		const stored = await storedFor(page, id);
		expect(stored.refs).toHaveLength(imported);
		expect(stored.blobs).toBe(imported);
		expect(stored.thumbnails).toBe(imported);
		const counts = await page.evaluate(async () => {
			const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
			const db = await req(indexedDB.open('peerlabel'));
			const tx = db.transaction(['blobs', 'thumbnails']);
			const out = { blobs: await req(tx.objectStore('blobs').count()), thumbnails: await req(tx.objectStore('thumbnails').count()) };
			db.close();
			return out;
		});
		expect(counts).toEqual({ blobs: imported, thumbnails: imported });
	} finally {
		await cdp.send('Storage.overrideQuotaForOrigin', { origin });
	}
});

test('a 10,000-image project opens virtualized and filters by stage and class', async ({ page }) => {
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible();
	const id = await seedProject(page, {
		name: 'Big dataset',
		images: 10_000,
		classes: ['car', 'person'],
		// Review stages (schema v8): every tenth image done, the next one in review.
		imageSetup: (i) => (i % 10 === 0 ? { boxes: [0, 0, 1], stage: 'done' } : i % 10 === 1 ? { boxes: [1], stage: 'review' } : {})
	});

	// How fast it opens is measured by `npm run bench`; here, that it opens and stays virtualized.
	await page.goto(`/project/${id}`);
	await expect(page.getByTestId('image-count')).toHaveText('10,000 images');
	await expect(page.getByTestId('image-cell').first()).toBeVisible();

	const cells = page.getByTestId('image-cell');
	expect(await cells.count()).toBeLessThan(120);
	await expect(cells.first().getByTestId('image-annotations')).toHaveText('3');
	await expect(cells.first().getByTestId('image-status')).toHaveText('Done');

	// Scroll to the very end: the last images render, the first are gone from the DOM.
	await page.getByTestId('image-grid').evaluate((g) => (g.scrollTop = g.scrollHeight));
	await expect(cells.filter({ hasText: 'frame_09999.jpg' })).toBeVisible();
	await expect(cells.filter({ hasText: 'frame_00000.jpg' })).toHaveCount(0);
	expect(await cells.count()).toBeLessThan(120);
	await expectThumbnailsLoaded(page, await cells.count());

	await expect(page.getByTestId('status-filter-done')).toContainText('1,000');
	await page.getByTestId('status-filter-review').click();
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 1,000 of 10,000 images');
	await expect(cells.first().getByTestId('image-status')).toHaveText('Review');
	await page.getByTestId('status-filter-all').click();
	await page.getByTestId('class-filter').selectOption({ label: 'person' });
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 2,000 of 10,000 images');
	await page.getByTestId('class-filter').selectOption({ label: 'car' });
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 1,000 of 10,000 images');
	await expect(cells.first()).toHaveAttribute('data-status', 'done');
	await shot(page, 'library-10k');
});
