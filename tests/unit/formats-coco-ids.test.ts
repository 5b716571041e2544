import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { cocoFormat } from '$lib/formats/coco';
import { exportSelection, planImport } from '$lib/formats/project-dataset';
import { splitForExport } from '$lib/formats/split';
import { rasteriseParts } from '$lib/formats/coco/masks';
import { assignIds } from '$lib/formats/ids';
import { runsToString, stringToRuns } from '$lib/shapes/mask/rle';
import type { DatasetFile } from '$lib/formats/files';
import type { PolygonGeometry } from '$lib/shapes/polygon/kind';

/**
 * Issue 13 item 1: a COCO dataset keeps its own ids and fields through import → export, so that a
 * results file keyed by them still evaluates against the exported ground truth.
 */

/** COCO's 80 category ids: 1–90 less the ten it never used. */
const COCO_GAPS = new Set([12, 26, 29, 30, 45, 66, 68, 69, 71, 83]);
const CATEGORY_IDS = Array.from({ length: 90 }, (_, i) => i + 1).filter((id) => !COCO_GAPS.has(id));

type Json = Record<string, unknown>;

/** A COCO file as Python's json.dump writes a script's dict: annotations first, its own key orders. */
function cocoFile(): Json {
	const images = [
		{ license: 4, file_name: '000000397133.jpg', coco_url: 'http://images.cocodataset.org/val2017/000000397133.jpg', height: 427, width: 640, date_captured: '2013-11-14 17:02:52', flickr_url: 'http://farm7.staticflickr.com/6116/6255196340_da26cf2c9e_z.jpg', id: 397133 },
		{ license: 1, file_name: '000000037777.jpg', coco_url: 'http://images.cocodataset.org/val2017/000000037777.jpg', height: 230, width: 352, date_captured: '2013-11-14 20:55:31', flickr_url: 'http://farm9.staticflickr.com/8429/7839199426_f6d48aa585_z.jpg', id: 37777 }
	];
	const categories = CATEGORY_IDS.map((id) => ({ supercategory: id <= 1 ? 'person' : id <= 9 ? 'vehicle' : 'thing', id, name: id === 1 ? 'person' : `class_${id}` }));
	categories[0] = { ...categories[0], ...{ keypoints: ['nose', 'left_eye', 'right_eye'], skeleton: [[1, 2], [1, 3]] } } as (typeof categories)[number];
	const annotations = [
		// An object cut in two by an occluder: one annotation, two polygons.
		{ segmentation: [[10.5, 10.2, 60.1, 12.7, 55.3, 70.9, 12.2, 66.4], [100.0, 100.0, 160.4, 104.8, 150.2, 170.6]], area: 5342.61, iscrowd: 0, image_id: 397133, bbox: [10.5, 10.2, 149.9, 160.4], category_id: 18, id: 1768123 },
		// A crowd as compressed RLE.
		{ segmentation: { counts: rleOfBlock(427, 640, 200, 100, 40, 30), size: [427, 640] }, area: 1200, iscrowd: 1, image_id: 397133, bbox: [200, 100, 40, 30], category_id: 1, id: 900100397133 },
		// A person with keypoints and an outline: one annotation.
		{ segmentation: [[20, 20, 80, 20, 80, 200, 20, 200]], num_keypoints: 2, area: 10800, iscrowd: 0, keypoints: [50, 40, 2, 45, 35, 1, 0, 0, 0], image_id: 37777, bbox: [20, 20, 60, 180], category_id: 1, id: 2000451 },
		{ segmentation: [[300, 10, 340, 10, 340, 50, 300, 50]], area: 1598.5, iscrowd: 0, image_id: 37777, bbox: [300, 10, 40, 40], category_id: 90, id: 9999999, caption_ref: 'a', source: { tool: 'script', version: 2 } }
	];
	return {
		annotations,
		licenses: [{ url: 'http://creativecommons.org/licenses/by-nc-sa/2.0/', id: 1, name: 'Attribution-NonCommercial-ShareAlike License' }, { url: 'http://creativecommons.org/licenses/by/2.0/', id: 4, name: 'Attribution License' }],
		info: { description: 'COCO 2017 Dataset', url: 'http://cocodataset.org', version: '1.0', year: 2017, contributor: 'COCO Consortium', date_created: '2017/09/01' },
		images,
		categories
	};
}

/** Compressed RLE (COCO's string form) of a filled rectangle, column-major as pycocotools writes it. */
function rleOfBlock(height: number, width: number, x: number, y: number, w: number, h: number): string {
	const runs: number[] = [];
	let last = 0,
		run = 0;
	for (let col = 0; col < width; col++)
		for (let row = 0; row < height; row++) {
			const v = col >= x && col < x + w && row >= y && row < y + h ? 1 : 0;
			if (v === last) run++;
			else {
				runs.push(run);
				run = 1;
				last = v;
			}
		}
	runs.push(run);
	return runsToString(runs); // checked against pycocotools' strings in formats-coco.test.ts
}

