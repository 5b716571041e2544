import { expect, test, type Page } from '@playwright/test';
import { waitForEditor } from './support/editor';
import { expectAccessible, screens } from './support/screens';

/**
 * Every screen and dialog audited by axe-core (WCAG 2.1 A and AA, and axe's best practices, which are
 * what Lighthouse's accessibility score is made of): no serious or critical violation. And the controls
 * a person finds by role and name: symbol buttons named in words, two model pickers told apart, shape
 * rows in a list, the class filter's toggles not named like the class picker, a thumbnail's counts in words.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let projectUrl = '';

test.beforeAll(async ({ browser }) => {
	// axe-core's Playwright runner needs a page of a context of its own.
	page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
});
test.afterAll(async () => page.context().close());

test('the project list, empty and with a project, and the dialog that makes one from a dataset', async () => {
	await page.goto('/');
	await expect(page.getByTestId('project-from-dataset')).toBeVisible();
	await expectAccessible(page, 'empty project list');
	await page.goto('/dev/seed?images=3&polygons=2&width=800&height=600&seed=7');
	await expect(page.getByTestId('seed-done')).toBeVisible({ timeout: 60_000 });
	await page.goto('/');
	await expect(page.getByTestId('project-row').first()).toBeVisible();
	await expectAccessible(page, 'project list');
	await screens(page, 'a11y', 'project-list');
	await page.setViewportSize({ width: 1280, height: 800 });
	// A link in running text is underlined, not told apart by colour alone.
	expect(await page.getByTestId('models-link').evaluate((a) => getComputedStyle(a).textDecorationLine)).toBe('underline');
	await page.getByTestId('project-from-dataset').click();
	await expect(page.getByTestId('import-dialog')).toBeVisible();
	await expectAccessible(page, 'new project from a dataset');
	await page.keyboard.press('Escape');
});

test('the library, its thumbnails named with their counts in words, and its dialogs', async () => {
	await page.getByTestId('project-row').first().click();
	await expect(page.getByTestId('image-cell').first()).toBeVisible();
	projectUrl = page.url();
	await expect(page.getByTestId('image-annotations').first()).not.toHaveText('0');
	await expectAccessible(page, 'library');
	const cell = page.getByTestId('image-cell').first();
	const count = (await cell.getByTestId('image-annotations').innerText()).trim();
	await expect(cell).toHaveAccessibleName(new RegExp(`\\b${count}\\s+annotations?$`));
	await screens(page, 'a11y', 'library');
	await page.setViewportSize({ width: 1280, height: 800 });
	for (const [open, dialog] of [
		['import-dataset-button', 'import-dialog'],
		['export-button', 'export-dialog'],
		['class-edit', 'class-dialog'],
		['members-button', 'member-panel'],
		['assign-button', 'assign-dialog']
	]) {
		await page.getByTestId(open).first().click();
		await expect(page.getByTestId(dialog)).toBeVisible();
		await expectAccessible(page, dialog);
		await page.keyboard.press('Escape');
		await expect(page.getByTestId(dialog)).toBeHidden();
	}
	// Images picked for assigning: their checkboxes and the bar that says how many; assigned, a thumbnail's face.
	await page.getByTestId('image-cell').first().hover();
	await page.getByTestId('image-select').first().click();
	await expect(page.getByTestId('selection-bar')).toBeVisible();
	await expectAccessible(page, 'library with images picked');
	await page.getByTestId('assign-selected').click();
	await page.getByTestId('assign-apply').click();
	await expect(page.getByTestId('image-assignee').first()).toBeVisible();
	await expect(page.getByTestId('assign-note-bar')).toBeVisible();
	await expectAccessible(page, 'library with an image assigned');
	await expect(page.getByTestId('image-cell').first()).toHaveAccessibleName(/\bAssigned to \S/);
	await page.getByTestId('my-work-filter').click();
	await expectAccessible(page, 'library, my work');
	await page.getByTestId('my-work-filter').click();
	// Sharing: before the link is made, and with the invite link shown.
	await page.getByTestId('sync-badge').click();
	await expect(page.getByTestId('share-dialog')).toBeVisible();
	await expectAccessible(page, 'share dialog, asking for a name');
	await page.getByRole('textbox', { name: 'Your name, as teammates see it' }).fill('Ada');
	await page.getByRole('button', { name: 'Continue' }).click();
	await expectAccessible(page, 'share dialog');
	await page.getByTestId('share-start').click();
	await expect(page.getByTestId('invite-link')).not.toHaveValue('');
	await expectAccessible(page, 'share dialog with its link');
	await screens(page, 'a11y', 'share');
	await page.setViewportSize({ width: 1280, height: 800 });
	await page.getByTestId('share-close').click();
});

test('the editor: named controls, a list of shapes, distinct model pickers, and its panels', async () => {
	await page.goto(projectUrl);
	await page.getByTestId('image-cell').first().click();
	await waitForEditor(page);
	await expectAccessible(page, 'editor');
	for (const name of ['Back to the library', 'Zoom in', 'Zoom out', 'Shape display', 'Undo', 'Redo', 'Keyboard shortcuts'])
		await expect(page.getByRole(name === 'Back to the library' ? 'link' : 'button', { name, exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: 'Previous image', exact: true })).toBeDisabled();
	await expect(page.getByRole('button', { name: 'Next image', exact: true })).toBeEnabled();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/\.(png|jpe?g|webp)$/);
	// Two model pickers, each with a name of its own.
	await expect(page.getByRole('combobox', { name: 'Segmentation model' })).toHaveCount(1);
	await expect(page.getByRole('combobox', { name: 'Text reading model' })).toHaveCount(1);
	await expect(page.getByRole('combobox', { name: 'Model', exact: true })).toHaveCount(0);
	// Shapes are items of a list; each is picked by a button named by its class and shape.
	const list = page.getByRole('list', { name: 'Shapes on this image, topmost first' });
	const rows = await page.getByTestId('shape-row').count();
	expect(rows).toBeGreaterThan(0);
	await expect(list.getByRole('listitem')).toHaveCount(rows);
	const pick = list.getByRole('listitem').first().getByTestId('shape-pick');
	await pick.focus();
	await page.keyboard.press('Enter');
	await expect(pick).toHaveAttribute('aria-current', 'true');
	await expect(page.getByTestId('editor-canvas')).toHaveAttribute('data-selected-id', (await page.getByTestId('shape-row').first().getAttribute('data-id'))!);
	// The class filter's toggles say what they do; the class picker's buttons are the class names.
	const className = (await page.getByTestId('class-option').first().innerText()).replace(/\d$/, '').trim();
	await expect(page.getByRole('button', { name: `Show ${className} shapes` })).toHaveAttribute('aria-pressed', 'true');
	await expect(page.getByRole('group', { name: 'Class for new shapes' }).getByRole('button', { name: className })).toBeVisible();
	await screens(page, 'a11y', 'editor');
	await page.setViewportSize({ width: 1280, height: 800 });

	await page.getByRole('button', { name: 'Shape display' }).click();
	await expect(page.getByTestId('view-settings')).toBeVisible();
	await expectAccessible(page, 'shape display');
	await page.getByRole('button', { name: 'Shape display' }).click();
	await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
	await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
	await expectAccessible(page, 'keyboard shortcuts');
	await page.keyboard.press('Escape');
});

test('the editor’s comments panel, the rejection dialog and the inbox (issue 15)', async () => {
	await page.goto(projectUrl);
	await page.getByTestId('image-cell').first().click();
	await waitForEditor(page);
	await page.getByTestId('tab-comments').click();
	await page.getByTestId('comment-on-image').click();
	await page.getByTestId('new-comment-input').fill('Is the car on the left a van?');
	await page.getByTestId('new-thread-post').click();
	await expect(page.getByTestId('thread')).toHaveCount(1);
	await expect(page.getByTestId('comment')).toHaveAttribute('data-verification', 'verified');
	await expectAccessible(page, 'comments panel');
	await expect(page.getByRole('tab', { name: /Comments/ })).toHaveAttribute('aria-selected', 'true');
	await expect(page.getByRole('textbox', { name: 'Reply to comment 1' })).toBeVisible();
	// Submitted, the image can be rejected: the rejection dialog.
	const imageUrl = page.url();
	await page.getByTestId('submit-review').click();
	await expect(page).not.toHaveURL(imageUrl);
	await page.goto(imageUrl);
	await waitForEditor(page);
	await page.getByTestId('reject-review').click();
	await expect(page.getByTestId('reject-dialog')).toBeVisible();
	await expectAccessible(page, 'rejection dialog');
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('reject-dialog')).toBeHidden();
	await page.getByRole('button', { name: /^Inbox/ }).click();
	await expect(page.getByTestId('inbox-panel')).toBeVisible();
	await expectAccessible(page, 'inbox');
	await page.keyboard.press('Escape');
	await expect(page.getByTestId('inbox-panel')).toBeHidden();
});

test('the models page', async () => {
	await page.goto('/models');
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expectAccessible(page, 'models');
	await screens(page, 'a11y', 'models');
});

test('the team statistics page: its members table, class chart and downloads (issue 15 item 6)', async () => {
	// The project the library test opened; its own when this test runs alone (--grep).
	let url = projectUrl;
	if (!url) {
		await page.goto('/dev/seed?images=3&polygons=2&width=800&height=600&seed=7');
		const done = page.getByTestId('seed-done');
		await expect(done).toBeVisible({ timeout: 60_000 });
		url = `/project/${await done.getAttribute('data-project-id')}`;
	}
	await page.goto(`${url}/stats`);
	await expect(page.getByTestId('stats-class-row').first()).toBeVisible();
	await expect(page.getByTestId('stats-member-row')).not.toHaveCount(0);
	await expectAccessible(page, 'team statistics');
	await expect(page.getByRole('columnheader', { name: 'Member' })).toHaveAttribute('aria-sort', 'ascending');
	const chart = page.getByRole('list', { name: 'Annotations of each class, by the stage of their image' });
	await expect(chart.getByRole('listitem').first()).toContainText(/\d+ annotations?: \d+ annotate, \d+ review, \d+ done/);
	await screens(page, 'a11y', 'team-stats');
});
