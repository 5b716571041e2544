import type { ProjectDoc } from '$lib/model';
import type { Id } from '$lib/model/records';
import { STAGES, type SplitName, type Stage } from '$lib/model/team/records';
import { isShapeType, shapeKind, type Geometry } from '$lib/shapes/registry';

/**
 * The dataset at a glance (issue 16 item 4): what the statistics page charts, counted in one pass over
 * the project's final annotations. Pure: it takes plain records (or an open ProjectDoc through
 * `datasetStatsInputOf`), so that it runs in the page's worker and in Node tests.
 *
 * Definitions (tests/unit/quality-dataset-stats.test.ts computes each by hand):
 *
 * - **Annotations**: every final annotation (what `doc.allAnnotations()` gives: members' blind layers
 *   are left out), model proposals nobody accepted yet left out too, as exports leave them out.
 *   **Objects** are those placed on the image; **tags** are image-level (a tag counts for its class,
 *   its image and co-occurrence, never in objects per image, sizes or positions).
 * - **Stage** of an image: its review stage (annotate when it has none). **Split**: its stored split,
 *   `none` when it has none. Class balance per split counts annotations by their image's split.
 * - **Objects per image**: `objectsPerImage[k]` images hold exactly k objects (images with none count).
 * - **Sizes**, as COCO's evaluation buckets its `area` (the object's own pixels: a polygon's area, a
 *   mask's pixel count, a box's width × height): small when area < 32², medium when area < 96², large
 *   otherwise: an area of exactly 32² is medium, exactly 96² large. Points and lines have no area
 *   (`none`).
 * - **Box areas**: the area of each object's bounding box, in bins of one octave: bin i holds the areas
 *   a with 2^(e0+i) ≤ a < 2^(e0+i+1) (e0: `boxAreas.firstExponent`). Objects whose box has no area (a
 *   point, a line along an axis) are left out.
 * - **Positions**: the centre of each object's bounding box over the image normalised to 1 × 1, in a
 *   grid of HEAT_CELLS × HEAT_CELLS cells; a centre on a cell's left or top edge belongs to that cell,
 *   one on the image's right or bottom edge to the last cell. `heat[row * HEAT_CELLS + column]`, row 0
 *   at the top.
 * - **Co-occurrence**: `cooccurrence[i][j]`, the images holding at least one annotation of class i and
 *   one of class j (i = j: the images holding class i), classes as in `classes`.
 * - **Classes**: every class of the project in its order, even without annotations; annotations of a
 *   class the project no longer has are listed after, under its id (`known: false`).
 */

export const SPLIT_BUCKETS = ['train', 'val', 'test', 'none'] as const;
export type SplitBucket = (typeof SPLIT_BUCKETS)[number];
export const SIZE_BUCKETS = ['small', 'medium', 'large', 'none'] as const;
export type SizeBucket = (typeof SIZE_BUCKETS)[number];

/** COCO's bounds: area < SMALL_AREA is small, < MEDIUM_AREA medium, else large. */
export const SMALL_AREA = 32 ** 2;
export const MEDIUM_AREA = 96 ** 2;
/** Cells of the position heat map along each side. */
export const HEAT_CELLS = 20;

export interface DatasetStatsClass {
	id: Id;
	name: string;
	color?: string;
}

export interface DatasetStatsImage {
	id: Id;
	width: number;
	height: number;
}

export interface DatasetStatsAnnotation {
	imageId: Id;
	classId: Id;
	type: string;
	geometry: unknown;
	/** Set (to anything) on a model's proposal: left out. */
	proposal?: unknown;
}

export interface DatasetStatsInput {
	/** In the order to list them. */
	classes: readonly DatasetStatsClass[];
	images: readonly DatasetStatsImage[];
	/** Final annotations; one whose image is not in `images` is not counted. */
	annotations: Iterable<DatasetStatsAnnotation>;
	stageOf(imageId: Id): Stage;
	splitOf(imageId: Id): SplitName | undefined;
}

export interface ClassFigures {
	id: Id;
	name: string;
	color: string | null;
	known: boolean;
	/** Objects and tags. */
	annotations: number;
	objects: number;
	tags: number;
	/** Images holding at least one of its annotations. */
	images: number;
	/** Its annotations by their image's split. */
	bySplit: Record<SplitBucket, number>;
}

export interface DatasetStats {
	images: number;
	annotations: number;
	objects: number;
	tags: number;
	classes: ClassFigures[];
	/** Images per stage. */
	stages: Record<Stage, number>;
	/** Images per split. */
	splits: Record<SplitBucket, number>;
	/** Index k: the images holding exactly k objects, up to the largest count. */
	objectsPerImage: number[];
	sizes: Record<SizeBucket, number>;
	/** `counts[i]`: boxes with 2^(firstExponent+i) ≤ area < 2^(firstExponent+i+1); empty when no box has area. */
	boxAreas: { firstExponent: number; counts: number[] };
	/** HEAT_CELLS² counts, row by row from the top. */
	heat: number[];
	cooccurrence: number[][];
}

const zeroSplits = (): Record<SplitBucket, number> => ({ train: 0, val: 0, test: 0, none: 0 });

