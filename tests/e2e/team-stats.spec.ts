import { expect, test, type Locator, type Page } from '@playwright/test';
import { mkdirSync, readFileSync } from 'node:fs';
import { seedProject } from './support/seed';

/**
 * The team statistics page (issue 15 item 6): a seeded project (4 images, classes car, bus and bike),
 * then the work of three people written into the open document as the app writes it (the test build
 * exposes the session): this browser's member draws, edits, submits, rejects and accepts; a teammate
 * (Bea) edits under her member id and under an old device id she names as hers; an id nobody claims
 * draws once. The page counts it live (debounced), again after a reload, and downloads both CSV files.
 */
test.describe.configure({ mode: 'serial' });

let page: Page;
let projectId = '';
let me = { id: '', name: '' };

const img = (n: number) => `img${String(n).padStart(11, '0')}`;
const cls = (n: number) => `cls${String(n).padStart(11, '0')}`;

type Doc = {
	members: { list(): { id: string; name: string }[]; join(p: object, now?: number): { ok: boolean } };
	setActor(a: { id: string; name: string }): void;
	createAnnotation(a: object): { ok: boolean; value: { id: string }; reason?: string };
	updateAnnotation(id: string, patch: object): { ok: boolean };
	review: { prepare(action: string, imageId: string, rejection?: object): { ok: boolean; value: object; reason?: string }; commit(p: object): { ok: boolean; reason?: string } };
	allAnnotations(): Iterable<{ id: string; imageId: string }>;
};

const memberRow = (id: string) => page.locator(`[data-testid="stats-member-row"][data-member-id="${id}"]`);
const classRow = (id: string) => page.locator(`[data-testid="stats-class-row"][data-class-id="${id}"]`);

async function expectClass(row: Locator, total: number, annotate: number, review: number, done: number, words: string) {
	await expect(row).toHaveAttribute('data-total', String(total));
	await expect(row).toHaveAttribute('data-annotate', String(annotate));
	await expect(row).toHaveAttribute('data-review', String(review));
	await expect(row).toHaveAttribute('data-done', String(done));
	await expect(row.getByTestId('stats-class-numbers')).toHaveText(words);
}

async function expectMember(id: string, n: { submitted: number; accepted: number; rate: string; created: number; edited: number; comments: number }) {
	const row = memberRow(id);
	await expect(row.getByTestId('stats-submitted')).toHaveText(String(n.submitted));
	await expect(row.getByTestId('stats-accepted')).toHaveText(String(n.accepted));
	await expect(row.getByTestId('stats-rejection-rate')).toHaveText(n.rate);
	await expect(row.getByTestId('stats-created')).toHaveText(String(n.created));
	await expect(row.getByTestId('stats-edited')).toHaveText(String(n.edited));
	await expect(row.getByTestId('stats-comments')).toHaveText(String(n.comments));
}

async function download(testId: string): Promise<string[]> {
	const downloading = page.waitForEvent('download');
	await page.getByTestId(testId).click();
	const file = await downloading;
	expect(file.suggestedFilename()).toMatch(/^Stats test - (members|classes)\.csv$/);
	const text = readFileSync(await file.path(), 'utf8');
	expect(text.startsWith('\ufeff')).toBe(true); // read as UTF-8 by spreadsheets
	expect(text.endsWith('\r\n')).toBe(true);
	return text.slice(1).split('\r\n').slice(0, -1);
}

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 800 }, acceptDownloads: true });
	await context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
	page = await context.newPage();
	await page.goto('/');
	await expect(page.getByTestId('no-projects')).toBeVisible();
	// car: 2 on image 0, 1 on image 1; bus: 1 on image 0, 1 on image 3; bike: none.
	projectId = await seedProject(page, {
		name: 'Stats test',
		images: 4,
		classes: ['car', 'bus', 'bike'],
		imageSetup: (i) => ({ boxes: [[0, 0, 1], [0], [], [1]][i] })
	});
});

test.afterAll(async () => {
	await page.context().close();
});

