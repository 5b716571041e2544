import { expect, test } from '@playwright/test';
import { dragOnImage, shapeRows, waitForEditor } from './support/editor';
import { closeAll, join, newPeer, seedOn, shareProject, syncBadge } from './support/peers';

test('a teammate opens the invite link, receives the project, and sees a box drawn by the other', async ({ browser }) => {
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId, imageId } = await seedOn(a.page, 'images=2&polygons=3&width=800&height=600&seed=11');
		const link = await shareProject(a.page, projectId);
		expect(link).toMatch(/\/join#p=.+&k=[A-Za-z0-9_-]{43}$/);

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
