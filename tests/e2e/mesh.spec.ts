import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { attachSignaling } from '../../src/server/signaling.js';
import { closeAll, join, newPeer, renameProject, seedOn, shareProject, syncBadge } from './support/peers';

/**
 * A partial mesh: A and C use different signaling servers and never meet; B uses both. Edits still
 * reach everyone, passed on by B.
 */
test('updates travel through a peer in the middle (A-B-C, A and C not connected)', async ({ browser, baseURL }) => {
	test.setTimeout(120_000);
	const other = http.createServer();
	const stop = attachSignaling(other);
	await new Promise<void>((ok) => other.listen(0, '127.0.0.1', ok));
	const otherUrl = `ws://127.0.0.1:${(other.address() as AddressInfo).port}/signaling`;
	const appPort = new URL(baseURL!).port;

	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const c = await newPeer(browser, 'Cy');
	// C cannot reach the app's own signaling endpoint (a team on another network, say).
	await c.context.routeWebSocket((url) => url.port === appPort, (ws) => ws.close());
	const setSignaling = async (page: typeof a.page, urls: string[]) => {
		await syncBadge(page).click();
		await page.locator('summary', { hasText: 'Network' }).click();
		await page.getByTestId('signaling-urls').fill(urls.join('\n'));
		await page.getByTestId('network-save').click();
		await expect(page.getByText('Saved: reconnecting with these servers.')).toBeVisible();
		await page.getByTestId('share-close').click();
	};
	try {
		const { projectId } = await seedOn(a.page, 'images=1&polygons=2&width=800&height=600&seed=16');
		const link = await shareProject(a.page, projectId);
		await join(b.page, link);
		await expect(syncBadge(b.page)).toHaveAttribute('data-peers', '1', { timeout: 30_000 });
		await setSignaling(b.page, [`ws://127.0.0.1:${appPort}/signaling`, otherUrl]);
		await join(c.page, link);
		await setSignaling(c.page, [otherUrl]);

		await expect(syncBadge(b.page)).toHaveAttribute('data-peers', '2', { timeout: 30_000 });
		await expect(c.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '2', { timeout: 30_000 });
		await expect(syncBadge(a.page)).toHaveAttribute('data-peers', '1');
		await expect(syncBadge(c.page)).toHaveAttribute('data-peers', '1');

		// A's edit reaches C, and C's reaches A, through B.
		await renameProject(a.page, 'Named by A');
		await expect(c.page.getByTestId('project-title')).toHaveText('Named by A');
		await c.page.getByTestId('new-class-name').fill('lane');
		await c.page.getByTestId('add-class').click();
		await expect(a.page.getByTestId('class-row').filter({ hasText: 'lane' })).toHaveCount(1);
		await expect(syncBadge(a.page)).toHaveAttribute('data-peers', '1');
	} finally {
		await closeAll(a, b, c);
		stop();
		other.close();
	}
});
