import { expect, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { seedOn } from './support/peers';
import { waitForEditor } from './support/editor';
import { expectAccessible, screens } from './support/screens';
import { encodeMask } from '../../src/lib/shapes/mask/rle';

/**
 * The reviewer's screens of issue 16 (items 1–3), in one browser: a seeded project (800×600 images,
 * classes car and bus) whose team work is written into the open document as the app writes it (the
 * test build exposes the session), as Bea and Cai, two teammates.
 *
 * Image 0, consensus of Bea and Cai. Bea: car A (100,100 200×150), car B (400,100 120×100), bus
 * (100,350 100×100). Cai: car A' (110,100 200×150), car B' (430,110 120×100). IoU(A, A') =
 * 190·150 / (2·30000 − 28500) = 0.905; IoU(B, B') = 90·90 / (2·12000 − 8100) = 0.509; so at the default
 * threshold 0.5 both cars match and agreement = 2·2 / (3 + 2) = 0.80 (mean IoU 0.707 → 0.71); the bus
 * is Bea's alone. At 0.6 only A matches: 2·1 / 5 = 0.40.
 *
 * Image 1, gold: the reference is car A, car B and the bus above; Bea (tested blind) draws car A exactly
 * and a car at (600,400) that is nothing: 1 matched, 1 extra, 2 missed → precision 1/2 = 0.50, recall
 * 1/3 = 0.33; per class car 1/2 and 1/2, bus — and 0.
 *
 * Image 2, labelled by this browser's member and Cai without a task: mine car (100,100 200×150) and bus
 * (100,350 100×100), Cai's car (105,100 200×150) and bus (500,300 100×100): the cars match (IoU 0.95),
 * the buses do not → agreement 2·1 / 4 = 0.50.
 *
 * Image 3: a consensus of this browser's member and Cai: here it labels blind and sees nothing else.
 * Image 4: nothing to compare.
 *
 * Image 5, consensus of Bea and Cai with other kinds of shape: a triangle each (Cai's 5 px to the right)
 * and a 60×40 mask each (Cai's 5 px to the right: IoU 55·40 / (2·2400 − 2200) = 0.85): all match, 1.00.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let projectId = '';
let images: string[] = [];
let classes: { car: string; bus: string } = { car: '', bus: '' };
/** Cai's bus on image 2 (the one the panel selects in the editor). */
let caiBus = '';

type Made = { ok: boolean; value?: { id: string }; reason?: string };
type Doc = {
	actor: { id: string; name: string };
	setActor(a: { id: string; name: string }): void;
	images(): { id: string }[];
	classes(): { id: string; name: string }[];
	members: { list(): { id: string; name: string }[]; join(p: object, now?: number): Made };
	createAnnotation(a: object): Made;
	annotationsOf(imageId: string): { id: string; classId: string; geometry: { x: number } }[];
	quality: {
		startConsensus(images: string[], pool: string[], k: number): Made;
		submit(imageId: string): Made;
		setGold(images: string[], on: boolean): Made;
		mixGold(images: string[], members: string[]): Made;
	};
};
/** In the page: `(window as unknown as Hooked).peerlabelSession.doc` (page.evaluate sends the function's text alone). */
type Hooked = { peerlabelSession: { doc: Doc } };

const panel = () => page.getByTestId('quality-panel');
const dialog = () => page.getByTestId('compare-dialog');

async function openImage(n: number) {
	await page.goto(`/project/${projectId}/image/${images[n]}`);
	await waitForEditor(page);
	await page.getByTestId('tab-quality').click();
	await expect(page.getByTestId('tab-quality')).toHaveAttribute('aria-selected', 'true');
}

async function setThreshold(value: string) {
	const input = page.getByTestId('quality-threshold-input').first();
	await input.fill(value);
	await input.press('Enter');
	await input.blur();
}

async function download(testId: string): Promise<string[]> {
	const downloading = page.waitForEvent('download');
	await page.getByTestId(testId).click();
	const file = await downloading;
	const text = readFileSync(await file.path(), 'utf8');
	expect(text.startsWith('\ufeff')).toBe(true);
	return text.slice(1).split('\r\n').slice(0, -1);
}

const member = (locator: Locator, id: string) => locator.and(page.locator(`[data-member="${id}"]`));

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1440, height: 900 }, acceptDownloads: true });
	await context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
	page = await context.newPage();
	({ projectId } = await seedOn(page, `images=6&polygons=0&width=800&height=600&seed=3&classes=${encodeURIComponent(JSON.stringify([{ name: 'car' }, { name: 'bus' }]))}`));
	await page.goto(`/project/${projectId}`);
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
	// This browser's member joins as the project opens.
	await expect.poll(() => page.evaluate(() => (window as unknown as Hooked).peerlabelSession.doc.members.list().length)).toBe(1);
	const rle = encodeMask(new Uint8Array(60 * 40).fill(1), 60, 40);
	const made = await page.evaluate((rle) => {
		const doc = (window as unknown as Hooked).peerlabelSession.doc;
		const problems: string[] = [];
		const ok = (what: string, r: Made) => {
			if (!r.ok) problems.push(`${what}: ${r.reason}`);
			return r.value?.id ?? '';
		};
		const images = doc.images().map((i) => i.id);
		const car = doc.classes().find((c) => c.name === 'car')!.id;
		const bus = doc.classes().find((c) => c.name === 'bus')!.id;
		const me = doc.actor;
		const box = (imageId: string, classId: string, x: number, y: number, width: number, height: number) =>
			ok(`box on ${imageId}`, doc.createAnnotation({ imageId, classId, type: 'box', geometry: { x, y, width, height } }));
		for (const [id, name, color] of [
			['beamember0000001', 'Bea', '#e6194b'],
			['caimember0000001', 'Cai', '#4363d8']
		])
			ok(`join ${name}`, doc.members.join({ id, name, color, algorithm: 'Ed25519', publicKey: 'AAAA', aliases: [] }));
		const as = (id: string, name: string) => doc.setActor({ id, name });
		// Image 0: consensus of Bea and Cai. Image 3: of this member and Cai.
		ok('consensus 0', doc.quality.startConsensus([images[0]], ['beamember0000001', 'caimember0000001'], 2));
		ok('consensus 3', doc.quality.startConsensus([images[3]], [me.id, 'caimember0000001'], 2));
		// Image 1: gold, its reference drawn first (this member), then mixed into Bea's work.
		box(images[1], car, 100, 100, 200, 150);
		box(images[1], car, 400, 100, 120, 100);
		box(images[1], bus, 100, 350, 100, 100);
		ok('gold', doc.quality.setGold([images[1]], true));
		ok('mix gold', doc.quality.mixGold([images[1]], ['beamember0000001']));
		// Image 2: this member's shapes, then Cai's, without a task.
		box(images[2], car, 100, 100, 200, 150);
		box(images[2], bus, 100, 350, 100, 100);
		as('caimember0000001', 'Cai');
		box(images[2], car, 105, 100, 200, 150);
		const caiBus = box(images[2], bus, 500, 300, 100, 100);
		box(images[0], car, 110, 100, 200, 150);
		box(images[0], car, 430, 110, 120, 100);
		ok('cai submits 0', doc.quality.submit(images[0]));
		as('beamember0000001', 'Bea');
		box(images[0], car, 100, 100, 200, 150);
		box(images[0], car, 400, 100, 120, 100);
		box(images[0], bus, 100, 350, 100, 100);
		ok('bea submits 0', doc.quality.submit(images[0]));
		box(images[1], car, 100, 100, 200, 150);
		box(images[1], car, 600, 400, 100, 100);
		ok('bea submits 1', doc.quality.submit(images[1]));
		// Image 5: a triangle and a mask each.
		ok('consensus 5', doc.quality.startConsensus([images[5]], ['beamember0000001', 'caimember0000001'], 2));
		for (const [id, name, dx] of [
			['beamember0000001', 'Bea', 0],
			['caimember0000001', 'Cai', 5]
		] as const) {
			as(id, name);
			ok(`${name}'s triangle`, doc.createAnnotation({ imageId: images[5], classId: car, type: 'polygon', geometry: { points: [100 + dx, 100, 300 + dx, 100, 200 + dx, 250] } }));
			ok(`${name}'s mask`, doc.createAnnotation({ imageId: images[5], classId: bus, type: 'mask', geometry: { x: 500 + dx, y: 400, width: 60, height: 40, rle } }));
			ok(`${name} submits 5`, doc.quality.submit(images[5]));
		}
		as(me.id, me.name);
		return { problems, images, car, bus, caiBus };
	}, rle);
	expect(made.problems).toEqual([]);
	({ images, caiBus } = made);
	classes = { car: made.car, bus: made.bus };
});