/** The pixels of a COCO segmentation (polygons as pycocotools draws them, or RLE), as one bit per pixel. */
function decode(seg: unknown, height: number, width: number): Uint8Array {
	if (Array.isArray(seg)) return rasteriseParts((seg as number[][]).map((points) => ({ points })), width, height).bits;
	const runs = stringToRuns((seg as { counts: string }).counts);
	const bits = new Uint8Array(width * height);
	let i = 0;
	runs.forEach((n, k) => {
		for (let j = 0; j < n; j++, i++) if (k % 2) bits[(i % height) * width + Math.floor(i / height)] = 1;
	});
	return bits;
}

const encode = (v: unknown): DatasetFile => ({ path: 'annotations/instances_val2017.json', bytes: new TextEncoder().encode(JSON.stringify(v)) });

/** The project a user makes: images added first, then the COCO file imported onto them. */
function importIntoProject(file: Json): ProjectDoc {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'COCO ids' });
	const images = file.images as { file_name: string; width: number; height: number }[];
	const added = doc.addImages(images.map((im) => ({ name: im.file_name, hash: im.file_name, width: im.width, height: im.height, mime: 'image/jpeg', size: 1 })));
	if (!added.ok) throw new Error(added.reason);
	const { dataset, warnings } = cocoFormat.read([encode(file)]);
	expect(warnings, warnings.join()).toEqual([]);
	const plan = planImport(doc, dataset, { mode: 'existing' });
	if (!plan.ok) throw new Error(plan.errors.join('\n'));
	const written = doc.importDataset(plan.plan);
	if (!written.ok) throw new Error(written.reason);
	return doc;
}

/** The export with "No splits" (the file's name, instances_val2017.json, gave its images the split val). */
function exportCoco(doc: ProjectDoc): Json {
	const { files } = cocoFormat.write(splitForExport(exportSelection(doc).dataset, { kind: 'none' }), { includeImages: false });
	expect(files.map((f) => f.path)).toEqual(['annotations/instances_default.json']);
	return JSON.parse(new TextDecoder().decode(files[0].bytes));
}

const byId = <T extends { id: unknown }>(list: T[]) => new Map(list.map((x) => [x.id, x]));

