import { untrack } from 'svelte';
import type { Attachment } from 'svelte/attachments';
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Title, Tooltip, type ChartConfiguration, type Plugin, type ScriptableContext } from 'chart.js';
import { MatrixController, MatrixElement, type MatrixDataPoint } from 'chartjs-chart-matrix';
import type { BarFigure, Figure, MatrixFigure } from '$lib/quality/dataset-stats-figures';
import { behindOtherTasks } from '$lib/storage/chunked-load';

/**
 * The statistics page's charts drawn with Chart.js from the worker's figures (docs/architecture.md says
 * why Chart.js). Only what the page uses is registered: bars, the matrix plugin's cells, category and
 * linear axes, tooltips, the legend (class balance), and the title (drawn into exported PNGs only: the
 * page has its own headings). No animation: a recount replaces the figures in place.
 */
Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend, Title, MatrixController, MatrixElement);

export interface ChartTheme {
	text: string;
	grid: string;
	/** Filled behind the chart (null: the page shows through). */
	background: string | null;
	font: string;
	/** Numbers written on matrix cells. */
	cellText: string;
}

/** On the page's dark panels (colours of app.css: --text-muted, --border). */
export const SCREEN_THEME: ChartTheme = { text: '#9aa3b2', grid: '#2c323d', background: null, font: "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", cellText: '#e6e9ef' };
/** In an exported PNG: a white sheet, dark text. */
export const PRINT_THEME: ChartTheme = { text: '#1d222b', grid: '#dde1e8', background: '#ffffff', font: SCREEN_THEME.font, cellText: '#1d222b' };

/** Fills the canvas before anything is drawn: an exported PNG is opaque white, not transparent. */
const background: Plugin = {
	id: 'peerlabelBackground',
	beforeDraw(chart, _args, options: { color?: string | null }) {
		if (!options.color) return;
		const { ctx, width, height } = chart;
		ctx.save();
		ctx.globalCompositeOperation = 'destination-over';
		ctx.fillStyle = options.color;
		ctx.fillRect(0, 0, width, height);
		ctx.restore();
	}
};

/** Writes each matrix cell's number in it, where cells are large enough to hold it (class co-occurrence). */
const cellNumbers: Plugin = {
	id: 'peerlabelCellNumbers',
	afterDatasetsDraw(chart, _args, options: { color?: string; font?: string }) {
		if ((chart.config as { type?: string }).type !== 'matrix') return;
		const { ctx } = chart;
		const meta = chart.getDatasetMeta(0);
		const points = chart.data.datasets[0]?.data as MatrixDataPoint[] | undefined;
		if (!points) return;
		ctx.save();
		ctx.textAlign = 'center';
		ctx.textBaseline = 'middle';
		meta.data.forEach((element, i) => {
			const { x, y, width, height } = element.getProps(['x', 'y', 'width', 'height'], true) as { x: number; y: number; width: number; height: number };
			const text = (points[i]?.v ?? 0).toLocaleString();
			const size = Math.min(13, height * 0.45);
			ctx.font = `${size}px ${options.font ?? 'sans-serif'}`;
			if (size < 9 || ctx.measureText(text).width > width - 6) return;
			ctx.fillStyle = options.color ?? '#000';
			ctx.fillText(text, x + width / 2, y + height / 2);
		});
		ctx.restore();
	}
};

/** "#4c8dff" and 0.5 → "rgb(76 141 255 / 0.5)" */
function withAlpha(hex: string, alpha: number): string {
	const n = Number.parseInt(hex.slice(1), 16);
	return `rgb(${(n >> 16) & 255} ${(n >> 8) & 255} ${n & 255} / ${alpha.toFixed(3)})`;
}

function axes(figure: Figure, theme: ChartTheme, kind: 'bar' | 'matrix') {
	const title = (text: string) => ({ display: true, text, color: theme.text, font: { family: theme.font, size: 12 } });
	const ticks = { color: theme.text, font: { family: theme.font, size: 11 } };
	if (kind === 'matrix') {
		const m = figure as MatrixFigure;
		return {
			x: { type: 'category' as const, labels: m.xLabels, offset: true, title: title(m.xTitle), ticks: { ...ticks, maxRotation: 60, autoSkip: true }, grid: { display: false } },
			y: { type: 'category' as const, labels: m.yLabels, offset: true, reverse: false, title: title(m.yTitle), ticks: { ...ticks, autoSkip: true }, grid: { display: false } }
		};
	}
	return {
		x: { title: title(figure.xTitle), ticks: { ...ticks, maxRotation: 60, autoSkip: false }, grid: { display: false } },
		y: { beginAtZero: true, title: title(figure.yTitle), ticks: { ...ticks, precision: 0 }, grid: { color: theme.grid } }
	};
}

function barData(f: BarFigure) {
	return {
		labels: f.labels,
		datasets: f.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderWidth: 0, maxBarThickness: 48 }))
	};
}

