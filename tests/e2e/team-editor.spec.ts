import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { clickOnImage, dragOnImage, editorCanvas, toScreen, waitForEditor } from './support/editor';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';

/**
 * Issue 15 in the editor, as a person uses it: comments (on a shape, on the image, at a point) with
 * pins that follow the shape, text shown as text, replies, resolve and reopen, one's own comments
 * edited and deleted; the review stage moved by keys and a rejection with a flag; the shape's history
 * in the inspector; a deleted shape restored from the activity list; D/F through the library's list.
 * Then two devices: a mention lands in the other's inbox, and opens the thread.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let projectId = '';
let imageIds: string[] = [];
let boxId = '';
const dialogs: string[] = [];

const canvas = () => editorCanvas(page);
const threads = () => page.getByTestId('thread');
const thread = (id: string) => page.locator(`[data-testid="thread"][data-thread-id="${id}"]`);
const pins = () => page.getByTestId('pin');
const badge = () => page.getByTestId('stage-badge');
const imageUrl = (i: number) => new RegExp(`/project/${projectId}/image/${imageIds[i]}(\\?.*)?$`);

/** Keys go to the editor only while no text box has the focus. */
const blur = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

async function screens(p: Page, name: string): Promise<void> {
	mkdirSync('test-results/screens', { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[1280, 720]
	]) {
		await p.setViewportSize({ width, height });
		await p.waitForTimeout(150);
		await p.screenshot({ path: `test-results/screens/team-${name}-${width}x${height}.png` });
	}
	await p.setViewportSize({ width: 1280, height: 800 });
	await p.waitForTimeout(150);
}

/** The pin's tip (its bottom-left corner) on the page. */
async function pinTip(pin: Locator) {
	const b = (await pin.boundingBox())!;
	return { x: b.x, y: b.y + b.height };
}

function expectNear(actual: number, expected: number, tolerance = 3) {
	expect(Math.abs(actual - expected), `${actual} ≈ ${expected}`).toBeLessThanOrEqual(tolerance);
}

type Box = { x: number; y: number; width: number; height: number };
/** The shape's stored geometry (the shape list is on another tab while comments show). */
const boxGeometry = () =>
	page.evaluate((id) => (window as unknown as { peerlabelSession: { doc: { getAnnotation(id: string): { geometry: Box } } } }).peerlabelSession.doc.getAnnotation(id).geometry, boxId);

/** The pin at an image point (within a pixel). */
async function pinNear(x: number, y: number): Promise<Locator> {
	const all = await pins().evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('data-thread-id')!, x: Number(e.getAttribute('data-x')), y: Number(e.getAttribute('data-y')) })));
	const found = all.find((p) => Math.abs(p.x - x) <= 1 && Math.abs(p.y - y) <= 1);
	expect(found, `a pin at (${x}, ${y}) among ${JSON.stringify(all)}`).toBeTruthy();
	return page.locator(`[data-testid="pin"][data-thread-id="${found!.id}"]`);
}

async function openTab(name: 'shapes' | 'comments' | 'activity') {
	await page.getByTestId(`tab-${name}`).click();
	await expect(page.getByTestId(`tab-${name}`)).toHaveAttribute('aria-selected', 'true');
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 } });
	await context.addInitScript(() => {
		if (!localStorage.getItem('peerlabel.actor')) localStorage.setItem('peerlabel.actor', JSON.stringify({ id: 'user-Ada', name: 'Ada', named: true }));
		Object.assign(window, { peerlabelTestHooks: true });
	});
	page = await context.newPage();
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	({ projectId } = await seedOn(page, 'images=3&polygons=0&width=1600&height=1000&seed=5'));
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	imageIds = await page.evaluate(() => (window as unknown as { peerlabelSession: { doc: { images(): { id: string }[] } } }).peerlabelSession.doc.images().map((i) => i.id));
	expect(imageIds).toHaveLength(3);
	await expect(page).toHaveURL(imageUrl(0));
});

test.afterAll(async () => {
	await page.context().close();
});

