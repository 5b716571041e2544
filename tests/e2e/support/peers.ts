import { expect, type Browser, type BrowserContext, type Page } from '@playwright/test';

/**
 * Peers for collaboration tests: each one a browser context of its own (its own IndexedDB, no
 * BroadcastChannel with the others), so they reach each other only through the app's signaling
 * endpoint on 127.0.0.1 and WebRTC, as two devices would.
 */

export interface Peer {
	name: string;
	context: BrowserContext;
	page: Page;
}

export async function newPeer(browser: Browser, name: string, options: { named?: boolean } = {}): Promise<Peer> {
	const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	if (options.named !== false)
		await context.addInitScript((name) => {
			if (!localStorage.getItem('peerlabel.actor'))
				localStorage.setItem('peerlabel.actor', JSON.stringify({ id: `user-${name}`, name, named: true }));
		}, name);
	return { name, context, page: await context.newPage() };
}

/**
 * A teammate for team tests: a peer whose page exposes the app's session (`window.peerlabelSession`), and
 * on which any browser dialog (alert, confirm) fails the test.
 */
export async function teammate(browser: Browser, name: string): Promise<Peer> {
	const peer = await newPeer(browser, name);
	await peer.context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
	peer.page.on('dialog', (d) => {
		throw new Error(`a dialog opened: ${d.message()}`);
	});
	return peer;
}

/** A project made by the app's own seeding route; returns its id and first image id. */
export async function seedOn(page: Page, query: string): Promise<{ projectId: string; imageId: string }> {
	await page.goto(`/dev/seed?${query}`);
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 120_000 });
	return { projectId: (await done.getAttribute('data-project-id'))!, imageId: (await done.getAttribute('data-image-id'))! };
}

/** Opens the project's library, shares it and returns the invite link. */
export async function shareProject(page: Page, projectId: string): Promise<string> {
	await page.goto(`/project/${projectId}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
	await page.getByTestId('sync-badge').click();
	await page.getByTestId('share-start').click();
	const link = await page.getByTestId('invite-link').inputValue();
	await page.getByTestId('share-close').click();
	return link;
}

/** Opens an invite link; the project's library shows once joined. */
export async function join(page: Page, link: string): Promise<void> {
	await page.goto(link);
	await expect(page.getByTestId('library')).toBeVisible({ timeout: 30_000 });
}

export const syncBadge = (page: Page) => page.getByTestId('sync-badge');

/** Renames the project from its library page, as a user does (double-click the title). */
export async function renameProject(page: Page, name: string): Promise<void> {
	await page.getByTestId('project-title').dblclick();
	await page.getByTestId('project-title-input').fill(name);
	await page.getByTestId('project-title-input').press('Enter');
}

export async function closeAll(...peers: Peer[]): Promise<void> {
	await Promise.all(peers.map((p) => p.context.close()));
}
