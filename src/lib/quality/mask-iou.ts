import type { MaskGeometry } from '$lib/shapes/mask/kind';
import { newBitmap, paintPolygon } from '$lib/shapes/mask/raster';
import { maskToRuns, runsToString, stringToRuns } from '$lib/shapes/mask/rle';
import type { PolygonPart } from '$lib/shapes/polygon/kind';

/**
 * Pixel IoU on COCO run-length encodings without decoding whole masks: pycocotools' rleIou, rleMerge
 * and rleArea (cocoapi common/maskApi.c) on one image-sized frame, and masks stored as offset crops
 * compared on the pixels where their crops overlap only.
 */

/** A COCO RLE: `counts` compressed (the string form) or as run lengths; column-major, zeros first. */
export interface Rle {
	height: number;
	width: number;
	counts: string | readonly number[];
}

const runsOf = (r: Rle): readonly number[] => (typeof r.counts === 'string' ? stringToRuns(r.counts) : r.counts);

/** Set pixels: the sum of the odd runs. */
export function runsArea(runs: readonly number[]): number {
	let a = 0;
	for (let i = 1; i < runs.length; i += 2) a += runs[i];
	return a;
}

/** pycocotools' rleArea. */
export function rleArea(r: Rle): number {
	return runsArea(runsOf(r));
}

/**
 * maskApi.c's walk of two run lists of one mask size at once: `stretch(length, aSet, bSet)` for each
 * stretch in which neither changes (a run of length 0 is a stretch too, as there).
 */
function walkRuns(a: readonly number[], b: readonly number[], stretch: (c: number, va: boolean, vb: boolean) => void): void {
	let ca = a[0] ?? 0,
		cb = b[0] ?? 0,
		ia = 1,
		ib = 1,
		va = false,
		vb = false,
		more = true;
	while (more) {
		const c = Math.min(ca, cb);
		stretch(c, va, vb);
		ca -= c;
		if (!ca && ia < a.length) {
			ca = a[ia++];
			va = !va;
		}
		cb -= c;
		if (!cb && ib < b.length) {
			cb = b[ib++];
			vb = !vb;
		}
		more = ca > 0 || cb > 0;
	}
}

/**
 * pycocotools' rleIou of one detection against one ground truth: |dt ∩ gt| / |dt ∪ gt|, or, when the
 * ground truth is a crowd region, / |dt| (the detection's own area). 0 when they share no pixel; -1 when
 * their sizes differ (as maskApi.c answers).
 */
export function rleIou(dt: Rle, gt: Rle, iscrowd = false): number {
	if (dt.height !== gt.height || dt.width !== gt.width) return -1;
	const a = runsOf(dt);
	let inter = 0,
		union = 0;
	walkRuns(a, runsOf(gt), (c, va, vb) => {
		if (va || vb) union += c;
		if (va && vb) inter += c;
	});
	if (inter === 0) return 0;
	return inter / (iscrowd ? runsArea(a) : union);
}

/** pycocotools' rleMerge: the union (or, with `intersect`, the intersection) of masks of one size; compressed. */
export function rleMerge(rles: readonly Rle[], intersect = false): Rle {
	if (!rles.length) return { height: 0, width: 0, counts: '' };
	const { height, width } = rles[0];
	let acc: readonly number[] = runsOf(rles[0]);
	for (let i = 1; i < rles.length; i++) {
		if (rles[i].height !== height || rles[i].width !== width) return { height: 0, width: 0, counts: '' };
		// Consecutive stretches of the same merged value make one run; the first run is of zeros.
		const out: number[] = [];
		let value = false,
			run = 0;
		walkRuns(acc, runsOf(rles[i]), (c, va, vb) => {
			const v = intersect ? va && vb : va || vb;
			if (v !== value) {
				out.push(run);
				run = 0;
				value = v;
			}
			run += c;
		});
		out.push(run);
		acc = out;
	}
	return { height, width, counts: runsToString(acc) };
}

/** A crop of set pixels at (x, y) in image pixels, as column-major runs (zeros first). */
export interface RunMask {
	x: number;
	y: number;
	width: number;
	height: number;
	runs: readonly number[];
	area: number;
}

const stored = new WeakMap<MaskGeometry, RunMask>();

