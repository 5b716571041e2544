import { expect, test, type Page } from '@playwright/test';
import { yoloV8Model, type YoloRow } from '../unit/support/onnx-models';
import { shapeRows, waitForEditor } from './support/editor';

/**
 * Pre-labeling with a user-added YOLO detector, as a user does it: a generated YOLOv8 export (exactly
 * the real input/output names and shapes, Ultralytics' metadata with class names) added on the models
 * page, then the Assist panel: label map by name, score threshold, one image, then all images with
 * progress and Cancel, and a proposal accepted with A. The model's boxes are crafted in letterbox
 * space, so the test knows where each must land on the image.
 */
test.describe.configure({ mode: 'serial' });

const WIDTH = 800;
const HEIGHT = 500;
const IMAGES = 3;

/** Rows in the 640 × 640 letterbox frame: (cx, cy, w, h) and the scores of car, person. */
const CAR: YoloRow = { cx: 200, cy: 280, w: 160, h: 120, scores: [0.9, 0.05] };
/** The same car found again, a little off and less sure: NMS drops it. */
const CAR_AGAIN: YoloRow = { cx: 210, cy: 285, w: 160, h: 120, scores: [0.6, 0.02] };
const PERSON: YoloRow = { cx: 480, cy: 320, w: 80, h: 160, scores: [0.1, 0.8] };
/** Below the score threshold the test sets (0.5), above the default (0.25). */
const FAINT: YoloRow = { cx: 400, cy: 200, w: 60, h: 60, scores: [0.3, 0] };
// A real export has 8400 anchors; empty ones keep the anchor axis the longer one, as there.
const EMPTY: YoloRow = { cx: 0, cy: 0, w: 0, h: 0, scores: [0, 0] };
const ROWS = [CAR, CAR_AGAIN, PERSON, FAINT, EMPTY, EMPTY, EMPTY, EMPTY];

/** Ultralytics' letterbox of the image into 640 and its inverse (scale_boxes): where a crafted box lands. */
function imageBox(row: YoloRow) {
	const scale = Math.min(640 / WIDTH, 640 / HEIGHT);
	const padX = Math.round((640 - Math.round(WIDTH * scale)) / 2 - 0.1);
	const padY = Math.round((640 - Math.round(HEIGHT * scale)) / 2 - 0.1);
	return {
		x: (row.cx - row.w / 2 - padX) / scale,
		y: (row.cy - row.h / 2 - padY) / scale,
		width: row.w / scale,
		height: row.h / scale
	};
}

let page: Page;
let editorUrl = '';

const proposalRows = () => page.locator('[data-testid="shape-row"][data-proposal="true"]');
const rowOf = (className: string) => shapeRows(page).filter({ has: page.getByTestId('shape-class-name').getByText(className, { exact: false }) });

test.beforeAll(async ({ browser }, testInfo) => {
	const context = await browser.newContext({ baseURL: testInfo.project.use.baseURL, viewport: { width: 1280, height: 900 } });
	page = await context.newPage();
	// Holds the page's 'detect' requests to the worker while window.holdDetect is set, so the test can
	// cancel a batch at a known image; the worker and the model run unchanged.
	await page.addInitScript(() => {
		const w = window as unknown as { holdDetect: boolean; heldDetect: (() => void)[]; releaseDetect: () => void };
		w.holdDetect = false;
		w.heldDetect = [];
		w.releaseDetect = () => {
			w.holdDetect = false;
			for (const send of w.heldDetect.splice(0)) send();
		};
		const post = Worker.prototype.postMessage;
		Worker.prototype.postMessage = function (this: Worker, message: unknown, ...rest: unknown[]) {
			if (w.holdDetect && (message as { type?: string })?.type === 'detect') {
				w.heldDetect.push(() => (post as (...a: unknown[]) => void).call(this, message, ...rest));
				return;
			}
			return (post as (...a: unknown[]) => void).call(this, message, ...rest);
		} as typeof Worker.prototype.postMessage;
	});
});

test.afterAll(async () => {
	await page.context().close();
});

