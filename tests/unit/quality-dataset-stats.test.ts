import { describe, expect, it } from 'vitest';
import { ProjectDoc } from '$lib/model';
import type { SplitName, Stage } from '$lib/model/team/records';
import {
	datasetStats,
	datasetStatsInputOf,
	heatCell,
	HEAT_CELLS,
	octaveOf,
	sizeBucket,
	type DatasetStatsAnnotation,
	type DatasetStatsInput
} from '$lib/quality/dataset-stats';
import { countBins, datasetFigures, figureCsv, MAX_COUNT_BINS, type Figure } from '$lib/quality/dataset-stats-figures';

/**
 * Issue 16 item 4: the figures of the dataset statistics page (quality/dataset-stats.ts). A hand-built
 * project of four 640×480 images; every expected number is worked out in the comment beside it.
 *
 * A (review, train): a1 car box 32×32 at (0,0): area 1024 = 32², medium; centre (16,16), cell (0,0).
 *                    a2 car box 32×24 at (16,24): area 768, small; centre (32,36): x 32/640 = 0.05 is the
 *                       left edge of column 1; y 36/480 = 0.075, row 1.
 *                    a3 person box 96×96 at (100,100): area 9216 = 96², large; centre (148,148): column
 *                       148·20/640 = 4.6 → 4, row 148·20/480 = 6.2 → 6.
 *                    a4 tree tag (image-level).
 * B (annotate, no split): b1 person triangle (0,0) (100,0) (0,100): area 5000, medium; box 100×100 =
 *                       10000; centre (50,50): column 1.56 → 1, row 2.08 → 2.
 *                    b2 car keypoint at (640,480): no area; its centre on the right and bottom edges of
 *                       the image → the last cell (19,19).
 *                    b3 car box 95×97 at (0,0): area 9215, one below 96²: medium; centre (47.5,48.5):
 *                       column 1.48 → 1, row 2.02 → 2.
 * C (done, train):   c1 tree box 40×40 at (600,440): area 1600, medium; centre (620,460): cell (19,19).
 *                    c2 box 10×10 at (0,0) of class "zzz", which the project no longer has: small; (0,0).
 * D (annotate, val): only a model's proposal (not counted).
 * And an annotation on an image the project does not have (not counted).
 */

const W = 640;
const H = 480;
const classes = [
	{ id: 'car', name: 'car', color: '#ff0000' },
	{ id: 'person', name: 'person', color: '#00ff00' },
	{ id: 'tree', name: 'tree', color: '#0000ff' }
];
const images = ['A', 'B', 'C', 'D'].map((id) => ({ id, width: W, height: H }));
const box = (imageId: string, classId: string, x: number, y: number, width: number, height: number): DatasetStatsAnnotation => ({
	imageId,
	classId,
	type: 'box',
	geometry: { x, y, width, height }
});
const annotations: DatasetStatsAnnotation[] = [
	box('A', 'car', 0, 0, 32, 32),
	box('A', 'car', 16, 24, 32, 24),
	box('A', 'person', 100, 100, 96, 96),
	{ imageId: 'A', classId: 'tree', type: 'tag', geometry: {} },
	{ imageId: 'B', classId: 'person', type: 'polygon', geometry: { points: [0, 0, 100, 0, 0, 100] } },
	{ imageId: 'B', classId: 'car', type: 'keypoint', geometry: { x: W, y: H } },
	box('B', 'car', 0, 0, 95, 97),
	box('C', 'tree', 600, 440, 40, 40),
	box('C', 'zzz', 0, 0, 10, 10),
	{ ...box('D', 'car', 0, 0, 50, 50), proposal: { model: 'detector', score: 0.9 } },
	box('nowhere', 'car', 0, 0, 50, 50)
];
const stages = new Map<string, Stage>([
	['A', 'review'],
	['C', 'done']
]);
const splits = new Map<string, SplitName>([
	['A', 'train'],
	['C', 'train'],
	['D', 'val']
]);
const input = (over: Partial<DatasetStatsInput> = {}): DatasetStatsInput => ({
	classes,
	images,
	annotations,
	stageOf: (id) => stages.get(id) ?? 'annotate',
	splitOf: (id) => splits.get(id),
	...over
});

