// Optimal one-to-one matching (Kuhn–Munkres): against brute force on random matrices and known answers.
import { describe, expect, it } from 'vitest';
import { bestMatches, maxWeightAssignment } from '$lib/quality/hungarian';

function permutations(n: number, k: number): number[][] {
	// Every injective choice of k distinct columns out of n.
	if (k === 0) return [[]];
	const out: number[][] = [];
	for (const rest of permutations(n, k - 1)) for (let c = 0; c < n; c++) if (!rest.includes(c)) out.push([...rest, c]);
	return out;
}

/** The best total by trying every assignment of the shorter side. */
function bruteForce(w: number[][]): number {
	const rows = w.length,
		cols = w[0].length;
	if (rows <= cols) return Math.max(...permutations(cols, rows).map((p) => p.reduce((s, c, r) => s + w[r][c], 0)));
	return Math.max(...permutations(rows, cols).map((p) => p.reduce((s, r, c) => s + w[r][c], 0)));
}

const total = (w: number[][], pairs: [number, number][]) => pairs.reduce((s, [r, c]) => s + w[r][c], 0);

describe('maxWeightAssignment', () => {
	it('finds the best total of brute force on 300 random matrices up to 6×6, square and rectangular', () => {
		let seed = 5;
		const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
		for (let t = 0; t < 300; t++) {
			const rows = 1 + Math.floor(rand() * 6),
				cols = 1 + Math.floor(rand() * 6);
			// Some integer matrices (many ties), some real.
			const w = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (t % 2 ? Math.floor(rand() * 4) : rand())));
			const pairs = maxWeightAssignment(w);
			expect(pairs.length).toBe(Math.min(rows, cols));
			expect(new Set(pairs.map((p) => p[0])).size).toBe(pairs.length);
			expect(new Set(pairs.map((p) => p[1])).size).toBe(pairs.length);
			expect(total(w, pairs)).toBeCloseTo(bruteForce(w), 9);
		}
	});

	it('known answers', () => {
		// A greedy pick of the largest (9) would get 9 + 1 = 10; the optimum is 8 + 7 = 15.
		expect(maxWeightAssignment([
			[9, 8],
			[7, 1]
		])).toEqual([
			[0, 1],
			[1, 0]
		]);
		// The classic 3×3 (as costs 4 1 3 / 2 0 5 / 3 2 2, least cost 5): as weights, the negated costs.
		expect(maxWeightAssignment([
			[-4, -1, -3],
			[-2, -0, -5],
			[-3, -2, -2]
		])).toEqual([
			[0, 1],
			[1, 0],
			[2, 2]
		]);
		// More columns than rows, and more rows than columns.
		expect(maxWeightAssignment([[0.1, 0.9, 0.5]])).toEqual([[0, 1]]);
		expect(maxWeightAssignment([[0.1], [0.9], [0.5]])).toEqual([[1, 0]]);
		expect(maxWeightAssignment([])).toEqual([]);
	});
});

describe('bestMatches', () => {
	it('leaves out pairs of no weight: what falls below the threshold is no match', () => {
		expect(bestMatches([
			[0.8, 0],
			[0, 0]
		])).toEqual([[0, 0]]);
		expect(bestMatches([[0, -1]])).toEqual([]);
	});

	it('is deterministic on ties: the same pairs every time', () => {
		const w = [
			[1, 1],
			[1, 1]
		];
		expect(bestMatches(w)).toEqual(bestMatches(w.map((r) => [...r])));
	});
});

describe('weights that are not numbers', () => {
	it('never hangs on NaN or infinite weights (a degenerate shape’s IoU): they count as no match', () => {
		expect(maxWeightAssignment([[NaN, NaN], [NaN, NaN]])).toHaveLength(2);
		expect(bestMatches([[NaN, 0.9], [0.8, NaN]])).toEqual([
			[0, 1],
			[1, 0]
		]);
		expect(bestMatches([[NaN, 0.9, -Infinity], [0.8, NaN, 0.7], [NaN, 0.6, 0.5]])).toEqual([
			[0, 1],
			[1, 0],
			[2, 2]
		]);
	});
});