describe('COCO ids and fields survive import → export', () => {
	it('keeps image, category and annotation ids, supercategories, image metadata, info and licenses; every mask pixel-exact', () => {
		const input = cocoFile();
		const doc = importIntoProject(input);
		expect(new Set(doc.splits.all().values())).toEqual(new Set(['val']));
		const out = exportCoco(doc);
		expect(out.info).toEqual(input.info);
		expect(out.licenses).toEqual(input.licenses);
		const inImages = byId(input.images as Json[] as { id: number }[]);
		expect((out.images as Json[]).map((im) => im.id).sort()).toEqual([...inImages.keys()].sort());
		for (const im of out.images as { id: number }[]) expect(im).toEqual(inImages.get(im.id));
		const inCategories = byId(input.categories as { id: number }[]);
		expect((out.categories as { id: number }[]).map((c) => c.id)).toEqual(CATEGORY_IDS);
		for (const c of out.categories as Json[]) {
			const original = inCategories.get(c.id as number) as Json;
			expect({ name: c.name, supercategory: c.supercategory }).toEqual({ name: original.name, supercategory: original.supercategory });
		}
		const inAnnotations = byId(input.annotations as { id: number }[]);
		const outAnnotations = out.annotations as Json[];
		expect(outAnnotations).toHaveLength(inAnnotations.size);
		for (const a of outAnnotations) {
			const original = inAnnotations.get(a.id as number) as Json;
			expect(original, `annotation ${a.id}`).toBeDefined();
			for (const key of ['image_id', 'category_id', 'area', 'bbox', 'iscrowd', 'keypoints', 'num_keypoints', 'caption_ref', 'source']) expect(a[key], `${a.id}.${key}`).toEqual(original[key]);
			const image = inImages.get(a.image_id as number) as unknown as { width: number; height: number };
			const [mine, theirs] = [decode(a.segmentation, image.height, image.width), decode(original.segmentation, image.height, image.width)];
			expect(theirs.some((v) => v)).toBe(true);
			expect(Buffer.from(mine).equals(Buffer.from(theirs)), `annotation ${a.id}: its pixels differ`).toBe(true);
		}
	});

	it('gives what is new the next free ids, and writes an edited supercategory', () => {
		const doc = importIntoProject(cocoFile());
		const newClass = doc.addClass({ name: 'kite', supercategory: 'sports' });
		if (!newClass.ok) throw new Error(newClass.reason);
		const added = doc.addImages([{ name: 'new.jpg', hash: 'n', width: 100, height: 100, mime: 'image/jpeg', size: 1 }]);
		if (!added.ok) throw new Error(added.reason);
		const box = doc.createAnnotation({ imageId: added.value[0].id, classId: newClass.value.id, type: 'box', geometry: { x: 1, y: 2, width: 30, height: 40 } });
		if (!box.ok) throw new Error(box.reason);
		const person = doc.classes().find((c) => c.name === 'person')!;
		expect(doc.updateClass(person.id, { supercategory: 'human' }).ok).toBe(true);
		const out = exportCoco(doc);
		const kite = (out.categories as Json[]).find((c) => c.name === 'kite')!;
		expect(kite).toMatchObject({ id: 91, supercategory: 'sports' });
		expect((out.categories as Json[]).find((c) => c.name === 'person')).toMatchObject({ id: 1, supercategory: 'human' });
		expect((out.images as Json[]).find((im) => im.file_name === 'new.jpg')).toEqual({ id: 397134, file_name: 'new.jpg', width: 100, height: 100 });
		const created = (out.annotations as Json[]).find((a) => a.category_id === 91)!;
		expect(created).toMatchObject({ id: 900100397134, image_id: 397134, bbox: [1, 2, 30, 40], area: 1200 });
	});

	it('recomputes area and bbox once a shape is edited, and keeps the id', () => {
		const doc = importIntoProject(cocoFile());
		const target = doc.annotationsOf(doc.images().find((im) => im.name === '000000037777.jpg')!.id).find((a) => a.type === 'polygon' && (a.geometry as PolygonGeometry).points[0] === 300)!;
		// COCO's area (from its mask) differs from the polygon's: kept; its bbox is the polygon's own: not stored.
		expect(target.imported).toEqual({ format: 'coco', id: 9999999, fields: { caption_ref: 'a', source: { tool: 'script', version: 2 } }, derived: { area: 1598.5 } });
		const g = target.geometry as PolygonGeometry;
		expect(doc.updateAnnotation(target.id, { geometry: { points: g.points.map((v, i) => (i % 2 ? v : v + 5)) } }).ok).toBe(true);
		expect(doc.getAnnotation(target.id)!.imported?.derived).toBeUndefined();
		const moved = (exportCoco(doc).annotations as Json[]).find((a) => a.id === 9999999)!;
		expect(moved).toMatchObject({ bbox: [305, 10, 40, 40], area: 1600, caption_ref: 'a', source: { tool: 'script', version: 2 } });
	});

	it('a file with two annotations of one id writes the second under a new id (results keyed by id stay unique)', () => {
		const input = cocoFile();
		const annotations = input.annotations as Json[];
		annotations.push({ ...annotations[3], id: annotations[0].id, bbox: [200, 10, 40, 40], segmentation: [[200, 10, 240, 10, 240, 50, 200, 50]] });
		const ids = (exportCoco(importIntoProject(input)).annotations as Json[]).map((a) => a.id);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toContain(1768123);
		expect(ids).toContain(900100397134);
	});
});

describe('assignIds: own ids kept, the rest the next free', () => {
	const coco = (id: number | string) => ({ format: 'coco', id });
	it('starts after a kept id equal to the first free one', () => {
		expect(assignIds('coco', [coco(1), undefined])).toEqual([1, 2]);
		expect(assignIds('coco', [coco(0), undefined])).toEqual([0, 1]);
	});
	it('gives a repeated id and what came from another format new ids, above every kept one', () => {
		expect(assignIds('coco', [undefined, coco(5), coco(5), { format: 'cvat', id: 3 }])).toEqual([6, 5, 7, 8]);
	});
	it('keeps string ids, which do not move the numbering', () => {
		expect(assignIds('coco', [coco('img-a'), undefined, coco('img-a')])).toEqual(['img-a', 1, 2]);
	});
});

describe('COCO fields too large to keep', () => {
	it('are left behind with a warning; the rest of the import goes on', () => {
		const input = cocoFile();
		(input.images as Json[])[0].thumbnail = 'x'.repeat(100 * 1024);
		input.info = { blob: 'y'.repeat(1024 * 1024 + 1) };
		const { dataset, warnings } = cocoFormat.read([encode(input)]);
		expect(warnings.join('\n')).toMatch(/images\[0\].*larger than 64 KiB: they are not kept/);
		expect(warnings.join('\n')).toMatch(/dataset's own fields \(licenses, info\) are larger than 1 MiB/);
		const image = dataset.images.find((im) => im.name === '000000397133.jpg')!;
		expect(image.imported).toEqual({ format: 'coco', id: 397133 });
		expect(dataset.imported).toBeUndefined();
		expect(dataset.annotations).toHaveLength(5); // the person is a skeleton and its outline
	});
});
