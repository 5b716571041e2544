import { expect, test, type Page } from '@playwright/test';
import { dragOnImage, shapeRows, waitForEditor } from './support/editor';
import { closeAll, join, newPeer, renameProject, seedOn, shareProject, syncBadge, type Peer } from './support/peers';

/**
 * Read-only links and safe invites (issue 12, items 3 and 6), between browser contexts over real
 * WebRTC and the app's signaling endpoint on 127.0.0.1.
 */

/** The share dialog's links. */
async function links(page: Page): Promise<{ edit: string; view: string }> {
	await syncBadge(page).click();
	const edit = await page.getByTestId('invite-link').inputValue();
	const view = await page.getByTestId('view-link').inputValue();
	await page.getByTestId('share-close').click();
	return { edit, view };
}

/** This device's stored view key of a project (the project list in IndexedDB). */
function storedKey(page: Page, projectId: string): Promise<string | undefined> {
	return page.evaluate(
		(id) =>
			new Promise<string | undefined>((resolve, reject) => {
				const open = indexedDB.open('peerlabel');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const get = open.result.transaction('projects').objectStore('projects').get(id);
					get.onsuccess = () => {
						resolve(get.result?.sharing?.key);
						open.result.close();
					};
				};
			}),
		projectId
	);
}

/** Stores a project's sharing as a device did before view links: one key, no role, no edit secret. */
function storeAsBefore(page: Page, projectId: string, key: string): Promise<void> {
	return page.evaluate(
		({ id, key }) =>
			new Promise<void>((resolve, reject) => {
				const open = indexedDB.open('peerlabel');
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const store = open.result.transaction('projects', 'readwrite').objectStore('projects');
					const get = store.get(id);
					get.onsuccess = () => {
						const put = store.put({ ...get.result, sharing: { key, signalingUrls: [], iceServers: [] } });
						put.onsuccess = () => (open.result.close(), resolve());
						put.onerror = () => reject(put.error);
					};
				};
			}),
		{ id: projectId, key }
	);
}

/** A peer whose page exposes its open project to the test (window.peerlabelSession), to force writes. */
async function hookedPeer(browser: Parameters<typeof newPeer>[0], name: string): Promise<Peer> {
	const peer = await newPeer(browser, name);
	await peer.context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
	return peer;
}

const classNames = (page: Page) => page.getByTestId('class-name');

async function addClass(page: Page, name: string) {
	await page.getByTestId('new-class-name').fill(name);
	await page.getByTestId('add-class').click();
}

