import { expect, test, type Page } from '@playwright/test';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';
import { joinProbe, probeJoin } from './support/join-probe';

const count = (page: Page) => page.getByTestId('library').getAttribute('data-annotation-count').then(Number);

/**
 * A new peer with two teammates online receives the project once: one of them answers, the other
 * stands by; when the answering one leaves mid-way, the other sends what is still missing.
 */
test('a new peer receives the project once from two teammates, and the second takes over when the first leaves', async ({ browser }) => {
	test.setTimeout(400_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const c = await newPeer(browser, 'Cy');
	for (const p of [a, b, c]) await probeJoin(p.page);
	try {
		const { projectId } = await seedOn(a.page, 'images=10000&polygons=100000&width=1920&height=1080&seed=3&blobs=0&shapes=mixed');
		const link = await shareProject(a.page, projectId);
		await join(b.page, link);
		await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 120_000 });
		const once = (await joinProbe(b.page)).syncBytes; // B had one teammate: it received the project once

		const sentBefore = await Promise.all([a, b].map(async (p) => (await joinProbe(p.page)).sentBytes));
		await join(c.page, link);
		await expect(c.page.getByTestId('library-notice')).toContainText(/Receiving the project from a teammate/, { timeout: 60_000 });
		// The one answering is the one sending: at least a megabyte more than the other.
		let answering = -1;
		await expect
			.poll(
				async () => {
					const sent = await Promise.all([a, b].map(async (p, i) => (await joinProbe(p.page)).sentBytes - sentBefore[i]));
					answering = sent[0] > sent[1] + 1e6 ? 0 : sent[1] > sent[0] + 1e6 ? 1 : -1;
					return answering;
				},
				{ timeout: 30_000 }
			)
			.not.toBe(-1);
		const [leaving, staying] = answering === 0 ? [a, b] : [b, a];
		await expect(c.page.getByTestId('sync-badge')).toHaveAttribute('data-peers', '2');
		await leaving.context.close();
		const reached = await count(c.page);
		expect(reached).toBeLessThan(100000); // it left mid-way

		await expect(c.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 120_000 });
		await expect(c.page.getByTestId('image-count')).toHaveText('10,000 images');
		await expect(c.page.getByTestId('library-notice')).toHaveCount(0);
		const received = (await joinProbe(c.page)).syncBytes;
		console.log(`joiner received ${(received / 1e6).toFixed(1)} MB (the project once: ${(once / 1e6).toFixed(1)} MB), ${reached} annotations in when ${leaving.name} left`);
		expect(received).toBeLessThan(once * 1.3);
		expect(await count(staying.page)).toBe(100000);
	} finally {
		await closeAll(a, b, c).catch(() => {});
	}
});
