import { seededRandom } from '$lib/geometry/random';
import { SPLITS, type SplitName } from '$lib/model/team/records';
import type { Dataset } from './dataset';

/** The project's splits (schema v9 stores one per image), in their order: train, val, test. */
export const SPLIT_NAMES = SPLITS;
export type { SplitName };

export interface SplitOptions {
	/** Fractions of the images for train, val and test; they sum to 1 (±0.001 for rounding). */
	ratios: readonly [number, number, number];
	/** The same seed and dataset give the same assignment, on every machine. */
	seed: number;
	/** Keep each class's images in the ratios too (see `assignSplits`). */
	stratify: boolean;
}

/**
 * Parses '0.8,0.1,0.1' (or '80,10,10', or two numbers 'train,val' with no test). Throws an Error whose
 * message says what is wrong.
 */
export function parseSplitRatios(text: string): [number, number, number] {
	const parts = text.split(',').map((s) => s.trim());
	const bad = () => new Error(`--split “${text}”: give 2 or 3 non-negative numbers that sum to 1 (or 100, ±1 %), such as 0.8,0.1,0.1`);
	if (parts.length < 2 || parts.length > 3 || parts.some((p) => !/^\d*\.?\d+$/.test(p))) throw bad();
	const values = parts.map(Number);
	while (values.length < 3) values.push(0);
	const sum = values.reduce((s, v) => s + v, 0);
	const scale = Math.abs(sum - 100) < 0.1 ? 100 : 1;
	if (Math.abs(sum / scale - 1) > 0.0101) throw bad(); // 0.33,0.33,0.33 is meant as thirds
	return values.map((v) => v / sum) as [number, number, number];
}

