import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { closeAll, join, newPeer, seedOn, shareProject } from './support/peers';

test('probe', async ({ browser }) => {
	test.setTimeout(400_000);
	const a = await newPeer(browser, 'Ada');
	const b = await newPeer(browser, 'Bo');
	for (const p of [a, b]) p.page.on('console', (m) => m.text().startsWith('PROBE') && console.log(p.name, m.text()));
	const { projectId } = await seedOn(a.page, 'images=10000&polygons=100000&width=1920&height=1080&seed=2&blobs=0&shapes=mixed');
	const link = await shareProject(a.page, projectId);
	await b.page.goto('/');
	const cdp = await b.context.newCDPSession(b.page);
	await cdp.send('Profiler.enable');
	await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
	await cdp.send('Profiler.start');
	let t = Date.now();
	await join(b.page, link);
	await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 120_000 });
	console.log('join', Date.now() - t);
	const { profile } = await cdp.send('Profiler.stop');
	writeFileSync('/tmp/join.cpuprofile', JSON.stringify(profile));
	await a.context.close();
	t = Date.now();
	const cdp2 = await b.context.newCDPSession(b.page);
	await cdp2.send('Profiler.enable');
	await cdp2.send('Profiler.start');
	await b.page.reload();
	await expect(b.page.getByTestId('library')).toHaveAttribute('data-annotation-count', '100000', { timeout: 60_000 });
	console.log('reload', Date.now() - t);
	writeFileSync('/tmp/reload.cpuprofile', JSON.stringify((await cdp2.send('Profiler.stop')).profile));
	const stored = await b.page.evaluate(async (id) => {
		const db = await new Promise<IDBDatabase>((ok) => { const r = indexedDB.open(`peerlabel-project-${id}`); r.onsuccess = () => ok(r.result); });
		const all = await new Promise<any[]>((ok) => { const r = db.transaction('updates').objectStore('updates').getAll(); r.onsuccess = () => ok(r.result); });
		return all.map((u) => u.length);
	}, projectId);
	console.log('stored', stored.length, stored.slice(0, 10), stored.reduce((x, y) => x + y, 0));
	await closeAll(b);
});
