import { expect, test } from '@playwright/test';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';

/**
 * A data-channel message over ~256 KiB is dropped by browsers, and stock y-webrtc sends a joining
 * peer the whole document in one message: a large project would never arrive. Ours is split into
 * frames and joined again.
 */
test('a new peer joins a project of 100,000 annotations and ends with all of them', async ({ browser }) => {
	test.setTimeout(300_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId } = await seedOn(a.page, 'images=10000&polygons=100000&width=1920&height=1080&seed=2&blobs=0&shapes=mixed');
		const link = await shareProject(a.page, projectId);
		await expect(a.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000');

		await join(b.page, link);
		// Tens of MB take seconds: the joining peer sees them arrive.
		await expect(b.page.getByTestId('library-notice')).toContainText(/Receiving the project from a teammate… \d+ % \([\d.]+ of [\d.]+ MB\)/, { timeout: 60_000 });
		await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 120_000 });
		await expect(b.page.getByTestId('image-count')).toHaveText('10,000 images');
		// What arrived is stored: it is there after a reload, with no peer online.
		await a.context.close();
		await b.page.reload();
		await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 60_000 });
	} finally {
		await closeAll(a, b).catch(() => {});
	}
});
