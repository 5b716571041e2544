import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { editorCanvas, shapeRow, shapeRows, waitForEditor } from './support/editor';

/**
 * Reviewing a model's proposals as a user does: a seeded project whose first image carries three
 * proposals (boxes a detector made), then accept (A), reject (Delete), accept all (Shift+A), the
 * library's "Awaiting review" filter, and an export that leaves unaccepted proposals out.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let projectId = '';
let editorUrl = '';

const rows = () => shapeRows(page);
const proposalRows = () => page.locator('[data-testid="shape-row"][data-proposal="true"]');
const selectedId = () => editorCanvas(page).getAttribute('data-selected-id');

async function openLibrary() {
	await page.goto(`/project/${projectId}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
}

async function openEditor() {
	await page.goto(editorUrl);
	await waitForEditor(page);
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true });
	page = await context.newPage();
	await page.goto('/dev/seed?images=2&polygons=0&proposals=3&width=1600&height=1000&seed=11');
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 60_000 });
	projectId = (await done.getAttribute('data-project-id'))!;
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	editorUrl = page.url();
});

test.afterAll(async () => {
	await page.context().close();
});

let acceptedId = '';

test('proposals are listed as model-made with their score', async () => {
	await expect(rows()).toHaveCount(3);
	await expect(proposalRows()).toHaveCount(3);
	await expect(page.getByTestId('shape-proposal')).toHaveText(['model 0.75', 'model 0.85', 'model 0.95']);
});

test('N selects a proposal, A accepts it and selects the next; the inspector shows model and score', async () => {
	await page.keyboard.press('n');
	acceptedId = (await selectedId())!;
	expect(acceptedId).toBeTruthy();
	await expect(page.getByTestId('inspector-proposal')).toHaveAttribute('data-model', 'dev-detector');
	await page.keyboard.press('a');
	await expect(shapeRow(page, acceptedId)).toHaveAttribute('data-proposal', 'false');
	await expect(shapeRow(page, acceptedId).getByTestId('shape-proposal')).toHaveCount(0);
	await expect(proposalRows()).toHaveCount(2);
	const next = await selectedId();
	expect(next).not.toBe(acceptedId);
	await expect(shapeRow(page, next!)).toHaveAttribute('data-proposal', 'true');
});

test('the acceptance is stored: after a reload the shape is a person’s, the others still await review', async () => {
	await page.reload();
	await waitForEditor(page);
	await expect(rows()).toHaveCount(3);
	await expect(shapeRow(page, acceptedId)).toHaveAttribute('data-proposal', 'false');
	await expect(proposalRows()).toHaveCount(2);
});

test('Delete rejects the selected proposal', async () => {
	await page.keyboard.press('n');
	const rejected = (await selectedId())!;
	await expect(shapeRow(page, rejected)).toHaveAttribute('data-proposal', 'true');
	await page.keyboard.press('Delete');
	await expect(rows()).toHaveCount(2);
	await expect(shapeRow(page, rejected)).toHaveCount(0);
	await expect(proposalRows()).toHaveCount(1);
});

test('the library filter finds the image with proposals awaiting review', async () => {
	await openLibrary();
	await expect(page.getByTestId('image-cell')).toHaveCount(2);
	await page.getByTestId('awaiting-review-filter').check();
	await expect(page.getByTestId('image-cell')).toHaveCount(1);
	await expect(page.getByTestId('filtered-count')).toContainText('Showing 1 of 2 images');
	await expect(page.getByTestId('image-proposals')).toHaveAttribute('data-count', '1');
});

test('an export leaves the unaccepted proposal out unless asked', async () => {
	async function exportedAnnotations(includeProposals: boolean): Promise<number> {
		await page.getByTestId('export-button').click();
		await page.getByTestId('export-format').selectOption('coco');
		await page.getByTestId('export-include-images').uncheck();
		if (includeProposals) await page.getByTestId('export-include-proposals').check();
		else await expect(page.getByTestId('export-include-proposals')).not.toBeChecked();
		const downloading = page.waitForEvent('download');
		await page.getByTestId('export-start').click();
		const entries = unzipSync(new Uint8Array(readFileSync(await (await downloading).path())));
		let n = 0;
		for (const [name, bytes] of Object.entries(entries))
			if (name.endsWith('.json')) n += (JSON.parse(new TextDecoder().decode(bytes)).annotations ?? []).length;
		await page.keyboard.press('Escape');
		return n;
	}
	await openLibrary();
	expect(await exportedAnnotations(false)).toBe(1);
	await openLibrary();
	expect(await exportedAnnotations(true)).toBe(2);
});

test('Shift+A accepts every proposal on the image; the filter then finds none', async () => {
	await openEditor();
	await expect(proposalRows()).toHaveCount(1);
	await page.keyboard.press('Shift+A');
	await expect(proposalRows()).toHaveCount(0);
	await expect(rows()).toHaveCount(2);
	await openLibrary();
	await page.getByTestId('awaiting-review-filter').check();
	await expect(page.getByTestId('image-cell')).toHaveCount(0);
});
