import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import type { Dataset } from '$lib/formats/dataset';
import { exportSelection, planImport } from '$lib/formats/project-dataset';
import { assignMissingSplits, assignSplits, splitForExport, splitNamed, SPLIT_NAMES, type SplitName, type SplitOptions } from '$lib/formats/split';
import { yoloCodec } from '$lib/formats/yolo';
import { seededRandom } from '$lib/geometry/random';
import { filterImages, NO_FILTERS, type ImageFacts } from '$lib/ui/library/filters';
import { planSplits, previewSplits, ratiosFromPercent } from '$lib/ui/library/split-plan';

/** Splits kept in the project (issue 16, item 5): only images without a split are dealt, old ones never move. */

const box = { x: 1, y: 1, width: 5, height: 5 };
const OPTIONS: SplitOptions = { ratios: [0.8, 0.1, 0.1], seed: 9, stratify: true };

/** Images `from`…`to - 1`, each with the classes `classesOf(i)` (one box each). */
function dataset(from: number, to: number, classesOf: (i: number) => string[]): Dataset {
	const images = Array.from({ length: to - from }, (_, k) => ({ name: `img${String(from + k).padStart(4, '0')}.jpg`, width: 100, height: 100 }));
	const names = new Set<string>();
	const annotations = images.flatMap((img, k) =>
		classesOf(from + k).map((className) => {
			names.add(className);
			return { image: img.name, className, type: 'box' as const, geometry: box };
		})
	);
	return { images, classes: [...names].map((name) => ({ name })), annotations };
}

/** A fixed class per image index: about 60 % cat, 30 % dog, 10 % bird, from a seeded draw. */
function classesOf(seed: number): (i: number) => string[] {
	const memo = new Map<number, string[]>();
	return (i) => {
		if (!memo.has(i)) {
			const x = seededRandom(seed * 100003 + i)();
			memo.set(i, [x < 0.6 ? 'cat' : x < 0.9 ? 'dog' : 'bird']);
		}
		return memo.get(i)!;
	};
}

function join(a: Dataset, b: Dataset): Dataset {
	return { images: [...a.images, ...b.images], classes: [...a.classes, ...b.classes], annotations: [...a.annotations, ...b.annotations] };
}

function tally(splits: ReadonlyMap<string, SplitName>, names?: Iterable<string>): [number, number, number] {
	const out: [number, number, number] = [0, 0, 0];
	for (const name of names ?? splits.keys()) {
		const s = splits.get(name);
		if (s) out[SPLIT_NAMES.indexOf(s)]++;
	}
	return out;
}

const imagesOfClass = (d: Dataset, cls: string) => [...new Set(d.annotations.filter((a) => a.className === cls).map((a) => a.image))];

