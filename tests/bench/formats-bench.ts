// The formats benchmark, bundled for Node by tests/bench/formats.js (the codecs are TypeScript).
import { unzipSync, zipSync } from 'fflate';
import type { FormatCodec } from '$lib/formats/codec';
import type { Dataset } from '$lib/formats/dataset';
import { formats } from '$lib/formats/registry';
import { ZIP_TEXT_LEVEL } from '$lib/formats/files';
import { seededRandom } from '$lib/geometry/random';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { exportSelection, planImport } from '$lib/formats/project-dataset';
import { importBasisOf, planAndPack } from '$lib/storage/exchange/plan';

export interface FormatsBenchOptions {
	images: number;
	annotations: number;
	runs: number;
}

export interface FormatsBenchRow {
	format: string;
	variant: string;
	/** Annotations the format could not carry (the rest were written and read). */
	skipped: number;
	files: number;
	zipBytes: number;
	/** Medians, milliseconds; NaN when that step failed (see `error`). */
	writeMs: number;
	zipMs: number;
	unzipMs: number;
	readMs: number;
	readAnnotations: number;
	error?: string;
}

const CLASSES = ['car', 'person', 'bicycle', 'traffic light', 'dog'];

/**
 * Formats that write a full-size PNG per image (panoptic segments, semantic class maps): at 10,000 images
 * of 1920x1080 their time is image encoding, not annotation handling. They are left out here.
 */
const PIXEL_FORMATS = new Set(['coco-panoptic', 'semantic']);
/** VOC writes segmentation PNGs for polygons (same reason): benchmarked on the boxes, its main use. */
const BOXES_ONLY = new Set(['voc']);