test('a comment on a shape shows as a pin that follows the shape when it moves, pans and zooms', async () => {
	await page.keyboard.press('b');
	await dragOnImage(page, { x: 200, y: 200 }, { x: 500, y: 400 });
	boxId = (await canvas().getAttribute('data-selected-id'))!;
	expect(boxId).toBeTruthy();
	await openTab('comments');
	await expect(page.getByTestId('comments-empty')).toBeVisible();
	await page.getByTestId('comment-on-shape').click();
	await expect(page.getByTestId('new-thread-target')).toHaveText('New comment on car');
	await page.getByTestId('new-comment-input').fill('The outline is loose on the left');
	await page.getByTestId('new-thread-post').click();
	await expect(threads()).toHaveCount(1);
	await expect(threads().first()).toHaveAttribute('data-anchor', 'annotation');
	await expect(threads().first()).toHaveAttribute('data-expanded', 'true');
	await expect(page.getByTestId('comment-count')).toHaveText('1');
	// The pin sits on the shape's top-right corner.
	await expect(pins()).toHaveCount(1);
	const pin = pins().first();
	let g = await boxGeometry();
	await expect(pin).toHaveAttribute('data-x', String(g.x + g.width));
	await expect(pin).toHaveAttribute('data-y', String(g.y));
	let tip = await pinTip(pin);
	let corner = await toScreen(page, g.x + g.width, g.y);
	expectNear(tip.x, corner.x);
	expectNear(tip.y, corner.y);

	// The shape moves: its pin goes with it.
	await blur();
	await page.keyboard.press('v');
	const was = g;
	await dragOnImage(page, { x: 350, y: 300 }, { x: 450, y: 350 });
	await expect.poll(async () => (await boxGeometry()).x).toBeGreaterThan(was.x + 90);
	g = await boxGeometry();
	await expect(pin).toHaveAttribute('data-x', String(g.x + g.width));
	await expect(pin).toHaveAttribute('data-y', String(g.y));
	tip = await pinTip(pin);
	corner = await toScreen(page, g.x + g.width, g.y);
	expectNear(tip.x, corner.x);
	expectNear(tip.y, corner.y);

	// The view zooms: the pin stays on the corner.
	const before = await pinTip(pin);
	await page.keyboard.press('+');
	await expect.poll(async () => (await pinTip(pin)).x).not.toBe(before.x);
	tip = await pinTip(pin);
	corner = await toScreen(page, g.x + g.width, g.y);
	expectNear(tip.x, corner.x);
	expectNear(tip.y, corner.y);
	await page.keyboard.press('0');
});

test('a comment holding HTML shows as text: no element made, no script run', async () => {
	const html = '<img src=x onerror=alert(1)>';
	await page.getByTestId('comment-on-image').click();
	await page.getByTestId('new-comment-input').fill(html);
	await page.getByTestId('new-comment-input').press('Enter');
	await expect(threads()).toHaveCount(2);
	const t = page.locator('[data-testid="thread"][data-anchor="image"]');
	await expect(t).toHaveAttribute('data-expanded', 'true');
	await expect(t.getByTestId('comment-text')).toHaveText(html);
	await expect(t.getByTestId('comment-text').locator('img')).toHaveCount(0);
	expect(await page.evaluate(() => document.querySelectorAll('img[src="x"]').length)).toBe(0);
	await page.waitForTimeout(300);
	expect(dialogs).toEqual([]);
	// Signed by this device's member: verified, so no "unverified" mark.
	await expect(t.getByTestId('comment')).toHaveAttribute('data-verification', 'verified');
	await expect(t.getByTestId('comment-unverified')).toHaveCount(0);
	await expect(t.getByTestId('comment-author')).toHaveText('Ada');
});

