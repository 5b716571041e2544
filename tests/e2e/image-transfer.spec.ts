import { createHash } from 'node:crypto';
import { expect, test, type Page } from '@playwright/test';
import { png, tempFolder } from './support/images';
import { waitForEditor } from './support/editor';
import { closeAll, join, newPeer, seedOn, shareProject, syncBadge } from './support/peers';

/** The SHA-256 of the bytes a page's IndexedDB holds for an image, or null. */
async function storedImageHash(page: Page, hash: string): Promise<string | null> {
	return page.evaluate(async (hash) => {
		const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
		const database = await req(indexedDB.open('peerlabel'));
		const entry = (await req(database.transaction('blobs').objectStore('blobs').get(hash))) as { blob: Blob } | undefined;
		database.close();
		if (!entry) return null;
		const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await entry.blob.arrayBuffer()));
		return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
	}, hash);
}

async function importImage(page: Page, path: string): Promise<void> {
	await page.getByTestId('add-images-input').setInputFiles([path]);
	await expect(page.getByTestId('import-report').first().getByTestId('import-summary')).toHaveText('Imported 1 image', { timeout: 60_000 });
}

test('an image only one peer has reaches another byte-identical, and every image can be made available offline', async ({ browser }) => {
	test.setTimeout(180_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const c = await newPeer(browser, 'Cy');
	try {
		const { projectId } = await seedOn(a.page, 'images=3&polygons=2&width=800&height=600&seed=12');
		const link = await shareProject(a.page, projectId);
		await join(c.page, link);
		await expect(c.page.getByTestId('image-cell')).toHaveCount(3, { timeout: 30_000 });

		// C adds a photo of several MB: only C has its bytes.
		const bytes = png(1600, 1200, 77, { noise: true });
		const hash = createHash('sha256').update(bytes).digest('hex');
		await importImage(c.page, tempFolder().write('only-c.png', bytes));
		await expect(a.page.getByTestId('image-cell')).toHaveCount(4);

		// B joins and opens C's image: A has not got it, so the bytes come from C, verified.
		await join(b.page, link);
		await expect(b.page.getByTestId('image-cell')).toHaveCount(4, { timeout: 30_000 });
		expect(await storedImageHash(b.page, hash)).toBeNull();
		await b.page.getByTestId('image-cell').filter({ hasText: 'only-c.png' }).click();
		await waitForEditor(b.page);
		expect(await storedImageHash(b.page, hash)).toBe(hash);
		await expect(b.page.getByTestId('image-fetch')).toHaveCount(0);

		// "Make available offline" gets the rest (A's seeded images); then they open with no network.
		await b.page.goto(`/project/${projectId}`);
		await expect(b.page.getByTestId('image-cell').filter({ hasText: 'only-c.png' }).getByTestId('image-thumb')).toBeVisible();
		await expect(b.page.getByTestId('image-thumb')).toHaveCount(1);
		await b.page.getByTestId('sync-badge').click();
		await b.page.getByTestId('offline-fetch').click();
		await expect(b.page.getByTestId('offline-result')).toHaveText('All 3 images are on this device now.', { timeout: 60_000 });
		await b.page.getByTestId('share-close').click();
		await expect(b.page.getByTestId('image-thumb'), 'each fetched image shows its thumbnail in the library').toHaveCount(4);
		await b.context.setOffline(true);
		await expect(b.page.getByTestId('sync-badge')).toHaveAttribute('data-status', 'offline');
		for (const name of ['image-00001.png', 'image-00003.png']) {
			await b.page.getByTestId('image-cell').filter({ hasText: name }).click();
			await waitForEditor(b.page);
			await b.page.goBack();
		}
	} finally {
		await closeAll(a, b, c).catch(() => {});
	}
});

test('when the peer sending an image leaves, the transfer goes on from another peer at the byte it reached', async ({ browser }) => {
	test.setTimeout(240_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const c = await newPeer(browser, 'Cy');
	const peers = { Ada: a, Cy: c };
	try {
		for (const p of [a, c]) await p.context.addInitScript(mischief);
		const { projectId } = await seedOn(a.page, 'images=1&polygons=0&width=800&height=600&seed=17');
		const link = await shareProject(a.page, projectId);
		const bytes = png(4000, 3000, 78, { noise: true }); // 36 MB
		const hash = createHash('sha256').update(bytes).digest('hex');
		await importImage(a.page, tempFolder().write('big.png', bytes));

		// C gets the image too: now two peers can send it.
		await join(c.page, link);
		await c.page.getByTestId('image-cell').filter({ hasText: 'big.png' }).click();
		await waitForEditor(c.page);
		expect(await storedImageHash(c.page, hash)).toBe(hash);
		await c.page.goBack();
		// Slow senders (a frame every 30 ms, ~8 s for the image), so that the transfer is still running when
		// its sender leaves, however fast this machine is at the moment.
		for (const p of [a, c]) await p.page.evaluate(() => ((window as unknown as { __blobMischief: string }).__blobMischief = 'slow'));

		await join(b.page, link);
		await expect(b.page.getByTestId('sync-badge')).toHaveAttribute('data-peers', '2', { timeout: 30_000 });
		await b.page.evaluate(() => {
			const seen: { received: number; from: string }[] = [];
			(window as unknown as { __progress: typeof seen }).__progress = seen;
			new MutationObserver(() => {
				const el = document.querySelector('[data-testid="image-fetch"]');
				const from = document.querySelector('[data-testid="image-fetch-source"]')?.getAttribute('data-name') ?? '';
				if (el) seen.push({ received: Number(el.getAttribute('data-received')), from });
			}).observe(document, { subtree: true, attributes: true, childList: true });
		});
		await b.page.getByTestId('image-cell').filter({ hasText: 'big.png' }).click();
		const source = b.page.getByTestId('image-fetch-source');
		await expect(source).toHaveAttribute('data-name', /^(Ada|Cy)$/, { timeout: 30_000 });
		await expect.poll(async () => Number(await b.page.getByTestId('image-fetch').getAttribute('data-received'))).toBeGreaterThan(0);
		const sender = (await source.getAttribute('data-name')) as 'Ada' | 'Cy';
		const other = sender === 'Ada' ? 'Cy' : 'Ada';
		await peers[sender].context.close();

		await waitForEditor(b.page);
		expect(await storedImageHash(b.page, hash)).toBe(hash);
		const seen = await b.page.evaluate(() => (window as unknown as { __progress: { received: number; from: string }[] }).__progress);
		const firstFromOther = seen.findIndex((s) => s.from === other);
		expect(firstFromOther, 'the other peer took over').toBeGreaterThan(0);
		const reachedBefore = Math.max(...seen.slice(0, firstFromOther).map((s) => s.received));
		expect(reachedBefore).toBeGreaterThan(0);
		// It went on from where it was: the count never fell back.
		for (let i = 1; i < seen.length; i++) expect(seen[i].received).toBeGreaterThanOrEqual(seen[i - 1].received);
		expect(seen[seen.length - 1].received).toBe(bytes.length);
	} finally {
		await closeAll(a, b, c).catch(() => {});
	}
});

/**
 * Lets a test turn a peer's page into a bad image sender, by what `window.__blobMischief` says:
 * 'lie-size' announces 1 GiB for every image; 'stall' keeps each transfer open with empty data
 * frames (one a second) but sends no byte; 'slow' sends every message in order, a data frame every
 * 30 ms. Its blob channel's sends are rewritten under the app.
 */
function mischief(): void {
	const create = RTCPeerConnection.prototype.createDataChannel;
	RTCPeerConnection.prototype.createDataChannel = function (this: RTCPeerConnection, label: string, init?: RTCDataChannelInit) {
		const channel = create.call(this, label, init);
		if (label !== 'peerlabel-blobs') return channel;
		const send = channel.send.bind(channel) as (data: string | ArrayBuffer | Uint8Array<ArrayBuffer>) => void;
		const mode = () => (window as unknown as { __blobMischief?: string }).__blobMischief;
		const stalled = new Set<number>();
		let slowQueue = Promise.resolve();
		(channel as unknown as { send: typeof send }).send = (data) => {
			if (mode() === 'slow') {
				// A copy: the app may reuse a frame's buffer once send returns.
				const copy = typeof data === 'string' ? data : data instanceof ArrayBuffer ? data.slice(0) : data.slice();
				slowQueue = slowQueue
					.then(() => new Promise((resolve) => setTimeout(resolve, typeof copy === 'string' ? 0 : 30)))
					.then(() => void (channel.readyState === 'open' && send(copy)));
				return;
			}
			if (mode() === 'lie-size' && typeof data === 'string' && JSON.parse(data).t === 'size') data = JSON.stringify({ ...JSON.parse(data), size: 2 ** 30 });
			if (mode() === 'stall' && typeof data !== 'string') {
				// The frame's header (request id, and offset 0); a frame may be a view of a larger buffer.
				const empty = (data instanceof ArrayBuffer ? new Uint8Array(data) : data).slice(0, 16).buffer;
				new DataView(empty).setFloat64(8, 0);
				const id = new DataView(empty).getUint32(4);
				if (stalled.has(id)) return;
				stalled.add(id);
				const keepAlive = setInterval(() => (mode() === 'stall' && channel.readyState === 'open' ? send(empty) : clearInterval(keepAlive)), 1000);
				data = empty;
			}
			send(data);
		};
		return channel;
	};
}

test('a peer that lies about an image size, or keeps a transfer open without sending, is refused and the user told why', async ({ browser }) => {
	test.setTimeout(180_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	const setMischief = (mode: string | null) => a.page.evaluate((mode) => ((window as unknown as { __blobMischief: string | null }).__blobMischief = mode), mode);
	try {
		await a.context.addInitScript(mischief);
		const { projectId } = await seedOn(a.page, 'images=1&polygons=0&width=800&height=600&seed=21');
		await join(b.page, await shareProject(a.page, projectId));
		await expect(syncBadge(b.page)).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
		await syncBadge(b.page).click();
		const fetchAll = b.page.getByTestId('offline-fetch');
		const result = b.page.getByTestId('offline-result');

		await setMischief('lie-size');
		await fetchAll.click();
		await expect(result).toContainText('could not be: No connected peer can send image');
		await expect(result).toContainText(`(Ada: announced ${2 ** 30} bytes, but the image record says`);

		// After 15 s without a byte (STALL_TIMEOUT_MS) a transfer gives up on Ada, the only sender: the
		// editor says why it waits, "Make available offline" that the image could not be fetched.
		await setMischief('stall');
		await b.page.getByTestId('share-close').click();
		await b.page.getByTestId('image-cell').first().click();
		await expect(b.page.getByTestId('image-fetch-why')).toHaveText('(Ada: stopped sending (no new byte for 15 s))', { timeout: 45_000 });
		await b.page.goBack();
		await syncBadge(b.page).click();
		await fetchAll.click();
		await expect(result).toContainText('could not be: No connected peer can send image', { timeout: 45_000 });
		await expect(result).toContainText('(Ada: stopped sending (no new byte for 15 s))');

		await setMischief(null);
		await fetchAll.click();
		await expect(result).toHaveText(/^All 1 image.* on this device now\.$/, { timeout: 30_000 });
	} finally {
		await closeAll(a, b).catch(() => {});
	}
});