test.afterAll(async () => {
	await page.context().close();
});

test('a consensus image: its members, the agreement computed by hand, the shape that does not match; the threshold is kept on the device', async () => {
	await openImage(0);
	await expect(panel()).toHaveAttribute('data-case', 'consensus');
	await expect(page.getByTestId('quality-member')).toHaveCount(2);
	for (const id of ['beamember0000001', 'caimember0000001']) await expect(member(page.getByTestId('quality-member'), id)).toHaveAttribute('data-submitted', 'true');
	await expect(page.getByTestId('quality-agreement-value')).toHaveText('0.80');
	await expect(page.getByTestId('quality-agreement-iou')).toHaveText('0.71');
	await expect(page.locator(`[data-testid="quality-class-row"][data-class-id="${classes.car}"] [data-testid="quality-class-agreement"]`)).toHaveText('1.00');
	await expect(page.locator(`[data-testid="quality-class-row"][data-class-id="${classes.bus}"] [data-testid="quality-class-agreement"]`)).toHaveText('0.00');
	// The one shape nobody matched: Bea's bus.
	const mismatches = page.getByTestId('quality-mismatch');
	await expect(mismatches).toHaveCount(1);
	await expect(mismatches.first()).toHaveAttribute('data-member', 'beamember0000001');
	await expect(mismatches.first()).toContainText('bus');
	await expectAccessible(page, 'quality panel, consensus', '[data-testid="quality-panel"]');
	await screens(page, 'quality', 'panel-consensus', { width: 1440, height: 900 });

	// A stricter threshold: car B no longer matches (IoU 0.509).
	await setThreshold('0.6');
	await expect(page.getByTestId('quality-agreement-value')).toHaveText('0.40');
	await expect(mismatches).toHaveCount(3);
	await page.reload();
	await waitForEditor(page);
	await page.getByTestId('tab-quality').click();
	await expect(page.getByTestId('quality-threshold-input')).toHaveValue('0.6');
	await expect(page.getByTestId('quality-agreement-value')).toHaveText('0.40');
	await setThreshold('0.5');
	await expect(page.getByTestId('quality-agreement-value')).toHaveText('0.80');
});

