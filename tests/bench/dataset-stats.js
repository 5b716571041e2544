// `BENCH_ONLY=stats npm run bench`: the dataset statistics page (issue 16 item 7) on the project of
// 10,000 images and 100,000 annotations (run.js' seedBig('mixed')). Every figure is counted in the
// page's worker; the main thread only draws. Measured: from asking the worker to every chart drawn, the
// worker's own time (reading the stored document, applying it, counting), and the longest main-thread
// task meanwhile (target: all of it under 2 s, off the main thread) — when the page opens, and again
// after an edit (the worker keeps its copy and applies only the new stored updates). Then how the
// worker gets the document, compared on the same page: the worker reading what IndexedDB stores (the
// page's way) against the page encoding its document (Y.encodeStateAsUpdate) and posting the bytes.
// Figures, not asserts: docs/benchmarks.md ("Dataset statistics").

const ms = (n) => `${Math.round(n).toLocaleString('en')} ms`;

/** Times of the page's marks (the last of each name), and the longest task that overlapped them. */
function spanOnPage(page) {
	return page.evaluate(() => {
		const last = (name) => performance.getEntriesByName(name).at(-1)?.startTime ?? NaN;
		const ask = last('dataset-stats:ask');
		const drawn = last('dataset-stats:drawn');
		const answered = last('dataset-stats:answered');
		const tasks = /** @type {any} */ (window).__longTasks.filter((t) => t.start < drawn && t.start + t.duration > ask);
		const state = /** @type {any} */ (window).peerlabelDatasetStats;
		return { ask, drawn, answered, longest: Math.max(0, ...tasks.map((t) => t.duration)), timing: state?.timing ?? null };
	});
}

const drawnAtLeast = (page, n) =>
	page.waitForFunction((n) => Number(document.querySelector('[data-testid="dataset-stats"]')?.getAttribute('data-drawn') ?? 0) >= n, n, { timeout: 120_000, polling: 50 });

export async function datasetStatsBench({ page, context, base, seedBig, results, annotations }) {
	// The page's state and the session are reachable from the test build's pages with this flag.
	await context.addInitScript(() => Object.assign(window, { peerlabelTestHooks: true }));
	const big = await seedBig('mixed');
	const library = `${base}/project/${big.projectId}`;
	const openLibrary = async () => {
		await page.goto(library);
		await page.waitForSelector('[data-testid="library"][data-live="true"]', { timeout: 120_000 });
		// The open's own work settles first (the storage rewrite after an open, or its check).
		await page.waitForTimeout(8000);
	};
	await openLibrary();

	// 1. The page opened straight from its address: the worker counts while the page opens the project.
	await page.goto(`${library}/stats/dataset`);
	await drawnAtLeast(page, 1);
	const cold = await spanOnPage(page);
	const counted = await page.evaluate(() => document.querySelector('[data-testid="dataset-totals"]')?.textContent?.trim());
	results.push(
		[`dataset statistics of ${annotations.toLocaleString('en')} annotations (mixed), page opened from its address: navigation start to all 9 charts drawn`, ms(cold.drawn)],
		['  in the worker meanwhile: read the stored document / apply it / count', `${ms(cold.timing.readMs)} / ${ms(cold.timing.applyMs)} / ${ms(cold.timing.countMs)}`],
		['  longest main-thread task until then (the project opening on the page included)', ms(cold.longest)],
		['  counted', counted ?? '?']
	);

	// 2. The Dataset tab opened from the library (the project already open on the page): the statistics alone.
	await openLibrary();
	await page.getByTestId('stats-link').click();
	await page.getByTestId('stats-tab-dataset').click();
	await drawnAtLeast(page, 1);
	const open = await spanOnPage(page);
	results.push(
		['  from the library (project open): asking the worker to all 9 charts drawn (target < 2 s)', ms(open.drawn - open.ask)],
		['  of which in the worker: read / apply / count', `${ms(open.timing.readMs)} / ${ms(open.timing.applyMs)} / ${ms(open.timing.countMs)} (${ms(open.timing.workerMs)} in all)`],
		['  from the answer to the last chart drawn (one chart a task)', ms(open.drawn - open.answered)],
		['  longest main-thread task meanwhile', ms(open.longest)]
	);

	// 3. An edit: counted again 500 ms later (debounced), from the stored updates the worker has not applied.
	await page.waitForTimeout(3000);
	await page.evaluate(() => {
		const w = /** @type {any} */ (window);
		const doc = w.peerlabelSession.doc;
		const image = doc.images()[0];
		const cls = doc.classes()[0];
		doc.createAnnotation({ imageId: image.id, classId: cls.id, type: 'box', geometry: { x: 10, y: 10, width: 50, height: 40 } });
	});
	await drawnAtLeast(page, 2);
	const again = await spanOnPage(page);
	results.push(
		['  after an edit: asking to all charts drawn again (the worker applies only the new stored updates)', ms(again.drawn - again.ask)],
		['  of which in the worker: read / apply / count', `${ms(again.timing.readMs)} / ${ms(again.timing.applyMs)} (${again.timing.applied} updates, ${again.timing.appliedBytes.toLocaleString('en')} B) / ${ms(again.timing.countMs)}`],
		['  longest main-thread task meanwhile', ms(again.longest)]
	);

	// 4. The other way for the worker to get the document: the page encodes its own copy and posts it.
	const posted = await page.evaluate(async () => {
		const w = /** @type {any} */ (window);
		const start = performance.now();
		const bytes = w.peerlabelSession.doc.snapshot();
		const encodeMs = performance.now() - start;
		const size = bytes.byteLength;
		const answer = await w.peerlabelDatasetStats.countSource({ kind: 'snapshot', bytes, name: 'bench' });
		return { encodeMs, size, totalMs: performance.now() - start, timing: answer.timing };
	});
	results.push(
		['  compared: the page encodes its document (Y.encodeStateAsUpdate) and posts it: encoding, one main-thread task', `${ms(posted.encodeMs)} (${(posted.size / 2 ** 20).toFixed(1)} MiB)`],
		['  … then in the worker: apply / count; asking to answered', `${ms(posted.timing.applyMs)} / ${ms(posted.timing.countMs)}; ${ms(posted.totalMs)}`]
	);
}
