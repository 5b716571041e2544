import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { decode } from 'fast-png';
import { seedProject } from './support/seed';
import { expectAccessible, screens } from './support/screens';

/**
 * The dataset at a glance (issue 16 item 4): a seeded project of four 640×480 images, classes car, bus
 * and bike; boxes of 15×15 px at (10 + 20k, 10):
 *   image 0 (review): car, car, bus   image 1 (done): car   image 2: nothing   image 3: bus
 * The page counts it in a worker from what is stored, draws the charts, counts again after an edit
 * (keeping the charts drawn), shows splits once set, counts a frozen version as frozen, and downloads
 * each chart as a real PNG and as CSV.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let projectId = '';

const img = (n: number) => `img${String(n).padStart(11, '0')}`;
const cls = (n: number) => `cls${String(n).padStart(11, '0')}`;

type Doc = {
	createAnnotation(a: object): { ok: boolean; reason?: string };
	splits: { set(ids: string[], split: string | null): { ok: boolean; reason?: string } };
};

const chart = (id: string) => page.locator(`[data-testid="dataset-chart"][data-figure="${id}"]`);

/** A chart's table as text, row by row (the first cell is the row's heading). */
function tableOf(id: string): Promise<string[][]> {
	return chart(id)
		.locator('tbody tr')
		.evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent!.trim())));
}

/** Waits until the page has drawn a count after `before`. */
async function recounted(before: number) {
	await expect.poll(async () => Number(await page.getByTestId('dataset-stats').getAttribute('data-drawn'))).toBeGreaterThan(before);
}

async function drawnCount(): Promise<number> {
	return Number(await page.getByTestId('dataset-stats').getAttribute('data-drawn'));
}

async function download(figure: string, kind: 'png' | 'csv'): Promise<Buffer> {
	const downloading = page.waitForEvent('download');
	await chart(figure).getByTestId(`dataset-chart-${kind}`).click();
	const file = await downloading;
	expect(file.suggestedFilename()).toBe(`Dataset test - ${figure}.${kind}`);
	return readFileSync(await file.path());
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true });
	await context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
	page = await context.newPage();
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible();
	projectId = await seedProject(page, {
		name: 'Dataset test',
		images: 4,
		classes: ['car', 'bus', 'bike'],
		imageSetup: (i) => [{ boxes: [0, 0, 1], stage: 'review' as const }, { boxes: [0], stage: 'done' as const }, {}, { boxes: [1] }][i]
	});
});

test.afterAll(async () => {
	await page.context().close();
});

test('the Dataset tab shows the seeded counts: classes, stages, objects per image, sizes, positions, co-occurrence', async () => {
	await page.goto(`/project/${projectId}/stats`);
	await page.getByTestId('stats-tab-dataset').click();
	await expect(page).toHaveURL(new RegExp(`/project/${projectId}/stats/dataset$`));
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Dataset statistics');
	await expect(page.getByTestId('stats-tab-dataset')).toHaveAttribute('aria-current', 'page');
	await expect(page.getByTestId('dataset-stats')).toHaveAttribute('data-drawn', '1');
	await expect(page.getByTestId('dataset-totals')).toHaveText('4 images · 5 annotations (5 objects, 0 tags) · 3 classes');
	await expect(page.getByTestId('dataset-chart')).toHaveCount(9);

	// Each canvas is an image named by what it shows.
	const classes = chart('classes').getByRole('img');
	await expect(classes).toHaveAttribute('aria-label', 'Bar chart of annotations per class: car 3, bus 2, bike 0.');
	expect(await tableOf('classes')).toEqual([
		['car', cls(0), '3', '3', '0', '2', 'yes'],
		['bus', cls(1), '2', '2', '0', '2', 'yes'],
		['bike', cls(2), '0', '0', '0', '0', 'yes']
	]);
	expect(await tableOf('stages')).toEqual([
		['annotate', '2'],
		['review', '1'],
		['done', '1']
	]);
	// Images 2 (0 objects), 1 and 3 (1 each), 0 (3).
	expect(await tableOf('objects-per-image')).toEqual([
		['0', '0', '1'],
		['1', '1', '2'],
		['2', '2', '0'],
		['3', '3', '1']
	]);
	// 15 × 15 = 225 px²: all small; boxes in the octave 128–256.
	expect((await tableOf('sizes')).map((r) => [r[0], r[3]])).toEqual([
		['small', '5'],
		['medium', '0'],
		['large', '0'],
		['none', '0']
	]);
	expect(await tableOf('box-areas')).toEqual([['128', '256', '5']]);
	// Centres (17.5, 17.5) ×3 in cell x 0.00–0.05; (37.5, 17.5) and (57.5, 17.5) in x 0.05–0.10; all in the top row.
	const positions = await tableOf('positions');
	expect(positions[0].slice(0, 4)).toEqual(['0.00–0.05', '3', '2', '0']);
	expect(positions.slice(1).flat().filter((c) => c !== '0' && !c.includes('–'))).toEqual([]);
	// Image 0 holds car and bus; image 1 car; image 3 bus.
	expect(await tableOf('cooccurrence')).toEqual([
		['car', cls(0), '2', '1', '0'],
		['bus', cls(1), '1', '2', '0'],
		['bike', cls(2), '0', '0', '0']
	]);
});

