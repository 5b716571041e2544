import { expect, test } from '@playwright/test';
import { dragOnImage, shapeGeometry, shapeIds, shapeRows, waitForEditor, type BoxGeometry } from './support/editor';
import { closeAll, join, newPeer, seedOn, shareProject, syncBadge } from './support/peers';

test('two peers edit the same shape while apart and converge, keeping what each created', async ({ browser }) => {
	test.setTimeout(120_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	try {
		const { projectId, imageId } = await seedOn(a.page, 'images=1&polygons=0&width=800&height=600&seed=15');
		const link = await shareProject(a.page, projectId);
		await join(b.page, link);
		const editorUrl = `/project/${projectId}/image/${imageId}`;
		for (const p of [a, b]) {
			await p.page.goto(editorUrl);
			await waitForEditor(p.page); // B gets the image's bytes from A
		}
		// A box both have.
		await a.page.keyboard.press('b');
		await dragOnImage(a.page, { x: 300, y: 200 }, { x: 400, y: 300 });
		await expect(shapeRows(b.page)).toHaveCount(1);
		const [shared] = await shapeIds(a.page);

		for (const p of [a, b]) {
			await p.context.setOffline(true);
			await expect(syncBadge(p.page)).toHaveAttribute('data-status', 'offline');
		}
		// Apart: each moves the shared box its own way and draws a box of its own.
		await a.page.keyboard.press('v');
		await dragOnImage(a.page, { x: 350, y: 250 }, { x: 450, y: 250 });
		await a.page.keyboard.press('b');
		await dragOnImage(a.page, { x: 50, y: 50 }, { x: 120, y: 120 });
		await b.page.keyboard.press('v');
		await dragOnImage(b.page, { x: 350, y: 250 }, { x: 350, y: 350 });
		await b.page.keyboard.press('b');
		await dragOnImage(b.page, { x: 600, y: 400 }, { x: 700, y: 500 });
		await expect(shapeRows(a.page)).toHaveCount(2);
		await expect(shapeRows(b.page)).toHaveCount(2);
		const aMoved = await shapeGeometry<BoxGeometry>(a.page, shared);
		const bMoved = await shapeGeometry<BoxGeometry>(b.page, shared);
		expect(aMoved.x).toBeGreaterThan(bMoved.x + 50); // they really were apart

		for (const p of [a, b]) await p.context.setOffline(false);
		await expect(shapeRows(a.page)).toHaveCount(3, { timeout: 30_000 });
		await expect(shapeRows(b.page)).toHaveCount(3, { timeout: 30_000 });
		expect((await shapeIds(a.page)).sort()).toEqual((await shapeIds(b.page)).sort());
		// The shared box: one of the two moves won, the same on both.
		await expect.poll(async () => JSON.stringify(await shapeGeometry(b.page, shared))).toBe(JSON.stringify(await shapeGeometry(a.page, shared)));
		expect([aMoved, bMoved].map((g) => JSON.stringify(g))).toContain(JSON.stringify(await shapeGeometry(a.page, shared)));
	} finally {
		await closeAll(a, b);
	}
});