describe('COCO size buckets and the bins', () => {
	it('puts 32² in medium and 96² in large, as COCO does (area < 32² small, < 96² medium)', () => {
		expect(sizeBucket(32 ** 2 - 0.001)).toBe('small');
		expect(sizeBucket(32 ** 2)).toBe('medium');
		expect(sizeBucket(96 ** 2 - 0.001)).toBe('medium');
		expect(sizeBucket(96 ** 2)).toBe('large');
		expect(sizeBucket(0)).toBe('none');
	});

	it('bins an area by its octave, a power of two opening its bin', () => {
		expect(octaveOf(1024)).toBe(10);
		expect(octaveOf(1023.999)).toBe(9);
		expect(octaveOf(2 ** 40)).toBe(40);
		expect(octaveOf(2 ** 40 - 1)).toBe(39);
		expect(octaveOf(0.5)).toBe(-1);
	});

	it('puts a centre on a cell edge in the cell that edge opens, the image edge in the last cell', () => {
		// 640 px in 20 cells of 32 px.
		expect(heatCell(31.999, W)).toBe(0);
		expect(heatCell(32, W)).toBe(1);
		expect(heatCell(W - 32, W)).toBe(HEAT_CELLS - 1);
		expect(heatCell(W, W)).toBe(HEAT_CELLS - 1);
		expect(heatCell(0, W)).toBe(0);
	});
});

describe('datasetStats of a hand-built project', () => {
	const s = datasetStats(input());

	it('counts annotations, objects and tags per class; the proposal and the annotation of no image left out', () => {
		expect([s.images, s.annotations, s.objects, s.tags]).toEqual([4, 9, 8, 1]);
		expect(s.classes.map((c) => [c.name, c.annotations, c.objects, c.tags, c.images, c.known])).toEqual([
			['car', 4, 4, 0, 2, true], // a1 a2 b2 b3, on A and B
			['person', 2, 2, 0, 2, true], // a3 b1
			['tree', 2, 1, 1, 2, true], // a4 (tag) c1, on A and C
			['zzz', 1, 1, 0, 1, false] // c2: listed after the project's classes
		]);
	});

	it('counts images per stage and split, and each class per split', () => {
		expect(s.stages).toEqual({ annotate: 2, review: 1, done: 1 }); // B and D have no stage record
		expect(s.splits).toEqual({ train: 2, val: 1, test: 0, none: 1 });
		expect(s.classes.map((c) => c.bySplit)).toEqual([
			{ train: 2, val: 0, test: 0, none: 2 }, // a1 a2 on A; b2 b3 on B
			{ train: 1, val: 0, test: 0, none: 1 },
			{ train: 2, val: 0, test: 0, none: 0 }, // the tag counts too
			{ train: 1, val: 0, test: 0, none: 0 }
		]);
	});

	it('counts objects per image (the tag is not an object), sizes and box areas', () => {
		// D holds 0, C 2, A 3 (without its tag), B 3.
		expect(s.objectsPerImage).toEqual([1, 0, 1, 2]);
		// small: a2 c2; medium: a1 (32²) b1 b3 (96² − 1) c1; large: a3 (96²); no area: the keypoint.
		expect(s.sizes).toEqual({ small: 2, medium: 4, large: 1, none: 1 });
		// Box areas: c2 100 (2^6); a2 768 (2^9); a1 1024, c1 1600 (2^10); a3 9216, b3 9215, b1 10000 (2^13).
		expect(s.boxAreas).toEqual({ firstExponent: 6, counts: [1, 0, 0, 1, 2, 0, 0, 3] });
	});

	it('puts each object centre in its heat map cell', () => {
		const cells = new Map<string, number>();
		s.heat.forEach((n, i) => n && cells.set(`${Math.floor(i / HEAT_CELLS)},${i % HEAT_CELLS}`, n));
		// row,column: a1 and c2 at (0,0); a2 at (1,1); b1 and b3 at (2,1); a3 at (6,4); b2 and c1 at (19,19).
		expect(Object.fromEntries(cells)).toEqual({ '0,0': 2, '1,1': 1, '2,1': 2, '6,4': 1, '19,19': 2 });
	});

	it('counts the images holding both of two classes', () => {
		// A: car, person, tree; B: car, person; C: tree, zzz.
		expect(s.cooccurrence).toEqual([
			[2, 2, 1, 0],
			[2, 2, 1, 0],
			[1, 1, 2, 1],
			[0, 0, 1, 1]
		]);
	});

	it('lists every class, with none of their annotations, for an empty project', () => {
		const empty = datasetStats(input({ images: [], annotations: [] }));
		expect(empty.classes.map((c) => [c.name, c.annotations])).toEqual([
			['car', 0],
			['person', 0],
			['tree', 0]
		]);
		expect(empty.objectsPerImage).toEqual([]);
		expect(empty.boxAreas).toEqual({ firstExponent: 0, counts: [] });
		expect(empty.heat.every((n) => n === 0)).toBe(true);
	});
});

