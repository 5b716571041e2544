import { expect, test } from '@playwright/test';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';
import { clickWhileReceiving, joinProbe, probeJoin } from './support/join-probe';

/**
 * A data-channel message over ~256 KiB is dropped by browsers, and stock y-webrtc sends a joining
 * peer the whole document in one message: a large project would never arrive. Ours comes in parts
 * (sync/join-parts.ts), each applied in a task of its own, so the joining page keeps answering.
 */
test('a new peer joins a project of 100,000 annotations, answering input while it arrives, and ends with all of them', async ({ browser }) => {
	test.setTimeout(300_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId } = await seedOn(a.page, 'images=10000&polygons=100000&width=1920&height=1080&seed=2&blobs=0&shapes=mixed');
		const link = await shareProject(a.page, projectId);
		await expect(a.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000');

		await probeJoin(b.page);
		await join(b.page, link);
		// Megabytes take seconds: the joining peer sees them arrive, and its page answers meanwhile.
		const during = await clickWhileReceiving(b.page);
		expect(during.notice).toMatch(/Receiving the project from a teammate… \d+ %/);
		expect(during.images).toMatch(/^[\d,]+ images$/);
		expect(during.images).not.toBe('0 images');
		await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 120_000 });
		await expect(b.page.getByTestId('image-count')).toHaveText('10,000 images');
		await expect(b.page.getByTestId('library-notice')).toHaveCount(0);
		const probe = await joinProbe(b.page);
		console.log(`joining page: ${(probe.syncBytes / 1e6).toFixed(1)} MB of sync received, longest task ${Math.max(0, ...probe.longTasks)} ms`);
		// What arrived is stored: once the page says so, it is there after a reload, with no peer online.
		// (A reload while it still says "Saving…" can lose the writes in flight, as with any IndexedDB app.)
		await expect(b.page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved', { timeout: 60_000 });
		await a.context.close();
		await b.page.reload();
		await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 60_000 });
	} finally {
		await closeAll(a, b).catch(() => {});
	}
});