test('reply, resolve and reopen a thread', async () => {
	const t = page.locator('[data-testid="thread"][data-anchor="image"]');
	const id = (await t.getAttribute('data-thread-id'))!;
	await t.getByTestId('comment-input').fill('A reply, with a second line');
	await t.getByTestId('comment-reply').click();
	await expect(thread(id).getByTestId('comment')).toHaveCount(2);
	await expect(thread(id).getByTestId('comment-text').nth(1)).toHaveText('A reply, with a second line');
	await expect(thread(id).getByTestId('comment-input')).toHaveValue('');

	await thread(id).getByTestId('thread-resolve').click();
	await expect(thread(id)).toHaveAttribute('data-resolved', 'true');
	await expect(page.getByTestId('resolved-toggle')).toHaveText(/Resolved \(1\)/);
	await expect(page.getByTestId('open-threads').getByTestId('thread')).toHaveCount(1);
	await expect(page.getByTestId('comment-count')).toHaveText('1');
	await thread(id).getByTestId('thread-reopen').click();
	await expect(thread(id)).toHaveAttribute('data-resolved', 'false');
	await expect(page.getByTestId('open-threads').getByTestId('thread')).toHaveCount(2);
	await expect(page.getByTestId('resolved-toggle')).toHaveCount(0);
});

test('one edits and deletes one’s own comment', async () => {
	const t = page.locator('[data-testid="thread"][data-anchor="image"]');
	const reply = t.getByTestId('comment').nth(1);
	await reply.getByTestId('comment-edit').click();
	await t.getByTestId('comment-edit-input').fill('An edited reply');
	await t.getByTestId('comment-edit-save').click();
	await expect(reply.getByTestId('comment-text')).toHaveText('An edited reply');
	await expect(reply.getByTestId('comment-edited')).toBeVisible();
	await reply.getByTestId('comment-delete').click();
	await reply.getByTestId('comment-delete-confirm').click();
	await expect(reply.getByTestId('comment-deleted')).toHaveText('Comment deleted');
	await expect(reply.getByTestId('comment-edit')).toHaveCount(0);
	await expect(t.getByTestId('comment')).toHaveCount(2);
});

test('the comment tool places a thread at a point; Shift+C hides the pins; a pin opens its thread', async () => {
	await blur();
	await page.keyboard.press('t');
	await expect(page.getByTestId('tool-comment')).toHaveAttribute('aria-pressed', 'true');
	await clickOnImage(page, 900, 700);
	await expect(page.getByTestId('new-thread-target')).toHaveText('New comment at (900, 700)');
	await expect(page.getByTestId('draft-pin')).toBeVisible();
	await expect(page.getByTestId('tool-select')).toHaveAttribute('aria-pressed', 'true');
	await page.getByTestId('new-comment-input').fill('Is this a person?');
	await page.getByTestId('new-comment-input').press('Enter');
	await expect(threads()).toHaveCount(3);
	await expect(pins()).toHaveCount(2); // the image's own thread has no pin
	await expect(await pinNear(900, 700)).toBeVisible();

	await blur();
	await page.keyboard.press('Shift+C');
	await expect(pins()).toHaveCount(0);
	await expect(page.getByTestId('pins-toggle')).toHaveAttribute('aria-pressed', 'false');
	await page.keyboard.press('Shift+C');
	await expect(pins()).toHaveCount(2);

	await openTab('shapes');
	const g = await boxGeometry();
	const shapePin = await pinNear(g.x + g.width, g.y);
	const shapeThread = (await shapePin.getAttribute('data-thread-id'))!;
	await shapePin.click();
	await expect(page.getByTestId('tab-comments')).toHaveAttribute('aria-selected', 'true');
	await expect(thread(shapeThread)).toHaveAttribute('data-expanded', 'true');
	await expect(canvas()).toHaveAttribute('data-selected-id', boxId);
	await screens(page, 'editor-comments');
});

test('the inspector names who made the shape and who changed it', async () => {
	await openTab('shapes');
	await page.locator(`[data-testid="shape-row"][data-id="${boxId}"]`).getByTestId('shape-pick').click();
	const history = page.getByTestId('shape-history');
	await expect(history).toContainText('Created by Ada');
	await expect(history).toContainText('Changed by Ada');
	await expect(history).toContainText('just now');
	await screens(page, 'editor-inspector');
});