function matrixData(f: MatrixFigure) {
	const max = Math.max(1, ...f.values.flat());
	const data: MatrixDataPoint[] = f.values.flatMap((row, y) => row.map((v, x) => ({ x: f.xLabels[x], y: f.yLabels[y], v })));
	const columns = f.xLabels.length || 1;
	const rows = f.yLabels.length || 1;
	return {
		datasets: [
			{
				label: f.title,
				data,
				// Shade by the square root of the share of the largest cell: a few busy cells do not wash out the rest.
				backgroundColor: (c: ScriptableContext<'matrix'>) => {
					const v = (c.raw as MatrixDataPoint | undefined)?.v ?? 0;
					return v > 0 ? withAlpha(f.color, 0.12 + 0.88 * Math.sqrt(v / max)) : 'rgb(0 0 0 / 0)';
				},
				borderWidth: 0,
				width: (c: ScriptableContext<'matrix'>) => Math.max(1, (c.chart.chartArea?.width ?? 0) / columns - 1),
				height: (c: ScriptableContext<'matrix'>) => Math.max(1, (c.chart.chartArea?.height ?? 0) / rows - 1)
			}
		]
	};
}

/** The Chart.js configuration of a figure; `title`: drawn into the chart (exported PNGs). */
export function chartConfig(figure: Figure, theme: ChartTheme, options: { title?: boolean; animation?: boolean } = {}): ChartConfiguration {
	const legend = figure.kind === 'bar' && figure.series.length > 1;
	const common = {
		animation: false as const,
		maintainAspectRatio: false,
		font: { family: theme.font },
		plugins: {
			legend: { display: legend, labels: { color: theme.text, font: { family: theme.font, size: 12 } } },
			title: { display: !!options.title, text: figure.title, color: theme.text, font: { family: theme.font, size: 18, weight: 'bold' as const }, padding: { top: 6, bottom: 14 } },
			tooltip: figure.kind === 'matrix' ? { callbacks: { title: () => '', label: (c: { raw: unknown }) => matrixTooltip(figure, c.raw as MatrixDataPoint) } } : {},
			peerlabelBackground: { color: theme.background },
			peerlabelCellNumbers: { color: theme.cellText, font: theme.font }
		},
		scales: axes(figure, theme, figure.kind)
	};
	if (figure.kind === 'bar') return { type: 'bar', data: barData(figure), options: common, plugins: [background] } as ChartConfiguration;
	return { type: 'matrix', data: matrixData(figure), options: common, plugins: [background, cellNumbers] } as unknown as ChartConfiguration;
}

function matrixTooltip(figure: MatrixFigure, p: MatrixDataPoint): string {
	if (figure.id === 'cooccurrence') return p.x === p.y ? `${p.x}: ${p.v} images` : `${p.y} and ${p.x}: ${p.v} images`;
	return `x ${p.x}, y ${p.y}: ${p.v} objects`;
}

/** Puts new figures into a drawn chart (same kind of chart): data and axes, redrawn without animation. */
function refresh(chart: Chart, figure: Figure, theme: ChartTheme): void {
	const next = chartConfig(figure, theme);
	chart.data = next.data;
	chart.options.scales = next.options?.scales;
	chart.options.plugins = next.options?.plugins;
	chart.update('none');
}

/** Charts waiting to be drawn, each in a task of its own (nine at once made one long task: ~200 ms at 100,000 annotations). */
const drawQueue: (() => void)[] = [];
let draining = false;

function drawSoon(job: () => void): void {
	drawQueue.push(job);
	if (draining) return;
	draining = true;
	void behindOtherTasks().then(function next() {
		drawQueue.shift()?.();
		if (drawQueue.length) void behindOtherTasks().then(next);
		else draining = false;
	});
}

/**
 * A canvas's chart, as a Svelte attachment: drawn soon after the canvas is mounted, its figures
 * replaced in place when `figure()` changes (the chart stays on screen meanwhile), destroyed with the
 * canvas. Each drawing is a task of its own. `drawn` is told each figure once it is drawn.
 */
export function chartOf(figure: () => Figure, drawn?: (figure: Figure) => void): Attachment<HTMLCanvasElement> {
	return (canvas) => {
		let chart: Chart | null = null;
		let latest = untrack(figure);
		let shown: Figure | null = null;
		let gone = false;
		const draw = () => {
			if (gone || latest === shown) return;
			if (chart) refresh(chart, latest, SCREEN_THEME);
			else chart = new Chart(canvas, chartConfig(latest, SCREEN_THEME));
			shown = latest;
			drawn?.(latest);
		};
		drawSoon(draw);
		$effect(() => {
			const next = figure();
			if (next === latest) return;
			latest = next;
			drawSoon(draw);
		});
		return () => {
			gone = true;
			chart?.destroy();
		};
	};
}

/** Export size of a chart (CSS px; drawn at twice that). */
export const PNG_WIDTH = 1200;
export const PNG_HEIGHT = 720;

/**
 * A figure as a PNG: drawn again, off screen, on a white sheet with its title in, at 2400 × 1440
 * pixels; a real PNG from the canvas's encoder.
 */
export async function chartPng(figure: Figure): Promise<Blob> {
	const canvas = document.createElement('canvas');
	// Chart.js sizes an unattached canvas from its attributes, then scales its bitmap by the pixel ratio.
	canvas.width = PNG_WIDTH;
	canvas.height = PNG_HEIGHT;
	const config = chartConfig(figure, PRINT_THEME, { title: true });
	config.options = { ...config.options, responsive: false, devicePixelRatio: 2 };
	const chart = new Chart(canvas, config);
	try {
		return await new Promise<Blob>((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The chart could not be drawn as a PNG'))), 'image/png'));
	} finally {
		chart.destroy();
	}
}
