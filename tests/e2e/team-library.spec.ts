import { expect, test, type Locator, type Page } from '@playwright/test';
import * as Y from 'yjs';
import { seedProject } from './support/seed';
import { screens } from './support/screens';
import { seedOn } from './support/peers';

/** The viewport the tests run at, restored after screenshots. */
const VIEWPORT = { width: 1280, height: 800 };

/**
 * Issue 15, the library's part: the member panel, assigning (picked images, a filter's images, split
 * evenly, unassign), "My work", the assignee and open-threads filters, and what thumbnails show of it.
 * The opening browser is a member as soon as the project is open (its identity is written into it);
 * the other members, threads and stages are written into the seeded document, as a peer's would arrive.
 */

const HOUR = 3_600_000;
const BEA = 'beaMember0000001';
const CAI = 'caiMember0000001';
const img = (n: number) => `img${String(n).padStart(11, '0')}`; // as support/seed.ts names them
const frame = (n: number) => `frame_${String(n).padStart(5, '0')}.jpg`;

interface Team {
	members?: { id: string; name: string; color: string; lastSeen: number }[];
	/** Threads: image index, and whether resolved. */
	threads?: { image: number; resolved?: boolean }[];
	stages?: { image: number; stage: 'annotate' | 'review' | 'done'; rejected?: true }[];
}

/** Adds team records to a seeded project's stored document: one more update, as if it came from a peer. */
async function addTeam(page: Page, projectId: string, team: Team): Promise<void> {
	const ydoc = new Y.Doc();
	const now = Date.now();
	ydoc.transact(() => {
		const members = ydoc.getMap('members');
		for (const m of team.members ?? [])
			members.set(m.id, { id: m.id, name: m.name, color: m.color, algorithm: 'Ed25519', publicKey: 'AAAA', joinedAt: now - 48 * HOUR, lastSeen: m.lastSeen, aliases: [] });
		const threads = ydoc.getMap('threads');
		(team.threads ?? []).forEach((t, k) => {
			const id = `thread${String(k).padStart(10, '0')}`;
			threads.set(id, { id, imageId: img(t.image), anchor: { kind: 'image' }, author: BEA, createdAt: now, resolved: t.resolved ? { by: BEA, at: now } : null });
		});
		const stages = ydoc.getMap('stages');
		for (const s of team.stages ?? []) stages.set(img(s.image), { imageId: img(s.image), stage: s.stage, ...(s.rejected ? { rejected: true } : {}), by: BEA, at: now });
	});
	const update = Buffer.from(Y.encodeStateAsUpdate(ydoc)).toString('base64');
	await page.evaluate(
		async ({ projectId, update }) => {
			const db = await new Promise<IDBDatabase>((ok, fail) => {
				const r = indexedDB.open(`peerlabel-project-${projectId}`, 1);
				r.onsuccess = () => ok(r.result);
				r.onerror = () => fail(r.error);
			});
			const tx = db.transaction('updates', 'readwrite');
			tx.objectStore('updates').add(Uint8Array.from(atob(update), (c) => c.charCodeAt(0)));
			await new Promise<void>((ok, fail) => ((tx.oncomplete = () => ok()), (tx.onerror = () => fail(tx.error))));
			db.close();
		},
		{ projectId, update }
	);
}