test('the page opens with the seeded class counts and this browser as a member with nothing done', async () => {
	await page.goto(`/project/${projectId}/stats`);
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Team statistics');
	await expect(page.getByTestId('stats-back')).toHaveAttribute('href', `/project/${projectId}`);
	await expect(classRow(cls(0))).toBeVisible();
	await expectClass(classRow(cls(0)), 3, 3, 0, 0, '3 annotations: 3 annotate, 0 review, 0 done');
	await expectClass(classRow(cls(1)), 2, 2, 0, 0, '2 annotations: 2 annotate, 0 review, 0 done');
	await expectClass(classRow(cls(2)), 0, 0, 0, 0, '0 annotations: 0 annotate, 0 review, 0 done');
	await expect(page.getByTestId('stats-annotation-total')).toHaveText('5 annotations');
	// This browser joins the project as it opens it.
	await expect(page.getByTestId('stats-member-row')).toHaveCount(1);
	me = await page.evaluate(() => {
		const doc = (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc;
		return doc.members.list()[0];
	});
	await expect(memberRow(me.id).getByTestId('stats-member-name')).toHaveText(me.name);
	await expectMember(me.id, { submitted: 0, accepted: 0, rate: '—nothing submitted', created: 0, edited: 0, comments: 0 });
	await expect(memberRow(me.id).getByTestId('stats-last-active')).toHaveText('never');
});

test('work done meanwhile is counted live: annotations, decisions, a teammate under an old id, an unknown author', async () => {
	const before = Number(await page.getByTestId('stats-page').getAttribute('data-counts'));
	const problems = await page.evaluate(
		({ images, classes, me }) => {
			const doc = (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc;
			const out: string[] = [];
			const ok = (what: string, r: { ok: boolean; reason?: string }) => !r.ok && out.push(`${what}: ${r.reason}`);
			const box = (imageId: string, classId: string) => ({ imageId, classId, type: 'box', geometry: { x: 200, y: 200, width: 30, height: 30 } });
			const decide = (action: string, imageId: string, rejection?: object) => {
				const p = doc.review.prepare(action, imageId, rejection);
				ok(`${action} ${imageId}`, p);
				if (p.ok) ok(`commit ${action}`, doc.review.commit(p.value));
			};
			// Me: two new annotations (car on image 2, bike on image 2), one edited.
			const a = doc.createAnnotation(box(images[2], classes[0]));
			ok('create', a);
			ok('create', doc.createAnnotation(box(images[2], classes[2])));
			ok('edit', doc.updateAnnotation(a.value.id, { geometry: { x: 210, y: 200, width: 30, height: 30 } }));
			// Me: submit images 0, 1 and 3; reject 1 (its reason is a comment); accept 0. Image 3 stays in review.
			decide('submit', images[0]);
			decide('submit', images[1]);
			decide('submit', images[3]);
			decide('reject', images[1], { reason: 'Two cars are missing' });
			decide('accept', images[0]);
			// Bea, a teammate, with her old device id as an alias.
			ok('join', doc.members.join({ id: 'beamember0000001', name: 'Bea', color: '#3cb44b', algorithm: 'Ed25519', publicKey: 'AAAA', aliases: ['bealaptop0000001'] }));
			const seeded = [...doc.allAnnotations()].filter((x) => x.imageId === images[0]).map((x) => x.id);
			doc.setActor({ id: 'beamember0000001', name: 'Bea' });
			ok('bea edit', doc.updateAnnotation(seeded[0], { geometry: { x: 12, y: 12, width: 15, height: 15 } }));
			doc.setActor({ id: 'bealaptop0000001', name: 'Bea' });
			ok('bea edit (old id)', doc.updateAnnotation(seeded[1], { geometry: { x: 32, y: 12, width: 15, height: 15 } }));
			// Someone no member claims.
			doc.setActor({ id: 'strangerid000001', name: '?' });
			ok('stranger create', doc.createAnnotation(box(images[3], classes[2])));
			doc.setActor(me);
			return out;
		},
		{ images: [img(0), img(1), img(2), img(3)], classes: [cls(0), cls(1), cls(2)], me }
	);
	expect(problems).toEqual([]);
	// Counted again once, after the burst.
	await expect(page.getByTestId('stats-member-row')).toHaveCount(3);
	await expectMember(me.id, { submitted: 3, accepted: 1, rate: '33.3% (1 of 3)', created: 2, edited: 1, comments: 1 });
	await expectMember('beamember0000001', { submitted: 0, accepted: 0, rate: '—nothing submitted', created: 0, edited: 2, comments: 0 });
	await expectMember('strangerid000001', { submitted: 0, accepted: 0, rate: '—nothing submitted', created: 1, edited: 0, comments: 0 });
	await expect(memberRow('strangerid000001')).toHaveAttribute('data-known', 'false');
	await expect(memberRow('strangerid000001').getByTestId('stats-member-name')).toHaveText('Unknown author strangerid');
	// All of it within a second: one sitting, 1 minute.
	await expect(memberRow(me.id).getByTestId('stats-active')).toHaveText('1 min');
	await expect(memberRow(me.id).getByTestId('stats-last-active')).toHaveText('just now');
	// Image 0 done, 1 back in annotate, 2 in annotate, 3 in review.
	await expectClass(classRow(cls(0)), 4, 2, 0, 2, '4 annotations: 2 annotate, 0 review, 2 done');
	await expectClass(classRow(cls(1)), 2, 0, 1, 1, '2 annotations: 0 annotate, 1 review, 1 done');
	await expectClass(classRow(cls(2)), 2, 1, 1, 0, '2 annotations: 1 annotate, 1 review, 0 done');
	await expect(page.getByTestId('stats-annotation-total')).toHaveText('8 annotations');
	const after = Number(await page.getByTestId('stats-page').getAttribute('data-counts'));
	// Debounced: some 20 changes counted in a few passes, not one each.
	expect(after - before).toBeGreaterThanOrEqual(1);
	expect(after - before).toBeLessThanOrEqual(3);
});

test('the members table sorts by a column, both ways', async () => {
	const names = () => page.getByTestId('stats-member-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member-id')));
	// By name: members first (by name), unknown authors after.
	await expect(page.getByTestId('stats-members')).toHaveAttribute('data-sort', 'name');
	const byName = [me, { id: 'beamember0000001', name: 'Bea' }].sort((a, b) => a.name.localeCompare(b.name)).map((m) => m.id);
	expect(await names()).toEqual([...byName, 'strangerid000001']);
	await page.getByTestId('stats-sort-edited').click();
	await expect(page.getByRole('columnheader', { name: 'Edited' })).toHaveAttribute('aria-sort', 'descending');
	expect(await names()).toEqual(['beamember0000001', me.id, 'strangerid000001']);
	await page.getByTestId('stats-sort-edited').click();
	await expect(page.getByRole('columnheader', { name: 'Edited' })).toHaveAttribute('aria-sort', 'ascending');
	expect(await names()).toEqual(['strangerid000001', me.id, 'beamember0000001']);
	await page.getByTestId('stats-sort-name').click();
	await expect(page.getByRole('columnheader', { name: 'Member' })).toHaveAttribute('aria-sort', 'ascending');
});