test('a YOLO export added on the models page brings its class names and licence', async () => {
	await page.goto('/models');
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
	const bytes = yoloV8Model(ROWS, false, { names: ['car', 'person'], imgsz: 640, task: 'detect', license: 'AGPL-3.0 License (https://ultralytics.com/license)' });
	await page.getByTestId('model-file-input').setInputFiles({ name: 'yolov8-street.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
	const added = page.locator('[data-testid="model-row"][data-bundled="false"]');
	await expect(added).toHaveCount(1);
	await expect(added).toContainText('yolov8-street');
	await expect(added).toHaveAttribute('data-missing', '');
	await expect(added).toContainText('AGPL-3.0');
});

test('the Assist panel maps the model’s labels to the project’s classes by name', async () => {
	await page.goto(`/dev/seed?images=${IMAGES}&polygons=0&width=${WIDTH}&height=${HEIGHT}&seed=5`);
	const done = page.getByTestId('seed-done');
	await expect(done).toBeVisible({ timeout: 60_000 });
	await page.getByTestId('seed-first-image').click();
	await waitForEditor(page);
	editorUrl = page.url();
	await expect(shapeRows(page)).toHaveCount(0);

	const detector = page.getByTestId('assist-detector');
	await detector.selectOption({ label: 'yolov8-street' });
	const labels = page.getByTestId('assist-label-row');
	await expect(labels).toHaveCount(2);
	await expect(labels.nth(0)).toHaveAttribute('data-label', 'car');
	await expect(labels.nth(0).locator('option:checked')).toHaveText('car');
	await expect(labels.nth(1)).toHaveAttribute('data-label', 'person');
	await expect(labels.nth(1).locator('option:checked')).toHaveText('person');
});

test('on this image: one proposal per object after NMS and the threshold, where the model put it, with its score', async () => {
	await page.getByTestId('assist-score-threshold').fill('0.5');
	await page.getByTestId('assist-prelabel-scope').selectOption('image');
	await page.getByTestId('assist-prelabel').click();
	await expect(page.getByTestId('assist-report')).toHaveText('2 proposals added.', { timeout: 30_000 });
	await expect(page.getByTestId('assist-error')).toHaveCount(0);

	await expect(proposalRows()).toHaveCount(2);
	for (const [name, row] of [
		['car', CAR],
		['person', PERSON]
	] as const) {
		const shape = rowOf(name);
		await expect(shape).toHaveCount(1);
		await expect(shape).toHaveAttribute('data-type', 'box');
		await expect(shape).toHaveAttribute('data-proposal', 'true');
		const geometry = JSON.parse((await shape.getAttribute('data-geometry'))!) as Record<string, number>;
		const expected = imageBox(row);
		for (const key of ['x', 'y', 'width', 'height'] as const) expect(geometry[key], `${name} ${key}`).toBeCloseTo(expected[key], 3);
		const score = Math.max(...row.scores);
		expect(Number(await shape.getAttribute('data-score'))).toBeCloseTo(score, 5);
		await expect(shape.getByTestId('shape-proposal')).toHaveText(`model ${score.toFixed(2)}`);
	}
	// The numbers the test expects, spelled out: 800 × 500 scales by 0.8 into 640 × 400, padded 120 above.
	expect(imageBox(CAR)).toEqual({ x: 150, y: 125, width: 200, height: 150 });
});

test('all images: progress while it runs, Cancel stops after the image in hand', async () => {
	await page.getByTestId('assist-prelabel-scope').selectOption('all');
	await page.evaluate(() => ((window as unknown as { holdDetect: boolean }).holdDetect = true));
	await page.getByTestId('assist-prelabel').click();
	// The first image already has this model's proposals: passed over; the second waits in the worker's queue.
	const progress = page.getByTestId('assist-progress');
	await expect(progress).toHaveAttribute('max', String(IMAGES));
	await expect(progress).toHaveAttribute('value', '1');
	await expect(page.getByTestId('assist-prelabel')).toHaveCount(0);
	await expect.poll(() => page.evaluate(() => (window as unknown as { heldDetect: unknown[] }).heldDetect.length)).toBe(1);
	await page.getByTestId('assist-prelabel-cancel').click();
	await page.evaluate(() => (window as unknown as { releaseDetect: () => void }).releaseDetect());

	await expect(page.getByTestId('assist-report')).toHaveText('2 proposals added, 1 image already pre-labeled by this model. Stopped.', { timeout: 30_000 });
	await expect(progress).toHaveCount(0);
	await expect(page.getByTestId('assist-prelabel')).toBeEnabled();

	// The image in hand when Cancel came got its two proposals; the one after it none.
	await page.goto(editorUrl.replace(/\/image\/.*$/, ''));
	await expect(page.getByTestId('library')).toHaveAttribute('data-live', 'true');
	await expect(page.getByTestId('image-cell')).toHaveCount(IMAGES);
	const counts = await page.getByTestId('image-cell').evaluateAll((cells) =>
		Object.fromEntries(cells.map((c) => [c.getAttribute('data-image-id'), Number(c.querySelector('[data-testid="image-proposals"]')?.getAttribute('data-count') ?? 0)]))
	);
	const firstImage = editorUrl.split('/image/')[1];
	expect(counts[firstImage]).toBe(2);
	expect(Object.values(counts).sort()).toEqual([0, 2, 2]);
});

test('A accepts a proposal: it becomes a person’s shape, the other still awaits review', async () => {
	await page.goto(editorUrl);
	await waitForEditor(page);
	await expect(proposalRows()).toHaveCount(2);
	const car = rowOf('car');
	await car.click();
	await page.keyboard.press('a');
	await expect(car).toHaveAttribute('data-proposal', 'false');
	await expect(car.getByTestId('shape-proposal')).toHaveCount(0);
	await expect(proposalRows()).toHaveCount(1);
	await expect(rowOf('person')).toHaveAttribute('data-proposal', 'true');
});

test('a YOLO segmenter’s masks become polygon proposals, tight on the box', async () => {
	// Coefficient +1 on the prototype that is +10 everywhere: the mask fills the car's box exactly.
	const car: YoloRow = { ...CAR, coefs: [1, ...new Array(31).fill(0)] };
	const rows = [car, ...new Array<YoloRow>(39).fill(EMPTY)]; // more anchors than channels, as in a real export
	await page.goto('/models');
	await expect(page.getByTestId('models-page')).toHaveAttribute('data-loaded', 'true', { timeout: 30_000 });
	const bytes = yoloV8Model(rows, true, { names: ['car', 'person'], imgsz: 640, task: 'segment' });
	await page.getByTestId('model-file-input').setInputFiles({ name: 'yolov8-seg-street.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
	await expect(page.locator('[data-testid="model-row"]').filter({ hasText: 'yolov8-seg-street' })).toHaveAttribute('data-missing', '');

	await page.goto(editorUrl);
	await waitForEditor(page);
	const before = await proposalRows().count();
	await page.getByTestId('assist-detector').selectOption({ label: 'yolov8-seg-street' });
	await page.getByTestId('assist-prelabel-scope').selectOption('image');
	await page.getByTestId('assist-prelabel').click();
	await expect(page.getByTestId('assist-report')).toHaveText('1 proposal added.', { timeout: 30_000 });
	await expect(proposalRows()).toHaveCount(before + 1);
	const polygon = page.locator('[data-testid="shape-row"][data-proposal="true"][data-type="polygon"]');
	await expect(polygon).toHaveCount(1);
	const { points } = JSON.parse((await polygon.getAttribute('data-geometry'))!) as { points: number[] };
	const xs = points.filter((_, i) => i % 2 === 0);
	const ys = points.filter((_, i) => i % 2 === 1);
	// The mask covers the box's pixels; its traced outline runs through their outer pixel centres' midpoints.
	const box = imageBox(CAR);
	expect(Math.min(...xs)).toBeCloseTo(box.x, 0);
	expect(Math.min(...ys)).toBeCloseTo(box.y, 0);
	expect(Math.max(...xs)).toBeCloseTo(box.x + box.width, 0);
	expect(Math.max(...ys)).toBeCloseTo(box.y + box.height, 0);
});