test('submit and accept by keys move the stage and go on to the next image; reopen', async () => {
	await expect(badge()).toHaveAttribute('data-stage', 'annotate');
	await expect(page.getByTestId('submit-review')).toBeVisible();
	await blur();
	await page.keyboard.press('Shift+Enter');
	await expect(page).toHaveURL(imageUrl(1));
	await waitForEditor(page);
	await expect(badge()).toHaveAttribute('data-stage', 'annotate');
	await page.keyboard.press('d');
	await expect(page).toHaveURL(imageUrl(0));
	await waitForEditor(page);
	await expect(badge()).toHaveAttribute('data-stage', 'review');
	await expect(badge()).toHaveAttribute('title', /Submitted by Ada/);
	await expect(page.getByTestId('submit-review')).toHaveCount(0);
	await expect(page.getByTestId('accept-review')).toBeVisible();
	await expect(page.getByTestId('reject-review')).toBeVisible();

	await page.keyboard.press('Control+Enter');
	await expect(page).toHaveURL(imageUrl(1));
	await waitForEditor(page);
	await page.keyboard.press('d');
	await expect(page).toHaveURL(imageUrl(0));
	await expect(badge()).toHaveAttribute('data-stage', 'done');
	await expect(badge()).toHaveText(/Done/);
	await page.getByTestId('reopen-review').click();
	await expect(badge()).toHaveAttribute('data-stage', 'review');
});

test('reject with a reason and a flag on the selected shape: threads that mention the annotator', async () => {
	await waitForEditor(page);
	await openTab('shapes');
	await page.locator(`[data-testid="shape-row"][data-id="${boxId}"]`).getByTestId('shape-pick').click();
	await page.getByTestId('reject-review').click();
	const dialog = page.getByTestId('reject-dialog');
	await expect(dialog).toBeVisible();
	await expect(page.getByTestId('reject-annotator')).toContainText('Ada');
	await expect(dialog.getByTestId('reject-flag')).toHaveCount(1);
	await expect(dialog.getByTestId('reject-flag')).toHaveAttribute('data-annotation-id', boxId);
	await page.getByTestId('reject-reason').fill('The boxes are too loose');
	await dialog.getByTestId('reject-flag-select').selectOption('loose-outline');
	await dialog.getByTestId('reject-flag-note').fill('Tighten the left edge');
	await screens(page, 'editor-reject');
	await page.getByTestId('reject-confirm').click();
	await expect(dialog).toBeHidden();
	await expect(badge()).toHaveAttribute('data-stage', 'rejected');
	await expect(badge()).toHaveText(/Rejected/);
	await expect(page.getByTestId('submit-review')).toBeVisible();

	await openTab('comments');
	await expect(threads()).toHaveCount(5);
	const flagged = page.locator('[data-testid="thread"][data-flag="loose-outline"]');
	await expect(flagged).toHaveAttribute('data-anchor', 'annotation');
	await expect(flagged.getByTestId('thread-flag')).toHaveText('Loose outline');
	await flagged.getByTestId('thread-toggle').click();
	await expect(flagged.getByTestId('comment-text')).toHaveText('Tighten the left edge');
	const reason = threads().filter({ hasText: 'The boxes are too loose' });
	await expect(reason).toHaveCount(1);
	await expect(reason).toHaveAttribute('data-anchor', 'image');
});

test('a deleted shape comes back from the activity list; its thread is no longer orphaned', async () => {
	const shapeThread = page.locator('[data-testid="thread"][data-anchor="annotation"]:not([data-flag])');
	await openTab('shapes');
	await page.locator(`[data-testid="shape-row"][data-id="${boxId}"]`).getByTestId('shape-pick').click();
	await expect(canvas()).toHaveAttribute('data-selected-id', boxId);
	await blur();
	await page.keyboard.press('Delete');
	await expect(page.getByTestId('shape-count')).toHaveText('0');
	await openTab('comments');
	await expect(shapeThread).toHaveAttribute('data-orphaned', 'true');
	await expect(shapeThread.getByTestId('thread-orphaned')).toHaveText('shape deleted');

	await openTab('activity');
	const entries = page.getByTestId('activity-entry');
	await expect(entries.first()).toHaveAttribute('data-kind', 'delete');
	await expect(entries.first()).toContainText('Ada');
	// The deleted shape is named by the class its kept record had.
	await expect(entries.first()).toContainText('deleted car');
	await expect(page.locator('[data-testid="activity-entry"][data-kind="create"]')).toContainText('created a shape');
	await expect(page.locator('[data-testid="activity-entry"][data-kind="review"]').first()).toContainText('rejected the image');
	await screens(page, 'editor-activity');
	await entries.first().getByTestId('activity-restore').click();
	await expect(page.getByTestId('shape-count')).toHaveText('1');
	await expect(entries.first()).toHaveAttribute('data-kind', 'restore');
	await expect(entries.first()).toContainText('restored car');
	await expect(page.getByTestId('activity-restore')).toHaveCount(0);
	await expect(page.locator('[data-testid="activity-entry"][data-kind="create"]')).toContainText('Ada created car');
	await openTab('comments');
	await expect(shapeThread).toHaveAttribute('data-orphaned', 'false');
});

