// The recogniser's pre-processing (RecResizeImg for 3 × 48 × 320), batching and CTC decoding.
import { describe, expect, test } from 'vitest';
import { ctcCharacters, ctcDecode, recBatchWidth, recognizeCrops, recPreprocess, type RecRunner } from '../../src/lib/ml/ocr/recognize';
import type { BgrImage } from '../../src/lib/ml/ocr/image';
import { parseDictionary } from '../../src/lib/ml/ocr';

const solid = (width: number, height: number, bgr: [number, number, number]): BgrImage => {
	const data = new Uint8Array(width * height * 3);
	for (let i = 0; i < width * height; i++) data.set(bgr, i * 3);
	return { width, height, data };
};

describe('RecResizeImg', () => {
	test.each([
		[[{ width: 100, height: 48 }], 320], // ratio 2.08: the 320 floor
		[[{ width: 480, height: 48 }], 480], // ratio 10
		[[{ width: 100, height: 30 }, { width: 700, height: 50 }], 672] // 48 × 14
	])('batch width of %j is %i', (crops, width) => {
		expect(recBatchWidth(crops)).toBe(width);
	});

	test('height 48, width ceil(48 w / h), (x / 255 − 0.5) / 0.5 per BGR channel, zeros to the right', () => {
		const width = 320;
		const out = new Float32Array(3 * 48 * width).fill(9);
		recPreprocess(solid(50, 25, [255, 0, 128]), width, out, 0); // → 96 × 48
		const plane = 48 * width;
		const at = (c: number, y: number, x: number) => out[c * plane + y * width + x];
		expect(at(0, 0, 0)).toBe(1);
		expect(at(1, 47, 95)).toBe(-1);
		expect(at(2, 20, 50)).toBeCloseTo(128 / 255 / 0.5 - 1, 6);
		expect([at(0, 0, 96), at(1, 10, 200), at(2, 47, 319)]).toEqual([0, 0, 0]);
	});

	test('a crop wider than the batch is squeezed into it', () => {
		const out = new Float32Array(3 * 48 * 320);
		recPreprocess(solid(400, 40, [255, 255, 255]), 320, out, 0); // would be 480 wide
		expect(out[319]).toBe(1);
	});
});

describe('CTCLabelDecode', () => {
	const characters = ctcCharacters(['a', 'b']); // blank, a, b, space
	test('characters: blank first, the space last', () => {
		expect(characters).toEqual(['blank', 'a', 'b', ' ']);
	});
	test('argmax per step; repeats merge, a blank separates them; score = mean of the kept maxima', () => {
		const rows: number[][] = [
			[0.1, 0.9, 0, 0], // a
			[0.2, 0.8, 0, 0], // a (repeat: dropped)
			[0.7, 0.3, 0, 0], // blank
			[0.4, 0.6, 0, 0], // a (after a blank: kept)
			[0, 0, 0.5, 0.1], // b
			[0, 0, 0.1, 0.7], // space
			[1, 0, 0, 0] // blank
		];
		const probs = new Float32Array(rows.flat());
		const { text, score } = ctcDecode(probs, rows.length, 4, characters);
		expect(text).toBe('aab ');
		expect(score).toBeCloseTo((0.9 + 0.6 + 0.5 + 0.7) / 4, 6);
	});
	test('only blanks: empty text, score 0', () => {
		expect(ctcDecode(new Float32Array([1, 0, 0, 0, 0.9, 0.1, 0, 0]), 2, 4, characters)).toEqual({ text: '', score: 0 });
	});
	test('ppocr_keys_v1.txt-style dictionary: one character a line, \\r\\n tolerated, no trailing empty entry', () => {
		expect(parseDictionary('a\nb\r\nc\n')).toEqual(['a', 'b', 'c']);
		expect(parseDictionary('a\n \nc')).toEqual(['a', ' ', 'c']);
	});
});

describe('batches (TextRecognizer.__call__)', () => {
	/** Crop i is grey level 10·i and answers with character i: results must come back in input order. */
	const characters = ctcCharacters(['0', '1', '2', '3', '4', '5', '6', '7']);
	const crops = [8, 1, 5, 3, 9, 2, 7, 4].map((ratio, i) => solid(ratio * 10, 10, [10 * i, 10 * i, 10 * i]));
	const calls: number[][] = [];
	const run: RecRunner = async (input, dims) => {
		calls.push([...dims]);
		const [n, , h, w] = dims;
		const classes = characters.length;
		const data = new Float32Array(n * 2 * classes);
		for (let k = 0; k < n; k++) {
			const grey = Math.round(((input[k * 3 * h * w] + 1) / 2) * 255);
			data[k * 2 * classes + 1 + grey / 10] = 0.9; // step 0: the crop's character
			data[(k * 2 + 1) * classes] = 1; // step 1: blank
		}
		return { data, dims: [n, 2, classes] };
	};
	test('sorted by aspect ratio, six at a time, each batch as wide as its widest crop', async () => {
		const results = await recognizeCrops(crops, characters, run);
		expect(results.map((r) => r.text)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
		expect(results.every((r) => Math.abs(r.score - 0.9) < 1e-6)).toBe(true);
		// Ratios sorted: 1 2 3 4 5 7 | 8 9 → widths max(320, 48·7) = 336, then 48·9 = 432.
		expect(calls).toEqual([[6, 3, 48, 336], [2, 3, 48, 432]]);
	});
	test('a dictionary that does not match the model is refused with a clear message', async () => {
		await expect(recognizeCrops(crops, ctcCharacters(['a']), run)).rejects.toThrow(/dictionary does not belong to this model/);
	});
});