describe('assignMissingSplits: splits kept when images are added', () => {
	const classes = classesOf(1);
	const first = dataset(0, 100, classes);
	const all = join(first, dataset(100, 150, classes));

	it('assigns 100 images, then only the 50 added: the 100 keep theirs, the totals are 80/10/10 of 150', () => {
		const before = assignMissingSplits(first, new Map(), OPTIONS);
		expect(before.size).toBe(100);
		expect(tally(before)).toEqual([80, 10, 10]);

		const added = assignMissingSplits(all, before, OPTIONS);
		expect(added.size).toBe(50);
		for (const name of before.keys()) expect(added.has(name), name).toBe(false);
		const whole = new Map([...before, ...added]);
		expect(tally(whole)).toEqual([120, 15, 15]);
	});

	it('keeps each class near its ratio over all 150 images (within 2 images per split)', () => {
		const before = assignMissingSplits(first, new Map(), OPTIONS);
		const whole = new Map([...before, ...assignMissingSplits(all, before, OPTIONS)]);
		for (const cls of ['cat', 'dog', 'bird']) {
			const names = imagesOfClass(all, cls);
			const got = tally(whole, names);
			OPTIONS.ratios.forEach((ratio, s) => {
				expect(Math.abs(got[s] - names.length * ratio), `${cls} in ${SPLIT_NAMES[s]}: ${got[s]} of ${names.length}`).toBeLessThanOrEqual(2);
			});
		}
	});

	it('fills the splits the old images left short: 100 kept in train, 50 added go to val and test first', () => {
		const kept = new Map(first.images.map((i) => [i.name, 'train' as const]));
		for (const stratify of [false, true]) {
			const added = assignMissingSplits(all, kept, { ...OPTIONS, stratify });
			// 150 → 120/15/15; train holds 100 already, so its room is 20.
			expect(tally(added)).toEqual([20, 15, 15]);
		}
	});

	it('never puts new images in a split that already holds more than its share', () => {
		const kept = new Map(first.images.map((i) => [i.name, 'val' as const]));
		const some = join(first, dataset(100, 110, classes));
		for (const stratify of [false, true]) {
			const added = assignMissingSplits(some, kept, { ...OPTIONS, stratify });
			expect(added.size).toBe(10);
			expect(tally(added)[1]).toBe(0);
			// Train's room (88) and test's (11) share the 10 in proportion: 9 and 1.
			expect(tally(added)).toEqual([9, 0, 1]);
		}
	});

	it('spreads a class that only the added images carry in its ratios (stratified)', () => {
		const plainFirst = dataset(0, 100, () => ['cat']);
		const withRare = dataset(100, 150, (i) => (i < 120 ? ['rare'] : ['cat']));
		const d = join(plainFirst, withRare);
		const before = assignMissingSplits(plainFirst, new Map(), OPTIONS);
		const added = assignMissingSplits(d, before, OPTIONS);
		expect(tally(added, imagesOfClass(d, 'rare'))).toEqual([16, 2, 2]);
		expect(tally(new Map([...before, ...added]))).toEqual([120, 15, 15]);
	});
});

describe('assignMissingSplits: deterministic', () => {
	const classes = classesOf(2);
	const d = dataset(0, 200, classes);
	const kept = assignMissingSplits(dataset(0, 120, classes), new Map(), OPTIONS);

	it('gives the same result across calls and in any input order, and another for another seed', () => {
		for (const stratify of [false, true]) {
			const options = { ...OPTIONS, stratify };
			const a = assignMissingSplits(d, kept, options);
			const again = assignMissingSplits(d, kept, options);
			const r = seededRandom(4);
			const shuffledImages = d.images.map((i) => ({ i, k: r() })).sort((x, y) => x.k - y.k).map((x) => x.i);
			const reordered = assignMissingSplits({ images: shuffledImages, annotations: d.annotations.slice().reverse() }, new Map([...kept].reverse()), options);
			expect([...again].sort()).toEqual([...a].sort());
			expect([...reordered].sort()).toEqual([...a].sort());
			expect([...assignMissingSplits(d, kept, { ...options, seed: 10 })].sort()).not.toEqual([...a].sort());
		}
	});

	it('deals as assignSplits does when no image has a split yet (one dealing, shared)', () => {
		for (const stratify of [false, true]) {
			const options = { ...OPTIONS, stratify };
			const whole = assignSplits(d, options);
			const missing = assignMissingSplits(d, new Map(), options);
			expect(Object.fromEntries(missing)).toEqual(Object.fromEntries(whole.images.map((i) => [i.name, i.split])));
		}
	});
});

