import { describe, expect, it } from 'vitest';
import type { Dataset } from '$lib/formats/dataset';
import { assignSplits, countsByLargestRemainder, parseSplitRatios } from '$lib/formats/split';
import { seededRandom } from '$lib/geometry/random';

const box = { x: 1, y: 1, width: 5, height: 5 };

/** n images, each with the classes `classesOf(i)` (one box each). */
function dataset(n: number, classesOf: (i: number) => string[]): Dataset {
	const images = Array.from({ length: n }, (_, i) => ({ name: `img${String(i).padStart(4, '0')}.jpg`, width: 100, height: 100 }));
	const names = new Set<string>();
	const annotations = images.flatMap((img, i) =>
		classesOf(i).map((className) => {
			names.add(className);
			return { image: img.name, className, type: 'box' as const, geometry: box };
		})
	);
	return { images, classes: [...names].map((name) => ({ name })), annotations };
}

const splitOf = (d: Dataset) => Object.fromEntries(d.images.map((i) => [i.name, i.split]));
const tally = (d: Dataset, names?: Set<string>) => {
	const out = { train: 0, val: 0, test: 0 } as Record<string, number>;
	for (const i of d.images) if (!names || names.has(i.name)) out[i.split!]++;
	return out;
};

describe('split ratios', () => {
	it('parses fractions, percentages and two-way splits', () => {
		expect(parseSplitRatios('0.8,0.1,0.1')).toEqual([0.8, 0.1, 0.1]);
		expect(parseSplitRatios('70, 20, 10').map((r) => +r.toFixed(6))).toEqual([0.7, 0.2, 0.1]);
		expect(parseSplitRatios('0.9,0.1')).toEqual([0.9, 0.1, 0]);
		expect(parseSplitRatios('0.33,0.33,0.33').reduce((s, r) => s + r, 0)).toBeCloseTo(1, 9);
	});

	it('refuses a ratio string that is not three numbers summing to 1', () => {
		for (const bad of ['0.8,0.1', '0.8,0.3,0.1', 'a,b,c', '0.8;0.1;0.1', '-0.2,0.6,0.6', '0.5', '', '0.2,0.2,0.2,0.4'])
			expect(() => parseSplitRatios(bad), bad).toThrow(/--split/);
	});

	it('deals whole counts by largest remainder', () => {
		expect(countsByLargestRemainder(10, [0.8, 0.1, 0.1])).toEqual([8, 1, 1]);
		expect(countsByLargestRemainder(7, [0.5, 0.25, 0.25])).toEqual([3, 2, 2]);
		expect(countsByLargestRemainder(3, [1 / 3, 1 / 3, 1 / 3])).toEqual([1, 1, 1]);
	});
});

describe('assignSplits', () => {
	const random = seededRandom(7);
	const d = dataset(101, () => (random() < 0.5 ? ['cat'] : ['dog']));

	it('is deterministic for a seed and independent of the input order', () => {
		for (const stratify of [false, true]) {
			const a = assignSplits(d, { ratios: [0.8, 0.1, 0.1], seed: 3, stratify });
			const b = assignSplits(d, { ratios: [0.8, 0.1, 0.1], seed: 3, stratify });
			const reversed = assignSplits({ ...d, images: d.images.slice().reverse() }, { ratios: [0.8, 0.1, 0.1], seed: 3, stratify });
			expect(splitOf(a)).toEqual(splitOf(b));
			expect(splitOf(reversed)).toEqual(splitOf(a));
			expect(splitOf(assignSplits(d, { ratios: [0.8, 0.1, 0.1], seed: 4, stratify }))).not.toEqual(splitOf(a));
		}
	});

	it('gives each split exactly its largest-remainder count', () => {
		for (const stratify of [false, true]) {
			expect(tally(assignSplits(d, { ratios: [0.8, 0.1, 0.1], seed: 1, stratify }))).toEqual({ train: 81, val: 10, test: 10 });
			expect(tally(assignSplits(d, { ratios: [0.7, 0.3, 0], seed: 1, stratify }))).toEqual({ train: 71, val: 30, test: 0 });
		}
		expect(d.images.every((i) => i.split === undefined)).toBe(true); // the input is not changed
	});

	it('keeps every class within one image of its ratio on a skewed multi-label dataset', () => {
		// 1,000 images: "common" on 90 %, "rare" on 3 % (some together with common), "mid" on 20 %, 4 % unlabelled.
		const r = seededRandom(11);
		const skewed = dataset(1000, () => {
			const x = r();
			if (x < 0.04) return [];
			const out: string[] = [];
			if (r() < 0.9) out.push('common');
			if (r() < 0.03) out.push('rare');
			if (r() < 0.2) out.push('mid');
			return out.length ? out : ['mid'];
		});
		const ratios = [0.7, 0.2, 0.1] as const;
		const split = assignSplits(skewed, { ratios: [...ratios] as [number, number, number], seed: 5, stratify: true });
		expect(tally(split)).toEqual({ train: 700, val: 200, test: 100 });
		for (const cls of ['common', 'rare', 'mid']) {
			const names = new Set(skewed.annotations.filter((a) => a.className === cls).map((a) => a.image));
			const got = tally(split, names);
			ratios.forEach((ratio, s) => {
				const name = ['train', 'val', 'test'][s];
				expect(Math.abs(got[name] - names.size * ratio), `${cls} in ${name}: ${got[name]} of ${names.size}`).toBeLessThanOrEqual(1);
			});
		}
		// Unstratified, the rare class drifts further from its ratio on this seed.
		const plain = assignSplits(skewed, { ratios: [...ratios] as [number, number, number], seed: 5, stratify: false });
		const rare = new Set(skewed.annotations.filter((a) => a.className === 'rare').map((a) => a.image));
		const drift = (s: Dataset) => Math.max(...['train', 'val', 'test'].map((n, i) => Math.abs(tally(s, rare)[n] - rare.size * ratios[i])));
		expect(drift(split)).toBeLessThanOrEqual(drift(plain));
	});

	it('refuses ratios that do not sum to 1', () => {
		expect(() => assignSplits(d, { ratios: [0.5, 0.2, 0.1], seed: 1, stratify: false })).toThrow(/sum to 1/);
	});
});