test('compare & merge: each member’s layer side by side, the overlay, picks, and the merged set written', async () => {
	await page.getByTestId('quality-compare').click();
	await expect(dialog()).toBeVisible();
	const panes = page.getByTestId('compare-pane');
	await expect(panes).toHaveCount(2);
	await expect(member(panes, 'beamember0000001').getByTestId('compare-picture')).toHaveAttribute('data-shapes', '3');
	await expect(member(panes, 'caimember0000001').getByTestId('compare-picture')).toHaveAttribute('data-shapes', '2');
	// A matched pair carries the same number in both panes.
	const numbers = async (id: string) =>
		(await member(panes, id).getByTestId('compare-shape').evaluateAll((els) => els.map((e) => e.getAttribute('data-group')))).sort();
	const bea = await numbers('beamember0000001');
	const cai = await numbers('caimember0000001');
	expect(bea).toHaveLength(3);
	expect(cai.every((n) => bea.includes(n))).toBe(true);
	await expectAccessible(page, 'compare dialog', '[data-testid="compare-dialog"]');
	await screens(page, 'quality', 'compare-side', { width: 1440, height: 900 });

	await page.getByTestId('compare-view-overlay').click();
	await expect(page.getByTestId('compare-overlay')).toHaveAttribute('data-shapes', '5');
	await screens(page, 'quality', 'compare-overlay', { width: 1440, height: 900 });

	// The rule (k = 2: both members) keeps the two cars; the reviewer keeps the bus too.
	await page.getByTestId('compare-view-merged').click();
	await expect(page.getByTestId('compare-merged')).toHaveAttribute('data-shapes', '2');
	await expect(page.getByTestId('compare-merge')).toHaveText('Merge 2 shapes');
	const busGroup = page.locator('[data-testid="merge-group"][data-kept="false"]');
	await expect(busGroup).toHaveCount(1);
	await busGroup.getByTestId('merge-pick').selectOption('keep');
	await expect(page.getByTestId('compare-merged')).toHaveAttribute('data-shapes', '3');
	await expect(page.getByTestId('compare-merge')).toHaveText('Merge 3 shapes');
	await screens(page, 'quality', 'compare-merged', { width: 1440, height: 900 });
	await page.getByTestId('compare-merge').click();
	await expect(page.getByTestId('compare-merged-note')).toContainText('the image now has 3 shapes');
	await expect(page.getByTestId('compare-merge')).toBeDisabled();
	const merged = await page.evaluate((id) => (window as unknown as Hooked).peerlabelSession.doc.annotationsOf(id).map((a) => a.classId), images[0]);
	expect(merged.sort()).toEqual([classes.bus, classes.car, classes.car].sort());
	await page.getByTestId('compare-close').click();
	await expect(dialog()).toBeHidden();
	// The editor shows the merged set, and the panel says it was merged.
	await page.getByTestId('tab-shapes').click();
	await expect(page.getByTestId('shape-row')).toHaveCount(3);
	await page.getByTestId('tab-quality').click();
	await expect(page.getByTestId('quality-merged')).toBeVisible();
	// So does the library.
	await page.goto(`/project/${projectId}`);
	await expect(page.locator(`[data-testid="image-cell"][data-image-id="${images[0]}"] [data-testid="image-annotations"]`)).toHaveText('3');
});

