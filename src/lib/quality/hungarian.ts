/**
 * Optimal one-to-one assignment (Kuhn–Munkres with Jonker–Volgenant's shortest augmenting paths and
 * potentials, O(n²·m) for n ≤ m): the pairs of rows and columns whose total weight is largest. Each
 * row (of the shorter side) is given a column; callers drop the pairs that are not matches.
 *
 * Deterministic: the same matrix gives the same pairs on every peer (ties go to the lowest column
 * reached first), which the agreement shown to every reviewer relies on.
 */

/**
 * Pairs [row, column] of an assignment of largest total weight, sorted by row. A weight that is not a
 * finite number counts as 0: the search below would never end on NaN (a degenerate shape's IoU).
 */
export function maxWeightAssignment(given: readonly (readonly number[])[]): [number, number][] {
	const rows = given.length;
	const cols = rows ? given[0].length : 0;
	if (!rows || !cols) return [];
	const weights = given.map((row) => Array.from({ length: cols }, (_, c) => (Number.isFinite(row[c]) ? row[c] : 0)));
	if (rows > cols) {
		const transposed = Array.from({ length: cols }, (_, c) => weights.map((row) => row[c]));
		return maxWeightAssignment(transposed)
			.map(([c, r]): [number, number] => [r, c])
			.sort((p, q) => p[0] - q[0]);
	}
	// Minimise cost = -weight. 1-based arrays as in the classic formulation; index 0 is the virtual start.
	const n = rows,
		m = cols;
	const u = new Float64Array(n + 1);
	const v = new Float64Array(m + 1);
	const rowOfCol = new Int32Array(m + 1); // 0: free
	const way = new Int32Array(m + 1);
	const minTo = new Float64Array(m + 1);
	const used = new Uint8Array(m + 1);
	for (let i = 1; i <= n; i++) {
		rowOfCol[0] = i;
		let j0 = 0;
		minTo.fill(Infinity);
		used.fill(0);
		do {
			used[j0] = 1;
			const i0 = rowOfCol[j0];
			const row = weights[i0 - 1];
			let delta = Infinity;
			let j1 = 0;
			for (let j = 1; j <= m; j++) {
				if (used[j]) continue;
				const reduced = -row[j - 1] - u[i0] - v[j];
				if (reduced < minTo[j]) {
					minTo[j] = reduced;
					way[j] = j0;
				}
				if (minTo[j] < delta) {
					delta = minTo[j];
					j1 = j;
				}
			}
			for (let j = 0; j <= m; j++) {
				if (used[j]) {
					u[rowOfCol[j]] += delta;
					v[j] -= delta;
				} else minTo[j] -= delta;
			}
			j0 = j1;
		} while (rowOfCol[j0] !== 0);
		do {
			const j1 = way[j0];
			rowOfCol[j0] = rowOfCol[j1];
			j0 = j1;
		} while (j0 !== 0);
	}
	const pairs: [number, number][] = [];
	for (let j = 1; j <= m; j++) if (rowOfCol[j]) pairs.push([rowOfCol[j] - 1, j - 1]);
	return pairs.sort((p, q) => p[0] - q[0]);
}

/**
 * The matches of a one-to-one assignment: pairs whose weight is positive, chosen to make the sum of
 * weights largest. A weight ≤ 0 means "not a match" (below the threshold, another family), so such a
 * pair never displaces a real one and is dropped from the answer. Rows and columns that share no positive
 * weight cannot affect each other: each connected group of them is solved on its own (most shapes on an
 * image overlap one or two others, so the cubic step runs on tiny matrices). Sorted by row.
 */
export function bestMatches(weights: readonly (readonly number[])[]): [number, number][] {
	const rows = weights.length;
	const cols = rows ? weights[0].length : 0;
	// Union-find over rows (0…rows-1) and columns (rows…rows+cols-1) joined by positive weights.
	const parent = Array.from({ length: rows + cols }, (_, i) => i);
	const find = (i: number): number => {
		while (parent[i] !== i) i = parent[i] = parent[parent[i]];
		return i;
	};
	for (let r = 0; r < rows; r++)
		for (let c = 0; c < cols; c++)
			if (weights[r][c] > 0) {
				const a = find(r),
					b = find(rows + c);
				if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
			}
	const components = new Map<number, { rows: number[]; cols: number[] }>();
	const of = (root: number) => components.get(root) ?? (components.set(root, { rows: [], cols: [] }), components.get(root)!);
	for (let r = 0; r < rows; r++) of(find(r)).rows.push(r);
	for (let c = 0; c < cols; c++) of(find(rows + c)).cols.push(c);
	const out: [number, number][] = [];
	for (const { rows: rs, cols: cs } of components.values()) {
		if (!rs.length || !cs.length) continue;
		if (rs.length === 1 && cs.length === 1) {
			if (weights[rs[0]][cs[0]] > 0) out.push([rs[0], cs[0]]);
			continue;
		}
		const sub = rs.map((r) => cs.map((c) => (weights[r][c] > 0 ? weights[r][c] : 0)));
		for (const [i, j] of maxWeightAssignment(sub)) if (sub[i][j] > 0) out.push([rs[i], cs[j]]);
	}
	return out.sort((p, q) => p[0] - q[0]);
}