describe('assignMissingSplits: boundaries', () => {
	const classes = classesOf(3);
	const d = dataset(0, 30, classes);

	it('assigns nothing when there are no images, or every image has a split', () => {
		expect(assignMissingSplits({ images: [], annotations: [] }, new Map(), OPTIONS).size).toBe(0);
		const all = assignMissingSplits(d, new Map(), OPTIONS);
		expect(all.size).toBe(30);
		expect(assignMissingSplits(d, all, OPTIONS).size).toBe(0);
	});

	it('puts everything in train with ratios 1, 0, 0, whatever the kept images hold', () => {
		const kept = new Map<string, SplitName>([['img0000.jpg', 'test']]);
		for (const stratify of [false, true]) {
			const out = assignMissingSplits(d, kept, { ...OPTIONS, ratios: [1, 0, 0], stratify });
			expect(out.size).toBe(29);
			expect(tally(out)).toEqual([29, 0, 0]);
		}
	});

	it('puts one image in train (80 % of one rounds to one), with or without annotations', () => {
		for (const stratify of [false, true]) {
			expect([...assignMissingSplits(dataset(0, 1, classes), new Map(), { ...OPTIONS, stratify })]).toEqual([['img0000.jpg', 'train']]);
			expect([...assignMissingSplits(dataset(0, 1, () => []), new Map(), { ...OPTIONS, stratify })]).toEqual([['img0000.jpg', 'train']]);
		}
	});

	it('ignores kept names that are not images of the input, and refuses ratios that do not sum to 1', () => {
		const gone = new Map<string, SplitName>([['deleted.jpg', 'train']]);
		expect(assignMissingSplits(d, gone, OPTIONS)).toEqual(assignMissingSplits(d, new Map(), OPTIONS));
		expect(() => assignMissingSplits(d, new Map(), { ...OPTIONS, ratios: [0.5, 0.2, 0.1] })).toThrow(/sum to 1/);
	});

	it('keeps classes in their ratios on a skewed multi-label project grown three times', () => {
		const r = seededRandom(21);
		const labels = new Map<number, string[]>();
		const skewed = (i: number) => {
			if (!labels.has(i)) {
				const out: string[] = [];
				if (r() < 0.9) out.push('common');
				if (r() < 0.05) out.push('rare');
				if (r() < 0.2) out.push('mid');
				labels.set(i, out);
			}
			return labels.get(i)!;
		};
		let kept = new Map<string, SplitName>();
		let d = dataset(0, 0, skewed);
		for (const [from, to] of [[0, 400], [400, 700], [700, 1000]]) {
			d = join(d, dataset(from, to, skewed));
			const added = assignMissingSplits(d, kept, { ...OPTIONS, ratios: [0.7, 0.2, 0.1] });
			expect(added.size).toBe(to - from);
			kept = new Map([...kept, ...added]);
		}
		expect(tally(kept)).toEqual([700, 200, 100]);
		for (const cls of ['common', 'rare', 'mid']) {
			const names = imagesOfClass(d, cls);
			const got = tally(kept, names);
			[0.7, 0.2, 0.1].forEach((ratio, s) =>
				expect(Math.abs(got[s] - names.length * ratio), `${cls} in ${SPLIT_NAMES[s]}: ${got[s]} of ${names.length}`).toBeLessThanOrEqual(3)
			);
		}
	});
});

function must<T>(r: { ok: true; value: T } | { ok: false; reason: string }): T {
	if (!r.ok) throw new Error(r.reason);
	return r.value;
}

/** A project of `n` images named p0.jpg…, each with one box of class car (even) or bus (odd). */
function project(n: number): ProjectDoc {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'Splits' });
	const car = must(doc.addClass({ name: 'car' }));
	const bus = must(doc.addClass({ name: 'bus' }));
	const images = must(doc.addImages(Array.from({ length: n }, (_, i) => ({ name: `p${i}.jpg`, hash: String(i).padStart(64, '0'), width: 100, height: 100, mime: 'image/jpeg', size: 1 }))));
	images.forEach((image, i) => must(doc.createAnnotation({ imageId: image.id, classId: (i % 2 ? bus : car).id, type: 'box', geometry: box })));
	return doc;
}

const idsOf = (doc: ProjectDoc) => doc.images().map((i) => i.id);
const splitsByName = (d: Dataset) => Object.fromEntries(d.images.map((i) => [i.name, i.split ?? '-']));