test('a gold image: the reference and the tester’s precision and recall; the tester is never told', async () => {
	await openImage(1);
	await expect(panel()).toHaveAttribute('data-case', 'gold');
	await expect(page.getByTestId('quality-gold-reference')).toHaveAttribute('data-count', '3');
	const bea = member(page.getByTestId('quality-gold-tester'), 'beamember0000001');
	await expect(bea.getByTestId('quality-gold-precision')).toHaveText('0.50');
	await expect(bea.getByTestId('quality-gold-recall')).toHaveText('0.33');
	await expectAccessible(page, 'quality panel, gold', '[data-testid="quality-panel"]');
	await screens(page, 'quality', 'panel-gold', { width: 1440, height: 900 });
});

test('an image labelled by two members without a task: their agreement, and a shape that does not match selected in the editor', async () => {
	await openImage(2);
	await expect(panel()).toHaveAttribute('data-case', 'incidental');
	await expect(page.getByTestId('quality-agreement-value')).toHaveText('0.50');
	const mismatches = page.getByTestId('quality-mismatch');
	await expect(mismatches).toHaveCount(2);
	await member(mismatches, 'caimember0000001').getByRole('button').click();
	await expect(page.getByTestId('editor-canvas')).toHaveAttribute('data-selected-id', caiBus);
	await expectAccessible(page, 'quality panel, labelled by two', '[data-testid="quality-panel"]');
	await screens(page, 'quality', 'panel-incidental', { width: 1440, height: 900 });
});

test('a member labelling blind sees only that; an image with nothing to compare says so', async () => {
	await openImage(3);
	await expect(panel()).toHaveAttribute('data-case', 'blind');
	await expect(page.getByTestId('quality-blind')).toHaveText('You are labelling this image on your own; others’ work is hidden until everyone has submitted.');
	await expect(panel()).not.toContainText('Cai');
	await expect(panel()).not.toContainText(/gold|agreement/i);
	await expectAccessible(page, 'quality panel, blind', '[data-testid="quality-panel"]');
	await screens(page, 'quality', 'panel-blind', { width: 1440, height: 900 });
	await openImage(4);
	await expect(panel()).toHaveAttribute('data-case', 'none');
	await expect(page.getByTestId('quality-none')).toBeVisible();
});

test('labelling blind, the other member’s shapes, their comment threads and pins stay hidden; one’s own show', async () => {
	const made = await page.evaluate(
		({ image, car }) => {
			type Comments = { newThread(input: object): Made & { value?: { thread: object; comment: object } }; write(r: object): Made };
			const doc = (window as unknown as Hooked).peerlabelSession.doc as Doc & { comments: Comments };
			const me = doc.actor;
			const thread = (annotationId: string, text: string) => {
				const t = doc.comments.newThread({ imageId: image, anchor: { kind: 'annotation', annotationId }, text });
				if (!t.ok || !t.value) return `thread: ${t.reason}`;
				const w = doc.comments.write({ threads: [t.value.thread], comments: [t.value.comment] });
				return w.ok ? '' : `write: ${w.reason}`;
			};
			doc.setActor({ id: 'caimember0000001', name: 'Cai' });
			const cai = doc.createAnnotation({ imageId: image, classId: car, type: 'box', geometry: { x: 300, y: 300, width: 80, height: 60 } });
			const caiThread = cai.ok ? thread(cai.value!.id, 'Cai: is this a car?') : cai.reason;
			doc.setActor(me);
			const mine = doc.createAnnotation({ imageId: image, classId: car, type: 'box', geometry: { x: 100, y: 100, width: 80, height: 60 } });
			const myThread = mine.ok ? thread(mine.value!.id, 'Mine: check the wheels') : mine.reason;
			return [caiThread, myThread].filter(Boolean);
		},
		{ image: images[3], car: classes.car }
	);
	expect(made).toEqual([]);
	await openImage(3);
	await page.getByTestId('tab-shapes').click();
	await expect(page.getByTestId('shape-row')).toHaveCount(1);
	await page.getByTestId('tab-comments').click();
	await expect(page.getByTestId('thread')).toHaveCount(1);
	await expect(page.getByTestId('thread')).toContainText('Mine: check the wheels');
	await expect(page.getByTestId('thread')).not.toContainText('Cai');
	await expect(page.getByTestId('pin')).toHaveCount(1);
});