/** 7 in 10 boxes, 3 in 10 polygons of 12 vertices, over 1920x1080 images, as the project benchmark. */
export function syntheticDataset({ images, annotations }: { images: number; annotations: number }): Dataset {
	const random = seededRandom(42);
	const W = 1920;
	const H = 1080;
	const dataset: Dataset = {
		images: Array.from({ length: images }, (_, i) => ({ name: `images/img_${String(i).padStart(6, '0')}.jpg`, width: W, height: H })),
		classes: CLASSES.map((name) => ({ name })),
		annotations: []
	};
	for (let n = 0; n < annotations; n++) {
		const image = dataset.images[n % images].name;
		const className = CLASSES[Math.floor(random() ** 2 * CLASSES.length)]; // skewed: few dogs
		const w = 20 + random() * 200;
		const h = 20 + random() * 200;
		const x = random() * (W - w);
		const y = random() * (H - h);
		if (random() < 0.7) {
			dataset.annotations.push({ image, className, type: 'box', geometry: { x, y, width: w, height: h } });
		} else {
			const points: number[] = [];
			for (let k = 0; k < 12; k++) {
				const a = (k / 12) * 2 * Math.PI;
				const r = 0.6 + 0.4 * random();
				points.push(x + w / 2 + (Math.cos(a) * r * w) / 2, y + h / 2 + (Math.sin(a) * r * h) / 2);
			}
			dataset.annotations.push({ image, className, type: 'polygon', geometry: { points } });
		}
	}
	return dataset;
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const skippedCount = (s: Partial<Record<string, number>>) => Object.values(s).reduce((t: number, n) => t + (n ?? 0), 0);

/** The variant of a codec that carries most of a sample of boxes and polygons. */
function bestVariant(codec: FormatCodec, sample: Dataset): { variant: string | undefined; skipped: number } {
	let best: { variant: string | undefined; skipped: number } = { variant: undefined, skipped: Infinity };
	for (const variant of codec.variants?.map((v) => v.id) ?? [undefined]) {
		try {
			const skipped = skippedCount(codec.write(sample, { includeImages: false, variant }).skipped);
			if (skipped < best.skipped) best = { variant, skipped };
		} catch {
			// a variant that cannot write this data at all
		}
	}
	return best;
}

function time<T>(fn: () => T): { ms: number; value: T } {
	const t0 = performance.now();
	const value = fn();
	return { ms: performance.now() - t0, value };
}

export function runFormatsBench(options: FormatsBenchOptions, log: (line: string) => void = () => {}): FormatsBenchRow[] {
	const dataset = syntheticDataset(options);
	const sample = syntheticDataset({ images: 20, annotations: 200 });
	const rows: FormatsBenchRow[] = [];
	const boxesOnly: Dataset = { ...dataset, annotations: dataset.annotations.filter((a) => a.type === 'box') };
	for (const codec of formats) {
		if (PIXEL_FORMATS.has(codec.id)) {
			log(`${codec.id}: writes a 1920x1080 PNG per image; left out of this bench`);
			continue;
		}
		const input = BOXES_ONLY.has(codec.id) ? boxesOnly : dataset;
		const { variant, skipped: sampleSkipped } = bestVariant(codec, sample);
		if (sampleSkipped >= sample.annotations.length) {
			log(`${codec.id}: carries neither boxes nor polygons; left out`);
			continue;
		}
		const row: FormatsBenchRow = {
			format: BOXES_ONLY.has(codec.id) ? `${codec.id} (boxes only)` : codec.id,
			variant: variant ?? '',
			skipped: 0,
			files: 0,
			zipBytes: 0,
			writeMs: NaN,
			zipMs: NaN,
			unzipMs: NaN,
			readMs: NaN,
			readAnnotations: 0
		};
		rows.push(row);
		try {
			const writes: number[] = [];
			const zips: number[] = [];
			const unzips: number[] = [];
			const reads: number[] = [];
			for (let run = 0; run < options.runs; run++) {
				const written = time(() => codec.write(input, { includeImages: false, variant }));
				const zipped = time(() => zipSync(Object.fromEntries(written.value.files.map((f) => [f.path, [f.bytes, { level: ZIP_TEXT_LEVEL }]]))));
				writes.push(written.ms);
				zips.push(zipped.ms);
				row.skipped = skippedCount(written.value.skipped);
				row.files = written.value.files.length;
				row.zipBytes = zipped.value.length;
				const unzipped = time(() => unzipSync(zipped.value));
				const files = Object.entries(unzipped.value).map(([path, bytes]) => ({ path, bytes }));
				// No image files in this bench: the sizes come from the caller, as when importing into a project.
				const read = time(() => codec.read(files, { images: input.images }));
				unzips.push(unzipped.ms);
				reads.push(read.ms);
				row.readAnnotations = read.value.dataset.annotations.length;
				log(`${codec.id}${variant ? ` ${variant}` : ''}: run ${run + 1} write ${written.ms.toFixed(0)} ms, zip ${zipped.ms.toFixed(0)} ms, unzip ${unzipped.ms.toFixed(0)} ms, read ${read.ms.toFixed(0)} ms`);
			}
			row.writeMs = median(writes);
			row.zipMs = median(zips);
			row.unzipMs = median(unzips);
			row.readMs = median(reads);
		} catch (e) {
			row.error = e instanceof Error ? e.message : String(e);
			log(`${codec.id}: ${row.error}`);
		}
	}
	return rows;
}

export interface ProjectBenchRow {
	step: string;
	ms: number;
}

/**
 * The app's side of an import and an export, beyond the codec: planning the synthetic dataset into a
 * project holding its images and writing it (`planImport` + `ProjectDoc.importDataset`, the converter's
 * path), the same planned and packed as the exchange worker does and stored by the page (`planAndPack` +
 * `importDataset`), then building the dataset back from that project (`exportSelection`). Median of `runs`.
 */
export function runProjectBench(options: FormatsBenchOptions): ProjectBenchRow[] {
	const dataset = syntheticDataset(options);
	const plans: number[] = [];
	const writes: number[] = [];
	const workerPlans: number[] = [];
	const pageWrites: number[] = [];
	const exports: number[] = [];
	const actor = { id: 'BenchActor0000000001', name: 'Bench' };
	for (let run = 0; run < options.runs; run++) {
		const seed = new ProjectDoc(new Y.Doc(), actor);
		seed.initialize({ name: 'Bench' });
		// The images are in the project already (matched by name), as when annotations are imported into it.
		const added = seed.addImages(
			dataset.images.map((i, n) => ({ name: i.name, hash: n.toString(16).padStart(64, '0'), width: i.width, height: i.height, mime: 'image/jpeg', size: 1 }))
		);
		if (!added.ok) throw new Error(added.reason);
		const start = Y.encodeStateAsUpdate(seed.ydoc);
		const replica = () => {
			const ydoc = new Y.Doc();
			Y.applyUpdate(ydoc, start);
			return new ProjectDoc(ydoc, actor);
		};
		// The converter's path: planned and packed where the document is.
		const doc = replica();
		const planned = time(() => planImport(doc, dataset, { mode: 'existing' }));
		if (!planned.value.ok) throw new Error(planned.value.errors.join('; '));
		const written = time(() => doc.importDataset(planned.value.ok ? planned.value.plan : (undefined as never)));
		if (!written.value.ok) throw new Error(written.value.reason);
		// The app's path: planned and packed in the exchange worker, the page stores the bytes.
		const page = replica();
		const basis = importBasisOf(page, actor.id);
		const inWorker = time(() => planAndPack(dataset, [], [], 'existing', basis));
		if (!inWorker.value.ok) throw new Error(inWorker.value.errors.join('; '));
		const stored = time(() => page.importDataset(inWorker.value.ok ? inWorker.value.plan : (undefined as never)));
		if (!stored.value.ok || page.annotationCount !== dataset.annotations.length) throw new Error(stored.value.ok ? 'the page lost annotations' : stored.value.reason);
		const exported = time(() => exportSelection(doc));
		if (exported.value.dataset.annotations.length !== dataset.annotations.length) throw new Error('export lost annotations');
		plans.push(planned.ms);
		writes.push(written.ms);
		workerPlans.push(inWorker.ms);
		pageWrites.push(stored.ms);
		exports.push(exported.ms);
	}
	return [
		{ step: 'plan an import into a project (match, validate)', ms: median(plans) },
		{ step: 'pack and write it (importDataset; the converter)', ms: median(writes) },
		{ step: 'the app: plan and pack in the exchange worker (planAndPack)', ms: median(workerPlans) },
		{ step: 'the app: the page stores the packed records (importDataset)', ms: median(pageWrites) },
		{ step: 'project → dataset for an export (exportSelection)', ms: median(exports) }
	];
}
