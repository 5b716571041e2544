import { csvText } from '$lib/model/team/stats';
import { STAGES } from '$lib/model/team/records';
import { HEAT_CELLS, MEDIUM_AREA, SIZE_BUCKETS, SMALL_AREA, SPLIT_BUCKETS, type DatasetStats, type SizeBucket, type SplitBucket } from './dataset-stats';

/**
 * The statistics page's charts as plain data: what each chart draws, the same figures as a table (the
 * page's "Table" view and the chart's CSV file are both this table), and a sentence saying what it
 * shows (the canvas's accessible name). Made in the worker from `DatasetStats`; the page only draws.
 */

export type FigureId = 'classes' | 'stages' | 'splits' | 'class-balance' | 'objects-per-image' | 'sizes' | 'box-areas' | 'positions' | 'cooccurrence';

export type FigureCell = string | number;

export interface FigureTable {
	/** `key`: the CSV header; `label`: the table's column heading. */
	columns: { key: string; label: string }[];
	rows: FigureCell[][];
}

export interface BarSeries {
	label: string;
	values: number[];
	/** One colour, or one a bar. */
	color: string | string[];
}

interface FigureBase {
	id: FigureId;
	title: string;
	/** What the chart shows, in words (for a screen reader and the page). */
	summary: string;
	xTitle: string;
	yTitle: string;
	table: FigureTable;
}

export interface BarFigure extends FigureBase {
	kind: 'bar';
	labels: string[];
	series: BarSeries[];
}

export interface MatrixFigure extends FigureBase {
	kind: 'matrix';
	xLabels: string[];
	yLabels: string[];
	/** values[row][column], row 0 first (at the top). */
	values: number[][];
	color: string;
}

export type Figure = BarFigure | MatrixFigure;

export interface DatasetFigures {
	totals: { images: number; annotations: number; objects: number; tags: number; classes: number };
	figures: Figure[];
}

export const STAGE_COLORS = { annotate: '#8a94a6', review: '#d08c00', done: '#2e9d5b' } as const;
export const SPLIT_COLORS: Record<SplitBucket, string> = { train: '#4363d8', val: '#e6772e', test: '#8e3cb4', none: '#a3a9b3' };
/** A class with no colour of its own (one the project no longer has). */
export const STRAY_CLASS_COLOR = '#8a94a6';
export const BAR_COLOR = '#4363d8';
export const MATRIX_COLOR = '#4c8dff';
/** Bins of the objects-per-image histogram at most. */
export const MAX_COUNT_BINS = 30;
/** Items a summary names before "and N more". */
const SUMMARY_ITEMS = 12;

const SPLIT_WORDS: Record<SplitBucket, string> = { train: 'Train', val: 'Val', test: 'Test', none: 'No split' };
const SIZE_WORDS: Record<SizeBucket, string> = { small: 'Small', medium: 'Medium', large: 'Large', none: 'No area' };

const num = (n: number) => n.toLocaleString('en');
const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });
/** A cell edge of the normalised image: "0.05". */
const edge = (k: number) => (k / HEAT_CELLS).toFixed(2);

/** "car 3, bus 2 and 4 more" */
function listed(items: { name: string; value: number }[], more: string): string {
	const shown = items.slice(0, SUMMARY_ITEMS).map((i) => `${i.name} ${num(i.value)}`);
	const rest = items.length - shown.length;
	return shown.join(', ') + (rest > 0 ? ` and ${num(rest)} more ${more}` : '');
}