describe("the project's stored splits in exports and versions", () => {
	it("exportSelection writes each image's stored split, and none where it has none", () => {
		const doc = project(3);
		const [a, b] = idsOf(doc);
		must(doc.splits.set([a], 'val'));
		must(doc.splits.set([b], 'test'));
		expect(splitsByName(exportSelection(doc).dataset)).toEqual({ 'p0.jpg': 'val', 'p1.jpg': 'test', 'p2.jpg': '-' });
	});

	it("an export with the project's splits puts images without one in train; No splits writes none; a new split replaces them", () => {
		const doc = project(10);
		must(doc.splits.set(idsOf(doc).slice(0, 2), 'val'));
		const { dataset } = exportSelection(doc);
		const stored = splitForExport(dataset, { kind: 'stored', unsplit: 'train' });
		expect(stored.images.map((i) => i.split)).toEqual(['val', 'val', ...Array(8).fill('train')]);
		expect(splitForExport(dataset, { kind: 'none' }).images.every((i) => !('split' in i))).toBe(true);
		const fresh = splitForExport(dataset, { kind: 'new', options: { ratios: [0.5, 0.5, 0], seed: 1, stratify: false } });
		expect(fresh.images.filter((i) => i.split === 'val')).toHaveLength(5);
		expect(dataset.images.map((i) => i.split ?? null)).toEqual(['val', 'val', ...Array(8).fill(null)]); // the input is not changed
	});

	it("YOLO writes each image under its stored split's folders", () => {
		const doc = project(4);
		const [a, b, c] = idsOf(doc);
		must(doc.splits.set([a], 'val'));
		must(doc.splits.set([b], 'test'));
		must(doc.splits.set([c], 'train'));
		const dataset = splitForExport(exportSelection(doc).dataset, { kind: 'stored', unsplit: 'train' });
		const paths = yoloCodec.write(dataset, { includeImages: false }).files.map((f) => f.path).filter((p) => p.endsWith('.txt') && p.startsWith('labels/'));
		expect(paths.sort()).toEqual(['labels/test/p1.txt', 'labels/train/p2.txt', 'labels/train/p3.txt', 'labels/val/p0.txt']);
	});

	it("a version's snapshot keeps the splits it had: exporting it later writes those, not today's", () => {
		const doc = project(3);
		const [a, b] = idsOf(doc);
		must(doc.splits.set([a, b], 'val'));
		const frozen = ProjectDoc.fromSnapshot(doc.snapshot(), 'v1');
		must(doc.splits.set([a, b], 'test'));
		must(doc.splits.set([idsOf(doc)[2]], 'train'));
		expect(splitsByName(exportSelection(frozen).dataset)).toEqual({ 'p0.jpg': 'val', 'p1.jpg': 'val', 'p2.jpg': '-' });
		expect(splitsByName(exportSelection(doc).dataset)).toEqual({ 'p0.jpg': 'test', 'p1.jpg': 'test', 'p2.jpg': 'train' });
		frozen.destroy();
	});
});

describe('splits read from an imported dataset', () => {
	it('reads a dataset’s own names for its splits', () => {
		expect(['train', 'Train2017', 'training', 'val', 'valid', 'validation', 'val2017', 'dev', 'test', 'test-2019', 'default', 'holdout', '', undefined].map(splitNamed)).toEqual([
			'train', 'train', 'train', 'val', 'val', 'val', 'val', 'val', 'test', 'test', undefined, undefined, undefined, undefined
		]);
	});

	it('an import keeps the splits its files say, where an image has none yet; never moves one', () => {
		const doc = project(3);
		const [a, b] = idsOf(doc);
		must(doc.splits.set([a], 'test'));
		const input: Dataset = {
			images: [
				{ name: 'p0.jpg', width: 100, height: 100, split: 'train' },
				{ name: 'p1.jpg', width: 100, height: 100, split: 'val2017' },
				{ name: 'p2.jpg', width: 100, height: 100, split: 'holdout' }
			],
			classes: [],
			annotations: []
		};
		const planned = planImport(doc, input, { mode: 'existing' });
		if (!planned.ok) throw new Error(planned.errors.join('\n'));
		expect(planned.plan.splits).toEqual([
			{ imageId: a, split: 'train' },
			{ imageId: b, split: 'val' }
		]);
		must(doc.importDataset(planned.plan));
		expect(splitsByName(exportSelection(doc).dataset)).toEqual({ 'p0.jpg': 'test', 'p1.jpg': 'val', 'p2.jpg': '-' });
		// A plan from elsewhere (the worker, a file) is checked again: unknown images and splits are left out.
		must(doc.importDataset({ classes: [], images: [], annotations: [], splits: [{ imageId: 'gone', split: 'val' }, { imageId: idsOf(doc)[2], split: 'dev' as never }] }));
		expect(doc.splits.all().size).toBe(2);
	});
});