test('the figures are a table behind each chart; the page passes axe; screenshots at two sizes', async () => {
	await chart('classes').getByText('Table', { exact: true }).click();
	await expect(chart('classes').getByRole('table')).toBeVisible();
	await expect(chart('classes').getByRole('rowheader', { name: 'car' })).toBeVisible();
	await expectAccessible(page, 'dataset statistics');
	await screens(page, 'dataset-stats', 'project', { width: 1280, height: 800 });
	await chart('classes').getByText('Table', { exact: true }).click();
});

test('splits set on images show per split and in the class balance', async () => {
	const before = await drawnCount();
	const problems = await page.evaluate(
		({ images }) => {
			const doc = (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc;
			const out: string[] = [];
			for (const [ids, split] of [
				[[images[0], images[1]], 'train'],
				[[images[3]], 'val']
			] as const) {
				const r = doc.splits.set([...ids], split);
				if (!r.ok) out.push(r.reason ?? '?');
			}
			return out;
		},
		{ images: [img(0), img(1), img(2), img(3)] }
	);
	expect(problems).toEqual([]);
	await recounted(before);
	expect(await tableOf('splits')).toEqual([
		['train', '2'],
		['val', '1'],
		['test', '0'],
		['none', '1']
	]);
	// car: 2 on image 0 and 1 on image 1 (train); bus: 1 on image 0 (train), 1 on image 3 (val).
	expect(await tableOf('class-balance')).toEqual([
		['car', cls(0), '3', '0', '0', '0'],
		['bus', cls(1), '1', '1', '0', '0'],
		['bike', cls(2), '0', '0', '0', '0']
	]);
});

test('an edit is counted again, the charts drawn meanwhile staying on the page', async () => {
	// The canvas is marked: the recount must redraw this chart, not replace it.
	await chart('classes').getByRole('img').evaluate((c) => Object.assign(c, { kept: true }));
	const before = await drawnCount();
	const problem = await page.evaluate(
		({ image, car }) => {
			const doc = (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc;
			const r = doc.createAnnotation({ imageId: image, classId: car, type: 'box', geometry: { x: 300, y: 200, width: 100, height: 100 } });
			return r.ok ? null : r.reason;
		},
		{ image: img(2), car: cls(0) }
	);
	expect(problem).toBeNull();
	await recounted(before);
	await expect(chart('classes').getByRole('img')).toHaveAttribute('aria-label', 'Bar chart of annotations per class: car 4, bus 2, bike 0.');
	expect(await chart('classes').getByRole('img').evaluate((c) => (c as unknown as { kept?: boolean }).kept)).toBe(true);
	await expect(page.getByTestId('dataset-totals')).toHaveText('4 images · 6 annotations (6 objects, 0 tags) · 3 classes');
	// 100 × 100 = 10,000 px²: large (≥ 96² = 9,216).
	expect((await tableOf('sizes'))[2]).toEqual(['large', '9,216', '', '1']);
	// Its centre (350, 250): x 0.55–0.60, y 0.50–0.55.
	const positions = await tableOf('positions');
	expect(positions[10][0]).toBe('0.50–0.55');
	expect(positions[10][1 + 10]).toBe('1');
});

test('each chart downloads as a real PNG (white, its title drawn in) and as CSV', async () => {
	const png = await download('classes', 'png');
	expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	const image = decode(png);
	expect(image.width).toBeGreaterThan(0);
	expect(image.height).toBeGreaterThan(0);
	const channels = image.channels;
	const pixel = (x: number, y: number) => [...image.data.subarray((y * image.width + x) * channels, (y * image.width + x + 1) * channels)];
	// A white sheet (opaque), with more than one colour on it: the bars, axes and title.
	expect(pixel(2, 2).slice(0, 3)).toEqual([255, 255, 255]);
	if (channels === 4) expect(pixel(2, 2)[3]).toBe(255);
	const colours = new Set<string>();
	for (let i = 0; i < image.data.length; i += channels * 97) colours.add(image.data.subarray(i, i + 3).join(','));
	expect(colours.size).toBeGreaterThan(3);
	// The class's colour (car: #e6194b) is drawn.
	let carRed = 0;
	for (let i = 0; i < image.data.length; i += channels) if (image.data[i] === 0xe6 && image.data[i + 1] === 0x19 && image.data[i + 2] === 0x4b) carRed++;
	expect(carRed).toBeGreaterThan(100);

	const csv = (await download('classes', 'csv')).toString('utf8');
	expect(csv.startsWith('\ufeff')).toBe(true);
	expect(csv.slice(1).split('\r\n')).toEqual([
		'class,class_id,annotations,objects,tags,images,known_class',
		`car,${cls(0)},4,4,0,3,yes`,
		`bus,${cls(1)},2,2,0,2,yes`,
		`bike,${cls(2)},0,0,0,0,yes`,
		''
	]);
	const splits = (await download('splits', 'csv')).toString('utf8');
	expect(splits.slice(1).split('\r\n')).toEqual(['split,images', 'train,2', 'val,1', 'test,0', 'none,1', '']);
});

test('a frozen version is counted as it was frozen, whatever the project does after', async () => {
	await page.goto(`/project/${projectId}`);
	await page.getByTestId('version-name-input').fill('v1');
	await page.getByTestId('freeze-version').click();
	await expect(page.locator('[data-testid="version-row"][data-name="v1"]')).toHaveAttribute('data-present', 'true');
	await page.getByTestId('stats-link').click();
	await page.getByTestId('stats-tab-dataset').click();
	await expect(page.getByTestId('dataset-totals')).toContainText('6 annotations');
	// After the freeze: one more bike on image 2.
	const before = await drawnCount();
	await page.evaluate(
		({ image, bike }) => (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc.createAnnotation({ imageId: image, classId: bike, type: 'box', geometry: { x: 20, y: 300, width: 40, height: 40 } }),
		{ image: img(2), bike: cls(2) }
	);
	await recounted(before);
	await expect(page.getByTestId('dataset-totals')).toContainText('7 annotations');

	const v1 = await page.getByTestId('dataset-source').locator('option', { hasText: /^v1 / }).getAttribute('value');
	await page.getByTestId('dataset-source').selectOption(v1!);
	await expect(page.getByTestId('dataset-totals')).toHaveText('4 images · 6 annotations (6 objects, 0 tags) · 3 classes');
	expect((await tableOf('classes')).map((r) => r[2])).toEqual(['4', '2', '0']);
	await screens(page, 'dataset-stats', 'version', { width: 1280, height: 800 });
	// Its CSV is named after the version.
	const downloading = page.waitForEvent('download');
	await chart('classes').getByTestId('dataset-chart-csv').click();
	expect((await downloading).suggestedFilename()).toBe('Dataset test (v1) - classes.csv');

	await page.getByTestId('dataset-source').selectOption('current');
	await expect(page.getByTestId('dataset-totals')).toHaveText('4 images · 7 annotations (7 objects, 0 tags) · 3 classes');
	expect((await tableOf('classes')).map((r) => r[2])).toEqual(['4', '2', '1']);
});

/** Stored updates of the project's document (y-indexeddb's store). */
function storedUpdates(): Promise<number> {
	return page.evaluate(
		(name) =>
			new Promise<number>((resolve, reject) => {
				const open = indexedDB.open(name);
				open.onerror = () => reject(open.error);
				open.onsuccess = () => {
					const count = open.result.transaction('updates').objectStore('updates').count();
					count.onsuccess = () => {
						open.result.close();
						resolve(count.result);
					};
				};
			}),
		`peerlabel-project-${projectId}`
	);
}

function addBikes(n: number): Promise<string | null> {
	return page.evaluate(
		({ n, image, bike }) => {
			const doc = (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc;
			for (let k = 0; k < n; k++) {
				const r = doc.createAnnotation({ imageId: image, classId: bike, type: 'box', geometry: { x: 100 + (k % 40) * 10, y: 300 + Math.floor(k / 40) * 5, width: 8, height: 4 } });
				if (!r.ok) return r.reason ?? '?';
			}
			return null;
		},
		{ n, image: img(2), bike: cls(2) }
	);
}

test('edits merged in storage into an update the worker had read are counted (the worker reads only what changed)', async () => {
	// While a version is shown (no recount), 510 edits, each stored as an update of its own (and its
	// activity entry); past 500 stored updates the page merges runs of them into one update under the
	// run's first key: a key the worker has read before, now with other bytes.
	const v1 = await page.getByTestId('dataset-source').locator('option', { hasText: /^v1 / }).getAttribute('value');
	await page.getByTestId('dataset-source').selectOption(v1!);
	await expect(page.getByTestId('dataset-totals')).toContainText('6 annotations');
	expect(await addBikes(510)).toBeNull();
	expect(await storedUpdates()).toBeGreaterThan(500);
	await expect.poll(storedUpdates, { timeout: 20_000 }).toBeLessThan(100);
	await page.getByTestId('dataset-source').selectOption('current');
	await expect(page.getByTestId('dataset-totals')).toHaveText('4 images · 517 annotations (517 objects, 0 tags) · 3 classes');
	expect((await tableOf('classes')).map((r) => r[2])).toEqual(['4', '2', '511']);
});