test('polygons and masks compared: outlines and tinted pixels in each member’s pane', async () => {
	await openImage(5);
	await expect(page.getByTestId('quality-agreement-value')).toHaveText('1.00');
	await page.getByTestId('quality-compare').click();
	const panes = page.getByTestId('compare-pane');
	await expect(panes).toHaveCount(2);
	for (const id of ['beamember0000001', 'caimember0000001']) {
		const picture = member(panes, id).getByTestId('compare-picture');
		await expect(picture).toHaveAttribute('data-shapes', '2');
		// The mask as a picture of its pixels, the triangle as an outline.
		await expect(picture.locator('g[data-testid="compare-shape"] image')).toHaveCount(1);
		await expect(picture.locator('g[data-testid="compare-shape"] path')).toHaveCount(1);
	}
	await screens(page, 'quality', 'compare-masks', { width: 1440, height: 900 });
	await page.getByTestId('compare-close').click();
});

test('the quality page: gold scores per member and class, consensus images with their state, CSV files', async () => {
	await page.goto(`/project/${projectId}`);
	await expect(page.getByTestId('quality-link')).toHaveText('Quality');
	await screens(page, 'quality', 'library-link', { width: 1440, height: 900 });
	await page.getByTestId('quality-link').click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Label quality');
	const bea = page.locator('[data-testid="quality-gold-member"][data-member="beamember0000001"]');
	await expect(bea.getByTestId('quality-gold-member-precision')).toHaveText('0.50');
	await expect(bea.getByTestId('quality-gold-member-recall')).toHaveText('0.33');
	const car = page.locator(`[data-testid="quality-gold-class"][data-member="beamember0000001"][data-class-id="${classes.car}"]`);
	await expect(car.getByTestId('quality-gold-class-precision')).toHaveText('0.50');
	await expect(car.getByTestId('quality-gold-class-recall')).toHaveText('0.50');
	const bus = page.locator(`[data-testid="quality-gold-class"][data-member="beamember0000001"][data-class-id="${classes.bus}"]`);
	await expect(bus.getByTestId('quality-gold-class-precision')).toHaveText('—');
	await expect(bus.getByTestId('quality-gold-class-recall')).toHaveText('0.00');
	const rows = page.getByTestId('quality-consensus-row');
	await expect(rows).toHaveCount(3);
	const merged = rows.and(page.locator(`[data-image-id="${images[0]}"]`));
	await expect(merged).toHaveAttribute('data-state', 'merged');
	await expect(merged.getByTestId('quality-consensus-agreement')).toHaveText('0.80');
	const waiting = rows.and(page.locator(`[data-image-id="${images[3]}"]`));
	await expect(waiting.getByTestId('quality-consensus-state')).toHaveText('waiting for 2');
	await expectAccessible(page, 'quality page');
	await screens(page, 'quality', 'page', { width: 1440, height: 900 });

	const gold = await download('quality-download-gold');
	expect(gold[0]).toBe('member,member_id,class,class_id,tp,fp,fn,precision,recall,mean_iou,gold_images,threshold');
	expect(gold).toContain('Bea,beamember0000001,all,,1,1,2,0.5,0.3333,1,1,0.5');
	const consensus = await download('quality-download-consensus');
	expect(consensus).toContain(`${await merged.getByTestId('quality-consensus-link').textContent()},${images[0]},Bea; Cai,merged,0.8,0.7071,0.5`);

	// Each row links to its image.
	await merged.getByTestId('quality-consensus-link').click();
	await expect(page).toHaveURL(new RegExp(`/image/${images[0]}$`));
});
