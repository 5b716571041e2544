import { expect, test } from '@playwright/test';
import { dragOnImage, shapeRows, waitForEditor } from './support/editor';
import { closeAll, join, newPeer, renameProject, seedOn, shareProject, syncBadge } from './support/peers';

test('a teammate opens the invite link, receives the project, and sees a box drawn by the other', async ({ browser }) => {
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId, imageId } = await seedOn(a.page, 'images=2&polygons=3&width=800&height=600&seed=11');
		const link = await shareProject(a.page, projectId);
		expect(link).toMatch(/\/join#p=.+&v=[A-Za-z0-9_-]{43}&e=[A-Za-z0-9_-]{43}$/);

		const count = await a.page.getByTestId('library').getAttribute('data-annotation-count');
		expect(Number(count)).toBeGreaterThan(0);
		await join(b.page, link);
		await expect(b.page).toHaveURL(new RegExp(`/project/${projectId}$`));
		await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', count!, { timeout: 30_000 });
		await expect(b.page.getByTestId('project-title')).toHaveText((await a.page.getByTestId('project-title').textContent())!);
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected');
		await expect(syncBadge(a.page)).toHaveAttribute('data-peers', '1');

		await a.page.goto(`/project/${projectId}/image/${imageId}`);
		await b.page.goto(`/project/${projectId}/image/${imageId}`);
		await waitForEditor(a.page);
		const before = await shapeRows(a.page).count();
		await expect(shapeRows(b.page)).toHaveCount(before);
		await a.page.keyboard.press('b');
		await dragOnImage(a.page, { x: 100, y: 100 }, { x: 300, y: 250 });
		await expect(shapeRows(a.page)).toHaveCount(before + 1);
		await expect(shapeRows(b.page)).toHaveCount(before + 1);
	} finally {
		await closeAll(a, b);
	}
});

test('a peer with a wrong key receives nothing; a new key locks out the old link', async ({ browser }) => {
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const eve = await newPeer(browser, 'Eve');
	try {
		const { projectId } = await seedOn(a.page, 'images=2&polygons=3&width=800&height=600&seed=13');
		const link = await shareProject(a.page, projectId);
		await join(b.page, link);
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });

		// The right project id with another key: another room, which no one else is in.
		const wrongKey = link.replace(/v=[A-Za-z0-9_-]{43}/, `v=${'A'.repeat(42)}Q`);
		await join(eve.page, wrongKey);
		await expect(eve.page.getByTestId('library-notice')).toContainText('Waiting for a teammate');
		// A renames the project: B gets it, Eve does not, and A never counts Eve as a peer.
		await renameProject(a.page, 'Street scenes');
		await expect(b.page.getByTestId('project-title')).toHaveText('Street scenes');
		await expect(syncBadge(eve.page)).toHaveAttribute('data-status', 'searching');
		await expect(eve.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '0');
		await expect(eve.page.getByTestId('image-cell')).toHaveCount(0);
		await expect(syncBadge(a.page)).toHaveAttribute('data-peers', '1');

		// A makes a new key: B, still on the old link, is left alone in the old room.
		await syncBadge(a.page).click();
		await a.page.getByTestId('rotate-key').click();
		await a.page.getByTestId('rotate-confirm').click(); // old links stop working
		await expect(a.page.getByTestId('invite-link')).not.toHaveValue(link);
		const newLink = await a.page.getByTestId('invite-link').inputValue();
		expect(newLink).not.toBe(link);
		await a.page.getByTestId('share-close').click();
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'searching', { timeout: 30_000 });
		await expect(syncBadge(a.page)).toHaveAttribute('data-status', 'searching');
		await renameProject(a.page, 'Street scenes v2');
		// The new link brings B back, with what it missed: B has the project with the old key, so it is
		// asked first, and takes the new keys.
		await b.page.goto(newLink);
		await b.page.getByTestId('join-replace').click();
		await expect(b.page.getByTestId('library')).toBeVisible();
		await expect(b.page.getByTestId('project-title')).toHaveText('Street scenes v2', { timeout: 30_000 });
		await expect(syncBadge(a.page)).toHaveAttribute('data-peers', '1');
	} finally {
		await closeAll(a, b, eve);
	}
});

test('two tabs of one browser stay in sync without sharing', async ({ browser }) => {
	const a = await newPeer(browser, 'Ada');
	try {
		const { projectId } = await seedOn(a.page, 'images=1&polygons=0&width=800&height=600&seed=14');
		const second = await a.context.newPage();
		for (const p of [a.page, second]) {
			await p.goto(`/project/${projectId}`);
			await expect(p.getByTestId('library')).toHaveAttribute('data-live', 'true');
		}
		await expect(syncBadge(second)).toHaveAttribute('data-status', 'private');
		await renameProject(a.page, 'Renamed in tab one');
		await expect(second.getByTestId('project-title')).toHaveText('Renamed in tab one');
	} finally {
		await closeAll(a);
	}
});
