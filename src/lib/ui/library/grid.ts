/** Geometry of the virtualized grid: which rows are on screen, where each cell goes. Pure. */

export interface GridLayout {
	columns: number;
	cellWidth: number;
	rows: number;
	totalHeight: number;
	/** First and last (exclusive) index of the items to render. */
	start: number;
	end: number;
}

export interface GridMetrics {
	minCellWidth: number;
	rowHeight: number;
	gap: number;
	padding: number;
	/** Rows rendered above and below the visible ones. */
	overscan: number;
}

export function gridLayout(count: number, width: number, height: number, scrollTop: number, m: GridMetrics): GridLayout {
	const inner = Math.max(0, width - 2 * m.padding);
	const columns = Math.max(1, Math.floor((inner + m.gap) / (m.minCellWidth + m.gap)));
	const cellWidth = Math.max(1, (inner - m.gap * (columns - 1)) / columns);
	const rows = Math.ceil(count / columns);
	const pitch = m.rowHeight + m.gap;
	const totalHeight = rows ? 2 * m.padding + rows * pitch - m.gap : 0;
	const firstRow = Math.max(0, Math.floor((scrollTop - m.padding) / pitch) - m.overscan);
	const lastRow = Math.min(rows, Math.ceil((scrollTop + Math.max(height, 1) - m.padding) / pitch) + m.overscan);
	return { columns, cellWidth, rows, totalHeight, start: Math.min(count, firstRow * columns), end: Math.min(count, lastRow * columns) };
}
