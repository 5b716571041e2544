import { describe, expect, it } from 'vitest';
import { gridLayout } from '$lib/ui/library/grid';

const M = { minCellWidth: 168, rowHeight: 196, gap: 12, padding: 16, overscan: 2 };

describe('library grid virtualization', () => {
	it('renders only the rows around the viewport of a 10,000-image project', () => {
		const top = gridLayout(10_000, 1000, 700, 0, M);
		expect(top.columns).toBe(5);
		expect(top.start).toBe(0);
		expect(top.end - top.start).toBeLessThanOrEqual(top.columns * 7);
		expect(top.totalHeight).toBe(2 * 16 + 2000 * 208 - 12);

		const bottom = gridLayout(10_000, 1000, 700, top.totalHeight - 700, M);
		expect(bottom.end).toBe(10_000);
		expect(bottom.end - bottom.start).toBeLessThanOrEqual(bottom.columns * 7);
	});

	it('fills the width with equal cells and keeps at least one column', () => {
		const l = gridLayout(3, 1000, 700, 0, M);
		expect(l.cellWidth * l.columns + 12 * (l.columns - 1)).toBeCloseTo(1000 - 32);
		expect(gridLayout(3, 100, 700, 0, M).columns).toBe(1);
		expect(gridLayout(0, 1000, 700, 0, M)).toMatchObject({ rows: 0, start: 0, end: 0, totalHeight: 0 });
	});
});