function classesFigure(s: DatasetStats): BarFigure {
	return {
		kind: 'bar',
		id: 'classes',
		title: 'Annotations per class',
		summary: s.classes.length
			? `Bar chart of annotations per class: ${listed(s.classes.map((c) => ({ name: c.name, value: c.annotations })), 'classes')}.`
			: 'Bar chart of annotations per class: the project has no classes.',
		xTitle: 'Class',
		yTitle: 'Annotations',
		labels: s.classes.map((c) => c.name),
		series: [{ label: 'Annotations', values: s.classes.map((c) => c.annotations), color: s.classes.map((c) => c.color ?? STRAY_CLASS_COLOR) }],
		table: {
			columns: [
				{ key: 'class', label: 'Class' },
				{ key: 'class_id', label: 'Class id' },
				{ key: 'annotations', label: 'Annotations' },
				{ key: 'objects', label: 'Objects' },
				{ key: 'tags', label: 'Tags' },
				{ key: 'images', label: 'Images' },
				{ key: 'known_class', label: 'In the project' }
			],
			rows: s.classes.map((c) => [c.name, c.id, c.annotations, c.objects, c.tags, c.images, c.known ? 'yes' : 'no'])
		}
	};
}

/** Images counted in named buckets (stages, splits): one bar a bucket, in its colour. */
function imagesPerBucket<B extends string>(
	id: FigureId,
	what: { title: string; axis: string; key: string; words: string },
	buckets: readonly B[],
	counts: Record<B, number>,
	names: Record<B, string>,
	colors: Record<B, string>
): BarFigure {
	return {
		kind: 'bar',
		id,
		title: what.title,
		summary: `Bar chart of images per ${what.words}: ${buckets.map((b) => `${names[b]} ${num(counts[b])}`).join(', ')}.`,
		xTitle: what.axis,
		yTitle: 'Images',
		labels: buckets.map((b) => names[b]),
		series: [{ label: 'Images', values: buckets.map((b) => counts[b]), color: buckets.map((b) => colors[b]) }],
		table: { columns: [{ key: what.key, label: what.axis }, { key: 'images', label: 'Images' }], rows: buckets.map((b) => [b, counts[b]]) }
	};
}

const stagesFigure = (s: DatasetStats) =>
	imagesPerBucket('stages', { title: 'Images per stage', axis: 'Stage', key: 'stage', words: 'review stage' }, STAGES, s.stages, { annotate: 'Annotate', review: 'Review', done: 'Done' }, STAGE_COLORS);

const splitsFigure = (s: DatasetStats) => imagesPerBucket('splits', { title: 'Images per split', axis: 'Split', key: 'split', words: 'split' }, SPLIT_BUCKETS, s.splits, SPLIT_WORDS, SPLIT_COLORS);

function classBalanceFigure(s: DatasetStats): BarFigure {
	const perSplit = SPLIT_BUCKETS.map((b) => `${SPLIT_WORDS[b]}: ${listed(s.classes.map((c) => ({ name: c.name, value: c.bySplit[b] })), 'classes')}`);
	return {
		kind: 'bar',
		id: 'class-balance',
		title: 'Class balance per split',
		summary: s.classes.length ? `Grouped bar chart of each class's annotations per split. ${perSplit.join('. ')}.` : 'Grouped bar chart of annotations per class and split: the project has no classes.',
		xTitle: 'Class',
		yTitle: 'Annotations',
		labels: s.classes.map((c) => c.name),
		series: SPLIT_BUCKETS.map((b) => ({ label: SPLIT_WORDS[b], values: s.classes.map((c) => c.bySplit[b]), color: SPLIT_COLORS[b] })),
		table: {
			columns: [{ key: 'class', label: 'Class' }, { key: 'class_id', label: 'Class id' }, ...SPLIT_BUCKETS.map((b) => ({ key: b, label: SPLIT_WORDS[b] }))],
			rows: s.classes.map((c) => [c.name, c.id, ...SPLIT_BUCKETS.map((b) => c.bySplit[b])])
		}
	};
}

/** Bins of whole counts 0…max: one a count up to MAX_COUNT_BINS of them, else equal runs of counts. */
export function countBins(perCount: readonly number[]): { from: number; to: number; images: number }[] {
	const width = Math.max(1, Math.ceil(perCount.length / MAX_COUNT_BINS));
	const bins: { from: number; to: number; images: number }[] = [];
	for (let from = 0; from < perCount.length; from += width) {
		let images = 0;
		for (let k = from; k < Math.min(perCount.length, from + width); k++) images += perCount[k];
		bins.push({ from, to: from + width - 1, images });
	}
	return bins;
}

