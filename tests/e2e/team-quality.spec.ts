import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { dragOnImage, shapeRows, waitForEditor, type BoxGeometry } from './support/editor';
import { closeAll, join, seedOn, shareProject, teammate } from './support/peers';
import { expectAccessible, screens } from './support/screens';

/**
 * Issue 16 item 6: three teammates on the real signaling server, each a browser context of its own. Ada
 * puts an image in consensus for Bea and Cai; each labels it blind — neither sees the other's boxes before
 * submitting —; Ada sees the agreement value computed by hand for that case, merges, and the export writes
 * the merged set. A gold image mixed into Bea's work scores her as computed by hand.
 */

type Hooked = {
	peerlabelSession: {
		doc: {
			members: { list(): { id: string; name: string }[] };
			images(): { id: string; name: string; width: number; height: number }[];
			classes(): { id: string; name: string }[];
			annotationsOf(imageId: string): { type: string; classId: string; geometry: BoxGeometry }[];
			quality: { layersOf(imageId: string): Map<string, unknown[]> };
		};
	};
};

/** Runs `fn` on the page's window (its test hooks): `fn` must not close over anything. */
const hooked = <T,>(page: Page, fn: (h: Hooked) => T) => page.evaluate(`(${fn.toString()})(window)`) as Promise<T>;
const blur = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
const cell = (page: Page, imageId: string) => page.locator(`[data-testid="image-cell"][data-image-id="${imageId}"]`);
const pick = (page: Page, imageId: string) => cell(page, imageId).locator('xpath=..').getByTestId('image-select');

/** Opens the library's Quality… dialog on the one picked image and does `mode` (with these members). */
async function qualityOn(page: Page, imageId: string, mode: 'consensus' | 'gold' | 'mix', memberIds: string[] = []) {
	await pick(page, imageId).click();
	await page.getByTestId('quality-button').click();
	const dialog = page.getByTestId('quality-dialog');
	await dialog.getByTestId('quality-scope-selected').check();
	await dialog.getByTestId(`quality-mode-${mode}`).check();
	if (mode !== 'gold')
		for (const box of await dialog.getByTestId('quality-pool-member').all()) {
			if (memberIds.includes((await box.getAttribute('data-member-id'))!)) await box.check();
			else await box.uncheck();
		}
	if (mode === 'consensus') {
		await expect(dialog.getByTestId('quality-preview-text')).toHaveText(/^1 image labelled blind by 2 of /);
		await expect(dialog.getByTestId('quality-k')).toHaveValue('2');
		await expectAccessible(page, 'quality dialog', '[data-testid="quality-dialog"]');
		await screens(page, 'team-quality', 'dialog', { width: 1280, height: 800 });
	}
	await dialog.getByTestId('quality-apply').click();
	await expect(dialog).toBeHidden();
}

/** Draws boxes (image coordinates) with the box tool. */
async function drawBoxes(page: Page, boxes: [number, number, number, number][]) {
	await blur(page);
	await page.keyboard.press('b');
	for (const [x0, y0, x1, y1] of boxes) await dragOnImage(page, { x: x0, y: y0 }, { x: x1, y: y1 });
}

const geometries = (page: Page) => shapeRows(page).evaluateAll((rows) => rows.map((r) => JSON.parse(r.getAttribute('data-geometry')!) as BoxGeometry));

