import { expect, test, type Page } from '@playwright/test';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ensureBundle } from '../../src/cli/bundle.js';
import { dragOnImage, shapeRows, waitForEditor } from './support/editor';
import { closeAll, newPeer, seedOn, shareProject, syncBadge, type Peer } from './support/peers';

/**
 * A hostile peer in the room (item 7 of issue 12): a Node Yjs client with the edit link — the app's own
 * sync code over real WebRTC — writes the saved corpus of past failures and seeded malformed records of
 * every family while the victim's page edits, exports and reloads. The victim's own work stays exactly
 * as it was, every record the attacker wrote is either read or listed under "could not be read", and the
 * way out of the lock its junk makes (a newer version number) works from the page.
 */

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Written {
	map: string;
	key: string;
	readable: boolean;
	/** The image an annotation names: it waits, unseen, while that image is missing. */
	imageId: string | null;
}

class HostilePeer {
	private readonly events: AsyncIterator<string>;
	constructor(private readonly child: ChildProcessWithoutNullStreams) {
		this.events = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
	}

	static async join(link: string, signaling: string): Promise<HostilePeer> {
		const bundle = await ensureBundle('hostile-peer', 'tests/e2e/support/hostile-peer.ts');
		const child = spawn(process.execPath, [bundle], { env: { ...process.env, PEERLABEL_ROOT: root, INVITE: link, SIGNALING: signaling } });
		let errors = '';
		child.stderr.on('data', (d) => (errors += d));
		child.on('exit', (code) => code && console.error(`hostile peer exited ${code}: ${errors}`));
		return new HostilePeer(child);
	}

	async next<T>(event: string): Promise<T> {
		for (;;) {
			const { value, done } = await this.events.next();
			if (done) throw new Error(`the hostile peer stopped before “${event}”`);
			const message = JSON.parse(value) as { event: string };
			if (message.event === event) return message as T;
		}
	}

	write(seed: number, count: number, everyMs: number) {
		this.child.stdin.write(`${JSON.stringify({ write: { seed, count, everyMs } })}\n`);
	}

	stop() {
		this.child.stdin.write(`${JSON.stringify({ exit: true })}\n`);
		setTimeout(() => this.child.kill(), 2000).unref();
	}
}

type Snapshot = Record<string, unknown>;

/**
 * The victim's own annotations, whole, read through the open session (a test hook of the page): not the
 * attacker's (`written`: its keys; a damaged packed record may still read, with another author).
 */
function ownAnnotations(page: Page, written: Written[] = []): Promise<Snapshot> {
	return page.evaluate((attackers) => {
		const doc = (window as unknown as { peerlabelSession: { doc: { allAnnotations(): Iterable<{ id: string; author: string }> } } }).peerlabelSession.doc;
		const theirs = new Set(attackers);
		return Object.fromEntries([...doc.allAnnotations()].filter((a) => a.author !== 'mallory' && !theirs.has(a.id)).map((a) => [a.id, a]));
	}, written.map((w) => w.key));
}

/** For each key the attacker wrote: read, a problem, or (an annotation) waiting for an image that is not there. */
function accountFor(page: Page, writes: Written[]) {
	return page.evaluate((writes) => {
		type Doc = {
			ydoc: { getMap(name: string): { has(key: string): boolean; get(key: string): unknown } };
			problems(): { map: string; key: string }[];
			getAnnotation(id: string): unknown;
			getClass(id: string): unknown;
			getImage(id: string): unknown;
			versions(): { id: string }[];
		};
		const doc = (window as unknown as { peerlabelSession: { doc: Doc } }).peerlabelSession.doc;
		const problems = new Set(doc.problems().map((p) => `${p.map}/${p.key}`));
		const lost: string[] = [];
		// The last write of each key counts; both maps of annotations (v6 records move to the packed map `a`) list problems as `annotations`.
		const last = new Map(writes.map((w) => [`${w.map === 'a' ? 'annotations' : w.map}/${w.key}`, w]));
		for (const [id, w] of last) {
			const annotation = w.map === 'annotations' || w.map === 'a';
			const present = doc.ydoc.getMap(w.map).has(w.key) || (annotation && doc.ydoc.getMap('a').has(w.key));
			if (w.map === 'meta' || !present) continue;
			const read =
				annotation ? doc.getAnnotation(w.key) : w.map === 'classes' ? doc.getClass(w.key) : w.map === 'images' ? doc.getImage(w.key) : doc.versions().find((v) => v.id === w.key);
			const waiting = annotation && w.imageId !== null && !doc.getImage(w.imageId);
			if (!read && !problems.has(id) && !waiting) lost.push(id);
			if (read && problems.has(id)) lost.push(`${id} (both)`);
			if (w.readable && !read) lost.push(`${id} (should be read)`);
		}
		return { lost, problems: problems.size };
	}, writes);
}

