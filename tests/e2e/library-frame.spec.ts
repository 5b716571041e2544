import { expect, test, type Page } from '@playwright/test';
import { png } from './support/images';

/**
 * Records what the library showed when it first appeared (before the document had opened) and every
 * layout shift inside it: the page is drawn once, then filled in, and nothing in it moves.
 */
async function watchLibrary(page: Page) {
	await page.addInitScript(() => {
		const w = window as unknown as { shifts: string[]; first: unknown };
		w.shifts = [];
		new PerformanceObserver((list) => {
			for (const entry of list.getEntries() as (PerformanceEntry & { hadRecentInput: boolean; sources?: { node?: Node }[] })[]) {
				if (entry.hadRecentInput) continue;
				for (const s of entry.sources ?? []) {
					const el = s.node instanceof Element ? s.node : s.node?.parentElement;
					if (el?.closest('[data-testid="library"]')) w.shifts.push(el.outerHTML.slice(0, 80));
				}
			}
		}).observe({ type: 'layout-shift', buffered: true });
		new MutationObserver((_, observer) => {
			const library = document.querySelector('[data-testid="library"]');
			if (!library) return;
			observer.disconnect();
			const rect = (selector: string) => {
				const r = document.querySelector(selector)?.getBoundingClientRect();
				return r ? [r.x, r.y, r.width, r.height] : null;
			};
			w.first = {
				live: library.getAttribute('data-live'),
				busy: library.getAttribute('aria-busy'),
				title: document.querySelector('[data-testid="project-title"]')?.textContent?.trim(),
				claimsEmpty: !!document.querySelector('[data-testid="library-empty"]'),
				hint: rect('[data-testid="versions-panel"] .side-panel-hint'),
				filters: rect('[data-testid="status-filter"]')
			};
		}).observe(document, { childList: true, subtree: true });
	});
}

const rect = (page: Page, selector: string) =>
	page.locator(selector).evaluate((el) => {
		const r = el.getBoundingClientRect();
		return [r.x, r.y, r.width, r.height];
	});

/** How many images the project's saved summary lists (-1: none saved). */
const summarizedImages = (page: Page, id: string) =>
	page.evaluate(
		(id) =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open('peerlabel');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction('summaries').objectStore('summaries').get(id);
					get.onsuccess = () => {
						resolve(get.result ? get.result.images.length : -1);
						open.result.close();
					};
				};
			}),
		id
	);

async function createProject(page: Page, name: string): Promise<string> {
	await page.goto('/');
	await page.getByTestId('new-project-name').fill(name);
	await page.getByTestId('create-project').click();
	return (await page.getByTestId('project-row').filter({ hasText: name }).getAttribute('data-project-id'))!;
}

test('a project without a saved summary is drawn at once, says nothing of its content until it has opened, and nothing moves', async ({ page }) => {
	const id = await createProject(page, 'Street scenes');
	await watchLibrary(page);
	await page.goto(`/project/${id}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('library-empty')).toBeVisible();
	const first = await page.evaluate(() => (window as unknown as { first: Record<string, unknown> }).first);
	// The frame came first: the panels in their places, and no claim about the project's images.
	expect(first).toMatchObject({ live: 'false', busy: 'true', claimsEmpty: false });
	await expect(page.getByTestId('project-title')).toHaveText('Street scenes');
	expect(first.hint).toEqual(await rect(page, '[data-testid="versions-panel"] .side-panel-hint'));
	expect(first.filters).toEqual(await rect(page, '[data-testid="status-filter"]'));
	await expect(page.getByTestId('library')).toHaveAttribute('aria-busy', 'false');
	await expect(page.getByTestId('image-count')).toHaveText('0 images');
	expect(await page.evaluate(() => (window as unknown as { shifts: string[] }).shifts)).toEqual([]);
});

test('a project with a saved summary: its frame, then the summary, then the live project, in the same place', async ({ page }) => {
	const id = await createProject(page, 'Harbour');
	await page.goto(`/project/${id}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	for (const name of ['boat', 'buoy', 'pier']) {
		await page.getByTestId('new-class-name').fill(name);
		await page.getByTestId('add-class').click();
	}
	await expect(page.getByTestId('class-row')).toHaveCount(3);
	await page.getByTestId('add-images-input').setInputFiles([
		{ name: 'a.png', mimeType: 'image/png', buffer: png(64, 48, 1) },
		{ name: 'b.png', mimeType: 'image/png', buffer: png(48, 64, 2) }
	]);
	await expect(page.getByTestId('image-count')).toHaveText('2 images');
	await expect.poll(() => summarizedImages(page, id)).toBe(2);
	await watchLibrary(page);
	await page.reload();
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	const first = await page.evaluate(() => (window as unknown as { first: Record<string, unknown> }).first);
	expect(first).toMatchObject({ live: 'false', busy: 'true', claimsEmpty: false });
	await expect(page.getByTestId('project-title')).toHaveText('Harbour');
	expect(first.filters).toEqual(await rect(page, '[data-testid="status-filter"]'));
	await expect(page.getByTestId('image-cell')).toHaveCount(2);
	await expect(page.getByTestId('library-notice')).toHaveCount(0);
	expect(await page.evaluate(() => (window as unknown as { shifts: string[] }).shifts)).toEqual([]);
});
