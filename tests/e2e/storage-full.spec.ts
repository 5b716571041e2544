import { expect, test } from '@playwright/test';
import { dragOnImage, shapeRows, waitForEditor } from './support/editor';

/**
 * A full disk while annotating: the edit stays on screen, the user is told it is not saved, and it is
 * saved by itself as soon as there is room again, so a reload then shows it.
 */
test('an edit made while storage is full is kept, reported, and saved once there is room', async ({ page }) => {
	// Chromium reads an origin's quota when it first writes to it: set it before the app stores anything.
	await page.goto('/');
	const origin = new URL(page.url()).origin;
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 30_000_000 });
	try {
		await page.goto('/dev/seed?images=1&polygons=0&width=800&height=600&seed=5');
		await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
		await page.getByTestId('seed-first-image').click();
		await waitForEditor(page);

		// Something else fills the disk: another database takes every byte left.
		const filled = await page.evaluate(async () => {
			const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
			const open = indexedDB.open('filler');
			open.onupgradeneeded = () => open.result.createObjectStore('junk', { autoIncrement: true });
			const db = await req(open);
			let total = 0;
			for (let size = 1 << 20; size >= 64; size >>= 1) {
				for (;;) {
					const tx = db.transaction('junk', 'readwrite');
					tx.objectStore('junk').add(crypto.getRandomValues(new Uint8Array(Math.min(size, 65536))).slice(0, size));
					const ok = await new Promise<boolean>((resolve) => ((tx.oncomplete = () => resolve(true)), (tx.onabort = () => resolve(false))));
					if (!ok) break;
					total += size;
				}
			}
			db.close();
			return total;
		});
		expect(filled).toBeGreaterThan(1_000_000);

		await page.keyboard.press('b');
		await dragOnImage(page, { x: 100, y: 100 }, { x: 300, y: 250 });
		await expect(shapeRows(page)).toHaveCount(1);
		const problem = page.getByTestId('save-problem');
		await expect(problem).toBeVisible();
		await expect(problem).toContainText('Storage is full');
		const saveState = page.getByTestId('save-state');
		await expect(saveState).toHaveAttribute('data-state', 'unsaved');

		// Room again: the change is saved without the user doing anything, and the message goes.
		await page.evaluate(() => new Promise((resolve) => (indexedDB.deleteDatabase('filler').onsuccess = resolve)));
		await expect(problem).toBeHidden({ timeout: 15_000 });
		await expect(saveState).toHaveAttribute('data-state', 'saved');
		await page.reload();
		await waitForEditor(page);
		await expect(shapeRows(page)).toHaveCount(1);
	} finally {
		await cdp.send('Storage.overrideQuotaForOrigin', { origin });
	}
});
