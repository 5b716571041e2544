// `BENCH_ONLY=formats npm run bench`: how long every format takes to write (then zip) and to read
// (after unzipping) a dataset of 100,000 annotations over 10,000 images, in Node. Target: < 2 s each.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { ensureBundle } from '../../src/cli/bundle.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const TARGET_MS = 2000;

export async function formatsBench() {
	const { runFormatsBench, runProjectBench } = await import(pathToFileURL(await ensureBundle('formats-bench', 'tests/bench/formats-bench.ts')).href);
	console.log(`Formats: ${ANNOTATIONS.toLocaleString('en')} annotations (70 % boxes, 30 % 12-vertex polygons) over ${IMAGES.toLocaleString('en')} images, median of ${RUNS}`);
	const rows = runFormatsBench({ images: IMAGES, annotations: ANNOTATIONS, runs: RUNS }, (line) => console.error(`  ${line}`));
	const ms = (v) => (Number.isNaN(v) ? '—' : `${v.toFixed(0)} ms`);
	const mark = (v) => (Number.isNaN(v) ? '' : v < TARGET_MS ? ' ✔' : ' ✘');
	const table = [
		['format', 'files', 'zip', 'skipped', 'write + zip', 'unzip + read', 'read back'],
		...rows.map((r) => [
			`${r.format}${r.variant ? ` (${r.variant})` : ''}`,
			String(r.files),
			`${(r.zipBytes / 2 ** 20).toFixed(1)} MiB`,
			String(r.skipped),
			`${ms(r.writeMs + r.zipMs)} (${ms(r.writeMs)} + ${ms(r.zipMs)})${mark(r.writeMs + r.zipMs)}`,
			r.error ? `failed: ${r.error}` : `${ms(r.unzipMs + r.readMs)} (${ms(r.unzipMs)} + ${ms(r.readMs)})${mark(r.unzipMs + r.readMs)}`,
			`${r.readAnnotations.toLocaleString('en')} annotations`
		])
	];
	if (!rows.length) console.log('No registered format can carry boxes or polygons.');
	const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
	for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
	console.log(`(target: < ${TARGET_MS} ms each way; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version})\n`);
	console.log('In the app, besides the codec (same dataset, Node):');
	for (const r of runProjectBench({ images: IMAGES, annotations: ANNOTATIONS, runs: RUNS })) console.log(`  ${r.step}: ${r.ms.toFixed(0)} ms`);
	console.log('');
	return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await formatsBench();