describe('the charts and their CSV files', () => {
	const { totals, figures } = datasetFigures(datasetStats(input()));
	const figure = (id: Figure['id']) => figures.find((f) => f.id === id)!;
	const csvLines = (id: Figure['id']) => figureCsv(figure(id)).split('\r\n');

	it('draws each class in its colour and writes its row', () => {
		expect(totals).toEqual({ images: 4, annotations: 9, objects: 8, tags: 1, classes: 4 });
		const classes = figure('classes');
		expect(classes.kind === 'bar' && classes.series[0]).toEqual({ label: 'Annotations', values: [4, 2, 2, 1], color: ['#ff0000', '#00ff00', '#0000ff', '#8a94a6'] });
		expect(classes.summary).toBe('Bar chart of annotations per class: car 4, person 2, tree 2, zzz 1.');
		expect(csvLines('classes')).toEqual([
			'class,class_id,annotations,objects,tags,images,known_class',
			'car,car,4,4,0,2,yes',
			'person,person,2,2,0,2,yes',
			'tree,tree,2,1,1,2,yes',
			'zzz,zzz,1,1,0,1,no',
			''
		]);
	});

	it('writes sizes with their COCO bounds, box areas with theirs, the heat map as a grid', () => {
		expect(csvLines('sizes')).toEqual(['size,area_from,area_below,objects', 'small,0,1024,2', 'medium,1024,9216,4', 'large,9216,,1', 'none,,,1', '']);
		expect(csvLines('box-areas').slice(0, 3)).toEqual(['area_from,area_below,boxes', '64,128,1', '128,256,0']);
		const grid = csvLines('positions');
		expect(grid).toHaveLength(1 + HEAT_CELLS + 1);
		expect(grid[0].split(',').slice(0, 3)).toEqual(['y', 'x 0.00–0.05', 'x 0.05–0.10']);
		expect(grid[1].split(',').slice(0, 3)).toEqual(['0.00–0.05', '2', '0']);
		expect(grid[3].split(',').slice(0, 3)).toEqual(['0.10–0.15', '0', '2']);
		expect(csvLines('cooccurrence')[1]).toBe('car,car,2,2,1,0');
	});

	it("guards a class name a spreadsheet would run as a formula, and quotes one with a comma", () => {
		const evil = datasetFigures(datasetStats(input({ classes: [{ id: 'car', name: '=HYPERLINK("x")' }, { id: 'person', name: 'a, b' }, classes[2]] })));
		const lines = figureCsv(evil.figures[0]).split('\r\n');
		expect(lines[1]).toBe(`"'=HYPERLINK(""x"")",car,4,4,0,2,yes`);
		expect(lines[2]).toBe('"a, b",person,2,2,0,2,yes');
	});

	it('bins objects per image one count a bar, and in runs past MAX_COUNT_BINS counts', () => {
		expect(countBins([1, 0, 1, 2])).toEqual([
			{ from: 0, to: 0, images: 1 },
			{ from: 1, to: 1, images: 0 },
			{ from: 2, to: 2, images: 1 },
			{ from: 3, to: 3, images: 2 }
		]);
		// 0…60: 61 counts in runs of 3 (21 bins), every image in the right run.
		const perCount = Array.from({ length: 61 }, (_, k) => (k === 0 || k === 5 || k === 60 ? 1 : 0));
		const bins = countBins(perCount);
		expect(bins.length).toBeLessThanOrEqual(MAX_COUNT_BINS);
		expect(bins[0]).toEqual({ from: 0, to: 2, images: 1 });
		expect(bins[1]).toEqual({ from: 3, to: 5, images: 1 });
		expect(bins.at(-1)).toEqual({ from: 60, to: 62, images: 1 });
		expect(bins.reduce((n, b) => n + b.images, 0)).toBe(3);
	});
});