test('a viewer receives the project live and sees it is viewing; its edits, even forced, reach no editor', async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const v = await hookedPeer(browser, 'Vi');
	try {
		const { projectId, imageId } = await seedOn(a.page, 'images=2&polygons=3&width=800&height=600&seed=21');
		await shareProject(a.page, projectId);
		const { edit, view } = await links(a.page);
		expect(view).toMatch(/\/join#p=[^&]+&v=[A-Za-z0-9_-]{43}$/); // no edit secret in a view link
		expect(edit).toMatch(/\/join#p=[^&]+&v=[A-Za-z0-9_-]{43}&e=[A-Za-z0-9_-]{43}$/);
		await join(b.page, edit);
		await join(v.page, view);
		const count = (await a.page.getByTestId('library').getAttribute('data-annotation-count'))!;
		await expect(v.page.getByTestId('library')).toHaveAttribute('data-annotation-count', count, { timeout: 30_000 });
		for (const p of [a, b, v]) await expect(syncBadge(p.page)).toHaveAttribute('data-peers', '2', { timeout: 30_000 });

		// The viewer's screen says so, and the page refuses its edits.
		await expect(v.page.getByTestId('viewing-badge')).toBeVisible();
		await expect(v.page.getByTestId('library-notice')).toContainText('You are viewing this project');
		await expect(v.page.getByTestId('add-images-button')).toBeDisabled();
		await expect(v.page.getByTestId('new-class-name')).toBeDisabled();
		await expect(b.page.getByTestId('viewing-badge')).toHaveCount(0);
		await v.page.goto(`/project/${projectId}/image/${imageId}`);
		await waitForEditor(v.page);
		const shapes = await shapeRows(v.page).count();
		await v.page.keyboard.press('b');
		await dragOnImage(v.page, { x: 100, y: 100 }, { x: 300, y: 250 });
		await expect(v.page.getByTestId('read-only-banner')).toContainText('You are viewing this project');
		await expect(shapeRows(v.page)).toHaveCount(shapes);
		await v.page.getByTitle('Back to the library').click();
		await expect(syncBadge(v.page)).toHaveAttribute('data-peers', '2', { timeout: 30_000 });

		// Live: an editor's change reaches the viewer.
		await renameProject(a.page, 'Street scenes');
		await expect(v.page.getByTestId('project-title')).toHaveText('Street scenes');

		// A write forced into the viewer's document, past the read-only model (as a modified client
		// would), then a presence update sent after it on the same links.
		await v.page.evaluate(() => {
			const session = (window as unknown as { peerlabelSession: { doc: { ydoc: { getMap(n: string): Map<string, object> } } } }).peerlabelSession;
			const classes = session.doc.ydoc.getMap('classes');
			const model = [...classes.values()][0];
			classes.set('forged', { ...model, id: 'forged', name: 'Forged by viewer', hotkey: null, order: 99 });
		});
		await expect(classNames(v.page).filter({ hasText: 'Forged by viewer' })).toHaveCount(1); // it is in the viewer's document
		await v.page.evaluate((id) => (window as unknown as { peerlabelSession: { setOpenImage(id: string): void } }).peerlabelSession.setOpenImage(id), imageId);
		await syncBadge(b.page).click();
		await expect(b.page.locator('[data-testid="peer"][data-peer-name="Vi"] [data-testid="peer-place"]')).toHaveText(/^on /);
		await b.page.getByTestId('share-close').click();
		// The viewer's presence came after its forged write: the write reached the editors, who dropped it.
		await addClass(a.page, 'Real class');
		await expect(classNames(b.page).filter({ hasText: 'Real class' })).toHaveCount(1);
		await expect(classNames(v.page).filter({ hasText: 'Real class' })).toHaveCount(1);
		for (const p of [a, b]) await expect(classNames(p.page).filter({ hasText: 'Forged by viewer' })).toHaveCount(0);
		// And B's edits still reach A.
		await renameProject(b.page, 'Street scenes 2');
		await expect(a.page.getByTestId('project-title')).toHaveText('Street scenes 2');
		await expect(v.page.getByTestId('project-title')).toHaveText('Street scenes 2');
	} finally {
		await closeAll(a, b, v);
	}
});

test('new keys with "old edit links only view": an old edit link becomes a viewer; the new edit link edits again', async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId } = await seedOn(a.page, 'images=1&polygons=2&width=800&height=600&seed=22');
		const old = await shareProject(a.page, projectId);
		await join(b.page, old);
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await renameProject(b.page, 'Edited by Bo');
		await expect(a.page.getByTestId('project-title')).toHaveText('Edited by Bo');

		await syncBadge(a.page).click();
		await a.page.getByTestId('rotate-key').click();
		await a.page.getByTestId('rotate-view-only').click();
		await expect(a.page.getByTestId('invite-link')).not.toHaveValue(old);
		const fresh = await a.page.getByTestId('invite-link').inputValue();
		await a.page.getByTestId('share-close').click();

		// B, on the old edit link, still meets A in the room: it is told that it only views now.
		await expect(b.page.getByTestId('viewing-badge')).toBeVisible({ timeout: 30_000 });
		await expect(syncBadge(a.page)).toHaveAttribute('data-peers', '1');
		await renameProject(a.page, 'Renamed by Ada');
		await expect(b.page.getByTestId('project-title')).toHaveText('Renamed by Ada');
		await b.page.reload();
		await expect(b.page.getByTestId('library-notice')).toContainText('You are viewing this project', { timeout: 30_000 });
		await expect(b.page.getByTestId('new-class-name')).toBeDisabled();

		// The new edit link makes B an editor again (same room: no question asked).
		await join(b.page, fresh);
		await expect(b.page.getByTestId('viewing-badge')).toHaveCount(0);
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await addClass(b.page, 'Back to editing');
		await expect(classNames(a.page).filter({ hasText: 'Back to editing' })).toHaveCount(1);
	} finally {
		await closeAll(a, b);
	}
});