function objectsPerImageFigure(s: DatasetStats): BarFigure {
	const bins = countBins(s.objectsPerImage);
	const label = (b: { from: number; to: number }) => (b.from === b.to ? num(b.from) : `${num(b.from)}–${num(b.to)}`);
	const busiest = bins.reduce<(typeof bins)[number] | null>((best, b) => (!best || b.images > best.images ? b : best), null);
	const max = s.objectsPerImage.length - 1;
	return {
		kind: 'bar',
		id: 'objects-per-image',
		title: 'Objects per image',
		summary: s.images
			? `Histogram of objects per image over ${num(s.images)} images: most hold ${busiest ? label(busiest) : '0'} (${num(busiest?.images ?? 0)} images); the most on one image is ${num(max)}.`
			: 'Histogram of objects per image: the project has no images.',
		xTitle: 'Objects on the image',
		yTitle: 'Images',
		labels: bins.map(label),
		series: [{ label: 'Images', values: bins.map((b) => b.images), color: BAR_COLOR }],
		table: {
			columns: [
				{ key: 'objects_from', label: 'Objects from' },
				{ key: 'objects_to', label: 'Objects to' },
				{ key: 'images', label: 'Images' }
			],
			rows: bins.map((b) => [b.from, b.to, b.images])
		}
	};
}

function sizesFigure(s: DatasetStats): BarFigure {
	const bounds: Record<SizeBucket, [number | '', number | '']> = { small: [0, SMALL_AREA], medium: [SMALL_AREA, MEDIUM_AREA], large: [MEDIUM_AREA, ''], none: ['', ''] };
	const words: Record<SizeBucket, string> = { small: 'Small (< 32²)', medium: 'Medium (< 96²)', large: 'Large', none: 'No area' };
	return {
		kind: 'bar',
		id: 'sizes',
		title: 'Object sizes (COCO)',
		summary: `Bar chart of objects by COCO size: ${SIZE_BUCKETS.map((b) => `${SIZE_WORDS[b]} ${num(s.sizes[b])}`).join(', ')}. Small is an area under 32² pixels, medium under 96², points and lines have no area.`,
		xTitle: 'Size',
		yTitle: 'Objects',
		labels: SIZE_BUCKETS.map((b) => words[b]),
		series: [{ label: 'Objects', values: SIZE_BUCKETS.map((b) => s.sizes[b]), color: ['#7fa6e8', '#4363d8', '#223f8f', '#a3a9b3'] }],
		table: {
			columns: [
				{ key: 'size', label: 'Size' },
				{ key: 'area_from', label: 'Area from (px²)' },
				{ key: 'area_below', label: 'Area below (px²)' },
				{ key: 'objects', label: 'Objects' }
			],
			rows: SIZE_BUCKETS.map((b) => [b, ...bounds[b], s.sizes[b]])
		}
	};
}

function boxAreasFigure(s: DatasetStats): BarFigure {
	const bins = s.boxAreas.counts.map((count, i) => ({ from: 2 ** (s.boxAreas.firstExponent + i), count }));
	const total = bins.reduce((sum, b) => sum + b.count, 0);
	const busiest = bins.reduce<(typeof bins)[number] | null>((best, b) => (!best || b.count > best.count ? b : best), null);
	return {
		kind: 'bar',
		id: 'box-areas',
		title: 'Box areas',
		summary: total
			? `Histogram of the areas of ${num(total)} bounding boxes in bins doubling in area, from ${num(bins[0].from)} to ${num(bins[bins.length - 1].from * 2)} px²; the fullest bin, ${num(busiest!.from)} to ${num(busiest!.from * 2)} px², holds ${num(busiest!.count)}.`
			: 'Histogram of bounding box areas: no object has a box with an area.',
		xTitle: 'Box area (px², from)',
		yTitle: 'Boxes',
		labels: bins.map((b) => compact.format(b.from)),
		series: [{ label: 'Boxes', values: bins.map((b) => b.count), color: BAR_COLOR }],
		table: {
			columns: [
				{ key: 'area_from', label: 'Area from (px²)' },
				{ key: 'area_below', label: 'Area below (px²)' },
				{ key: 'boxes', label: 'Boxes' }
			],
			rows: bins.map((b) => [b.from, b.from * 2, b.count])
		}
	};
}