test('D and F go through the library’s list when the image was opened from it', async () => {
	await expect(page.getByTestId('image-position')).toHaveText('1 / 3');
	await page.evaluate((ids) => {
		(window as unknown as { peerlabelSession: { walk: unknown } }).peerlabelSession.walk = { label: 'My work', ids };
	}, [imageIds[2], imageIds[0]]);
	await expect(page.getByTestId('image-position')).toHaveText('My work 2 / 2');
	await blur();
	await page.keyboard.press('d');
	await expect(page).toHaveURL(imageUrl(2));
	await expect(page.getByTestId('image-position')).toHaveText('My work 1 / 2');
	await page.keyboard.press('f');
	await expect(page).toHaveURL(imageUrl(0));
	await page.keyboard.press('f');
	await expect(page.getByTestId('editor-hint')).toHaveText('This is the last image of “My work”');
	await expect(page).toHaveURL(imageUrl(0));
	await page.evaluate(() => {
		(window as unknown as { peerlabelSession: { walk: unknown } }).peerlabelSession.walk = null;
	});
	await expect(page.getByTestId('image-position')).toHaveText('1 / 3');
});

test('a comment whose signature does not check out is marked unverified; ?thread= in the address opens it', async () => {
	await page.goto(`/project/${projectId}/image/${imageIds[1]}`);
	await waitForEditor(page);
	// Written past the signing step, as a modified client would: the record carries no signature.
	const threadId = await page.evaluate((imageId) => {
		type Made = { ok: true; value: { thread: { id: string }; comment: unknown } };
		const doc = (window as unknown as { peerlabelSession: { doc: { comments: { newThread(i: unknown): Made; write(r: unknown): unknown } } } }).peerlabelSession.doc;
		const made = doc.comments.newThread({ imageId, anchor: { kind: 'point', x: 100, y: 100 }, text: 'Written without a signature' });
		doc.comments.write({ threads: [made.value.thread], comments: [made.value.comment] });
		return made.value.thread.id;
	}, imageIds[1]);
	await page.goto(`/project/${projectId}/image/${imageIds[1]}?thread=${threadId}`);
	await waitForEditor(page);
	await expect(page.getByTestId('tab-comments')).toHaveAttribute('aria-selected', 'true');
	const t = thread(threadId);
	await expect(t).toHaveAttribute('data-expanded', 'true');
	await expect(t.getByTestId('comment')).toHaveAttribute('data-verification', 'unverified');
	await expect(t.getByTestId('comment-unverified')).toBeVisible();
	await expect(t.getByTestId('comment-text')).toHaveText('Written without a signature');
});