test('consensus and gold between three teammates: blind layers, the agreement by hand, a merge the export writes, a gold score', async ({ browser }) => {
	test.setTimeout(360_000);
	const ada = await teammate(browser, 'Ada');
	const bea = await teammate(browser, 'Bea');
	const cai = await teammate(browser, 'Cai');
	try {
		const { projectId } = await seedOn(ada.page, 'images=2&polygons=0&width=800&height=600&seed=41');
		const link = await shareProject(ada.page, projectId);
		await join(bea.page, link);
		await join(cai.page, link);
		for (const p of [ada, bea, cai]) await expect(p.page.getByTestId('members-count')).toHaveText('3', { timeout: 60_000 });
		const ids = Object.fromEntries((await hooked(ada.page, (h) => h.peerlabelSession.doc.members.list().map((m) => [m.name, m.id]))) as [string, string][]);
		const [consensusImage, goldImage] = await hooked(ada.page, (h) => h.peerlabelSession.doc.images().map((i) => i.id));

		// Ada draws the gold image's reference: two boxes.
		await ada.page.goto(`/project/${projectId}/image/${goldImage}`);
		await waitForEditor(ada.page);
		await drawBoxes(ada.page, [
			[100, 100, 300, 250],
			[450, 300, 650, 450]
		]);
		await expect(shapeRows(ada.page)).toHaveCount(2);
		await ada.page.goto(`/project/${projectId}`);
		await expect(ada.page.getByTestId('library')).toHaveAttribute('data-live', 'true');

		// Ada: the first image in consensus for Bea and Cai; the second gold, mixed into Bea's work.
		await qualityOn(ada.page, consensusImage, 'consensus', [ids.Bea, ids.Cai]);
		await qualityOn(ada.page, goldImage, 'gold');
		await qualityOn(ada.page, goldImage, 'mix', [ids.Bea]);

		// Bea's work: both images (she is not told which is gold); Cai's: the consensus image.
		await expect(bea.page.getByTestId('my-work-count')).toHaveText('2', { timeout: 30_000 });
		await expect(cai.page.getByTestId('my-work-count')).toHaveText('1', { timeout: 30_000 });

		// Each labels the consensus image on their own: Bea three boxes, Cai two (one the same as Bea's,
		// one shifted by 10 px, none where Bea's third is).
		await bea.page.goto(`/project/${projectId}/image/${consensusImage}`);
		await cai.page.goto(`/project/${projectId}/image/${consensusImage}`);
		await waitForEditor(bea.page);
		await waitForEditor(cai.page);
		await drawBoxes(bea.page, [
			[100, 100, 300, 250],
			[400, 300, 500, 400],
			[150, 450, 250, 500]
		]);
		await drawBoxes(cai.page, [
			[100, 100, 300, 250],
			[410, 300, 510, 400]
		]);
		await expect(shapeRows(bea.page)).toHaveCount(3);
		await expect(shapeRows(cai.page)).toHaveCount(2);
		// Neither sees the other's, though the document holds both (synced: Ada's model has both layers).
		const layerSizes = () =>
			hooked(ada.page, (h) => {
				const doc = h.peerlabelSession.doc;
				const id = doc.images()[0].id;
				return [...doc.quality.layersOf(id).values()].map((l) => l.length).sort();
			});
		await expect.poll(layerSizes, { timeout: 30_000 }).toEqual([2, 3]);
		await bea.page.waitForTimeout(1000);
		await expect(shapeRows(bea.page)).toHaveCount(3);
		await expect(shapeRows(cai.page)).toHaveCount(2);
		await expect(bea.page.getByTestId('tab-quality')).toBeVisible();
		await bea.page.getByTestId('tab-quality').click();
		await expect(bea.page.getByTestId('quality-blind')).toBeVisible();
		await expect(bea.page.getByTestId('quality-agreement')).toHaveCount(0);
		await expect(bea.page.getByTestId('remote-cursor')).toHaveCount(0); // nobody's pointer while labelling blind
		await screens(bea.page, 'team-quality', 'blind', { width: 1280, height: 800 });

		// Bea submits; Cai still sees only his own; then Cai submits.
		await blur(bea.page);
		await bea.page.keyboard.press('Shift+Enter');
		await expect(bea.page).toHaveURL(new RegExp(`/image/${goldImage}`));
		await cai.page.waitForTimeout(1000);
		await expect(shapeRows(cai.page)).toHaveCount(2);
		await blur(cai.page);
		await cai.page.keyboard.press('Shift+Enter');

		// Ada sees the agreement computed by hand: two of Bea's three boxes match Cai's two (IoU 1 and
		// 90/110 = 0.818 ≥ 0.5): 2·2 / (3 + 2) = 0.80; mean IoU (1 + 0.818) / 2 = 0.91.
		await ada.page.goto(`/project/${projectId}/image/${consensusImage}`);
		await waitForEditor(ada.page);
		await ada.page.getByTestId('tab-quality').click();
		await expect(ada.page.getByTestId('quality-agreement-value')).toHaveText('0.80', { timeout: 30_000 });
		await expect(ada.page.getByTestId('quality-agreement-iou')).toHaveText('0.91');
		await expect(ada.page.getByTestId('quality-mismatch')).toHaveCount(1);
		await screens(ada.page, 'team-quality', 'consensus', { width: 1280, height: 800 });

		// She compares and merges: the two matched groups (both members have them), the third left out.
		await ada.page.getByTestId('quality-compare').click();
		const compare = ada.page.getByTestId('compare-dialog');
		// Side by side: one pane per member, each with that member's shapes; then overlaid.
		await expect(compare.getByTestId('compare-pane')).toHaveCount(2);
		await expect(compare.locator(`[data-testid="compare-pane"][data-member="${ids.Bea}"] [data-testid="compare-shape"]`)).toHaveCount(3);
		await expect(compare.locator(`[data-testid="compare-pane"][data-member="${ids.Cai}"] [data-testid="compare-shape"]`)).toHaveCount(2);
		await compare.getByTestId('compare-view-overlay').click();
		await expect(compare.getByTestId('compare-overlay').getByTestId('compare-shape')).toHaveCount(5);
		await compare.getByTestId('compare-merge').click();
		await expect(compare.getByTestId('compare-merged-note')).toBeVisible();
		await compare.getByTestId('compare-close').click();
		await ada.page.getByTestId('tab-shapes').click();
		await expect(shapeRows(ada.page)).toHaveCount(2);
		const merged = (await geometries(ada.page)).sort((a, b) => a.x - b.x);
		// Boxes are averaged: the first is Bea's and Cai's own, the second halfway between 400 and 410.
		const image = await hooked(ada.page, (h) => h.peerlabelSession.doc.images()[0]);
		expect(merged[0]).toEqual({ x: 100, y: 100, width: 200, height: 150 });
		expect(merged[1]).toEqual({ x: 405, y: 300, width: 100, height: 100 });

		// The export writes the merged set: COCO's boxes on the consensus image are exactly these.
		await ada.page.goto(`/project/${projectId}`);
		await expect(ada.page.getByTestId('library')).toHaveAttribute('data-live', 'true');
		await ada.page.getByTestId('export-button').click();
		await ada.page.getByTestId('export-format').selectOption('coco');
		const downloading = ada.page.waitForEvent('download');
		await ada.page.getByTestId('export-start').click();
		const entries = unzipSync(new Uint8Array(readFileSync(await (await downloading).path())));
		const coco = JSON.parse(new TextDecoder().decode(entries['annotations/instances_default.json']));
		const cocoImage = coco.images.find((i: { file_name: string }) => i.file_name === image.name);
		const boxes = coco.annotations
			.filter((a: { image_id: number }) => a.image_id === cocoImage.id)
			.map((a: { bbox: number[] }) => a.bbox)
			.sort((a: number[], b: number[]) => a[0] - b[0]);
		expect(boxes).toEqual(merged.map((g) => [g.x, g.y, g.width, g.height]));

		// The gold image: Bea sees an image to label, not the reference; she finds one of the two boxes
		// exactly and draws one where there is none: precision 1/2, recall 1/2.
		await waitForEditor(bea.page);
		await expect(shapeRows(bea.page)).toHaveCount(0);
		await drawBoxes(bea.page, [
			[100, 100, 300, 250],
			[100, 400, 200, 500]
		]);
		await expect(shapeRows(bea.page)).toHaveCount(2);
		await blur(bea.page);
		await bea.page.keyboard.press('Shift+Enter');
		await ada.page.goto(`/project/${projectId}/image/${goldImage}`);
		await waitForEditor(ada.page);
		await ada.page.getByTestId('tab-shapes').click();
		await expect(shapeRows(ada.page)).toHaveCount(2); // the reference, untouched
		await ada.page.getByTestId('tab-quality').click();
		const tester = ada.page.locator(`[data-testid="quality-gold-tester"][data-member="${ids.Bea}"]`);
		await expect(tester.getByTestId('quality-gold-precision')).toHaveText('0.50', { timeout: 30_000 });
		await expect(tester.getByTestId('quality-gold-recall')).toHaveText('0.50');
	} finally {
		await closeAll(ada, bea, cai);
	}
});
