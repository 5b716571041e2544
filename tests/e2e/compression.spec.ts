import { expect, test } from '@playwright/test';

// The built app as a browser gets it: its code compressed on the wire (src/server/precompress.js,
// serve.js), and working the same.
test('a first visit gets the app\'s code brotli-compressed, a fraction of its size, and the page works', async ({ page }) => {
	const encodings = new Map<string, string | undefined>();
	page.on('response', (r) => {
		if (new URL(r.url()).pathname.startsWith('/_app/immutable/')) encodings.set(r.url(), r.headers()['content-encoding']);
	});
	await page.goto('/');
	await expect(page.getByTestId('new-project-name')).toBeVisible();
	const scripts = await page.evaluate(() =>
		(performance.getEntriesByType('resource') as PerformanceResourceTiming[])
			.filter((e) => e.initiatorType !== 'fetch' && new URL(e.name).pathname.startsWith('/_app/immutable/') && e.name.endsWith('.js'))
			.map((e) => ({ url: e.name, wire: e.encodedBodySize, size: e.decodedBodySize }))
	);
	const large = scripts.filter((s) => s.size >= 1024);
	expect(large.length).toBeGreaterThan(3);
	for (const s of large) {
		expect(encodings.get(s.url), s.url).toBe('br');
		expect(s.wire, s.url).toBeLessThan(s.size / 2);
	}
	const wire = large.reduce((sum, s) => sum + s.wire, 0);
	const size = large.reduce((sum, s) => sum + s.size, 0);
	expect(wire).toBeLessThan(size / 2.5);
	// The decoded code runs: a project is made and opened.
	await page.getByTestId('new-project-name').fill('Compressed');
	await page.getByTestId('create-project').click();
	await page.getByTestId('project-link').first().click();
	await expect(page.locator('[data-testid="library"][data-live="true"]')).toBeVisible();
});
