import { readdirSync, readFileSync, statSync } from 'node:fs';
import type http from 'node:http';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { buildDir } from '../../src/server/build-mode.js';
import { startBuildServer } from '../tools/test-build-server.js';

/** Strings of the test routes' own code (/dev/seed, /dev/ml), which survive minifying. */
const TEST_ROUTE_CODE = ['seed-done', 'Seeding failed', 'peerlabelMlFamilies', 'The inference client is window.peerlabelMl'];

function filesUnder(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		return statSync(path).isDirectory() ? filesUnder(path) : [path];
	});
}

/** For each marker, the built files (scripts and pages) that contain it. */
function whereFound(dir: string) {
	const texts = filesUnder(dir)
		.filter((f) => /\.(js|html)$/.test(f))
		.map((f) => readFileSync(f, 'utf8'));
	return Object.fromEntries(TEST_ROUTE_CODE.map((m) => [m, texts.filter((t) => t.includes(m)).length]));
}

// The app's own build (what `npm start` serves), built here when its sources changed.
let app: { server: http.Server; base: string };
test.beforeAll(async () => {
	test.setTimeout(300_000);
	app = await startBuildServer({ test: false });
});
test.afterAll(() => app?.server.close());

test('the app\'s build holds none of the test routes\' code; the test build that these tests run on does', () => {
	const none = Object.fromEntries(TEST_ROUTE_CODE.map((m) => [m, 0]));
	expect(whereFound(buildDir(false))).toEqual(none);
	for (const [marker, files] of Object.entries(whereFound(buildDir(true)))) expect(files, marker).toBeGreaterThan(0);
});

test('in the app\'s build, /dev/seed and /dev/ml answer "Not found" and make nothing', async ({ page }) => {
	for (const path of ['/dev/seed?images=1', '/dev/ml']) {
		await page.goto(`${app.base}${path}`);
		await expect(page.getByTestId('error-page')).toContainText('There is nothing at this address');
		await expect(page.getByTestId('seed-done')).toHaveCount(0);
		expect(await page.evaluate(() => 'peerlabelMl' in window)).toBe(false);
	}
	await page.goto(`${app.base}/`);
	await expect(page.getByTestId('new-project-name')).toBeVisible();
	await expect(page.getByTestId('project-row')).toHaveCount(0);
});