/** A 12-image project with two more members (Bea, seen 3 h ago; Cai, yesterday), threads and stages; opened. */
async function openTeamProject(page: Page): Promise<string> {
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible(); // the app's database is made
	const id = await seedProject(page, { name: 'Harbour team', images: 12, classes: ['boat'], imageSetup: (i) => (i % 4 === 0 ? { boxes: [0] } : {}) });
	await addTeam(page, id, {
		members: [
			{ id: BEA, name: 'Bea Lopez', color: '#e6194b', lastSeen: Date.now() - 3 * HOUR },
			{ id: CAI, name: 'Cai', color: '#3cb44b', lastSeen: Date.now() - 26 * HOUR }
		],
		threads: [{ image: 1 }, { image: 1 }, { image: 4 }, { image: 6, resolved: true }],
		stages: [
			{ image: 9, stage: 'review' },
			{ image: 10, stage: 'done' },
			{ image: 11, stage: 'annotate', rejected: true }
		]
	});
	await page.goto(`/project/${id}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('image-cell')).toHaveCount(12);
	// This browser's member is written once its identity has loaded.
	await expect(page.getByTestId('members-count')).toHaveText('3');
	return id;
}

const cells = (page: Page) => page.getByTestId('image-cell');
const cell = (page: Page, n: number) => page.locator(`[data-testid="image-cell"][data-image-id="${img(n)}"]`);
const pick = (page: Page, n: number) => cell(page, n).locator('xpath=..').getByTestId('image-select');
const names = (list: Locator) => list.getByTestId('image-name').allInnerTexts();

async function myMember(page: Page): Promise<{ id: string; name: string }> {
	await page.getByTestId('members-button').click();
	const me = page.locator('[data-testid="member-row"][data-you="true"]');
	const found = { id: (await me.getAttribute('data-member-id'))!, name: (await me.getByTestId('member-name').innerText()).trim() };
	await page.getByTestId('member-panel-close').click();
	await expect(page.getByTestId('member-panel')).toBeHidden();
	return found;
}

test('the member panel lists every member: online first, you marked, last seen, counts', async ({ page }) => {
	await openTeamProject(page);
	await page.getByTestId('members-button').click();
	const panel = page.getByTestId('member-panel');
	await expect(panel).toBeVisible();
	const rows = panel.getByTestId('member-row');
	await expect(rows).toHaveCount(3);
	await expect(panel.getByTestId('member-summary')).toHaveText('3 members, 1 online');
	// This browser's member first (online), then by name.
	await expect(rows.first()).toHaveAttribute('data-you', 'true');
	await expect(rows.first().getByTestId('member-you')).toHaveText('(you)');
	await expect(rows.first().getByTestId('member-seen')).toHaveText('online');
	await expect(rows.nth(1).getByTestId('member-name')).toHaveText('Bea Lopez');
	await expect(rows.nth(1).getByTestId('member-seen')).toHaveText('last seen 3 hours ago');
	await expect(rows.nth(2).getByTestId('member-name')).toHaveText('Cai');
	await expect(rows.nth(2).getByTestId('member-seen')).toHaveText(/^last seen (yesterday|1 day ago)$/);
	await expect(rows.getByTestId('member-you')).toHaveCount(1);
	for (const r of [0, 1, 2]) await expect(rows.nth(r).getByTestId('member-assigned')).toHaveText('0');
	// The seeded boxes' author is nobody in the list.
	for (const r of [0, 1, 2]) await expect(rows.nth(r).getByTestId('member-annotations')).toHaveText('0');
	await screens(page, 'team', 'member-panel', VIEWPORT);
	await page.keyboard.press('Escape');
	await expect(panel).toBeHidden();
});

test('assign picked images to a member, split a filter evenly, unassign: thumbnails and counts follow', async ({ page }) => {
	await openTeamProject(page);
	const me = await myMember(page);

	// Pick with the checkboxes: one, then every image, then none.
	await cell(page, 0).hover();
	await pick(page, 0).click();
	await expect(page.getByTestId('selected-count')).toHaveText('1 image selected');
	await page.getByTestId('select-all').click();
	await expect(page.getByTestId('selected-count')).toHaveText('12 images selected');
	await expect(page.getByTestId('image-select').first()).toBeChecked();
	await page.getByTestId('clear-selection').click();
	await expect(page.getByTestId('selection-bar')).toBeHidden();
	// One, then shift-click for the range up to the fourth.
	await cell(page, 0).hover();
	await pick(page, 0).click();
	await expect(page.getByTestId('selected-count')).toHaveText('1 image selected');
	await pick(page, 3).click({ modifiers: ['Shift'] });
	await expect(page.getByTestId('selected-count')).toHaveText('4 images selected');
	// While picking, a click on a thumbnail picks it (it does not open it); again unpicks it.
	await cell(page, 5).click();
	await expect(page.getByTestId('selected-count')).toHaveText('5 images selected');
	await expect(page).toHaveURL(/\/project\/[^/]+$/);
	await cell(page, 5).click();
	await expect(page.getByTestId('selected-count')).toHaveText('4 images selected');

	await page.getByTestId('assign-selected').click();
	const dialog = page.getByTestId('assign-dialog');
	await expect(dialog).toBeVisible();
	await expect(dialog.getByTestId('assign-scope-selected')).toBeChecked();
	await dialog.getByTestId('assign-member').selectOption({ label: 'Bea Lopez' });
	await expect(dialog.getByTestId('assign-preview-text')).toHaveText('4 images to Bea Lopez');
	await screens(page, 'team', 'assign-dialog', VIEWPORT);
	await dialog.getByTestId('assign-apply').click();
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('assign-note')).toHaveText('Assigned 4 images to Bea Lopez');
	await expect(page.getByTestId('selection-bar')).toBeHidden();
	const assigned = page.getByTestId('image-assignee');
	await expect(assigned).toHaveCount(4);
	for (const n of [0, 1, 2, 3]) {
		const face = cell(page, n).getByTestId('image-assignee');
		await expect(face.locator('[aria-hidden="true"]')).toHaveText('BL');
		await expect(face).toHaveAttribute('title', 'Assigned to Bea Lopez');
	}
	await expect(cell(page, 0)).toHaveAccessibleName(/\bAssigned to Bea Lopez\b/);
	await expect(page.getByTestId('assignee-filter').locator('option', { hasText: 'Bea Lopez' })).toHaveText('Bea Lopez (4)');
	await expect(page.getByTestId('assignee-filter').locator('option[value="none"]')).toHaveText('Unassigned (8)');

	// Every image of the project split between me and Bea (Cai left out): the preview says how it falls.
	await page.getByTestId('assign-button').click();
	await expect(dialog.getByTestId('assign-scope-filter')).toBeChecked();
	await dialog.getByTestId('assign-mode-split').check();
	await dialog.locator(`[data-testid="assign-split-member"][data-member-id="${CAI}"]`).uncheck();
	await expect(dialog.getByTestId('assign-preview-text')).toHaveText(`6 images to ${me.name}, 6 images to Bea Lopez`);
	// Nobody to split among: said, and nothing to apply.
	await dialog.locator(`[data-testid="assign-split-member"][data-member-id="${BEA}"]`).uncheck();
	await dialog.locator(`[data-testid="assign-split-member"][data-member-id="${me.id}"]`).uncheck();
	await expect(dialog.getByTestId('assign-preview-text')).toHaveText('Choose at least one member.');
	await expect(dialog.getByTestId('assign-apply')).toBeDisabled();
	await dialog.locator(`[data-testid="assign-split-member"][data-member-id="${BEA}"]`).check();
	await dialog.locator(`[data-testid="assign-split-member"][data-member-id="${me.id}"]`).check();
	await expect(dialog.getByTestId('assign-apply')).toHaveText('Split');
	await dialog.getByTestId('assign-apply').click();
	await expect(dialog).toBeHidden();
	await expect(page.getByTestId('assign-note')).toHaveText(`Split 12 images: 6 to ${me.name}, 6 to Bea Lopez`);
	await expect(assigned).toHaveCount(12);
	// Image i went to member i mod 2, me first.
	await expect(cell(page, 0).getByTestId('image-assignee')).toHaveAttribute('data-name', me.name);
	await expect(cell(page, 1).getByTestId('image-assignee')).toHaveAttribute('data-name', 'Bea Lopez');

	await page.getByTestId('assignee-filter').selectOption('me');
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 6 of 12 images');
	expect(await names(cells(page))).toEqual([0, 2, 4, 6, 8, 10].map(frame));
	await page.getByTestId('assignee-filter').selectOption({ label: 'Bea Lopez (6)' });
	expect(await names(cells(page))).toEqual([1, 3, 5, 7, 9, 11].map(frame));

	// Unassign one image, picked in this filter; the rest of the filter stays.
	await cell(page, 3).hover();
	await pick(page, 3).click();
	await page.getByTestId('assign-selected').click();
	await dialog.getByTestId('assign-mode-none').check();
	await expect(dialog.getByTestId('assign-preview-text')).toHaveText('Unassign 1 image');
	await expect(dialog.getByTestId('assign-apply')).toHaveText('Unassign');
	await dialog.getByTestId('assign-apply').click();
	await expect(page.getByTestId('assign-note')).toHaveText('Unassigned 1 image');
	await expect(cells(page)).toHaveCount(5);
	await page.getByTestId('assignee-filter').selectOption('none');
	expect(await names(cells(page))).toEqual([frame(3)]);
	await expect(cell(page, 3).getByTestId('image-assignee')).toHaveCount(0);

	// The member panel counts them: assigned, in review, done.
	await page.getByTestId('members-button').click();
	const bea = page.locator(`[data-testid="member-row"][data-member-id="${BEA}"]`);
	await expect(bea.getByTestId('member-assigned')).toHaveText('5');
	await expect(bea.getByTestId('member-in-review')).toHaveText('1'); // image 9
	await expect(bea.getByTestId('member-done')).toHaveText('0');
	const mine = page.locator(`[data-testid="member-row"][data-member-id="${me.id}"]`);
	await expect(mine.getByTestId('member-assigned')).toHaveText('6');
	await expect(mine.getByTestId('member-done')).toHaveText('1'); // image 10
	// From the panel to a member's images: the assignee filter set to them.
	await bea.getByRole('button', { name: 'Show images assigned to Bea Lopez' }).click();
	await expect(page.getByTestId('member-panel')).toBeHidden();
	await expect(page.getByTestId('assignee-filter')).toHaveValue(`m:${BEA}`);
	expect(await names(cells(page))).toEqual([1, 5, 7, 9, 11].map(frame));
});

test('My work shows only my images waiting in annotate; open threads filter and badges; rejected images say so', async ({ page }) => {
	await openTeamProject(page);
	const me = await myMember(page);
	await expect(page.getByTestId('my-work-count')).toHaveText('0');

	// Images 2, 5, 9 (in review) and 10 (done) to me; 7 to Cai.
	for (const n of [2, 5, 9, 10]) {
		await cell(page, n).hover();
		await pick(page, n).click();
	}
	await page.getByTestId('assign-selected').click();
	const dialog = page.getByTestId('assign-dialog');
	await expect(dialog.getByTestId('assign-member')).toHaveValue(me.id); // me, by default
	await expect(dialog.getByTestId('assign-preview-text')).toHaveText(`4 images to ${me.name} (you)`);
	await dialog.getByTestId('assign-apply').click();
	await expect(dialog).toBeHidden();
	await cell(page, 7).hover();
	await pick(page, 7).click();
	await page.getByTestId('assign-selected').click();
	await dialog.getByTestId('assign-member').selectOption({ label: 'Cai' });
	await dialog.getByTestId('assign-apply').click();

	// My work: mine, in annotate — not the one in review nor the done one, not Cai's.
	await expect(page.getByTestId('my-work-count')).toHaveText('2');
	await page.getByTestId('my-work-filter').click();
	await expect(page.getByTestId('my-work-filter')).toHaveAttribute('aria-pressed', 'true');
	expect(await names(cells(page))).toEqual([frame(2), frame(5)]);
	await expect(page.getByTestId('filtered-count')).toHaveText('Showing 2 of 12 images');
	await cell(page, 2).hover();
	await pick(page, 2).click();
	await expect(page.getByTestId('select-all')).toHaveText('Select all 2 in this filter');
	await page.getByTestId('select-all').click();
	await expect(page.getByTestId('selected-count')).toHaveText('2 images selected');
	// It combines with the other filters (and another filter starts with nothing picked).
	await page.getByTestId('status-filter-done').click();
	await expect(page.getByTestId('library-no-match')).toBeVisible();
	await expect(page.getByTestId('selection-bar')).toBeHidden();
	await page.getByTestId('status-filter-all').click();
	await page.getByTestId('class-filter').selectOption({ label: 'boat' });
	await expect(cells(page)).toHaveCount(0); // boxes are on 0, 4, 8
	await page.getByRole('button', { name: 'Clear filters' }).click();
	await expect(page.getByTestId('my-work-filter')).toHaveAttribute('aria-pressed', 'false');
	await expect(cells(page)).toHaveCount(12);

	// Open threads: two on image 1, one on 4; image 6's only thread is resolved.
	await expect(page.getByTestId('open-threads-count')).toHaveText('2');
	const badge1 = cell(page, 1).getByTestId('image-threads');
	await expect(badge1).toHaveText(/^2\s+open threads$/);
	await expect(badge1).toHaveAttribute('title', '2 open threads');
	await expect(cell(page, 4).getByTestId('image-threads')).toHaveText(/^1\s+open thread$/);
	await expect(cell(page, 6).getByTestId('image-threads')).toHaveCount(0);
	await expect(cell(page, 1)).toHaveAccessibleName(/\b2\s+open threads\b/);
	await page.getByTestId('open-threads-filter').click();
	expect(await names(cells(page))).toEqual([frame(1), frame(4)]);
	await page.getByTestId('open-threads-filter').click();

	// Stages: a rejected image in annotate says so; review and done as before.
	await expect(cell(page, 11).getByTestId('image-status')).toHaveText('Rejected');
	await expect(cell(page, 11)).toHaveAttribute('data-rejected', 'true');
	await expect(cell(page, 9).getByTestId('image-status')).toHaveText('Review');
	await expect(cell(page, 10).getByTestId('image-status')).toHaveText('Done');
	await expect(cell(page, 0).getByTestId('image-status')).toHaveText('Annotate');

	// The library with filters on, for the eye.
	await page.getByTestId('my-work-filter').click();
	await page.getByTestId('my-work-filter').click();
	await page.getByTestId('assignee-filter').selectOption('any');
	await cell(page, 0).hover();
	await pick(page, 0).click();
	await screens(page, 'team', 'library', VIEWPORT);
	await page.getByTestId('open-threads-filter').click();
	await screens(page, 'team', 'library-open-threads', VIEWPORT);
});

test('an image opened from My work: the editor walks my images (F: the next of mine)', async ({ page }) => {
	const { projectId } = await seedOn(page, 'images=5&polygons=1&width=320&height=240&seed=5');
	await page.goto(`/project/${projectId}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('members-count')).toHaveText('1');
	const ids = await cells(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-image-id')!));
	expect(ids).toHaveLength(5);
	// Images 1 and 3 are mine.
	for (const n of [1, 3]) {
		const c = page.locator(`[data-testid="image-cell"][data-image-id="${ids[n]}"]`);
		await c.hover();
		await c.locator('xpath=..').getByTestId('image-select').click();
	}
	await page.getByTestId('assign-selected').click();
	await page.getByTestId('assign-apply').click();
	await expect(page.getByTestId('my-work-count')).toHaveText('2');
	await page.getByTestId('my-work-filter').click();
	await expect(cells(page)).toHaveCount(2);
	await cells(page).first().click();
	await expect(page).toHaveURL(new RegExp(`/image/${ids[1]}$`));
	await expect(page.getByTestId('editor-canvas')).toHaveAttribute('data-editor-ready', 'true', { timeout: 30_000 });
	await page.keyboard.press('f');
	await expect(page).toHaveURL(new RegExp(`/image/${ids[3]}$`));
});