/** The COCO size bucket of an area (see the definitions above). */
export function sizeBucket(area: number): SizeBucket {
	if (!(area > 0)) return 'none';
	return area < SMALL_AREA ? 'small' : area < MEDIUM_AREA ? 'medium' : 'large';
}

/** e with 2^e ≤ area < 2^(e+1), exactly at powers of two (where Math.log2 may round). */
export function octaveOf(area: number): number {
	let e = Math.floor(Math.log2(area));
	while (2 ** (e + 1) <= area) e++;
	while (2 ** e > area) e--;
	return e;
}

/** The heat map's cell of a coordinate `v` on a side of length `side`: edges go to the cell they open. */
export function heatCell(v: number, side: number): number {
	const cell = Math.floor((v * HEAT_CELLS) / side);
	return Math.min(HEAT_CELLS - 1, Math.max(0, cell));
}

/** Every figure of the page, counted in one pass (see the definitions above). */
export function datasetStats(input: DatasetStatsInput): DatasetStats {
	const rows = new Map<Id, ClassFigures>();
	for (const c of input.classes) rows.set(c.id, { id: c.id, name: c.name, color: c.color ?? null, known: true, annotations: 0, objects: 0, tags: 0, images: 0, bySplit: zeroSplits() });
	const strays: ClassFigures[] = [];

	const images = new Map<Id, { width: number; height: number; split: SplitBucket; objects: number; classes: Set<ClassFigures> }>();
	const stages = Object.fromEntries(STAGES.map((s) => [s, 0])) as Record<Stage, number>;
	const splits = zeroSplits();
	for (const image of input.images) {
		const split = input.splitOf(image.id) ?? 'none';
		images.set(image.id, { width: image.width, height: image.height, split, objects: 0, classes: new Set() });
		stages[input.stageOf(image.id)]++;
		splits[split]++;
	}

	const sizes: Record<SizeBucket, number> = { small: 0, medium: 0, large: 0, none: 0 };
	const octaves = new Map<number, number>();
	const heat = new Array<number>(HEAT_CELLS * HEAT_CELLS).fill(0);
	let annotations = 0;
	let objects = 0;
	let tags = 0;

	for (const a of input.annotations) {
		if (a.proposal !== undefined && a.proposal !== null && a.proposal !== false) continue;
		const image = images.get(a.imageId);
		if (!image || !isShapeType(a.type)) continue;
		let row = rows.get(a.classId);
		if (!row) {
			row = { id: a.classId, name: a.classId, color: null, known: false, annotations: 0, objects: 0, tags: 0, images: 0, bySplit: zeroSplits() };
			rows.set(a.classId, row);
			strays.push(row);
		}
		annotations++;
		row.annotations++;
		row.bySplit[image.split]++;
		image.classes.add(row);
		const kind = shapeKind(a.type);
		if (kind.imageLevel) {
			tags++;
			row.tags++;
			continue;
		}
		objects++;
		row.objects++;
		image.objects++;
		const geometry = a.geometry as Geometry;
		sizes[sizeBucket(kind.area(geometry))]++;
		const box = kind.bounds(geometry);
		const boxArea = (box.maxX - box.minX) * (box.maxY - box.minY);
		if (boxArea > 0) {
			const e = octaveOf(boxArea);
			octaves.set(e, (octaves.get(e) ?? 0) + 1);
		}
		const column = heatCell(box.minX + box.maxX, 2 * image.width);
		const line = heatCell(box.minY + box.maxY, 2 * image.height);
		heat[line * HEAT_CELLS + column]++;
	}

	strays.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const classes = [...[...rows.values()].filter((c) => c.known), ...strays];
	const index = new Map(classes.map((c, i) => [c, i]));
	const cooccurrence = classes.map(() => new Array<number>(classes.length).fill(0));
	const perImage: number[] = [];
	for (const image of images.values()) {
		perImage[image.objects] = (perImage[image.objects] ?? 0) + 1;
		const held = [...image.classes].map((c) => index.get(c)!);
		for (const i of held) {
			classes[i].images++;
			for (const j of held) cooccurrence[i][j]++;
		}
	}
	const objectsPerImage = Array.from(perImage, (n) => n ?? 0);

	const exponents = [...octaves.keys()];
	const firstExponent = exponents.length ? Math.min(...exponents) : 0;
	const lastExponent = exponents.length ? Math.max(...exponents) : -1;
	const boxCounts = Array.from({ length: lastExponent - firstExponent + 1 }, (_, i) => octaves.get(firstExponent + i) ?? 0);

	return {
		images: images.size,
		annotations,
		objects,
		tags,
		classes,
		stages,
		splits,
		objectsPerImage,
		sizes,
		boxAreas: { firstExponent, counts: boxCounts },
		heat,
		cooccurrence
	};
}

/** The input of `datasetStats` from an open document (the project, or a version opened from its snapshot). */
export function datasetStatsInputOf(doc: ProjectDoc): DatasetStatsInput {
	return {
		classes: doc.classes(),
		images: doc.images(),
		annotations: doc.allAnnotations(),
		stageOf: (id) => doc.review.stageOf(id).stage,
		splitOf: (id) => doc.splits.of(id)
	};
}
