import { expect, type BrowserContext, type Page } from '@playwright/test';

/** Waits until the app's service worker has cached the shell and controls the page. */
export async function waitForServiceWorker(page: Page): Promise<void> {
	await page.evaluate(() => navigator.serviceWorker.ready);
	await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/**
 * Cuts the network, and checks that it is cut for the service worker too: otherwise a page that
 * loads would prove nothing about the cache.
 */
export async function goOffline(context: BrowserContext): Promise<void> {
	await context.setOffline(true);
	const [worker] = context.serviceWorkers();
	expect(worker, 'the app has a service worker').toBeTruthy();
	// version.json is never cached, so only the network could answer.
	const reached = await worker.evaluate(() => fetch('/_app/version.json', { cache: 'no-store' }).then(() => true, () => false));
	expect(reached, 'the service worker can still reach the server').toBe(false);
}