describe('a project document and its frozen version', () => {
	function project(): { doc: ProjectDoc; ids: Record<string, string> } {
		const doc = new ProjectDoc();
		doc.initialize({ name: 'Stats' });
		const ids: Record<string, string> = {};
		for (const c of classes) {
			const made = doc.addClass({ name: c.name, color: c.color });
			if (!made.ok) throw new Error(made.reason);
			ids[c.id] = made.value.id;
		}
		const added = doc.addImages(images.map((i) => ({ name: `${i.id}.jpg`, hash: `hash-${i.id}`, width: W, height: H, mime: 'image/jpeg', size: 1 })));
		if (!added.ok) throw new Error(added.reason);
		added.value.forEach((img, k) => (ids[images[k].id] = img.id));
		for (const a of annotations) {
			if (a.proposal || a.imageId === 'nowhere' || a.classId === 'zzz') continue;
			const made = doc.createAnnotation({ imageId: ids[a.imageId], classId: ids[a.classId], type: a.type as 'box', geometry: a.geometry as never });
			if (!made.ok) throw new Error(made.reason);
		}
		doc.splits.set([ids.A, ids.C], 'train');
		doc.splits.set([ids.D], 'val');
		for (const [action, image] of [['submit', ids.A], ['submit', ids.C], ['accept', ids.C]] as const) {
			const decided = doc.review.prepare(action, image);
			if (!decided.ok) throw new Error(decided.reason);
			const written = doc.review.commit(decided.value);
			if (!written.ok) throw new Error(written.reason);
		}
		return { doc, ids };
	}

	it('counts an open document as it counts plain records', () => {
		const { doc } = project();
		const s = datasetStats(datasetStatsInputOf(doc));
		// Without the stray class's box (a document checks classes): 8 annotations, 7 objects.
		expect([s.images, s.annotations, s.objects, s.tags]).toEqual([4, 8, 7, 1]);
		expect(s.classes.map((c) => c.annotations)).toEqual([4, 2, 2]);
		expect(s.stages).toEqual({ annotate: 2, review: 1, done: 1 });
		expect(s.splits).toEqual({ train: 2, val: 1, test: 0, none: 1 });
		expect(s.classes.map((c) => c.bySplit.train)).toEqual([2, 1, 2]);
	});

	it("leaves out a member's blind consensus work until it is merged", () => {
		const { doc, ids } = project();
		for (const id of ['member-one-00001', 'member-two-00001'])
			doc.members.join({ id, name: id, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases: [] });
		const started = doc.quality.startConsensus([ids.D], ['member-one-00001', 'member-two-00001'], 2);
		expect(started.ok).toBe(true);
		doc.setActor({ id: 'member-one-00001', name: 'One' });
		const drawn = doc.createAnnotation({ imageId: ids.D, classId: ids.tree, type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } });
		expect(drawn.ok && drawn.value.layer).toBe('member-one-00001');
		const s = datasetStats(datasetStatsInputOf(doc));
		expect(s.classes.map((c) => c.annotations)).toEqual([4, 2, 2]);
		expect(s.objectsPerImage[0]).toBe(1); // D still holds nothing of its own
	});

	it("counts a version from its snapshot: what was frozen, not the project's later edits", () => {
		const { doc, ids } = project();
		const version = ProjectDoc.fromSnapshot(doc.snapshot(), 'v1');
		doc.createAnnotation({ imageId: ids.D, classId: ids.tree, type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 } });
		const frozen = datasetStats(datasetStatsInputOf(version));
		const now = datasetStats(datasetStatsInputOf(doc));
		expect(frozen.classes.map((c) => c.annotations)).toEqual([4, 2, 2]);
		expect(now.classes.map((c) => c.annotations)).toEqual([4, 2, 3]);
		expect(frozen.objectsPerImage).toEqual([1, 1, 0, 2]);
		expect(now.objectsPerImage).toEqual([0, 2, 0, 2]);
		doc.splits.set([ids.B], 'test');
		expect(datasetStats(datasetStatsInputOf(version)).splits).toEqual({ train: 2, val: 1, test: 0, none: 1 });
		expect(datasetStats(datasetStatsInputOf(doc)).splits).toEqual({ train: 2, val: 1, test: 1, none: 0 });
	});
});