test('a crafted invite for a project this device has does not re-key it; it may open as a separate project', async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const eve = await newPeer(browser, 'Eve');
	try {
		const { projectId } = await seedOn(a.page, 'images=2&polygons=3&width=800&height=600&seed=23');
		await join(b.page, await shareProject(a.page, projectId));
		await renameProject(a.page, 'Street scenes');
		await expect(b.page.getByTestId('project-title')).toHaveText('Street scenes', { timeout: 30_000 });
		const key = await storedKey(b.page, projectId);
		expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);

		// Eve's link: B's project id with her own keys; she waits in her room.
		const eveKey = 'E'.repeat(42) + 'A';
		const crafted = `/join#p=${projectId}&v=${eveKey}&e=${'F'.repeat(42)}A`;
		await join(eve.page, crafted);
		await expect(syncBadge(eve.page)).toHaveAttribute('data-status', 'searching');

		await b.page.goto(crafted);
		await expect(b.page.getByTestId('join-conflict')).toBeVisible();
		await expect(b.page.getByTestId('join-conflict-name')).toHaveText('Street scenes');
		expect(await storedKey(b.page, projectId)).toBe(key);
		await b.page.getByTestId('join-keep').click();
		await expect(b.page).toHaveURL(new RegExp(`/project/${projectId}$`));
		expect(await storedKey(b.page, projectId)).toBe(key);
		// Still synced with its real peer, not with Eve.
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await renameProject(a.page, 'Street scenes 2');
		await expect(b.page.getByTestId('project-title')).toHaveText('Street scenes 2');
		await expect(syncBadge(eve.page)).toHaveAttribute('data-peers', '0');
		await expect(eve.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '0');

		// A separate project: a new local id in the link's room, beside B's own copy.
		await b.page.goto(crafted);
		await b.page.getByTestId('join-separate').click();
		await expect(b.page).toHaveURL(/\/project\/[^/]+$/);
		const separateId = b.page.url().split('/').pop()!;
		expect(separateId).not.toBe(projectId);
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await expect(syncBadge(eve.page)).toHaveAttribute('data-peers', '1');
		expect(await storedKey(b.page, separateId)).toBe(eveKey);
		expect(await storedKey(b.page, projectId)).toBe(key);
		await b.page.goto(`/project/${projectId}`);
		await expect(b.page.getByTestId('project-title')).toHaveText('Street scenes 2');
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await expect(syncBadge(eve.page)).toHaveAttribute('data-peers', '0', { timeout: 30_000 });
	} finally {
		await closeAll(a, b, eve);
	}
});

test('projects shared before view links keep editing each other with their one key; a view link needs new keys first', async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId } = await seedOn(a.page, 'images=1&polygons=2&width=800&height=600&seed=24');
		const key = /v=([A-Za-z0-9_-]{43})/.exec(await shareProject(a.page, projectId))![1];
		await storeAsBefore(a.page, projectId, key);
		await a.page.reload();
		// B opens a link of before (one key `k`).
		await join(b.page, `/join#p=${projectId}&k=${key}`);
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await renameProject(a.page, 'From Ada');
		await expect(b.page.getByTestId('project-title')).toHaveText('From Ada');
		await addClass(b.page, 'From Bo');
		await expect(classNames(a.page).filter({ hasText: 'From Bo' })).toHaveCount(1);
		await expect(b.page.getByTestId('viewing-badge')).toHaveCount(0);

		await syncBadge(a.page).click();
		await expect(a.page.getByTestId('legacy-notice')).toBeVisible();
		await expect(a.page.getByTestId('view-link')).toHaveCount(0);
		await expect(a.page.getByTestId('invite-link')).toHaveValue(new RegExp(`#p=${projectId}&k=${key}$`));
		await a.page.getByTestId('rotate-key').click();
		await a.page.getByTestId('rotate-view-only').click();
		await expect(a.page.getByTestId('legacy-notice')).toHaveCount(0);
		const view = await a.page.getByTestId('view-link').inputValue();
		expect(view).toMatch(new RegExp(`v=${key}$`)); // the same room; its key no longer gives edit rights
		await a.page.getByTestId('share-close').click();
		await expect(b.page.getByTestId('viewing-badge')).toBeVisible({ timeout: 30_000 });
	} finally {
		await closeAll(a, b);
	}
});
