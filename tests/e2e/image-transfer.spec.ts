import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { png, tempFolder } from './support/images';
import { waitForEditor } from './support/editor';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';

/** The SHA-256 of the bytes a page's IndexedDB holds for an image, or null. */
async function storedImageHash(page: Page, hash: string): Promise<string | null> {
	return page.evaluate(async (hash) => {
		const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
		const database = await req(indexedDB.open('peerlabel'));
		const entry = (await req(database.transaction('blobs').objectStore('blobs').get(hash))) as { blob: Blob } | undefined;
		database.close();
		if (!entry) return null;
		const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await entry.blob.arrayBuffer()));
		return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
	}, hash);
}

async function importImage(page: Page, path: string): Promise<void> {
	await page.getByTestId('add-images-input').setInputFiles([path]);
	await expect(page.getByTestId('import-report').first().getByTestId('import-summary')).toHaveText('Imported 1 image', { timeout: 60_000 });
}

test('an image only one peer has reaches another byte-identical, and every image can be made available offline', async ({ browser }) => {
	test.setTimeout(180_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const c = await newPeer(browser, 'Cy');
	try {
		const { projectId } = await seedOn(a.page, 'images=3&polygons=2&width=800&height=600&seed=12');
		const link = await shareProject(a.page, projectId);
		await join(c.page, link);
		await expect(c.page.getByTestId('image-cell')).toHaveCount(3, { timeout: 30_000 });

		// C adds a photo of several MB: only C has its bytes.
		const bytes = png(1600, 1200, 77, { noise: true });
		const hash = createHash('sha256').update(bytes).digest('hex');
		await importImage(c.page, tempFolder().write('only-c.png', bytes));
		await expect(a.page.getByTestId('image-cell')).toHaveCount(4);

		// B joins and opens C's image: A has not got it, so the bytes come from C, verified.
		await join(b.page, link);
		await expect(b.page.getByTestId('image-cell')).toHaveCount(4, { timeout: 30_000 });
		expect(await storedImageHash(b.page, hash)).toBeNull();
		await b.page.getByTestId('image-cell').filter({ hasText: 'only-c.png' }).click();
		await waitForEditor(b.page);
		expect(await storedImageHash(b.page, hash)).toBe(hash);
		await expect(b.page.getByTestId('image-fetch')).toHaveCount(0);

		// "Make available offline" gets the rest (A's seeded images); then they open with no network.
		await b.page.goto(`/project/${projectId}`);
		await b.page.getByTestId('sync-badge').click();
		await b.page.getByTestId('offline-fetch').click();
		await expect(b.page.getByTestId('offline-result')).toHaveText('All 3 images are on this device now.', { timeout: 60_000 });
		await b.page.getByTestId('share-close').click();
		await b.context.setOffline(true);
		await expect(b.page.getByTestId('sync-badge')).toHaveAttribute('data-status', 'offline');
		for (const name of ['image-00001.png', 'image-00003.png']) {
			await b.page.getByTestId('image-cell').filter({ hasText: name }).click();
			await waitForEditor(b.page);
			await b.page.goBack();
		}
	} finally {
		await closeAll(a, b, c).catch(() => {});
	}
});
