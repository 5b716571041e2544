import { expect, test, type Page } from '@playwright/test';
import { dragOnImage, shapeRow, shapeRows, waitForEditor } from './support/editor';

/**
 * Dataset versions as a project lead uses them: freeze v1, edit in the editor (add two boxes, delete
 * one, change one's class), freeze v2, compare v1 → v2 per class, and find both after a reload.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let libraryUrl = '';
let editorUrl = '';
const ids: string[] = [];

const versionRow = (name: string) => page.locator(`[data-testid="version-row"][data-name="${name}"]`);
const diffRow = (cls: string) => page.locator(`[data-testid="diff-row"][data-class="${cls}"]`);

async function openLibrary() {
	await page.goto(libraryUrl);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
}

async function openEditor() {
	await page.goto(editorUrl);
	await waitForEditor(page);
}

async function drawBox(x: number, y: number) {
	const before = await shapeRows(page).count();
	await page.keyboard.press('b');
	await dragOnImage(page, { x, y }, { x: x + 150, y: y + 100 });
	await expect(shapeRows(page)).toHaveCount(before + 1);
	const all = await shapeRows(page).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')!));
	const fresh = all.find((id) => !ids.includes(id))!;
	ids.push(fresh);
	return fresh;
}

async function freeze(name: string) {
	await page.getByTestId('version-name-input').fill(name);
	await page.getByTestId('freeze-version').click();
	await expect(versionRow(name)).toBeVisible();
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	await page.goto('/dev/seed?images=2&polygons=0&width=1600&height=1000&seed=7');
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 60_000 });
	libraryUrl = `/project/${await done.getAttribute('data-project-id')}`;
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	editorUrl = page.url();
});

test.afterAll(async () => {
	await page.context().close();
});

test('freezes v1 with its counts', async () => {
	for (const x of [100, 400, 700]) await drawBox(x, 100); // three car boxes
	await openLibrary();
	await freeze('v1');
	await expect(versionRow('v1').getByTestId('version-counts')).toContainText('3 annotations');
	await expect(versionRow('v1')).toHaveAttribute('data-present', 'true');
	// A repeated name is refused, with a reason.
	await page.getByTestId('version-name-input').fill('V1');
	await page.getByTestId('freeze-version').click();
	await expect(page.getByTestId('version-error')).toContainText('already exists');
});

test('after edits, v2 compares to v1 per class', async () => {
	await openEditor();
	await drawBox(100, 500);
	await drawBox(400, 500);
	await shapeRow(page, ids[0]).getByTestId('shape-delete').click();
	await shapeRow(page, ids[1]).getByTestId('shape-class').selectOption({ label: 'person' });
	await expect(shapeRow(page, ids[1]).getByTestId('shape-class-name')).toHaveText('person');
	await expect(shapeRows(page)).toHaveCount(4);

	await openLibrary();
	await page.getByTestId('version-name-input').fill('v2');
	await page.getByTestId('freeze-version').click();
	await expect(versionRow('v2').getByTestId('version-counts')).toContainText('4 annotations');

	await page.getByTestId('version-compare-from').selectOption({ label: 'v1' });
	await page.getByTestId('version-compare-to').selectOption({ label: 'v2' });
	await page.getByTestId('version-compare').click();
	await expect(page.getByTestId('diff-total')).toHaveText('+2 −1 ~1');
	await expect(page.getByTestId('diff-row')).toHaveCount(2);
	await expect(diffRow('car').getByTestId('diff-added')).toHaveText('2');
	await expect(diffRow('car').getByTestId('diff-removed')).toHaveText('1');
	await expect(diffRow('car').getByTestId('diff-changed')).toHaveText('0');
	await expect(diffRow('person').getByTestId('diff-added')).toHaveText('0');
	await expect(diffRow('person').getByTestId('diff-removed')).toHaveText('0');
	await expect(diffRow('person').getByTestId('diff-changed')).toHaveText('1');

	// v2 against the project as it is now: nothing differs.
	await page.getByTestId('version-compare-from').selectOption({ label: 'v2' });
	await page.getByTestId('version-compare-to').selectOption({ label: 'Current project' });
	await page.getByTestId('version-compare').click();
	await expect(page.getByTestId('diff-none')).toBeVisible();
});

test('a reload lists both versions, newest first', async () => {
	await page.reload();
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('version-name')).toHaveText(['v2', 'v1']);
	await expect(versionRow('v1').getByTestId('version-counts')).toHaveText('2 images · 3 classes · 3 annotations');
	await expect(versionRow('v2')).toHaveAttribute('data-present', 'true');
});
