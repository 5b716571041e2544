// `BENCH_ONLY=layouts npm run bench`: candidate layouts of the annotation record in a Yjs document
// (issue 14 item 1), in Node: bytes per annotation, encode, apply into a fresh document, read back.
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { ensureBundle } from '../../src/cli/bundle.js';

const IMAGES = Number(process.env.BENCH_IMAGES ?? 10_000);
const ANNOTATIONS = Number(process.env.BENCH_ANNOTATIONS ?? 100_000);
const RUNS = Number(process.env.BENCH_LAYOUT_RUNS ?? 1);
const TARGET_BYTES = 120;

export async function layoutsBench() {
	const { runLayoutsBench } = await import(pathToFileURL(await ensureBundle('layouts-bench', 'tests/bench/layouts-bench.ts')).href);
	const load = os.loadavg().map((l) => l.toFixed(1)).join(' / ');
	console.log(`Record layouts: ${ANNOTATIONS.toLocaleString('en')} mixed annotations (the project bench's set) over ${IMAGES.toLocaleString('en')} images, median of ${RUNS}`);
	const rows = runLayoutsBench({ images: IMAGES, annotations: ANNOTATIONS, runs: RUNS }, (line) => console.error(`  ${line}`));
	const ms = (v) => `${v.toFixed(0)} ms`;
	const px = (v) => (v === 0 ? 'exact' : v <= 1e-3 ? `${v.toExponential(1)} px ✔` : `${v.toExponential(1)} px ✘`);
	const table = [
		['layout', 'B/annotation (document)', '(annotations map)', 'encode', 'apply', 'read + decode', 'error, mixed set', 'error, rule probe'],
		...rows.map((r) => [
			r.layout,
			`${r.bytesPerAnnotation.toFixed(1)}${r.bytesPerAnnotation <= TARGET_BYTES ? ' ✔' : ' ✘'}`,
			r.annotationBytes.toFixed(1),
			ms(r.encodeMs),
			ms(r.applyMs),
			ms(r.readMs),
			px(r.mixedError),
			px(r.ruleError)
		])
	];
	const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)));
	for (const row of table) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
	console.log(`(target: ≤ ${TARGET_BYTES} B/annotation; error ≤ 1e-3 px; ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, load ${load} at start)\n`);
	return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await layoutsBench();