async function drawBox(page: Page, from: { x: number; y: number }, to: { x: number; y: number }) {
	const before = await shapeRows(page).count();
	await page.keyboard.press('b');
	await dragOnImage(page, from, to);
	await expect(shapeRows(page)).toHaveCount(before + 1);
}

test('a hostile Node peer with the edit link cannot hurt the victim’s project', async ({ browser, baseURL }) => {
	test.setTimeout(240_000);
	let victim: Peer | null = null;
	let mallory: HostilePeer | null = null;
	try {
		victim = await newPeer(browser, 'Victim');
		await victim.context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
		const page = victim.page;
		const foreign: string[] = [];
		page.on('request', (r) => !/^(blob|data):/.test(r.url()) && !r.url().startsWith(baseURL!) && foreign.push(r.url()));
		const { projectId, imageId } = await seedOn(page, 'images=2&polygons=3&width=800&height=600&seed=21');
		const link = await shareProject(page, projectId);
		mallory = await HostilePeer.join(link, `${baseURL!.replace(/^http/, 'ws')}/signaling`);
		await mallory.next('ready');
		await expect(syncBadge(page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });

		// The victim draws, then the attacker starts writing while the victim exports and reloads.
		await page.goto(`/project/${projectId}/image/${imageId}`);
		await waitForEditor(page);
		await drawBox(page, { x: 100, y: 100 }, { x: 300, y: 250 });
		const mine = await ownAnnotations(page);
		mallory.write(12, 80, 25);
		await page.goto(`/project/${projectId}`);
		await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
		await page.getByTestId('export-button').click();
		await page.getByTestId('export-format').selectOption('coco');
		const downloading = page.waitForEvent('download');
		await page.getByTestId('export-start').click();
		expect((await downloading).suggestedFilename()).toMatch(/coco/);
		await page.reload();
		await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
		const { writes } = await mallory.next<{ writes: Written[] }>('written');

		// Everything arrived (the last write is the attacker's): reload once more, as from a cold start.
		const last = writes.at(-1)!;
		await expect.poll(() => page.evaluate(({ map, key }) => (window as unknown as { peerlabelSession: { doc: { ydoc: { getMap(n: string): { has(k: string): boolean } } } } }).peerlabelSession.doc.ydoc.getMap(map).has(key) || (map === 'annotations' && (window as unknown as { peerlabelSession: { doc: { ydoc: { getMap(n: string): { has(k: string): boolean } } } } }).peerlabelSession.doc.ydoc.getMap('a').has(key)), last), { timeout: 30_000 }).toBe(true);
		await page.reload();
		await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true', { timeout: 60_000 });
		expect(await ownAnnotations(page, writes)).toEqual(mine);
		const { lost, problems } = await accountFor(page, writes);
		expect(lost).toEqual([]);
		expect(problems).toBeGreaterThanOrEqual(9); // the corpus's unreadable records, at least

		// The page says so, lists each, and the injected colour never reached a style (nor fetched its URL).
		await expect(page.getByTestId('problems-line')).toContainText(`${problems} records could not be read`);
		await page.getByTestId('problems-open').click();
		await expect(page.getByTestId('problem-row')).toHaveCount(problems);
		await expect(page.getByTestId('problems-dialog')).toContainText('its colour is not of the form #rrggbb');
		expect(foreign).toEqual([]);
		// Junk under a newer version number locks the project; deleting the listed records is the way out.
		await expect(page.getByTestId('library-notice')).toContainText('this app cannot read');
		await page.getByTestId('problems-delete-all').click();
		await expect(page.getByTestId('problems-line')).toHaveCount(0);
		await expect(page.getByTestId('library-notice')).toHaveCount(0);
		await page.goto(`/project/${projectId}/image/${imageId}`);
		await waitForEditor(page);
		await drawBox(page, { x: 400, y: 300 }, { x: 500, y: 400 });
		expect(Object.keys(await ownAnnotations(page, writes))).toHaveLength(Object.keys(mine).length + 1);
	} finally {
		mallory?.stop();
		if (victim) await closeAll(victim);
	}
});