test('a review decision written without a signature is marked unverified in the activity list; a signed one is not', async () => {
	// Submitted past the signing step, as a modified client would.
	await page.evaluate((imageId) => {
		type Prepared = { ok: true; value: unknown };
		const doc = (window as unknown as { peerlabelSession: { doc: { review: { prepare(a: string, i: string): Prepared; commit(p: unknown): unknown } } } }).peerlabelSession.doc;
		doc.review.commit(doc.review.prepare('submit', imageId).value);
	}, imageIds[1]);
	await openTab('activity');
	const review = page.locator('[data-testid="activity-entry"][data-kind="review"]');
	await expect(review).toHaveCount(1);
	await expect(review.getByTestId('activity-unverified')).toBeVisible();
	// Accepted through the app: signed, and it verifies (the editor goes on to the next image: come back).
	await page.getByTestId('accept-review').click();
	await expect(page).toHaveURL(imageUrl(2));
	await page.goto(`/project/${projectId}/image/${imageIds[1]}`);
	await waitForEditor(page);
	await openTab('activity');
	await expect(review).toHaveCount(2);
	await expect(review.first()).toContainText('accepted the image');
	await page.waitForTimeout(500); // the check is asynchronous
	await expect(review.first().getByTestId('activity-unverified')).toHaveCount(0);
	await expect(review.nth(1).getByTestId('activity-unverified')).toBeVisible();
});

test('two devices: a mention lands in the other’s inbox, unread; it opens the image and the thread', async ({ browser }) => {
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const seeded = await seedOn(a.page, 'images=2&polygons=1&width=800&height=600&seed=21');
		const link = await shareProject(a.page, seeded.projectId);
		await join(b.page, link);
		await expect(a.page.getByTestId('inbox-button')).toBeVisible();
		await expect(a.page.getByTestId('inbox-count')).toHaveCount(0);

		await b.page.goto(`/project/${seeded.projectId}/image/${seeded.imageId}`);
		await waitForEditor(b.page);
		await b.page.getByTestId('tab-comments').click();
		await b.page.getByTestId('comment-on-image').click();
		const input = b.page.getByTestId('new-comment-input');
		await input.pressSequentially('Please check this, @Ad');
		// The completion offers Ada (her member record came with the project): Enter takes it.
		await expect(b.page.getByTestId('mention-option')).toHaveText(['Ada'], { timeout: 30_000 });
		await input.press('Enter');
		await expect(input).toHaveValue('Please check this, @Ada ');
		await input.press('Enter');
		const posted = b.page.getByTestId('thread');
		await expect(posted).toHaveCount(1);
		const threadId = (await posted.getAttribute('data-thread-id'))!;

		await expect(a.page.getByTestId('inbox-count')).toHaveText('1', { timeout: 30_000 });
		await a.page.getByTestId('inbox-button').click();
		const entry = a.page.getByTestId('inbox-entry');
		await expect(entry).toHaveCount(1);
		await expect(entry).toHaveAttribute('data-unread', 'true');
		await expect(entry).toContainText('Bo');
		await expect(entry).toContainText('mentioned you');
		await expect(entry.getByTestId('inbox-text')).toHaveText('Please check this, @Ada');
		await screens(a.page, 'editor-inbox');
		await entry.click();
		await expect(a.page).toHaveURL(new RegExp(`/project/${seeded.projectId}/image/${seeded.imageId}\\?thread=${threadId}$`));
		await waitForEditor(a.page);
		const shown = a.page.locator(`[data-testid="thread"][data-thread-id="${threadId}"]`);
		await expect(shown).toHaveAttribute('data-expanded', 'true');
		await expect(shown.getByTestId('comment-text')).toHaveText('Please check this, @Ada');
		await expect(shown.getByTestId('comment-author')).toHaveText('Bo');
		await expect(a.page.getByTestId('inbox-count')).toHaveCount(0);

		// Ada answers; Bo opened the thread, so the reply is in Bo's inbox (Bo is in the library: an open
		// thread on screen would be read at once).
		await b.page.goto(`/project/${seeded.projectId}`);
		await expect(b.page.getByTestId('inbox-button')).toBeVisible();
		await shown.getByTestId('comment-input').fill('Done, thanks');
		await shown.getByTestId('comment-reply').click();
		await expect(b.page.getByTestId('inbox-count')).toHaveText('1', { timeout: 30_000 });
		await b.page.getByTestId('inbox-button').click();
		await expect(b.page.getByTestId('inbox-entry')).toContainText('replied');
		await expect(b.page.getByTestId('inbox-entry').getByTestId('inbox-text')).toHaveText('Done, thanks');
	} finally {
		await closeAll(a, b);
	}
});