function positionsFigure(s: DatasetStats): MatrixFigure {
	const cells = Array.from({ length: HEAT_CELLS }, (_, k) => `${edge(k)}–${edge(k + 1)}`);
	const values = Array.from({ length: HEAT_CELLS }, (_, row) => s.heat.slice(row * HEAT_CELLS, (row + 1) * HEAT_CELLS));
	let best = { row: 0, column: 0, count: -1 };
	values.forEach((line, row) => line.forEach((count, column) => count > best.count && (best = { row, column, count })));
	return {
		kind: 'matrix',
		id: 'positions',
		title: 'Where objects sit',
		summary: s.objects
			? `Heat map of the centres of ${num(s.objects)} objects over the image scaled to 1 by 1, in a ${HEAT_CELLS} by ${HEAT_CELLS} grid; the fullest cell, x ${cells[best.column]}, y ${cells[best.row]}, holds ${num(best.count)}.`
			: 'Heat map of object centres: the project has no objects.',
		xTitle: 'x (share of the width)',
		yTitle: 'y (share of the height)',
		xLabels: cells,
		yLabels: cells,
		values,
		color: MATRIX_COLOR,
		table: {
			columns: [{ key: 'y', label: 'y \\ x' }, ...cells.map((c) => ({ key: `x ${c}`, label: c }))],
			rows: values.map((line, row) => [cells[row], ...line])
		}
	};
}

function cooccurrenceFigure(s: DatasetStats): MatrixFigure {
	const names = s.classes.map((c) => c.name);
	let best: { a: string; b: string; count: number } | null = null;
	for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) if (!best || s.cooccurrence[i][j] > best.count) best = { a: names[i], b: names[j], count: s.cooccurrence[i][j] };
	return {
		kind: 'matrix',
		id: 'cooccurrence',
		title: 'Class co-occurrence',
		summary:
			best && best.count > 0
				? `Matrix of the images holding both of two classes (on the diagonal, the images holding the class); most often together: ${best.a} and ${best.b}, in ${num(best.count)} images.`
				: 'Matrix of the images holding both of two classes: no two classes share an image.',
		xTitle: 'Class',
		yTitle: 'Class',
		xLabels: names,
		yLabels: names,
		values: s.cooccurrence,
		color: MATRIX_COLOR,
		table: {
			columns: [{ key: 'class', label: 'Class' }, { key: 'class_id', label: 'Class id' }, ...names.map((n) => ({ key: n, label: n }))],
			rows: s.classes.map((c, i) => [c.name, c.id, ...s.cooccurrence[i]])
		}
	};
}

/** Every chart of the page, in the order shown. */
export function datasetFigures(s: DatasetStats): DatasetFigures {
	return {
		totals: { images: s.images, annotations: s.annotations, objects: s.objects, tags: s.tags, classes: s.classes.length },
		// Two a row on a wide page; class balance takes a row of its own.
		figures: [classesFigure(s), stagesFigure(s), splitsFigure(s), objectsPerImageFigure(s), classBalanceFigure(s), sizesFigure(s), boxAreasFigure(s), positionsFigure(s), cooccurrenceFigure(s)]
	};
}

/** A chart's figures as one CSV table (RFC 4180, CRLF, formula guard: `csvText` of the team statistics). */
export function figureCsv(figure: Figure): string {
	return csvText([figure.table.columns.map((c) => c.key), ...figure.table.rows]);
}