test('both CSV files download with the rows shown', async () => {
	const members = await download('stats-download-members');
	expect(members[0]).toBe(
		'member,member_id,known_member,submitted,accepted,rejected,rejection_rate,annotations_created,annotations_edited,annotations_deleted,comments,active_minutes,sessions,last_active'
	);
	expect(members).toHaveLength(4);
	const row = (id: string) => members.find((line) => line.split(',')[1] === id)?.split(',');
	expect(row(me.id)?.slice(2, 13)).toEqual(['yes', '3', '1', '1', '0.3333', '2', '1', '0', '1', '1', '1']);
	expect(row('beamember0000001')?.slice(0, 13)).toEqual(['Bea', 'beamember0000001', 'yes', '0', '0', '0', '', '0', '2', '0', '0', '1', '1']);
	expect(row('strangerid000001')?.slice(0, 13)).toEqual(['strangerid000001', 'strangerid000001', 'no', '0', '0', '0', '', '1', '0', '0', '0', '1', '1']);
	expect(row(me.id)?.[13]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

	expect(await download('stats-download-classes')).toEqual([
		'class,class_id,total,annotate,review,done,known_class',
		`car,${cls(0)},4,2,0,2,yes`,
		`bus,${cls(1)},2,0,1,1,yes`,
		`bike,${cls(2)},2,1,1,0,yes`,
		'Total,,8,3,2,3,'
	]);
});

test('after a reload the page counts the same from what was stored; screenshots at two sizes', async () => {
	await expect(page.getByTestId('save-state')).toHaveAttribute('data-state', 'saved');
	await page.reload();
	await expect(page.getByTestId('stats-member-row')).toHaveCount(3);
	await expectMember(me.id, { submitted: 3, accepted: 1, rate: '33.3% (1 of 3)', created: 2, edited: 1, comments: 1 });
	await expectMember('beamember0000001', { submitted: 0, accepted: 0, rate: '—nothing submitted', created: 0, edited: 2, comments: 0 });
	await expectClass(classRow(cls(0)), 4, 2, 0, 2, '4 annotations: 2 annotate, 0 review, 2 done');

	mkdirSync('test-results/screens', { recursive: true });
	for (const [width, height] of [
		[1440, 900],
		[1280, 720]
	]) {
		await page.setViewportSize({ width, height });
		await page.screenshot({ path: `test-results/screens/team-stats-${width}x${height}.png` });
		await page.screenshot({ path: `test-results/screens/team-stats-${width}x${height}-full.png`, fullPage: true });
	}
	await page.setViewportSize({ width: 1280, height: 800 });
});

test('the back link returns to the library', async () => {
	await page.getByTestId('stats-back').click();
	await expect(page).toHaveURL(new RegExp(`/project/${projectId}$`));
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
});
