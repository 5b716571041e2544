import type { Id } from '$lib/model';
import { assignMissingSplits, missingSplitCounts, SPLIT_NAMES, type SplitName, type SplitOptions } from '$lib/formats/split';

/** An image as the split dialog plans it: its stored split and the classes of its annotations. */
export interface SplitRow {
	id: Id;
	name: string;
	split: SplitName | undefined;
	classIds: Iterable<Id>;
}

/** What "Assign splits" will do, said before it is done. */
export interface SplitPlan {
	/** The images without a split, and where each goes. */
	assign: Map<Id, SplitName>;
	/** How many of them go to each split. */
	adding: Record<SplitName, number>;
	/** How many of the images concerned keep the split they have. */
	keeping: number;
}

/**
 * Plans a seeded (optionally stratified) split of `rows` that assigns only the images without one
 * (formats/split.ts `assignMissingSplits`); writes nothing. Images are keyed by name, then id: the seeded
 * order follows the names (the same on every peer), and two images of one name stay two.
 */
export function planSplits(rows: readonly SplitRow[], options: SplitOptions): SplitPlan {
	const idOf = new Map<string, Id>();
	const fixed = new Map<string, SplitName>();
	const annotations: { image: string; className: string }[] = [];
	const images = rows.map((row) => {
		const name = `${row.name}\u0000${row.id}`;
		idOf.set(name, row.id);
		if (row.split) fixed.set(name, row.split);
		// Kept images count toward each class's share too.
		if (options.stratify) for (const classId of row.classIds) annotations.push({ image: name, className: classId });
		return { name };
	});
	const assign = new Map<Id, SplitName>();
	const adding = { train: 0, val: 0, test: 0 };
	for (const [name, split] of assignMissingSplits({ images, annotations }, fixed, options)) {
		assign.set(idOf.get(name)!, split);
		adding[split]++;
	}
	return { assign, adding, keeping: fixed.size };
}

/**
 * The counts `planSplits` would give (the same numbers, without dealing: a project of 100,000 images
 * previews in milliseconds as the ratios are typed), from the images' current splits.
 */
export function previewSplits(current: Iterable<SplitName | undefined>, ratios: readonly number[]): Omit<SplitPlan, 'assign'> {
	const held = [0, 0, 0];
	let missing = 0;
	for (const split of current) {
		if (split) held[SPLIT_NAMES.indexOf(split)]++;
		else missing++;
	}
	const [train, val, test] = missingSplitCounts(held, missing, ratios);
	return { adding: { train, val, test }, keeping: held[0] + held[1] + held[2] };
}

/**
 * Ratios from the dialog's three percentages; a sentence saying what is wrong when they are not
 * three non-negative numbers adding up to 100 (±0.5, so 33.3 three times is fine).
 */
export function ratiosFromPercent(percent: readonly number[]): [number, number, number] | string {
	if (percent.length !== 3 || percent.some((p) => !Number.isFinite(p) || p < 0)) return 'Each split takes a percentage of 0 or more.';
	const sum = percent.reduce((s, p) => s + p, 0);
	if (Math.abs(sum - 100) > 0.5) return `The percentages add up to ${+sum.toFixed(1)} %, not 100 %.`;
	return percent.map((p) => p / sum) as [number, number, number];
}

/** "40 to Train, 5 to Val, 5 to Test" (splits getting none are left out). */
export function describeAdding(adding: Record<SplitName, number>, label: Record<SplitName, string>): string {
	return SPLIT_NAMES.filter((s) => adding[s])
		.map((s) => `${adding[s].toLocaleString()} to ${label[s]}`)
		.join(', ');
}