/** Splits `total` into whole counts proportional to `ratios` (largest remainder; ties to the earlier split). */
export function countsByLargestRemainder(total: number, ratios: readonly number[]): number[] {
	const sum = ratios.reduce((s, r) => s + r, 0) || 1;
	const exact = ratios.map((r) => (total * r) / sum);
	const counts = exact.map(Math.floor);
	let left = total - counts.reduce((s, c) => s + c, 0);
	const order = exact.map((e, i) => ({ i, rest: e - Math.floor(e) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
	for (const { i } of order) {
		if (left <= 0) break;
		counts[i]++;
		left--;
	}
	return counts;
}

function checkRatios(ratios: readonly number[]): void {
	const sum = ratios.reduce((s, r) => s + r, 0);
	if (ratios.length !== 3 || ratios.some((r) => !(r >= 0)) || Math.abs(sum - 1) > 0.001)
		throw new Error(`Split ratios must be three non-negative numbers that sum to 1 (got ${ratios.join(', ')})`);
}

function shuffled<T>(items: T[], random: () => number): T[] {
	const out = items.slice();
	for (let i = out.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		[out[i], out[j]] = [out[j], out[i]];
	}
	return out;
}

/** What a split reads of a dataset: image names (unique) and which classes each image carries. A Dataset is one. */
export interface SplitInput {
	images: readonly { name: string }[];
	annotations: readonly { image: string; className: string }[];
}

/**
 * Sets every image's `split` to 'train', 'val' or 'test' and returns the dataset (a new object; the
 * images are copies). The split sizes are exact: largest remainder of the ratios times the image count.
 * Dealt as `assignMissingSplits` deals images that have no split yet (here: all of them).
 */
export function assignSplits(dataset: Dataset, options: SplitOptions): Dataset {
	checkRatios(options.ratios);
	const dealt = dealSplits(dataset, dataset.images.map(() => -1), options);
	return { ...dataset, images: dataset.images.map((image, i) => ({ ...image, split: SPLIT_NAMES[dealt[i]] })) };
}

/**
 * Assigns a split to each image of `input` that `fixed` does not name, and returns those new assignments
 * only (image name → split): images that have a split keep it, so adding images never moves old ones.
 *
 * The kept images count toward the targets, so the whole stays near the ratios: the split sizes are
 * computed on all the images (largest remainder), each split's room is its size minus what it already
 * holds (never negative), and the new images are dealt into those rooms (largest remainder of the rooms
 * when they hold more than the new images). Stratified, each class's wish per split is likewise its
 * largest-remainder count over all its images minus what the kept ones already give it.
 *
 * Deterministic: the same seed, images, classes and kept splits give the same result in any input order,
 * on every peer. Names in `fixed` that are not images of `input` are ignored.
 */
export function assignMissingSplits(input: SplitInput, fixed: ReadonlyMap<string, SplitName>, options: SplitOptions): Map<string, SplitName> {
	checkRatios(options.ratios);
	const kept = input.images.map((image) => {
		const split = fixed.get(image.name);
		return split === undefined ? -1 : SPLIT_NAMES.indexOf(split);
	});
	const dealt = dealSplits(input, kept, options);
	const out = new Map<string, SplitName>();
	input.images.forEach((image, i) => {
		if (kept[i] < 0) out.set(image.name, SPLIT_NAMES[dealt[i]]);
	});
	return out;
}

/**
 * How many of `missing` images without a split each split gets when `held` (train, val, test) images keep
 * theirs: exactly what `assignMissingSplits` deals, stratified or not, without dealing (a preview's counts).
 * The sizes are the largest-remainder counts of all the images; each split's room is its size less what
 * it holds (never negative); the missing images share the rooms by largest remainder.
 */
export function missingSplitCounts(held: readonly number[], missing: number, ratios: readonly number[]): number[] {
	const sizes = countsByLargestRemainder(held.reduce((sum, n) => sum + n, 0) + missing, ratios);
	return countsByLargestRemainder(
		missing,
		sizes.map((size, s) => Math.max(0, size - held[s]))
	);
}

/**
 * The split index of every image: `kept[i]` where it is one (0–2), else dealt.
 *
 * Unstratified: a seeded shuffle of the images to deal (in name order first, so the input order does not
 * matter), cut into the rooms.
 *
 * Stratified (iterative stratification, after Sechidis et al. 2011 as in scikit-multilearn, simplified):
 * each split wants its room in images and, for each class, its share of that class's images. Images are
 * dealt one at a time, those of the rarest class still undealt first (ties broken by the seeded shuffle);
 * each goes to the split that most wants that class (largest remaining wish, then largest remaining
 * room, then the earlier split), among the splits that still have room. A multi-label image counts for
 * every class it carries. Images with no annotation are dealt last by room alone. The result keeps each
 * class within about one image of its ratio per split, and the totals exact.
 */
function dealSplits(input: SplitInput, kept: readonly number[], options: SplitOptions): number[] {
	const random = seededRandom(options.seed);
	const { images } = input;
	const split = kept.slice();
	const byName = (a: number, b: number) => (images[a].name < images[b].name ? -1 : images[a].name > images[b].name ? 1 : 0);
	const order = shuffled(
		images.map((_, i) => i).filter((i) => split[i] < 0).sort(byName),
		random
	);
	const held = [0, 0, 0];
	for (const s of kept) if (s >= 0) held[s]++;
	const room = missingSplitCounts(held, order.length, options.ratios);
	const assign = (i: number, s: number) => {
		split[i] = s;
		room[s]--;
	};

	if (!options.stratify) {
		let at = 0;
		for (let s = 0; s < 3; s++) while (room[s] > 0) assign(order[at++], s);
		return split;
	}

	const indexByName = new Map(images.map((img, i) => [img.name, i]));
	const classesOf: Set<string>[] = images.map(() => new Set());
	for (const a of input.annotations) {
		const i = indexByName.get(a.image);
		if (i !== undefined) classesOf[i].add(a.className);
	}
	// Per class: its images still to deal, and each split's wish for it (its share of all the class's
	// images, less what the kept ones already give it).
	const undealt = new Map<string, Set<number>>();
	const total = new Map<string, number>();
	const keptOfClass = new Map<string, number[]>();
	images.forEach((_, i) => {
		for (const c of classesOf[i]) {
			total.set(c, (total.get(c) ?? 0) + 1);
			if (kept[i] >= 0) {
				let counts = keptOfClass.get(c);
				if (!counts) keptOfClass.set(c, (counts = [0, 0, 0]));
				counts[kept[i]]++;
			}
		}
	});
	for (const i of order)
		for (const c of classesOf[i]) {
			let set = undealt.get(c);
			if (!set) undealt.set(c, (set = new Set()));
			set.add(i);
		}
	const wish = new Map<string, number[]>();
	for (const c of undealt.keys()) {
		const has = keptOfClass.get(c) ?? [0, 0, 0];
		wish.set(c, countsByLargestRemainder(total.get(c)!, options.ratios).map((n, s) => Math.max(0, n - has[s])));
	}

	const deal = (i: number, c: string | null) => {
		let best = -1;
		for (let s = 0; s < 3; s++) {
			if (room[s] <= 0) continue;
			if (best < 0) {
				best = s;
				continue;
			}
			const w = c ? wish.get(c)![s] - wish.get(c)![best] : 0;
			if (w > 0 || (w === 0 && room[s] > room[best])) best = s;
		}
		assign(i, best);
		for (const k of classesOf[i]) {
			wish.get(k)![best]--;
			undealt.get(k)!.delete(i);
		}
	};

	while (true) {
		// The rarest class that still has undealt images (fewest left; then name, for determinism).
		let rarest: string | null = null;
		for (const [c, set] of undealt) {
			if (!set.size) continue;
			const best = rarest === null ? null : undealt.get(rarest)!;
			if (best === null || set.size < best.size || (set.size === best.size && c < rarest!)) rarest = c;
		}
		if (rarest === null) break;
		for (const i of [...undealt.get(rarest)!]) if (split[i] < 0) deal(i, rarest);
	}
	for (const i of order) if (!classesOf[i].size) deal(i, null);
	return split;
}

/** Which split an export writes: the project's stored one, none, or a new seeded one for this export only. */
export type ExportSplit = { kind: 'stored'; unsplit: SplitName } | { kind: 'none' } | { kind: 'new'; options: SplitOptions };

/**
 * The dataset with each image's split as the export chose: 'stored' keeps the splits the project gave
 * (`exportSelection` fills them) and puts images without one in `unsplit`; 'none' writes no split;
 * 'new' deals a seeded split over the exported images (`assignSplits`).
 */
export function splitForExport(dataset: Dataset, choice: ExportSplit): Dataset {
	if (choice.kind === 'new') return assignSplits(dataset, choice.options);
	const images = dataset.images.map((image) => {
		if (choice.kind === 'stored') return image.split ? image : { ...image, split: choice.unsplit };
		if (image.split === undefined) return image;
		const { split: _, ...rest } = image;
		return rest;
	});
	return { ...dataset, images };
}

/**
 * The split a dataset's own name for it means ('train2017', 'valid', 'validation', 'Test'…), or
 * undefined when it names none of the three ('default', 'holdout').
 */
export function splitNamed(raw: string | undefined): SplitName | undefined {
	const word = raw?.trim().toLowerCase().replace(/[-_ ]?\d+$/, '');
	if (word === 'train' || word === 'training') return 'train';
	if (word === 'val' || word === 'valid' || word === 'validation' || word === 'dev') return 'val';
	if (word === 'test' || word === 'testing') return 'test';
	return undefined;
}