/** A stored mask's runs, read once per geometry object (no pixel is decoded). */
export function runMaskOf(g: MaskGeometry): RunMask {
	let m = stored.get(g);
	if (!m) {
		const runs = stringToRuns(g.rle);
		m = { x: g.x, y: g.y, width: g.width, height: g.height, runs, area: runsArea(runs) };
		stored.set(g, m);
	}
	return m;
}

/**
 * A vector outline as pixels (a pixel is in when its centre is, as the mask brush paints), so that a
 * mask and a polygon compare on pixels: each part's outer ring set, then its holes cleared.
 */
export function rasterizeParts(parts: readonly PolygonPart[]): RunMask {
	let minX = Infinity,
		minY = Infinity,
		maxX = -Infinity,
		maxY = -Infinity;
	for (const p of parts)
		for (let i = 0; i < p.points.length; i += 2) {
			minX = Math.min(minX, p.points[i]);
			maxX = Math.max(maxX, p.points[i]);
			minY = Math.min(minY, p.points[i + 1]);
			maxY = Math.max(maxY, p.points[i + 1]);
		}
	const x = Math.floor(minX),
		y = Math.floor(minY);
	const width = Math.max(1, Math.ceil(maxX) - x),
		height = Math.max(1, Math.ceil(maxY) - y);
	const bitmap = newBitmap(width, height);
	const local = (ring: readonly number[]) => ring.map((v, i) => v - (i % 2 ? y : x));
	for (const p of parts) {
		paintPolygon(bitmap, local(p.points), 1);
		for (const h of p.holes ?? []) paintPolygon(bitmap, local(h), 0);
	}
	const runs = maskToRuns(bitmap.bits, width, height);
	return { x, y, width, height, runs, area: runsArea(runs) };
}

/**
 * Calls `span(column, fromRow, toRow)` (image pixels, rows half-open) for each column piece of the set
 * runs of `m` inside the rectangle [x0, x1) × [y0, y1).
 */
function setSpansWithin(m: RunMask, x0: number, y0: number, x1: number, y1: number, span: (col: number, from: number, to: number) => void): void {
	const h = m.height;
	const first = (x0 - m.x) * h; // column-major index where the rectangle's first column starts
	const end = (x1 - m.x) * h;
	let p = 0;
	for (let r = 0; r < m.runs.length && p < end; r++) {
		const n = m.runs[r];
		if (r % 2 === 1 && p + n > first) {
			let q = Math.max(p, first);
			const stop = Math.min(p + n, end);
			while (q < stop) {
				const col = Math.floor(q / h);
				const row = q - col * h;
				const rowEnd = Math.min(h, row + (stop - q));
				const from = Math.max(row + m.y, y0),
					to = Math.min(rowEnd + m.y, y1);
				if (from < to) span(col + m.x, from, to);
				q += rowEnd - row;
			}
		}
		p += n;
	}
}

/** Pixels set in both crops: only their overlap is looked at. */
export function runMaskOverlap(a: RunMask, b: RunMask): number {
	const x0 = Math.max(a.x, b.x),
		y0 = Math.max(a.y, b.y);
	const x1 = Math.min(a.x + a.width, b.x + b.width),
		y1 = Math.min(a.y + a.height, b.y + b.height);
	if (x0 >= x1 || y0 >= y1 || !a.area || !b.area) return 0;
	const h = y1 - y0;
	const bits = new Uint8Array((x1 - x0) * h); // the overlap, column-major
	setSpansWithin(a, x0, y0, x1, y1, (col, from, to) => bits.fill(1, (col - x0) * h + from - y0, (col - x0) * h + to - y0));
	let inter = 0;
	setSpansWithin(b, x0, y0, x1, y1, (col, from, to) => {
		const base = (col - x0) * h - y0;
		for (let i = base + from; i < base + to; i++) inter += bits[i];
	});
	return inter;
}

/** IoU of two pixel crops placed on the same image (0 when both are empty). */
export function runMaskIou(a: RunMask, b: RunMask): number {
	const inter = runMaskOverlap(a, b);
	const union = a.area + b.area - inter;
	return union > 0 ? inter / union : 0;
}

/** IoU of two stored masks on the same image, exact on pixels. */
export function maskIou(a: MaskGeometry, b: MaskGeometry): number {
	return runMaskIou(runMaskOf(a), runMaskOf(b));
}