describe("the library's split planning and filter", () => {
	it('plans only the images without a split, keyed by name and id (two images of one name stay two)', () => {
		const rows = [
			{ id: 'a', name: 'x.jpg', split: 'train' as const, classIds: ['car'] },
			{ id: 'b', name: 'x.jpg', split: undefined, classIds: ['car'] },
			...Array.from({ length: 8 }, (_, i) => ({ id: `n${i}`, name: `n${i}.jpg`, split: undefined, classIds: [i % 2 ? 'bus' : 'car'] }))
		];
		const plan = planSplits(rows, OPTIONS);
		expect(plan.keeping).toBe(1);
		expect(plan.assign.size).toBe(9);
		expect(plan.assign.has('a')).toBe(false);
		expect(plan.assign.has('b')).toBe(true);
		// 10 images → 8/1/1; train holds one already.
		expect(plan.adding).toEqual({ train: 7, val: 1, test: 1 });
		expect(planSplits([...rows].reverse(), OPTIONS).assign).toEqual(plan.assign);
	});

	it('previews the counts the split will deal, without dealing, for any kept splits and ratios', () => {
		const r = seededRandom(8);
		for (let round = 0; round < 200; round++) {
			const n = Math.floor(r() * 60);
			const [train, val] = [r() * 50, r() * 50];
			const ratios = ratiosFromPercent([train, val, 100 - train - val]);
			if (typeof ratios === 'string') throw new Error(ratios);
			const rows = Array.from({ length: n }, (_, i) => ({
				id: `i${i}`,
				name: `n${i}.jpg`,
				split: r() < 0.4 ? SPLIT_NAMES[Math.floor(r() * 3)] : undefined,
				classIds: [`c${Math.floor(r() * 4)}`]
			}));
			for (const stratify of [false, true]) {
				const plan = planSplits(rows, { ratios, seed: round, stratify });
				expect(previewSplits(rows.map((row) => row.split), ratios)).toEqual({ adding: plan.adding, keeping: plan.keeping });
			}
		}
	});

	it("reads the dialog's percentages, and says what is wrong with them", () => {
		expect(ratiosFromPercent([80, 10, 10])).toEqual([0.8, 0.1, 0.1]);
		expect(ratiosFromPercent([33.3, 33.3, 33.3])).toEqual([1 / 3, 1 / 3, 1 / 3]);
		expect(ratiosFromPercent([70, 20, 20])).toBe('The percentages add up to 110 %, not 100 %.');
		expect(ratiosFromPercent([90, NaN, 10])).toBe('Each split takes a percentage of 0 or more.');
		expect(ratiosFromPercent([110, -10, 0])).toBe('Each split takes a percentage of 0 or more.');
	});

	it('filters the library by split, or by having none', () => {
		const images = ['a', 'b', 'c', 'd'].map((id) => ({ id }));
		const split: Record<string, SplitName> = { a: 'train', b: 'val', c: 'train' };
		const facts: ImageFacts = {
			stageOf: () => 'annotate',
			ofClass: null,
			missingRequired: () => 0,
			proposals: () => 0,
			assigned: new Set(),
			myWork: new Set(),
			openThreads: () => 0,
			splitOf: (id) => split[id]
		};
		const ids = (s: typeof NO_FILTERS.split) => filterImages(images, { ...NO_FILTERS, split: s }, facts).map((i) => i.id);
		expect(ids('any')).toEqual(['a', 'b', 'c', 'd']);
		expect(ids('train')).toEqual(['a', 'c']);
		expect(ids('val')).toEqual(['b']);
		expect(ids('test')).toEqual([]);
		expect(ids('none')).toEqual(['d']);
	});
});
