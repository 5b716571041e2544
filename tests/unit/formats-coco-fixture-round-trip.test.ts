import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cocoFormat } from '$lib/formats/coco';
import { rasteriseParts } from '$lib/formats/coco/masks';
import { stringToRuns } from '$lib/shapes/mask/rle';
import type { DatasetFile } from '$lib/formats/files';

/**
 * Issue 13 items 1 and 2 on files other tools wrote (../shared/fixtures/coco): COCO → COCO keeps every
 * annotation's id, its image and category ids, its count (an object in several polygons stays one
 * annotation) and its pixels.
 */
const FIXTURES = '../shared/fixtures/coco';

function filesUnder(dir: string): DatasetFile[] {
	const out: DatasetFile[] = [];
	const walk = (d: string) => {
		for (const name of readdirSync(d)) {
			const p = join(d, name);
			if (statSync(p).isDirectory()) walk(p);
			else out.push({ path: relative(dir, p).replace(/\\/g, '/'), bytes: new Uint8Array(readFileSync(p)) });
		}
	};
	walk(dir);
	return out;
}

type Json = Record<string, unknown>;

/** The split a COCO file's name gives ('instances_val.json' → 'val'), as the writer names its files. */
const split = (path: string) => /(?:instances|person_keypoints)_(.+)\.json$/.exec(path)?.[1] ?? 'default';

/** Pixels of a COCO segmentation: polygons as pycocotools draws them, RLE (string or list) decoded. */
function pixels(seg: unknown, height: number, width: number): Uint8Array {
	if (Array.isArray(seg)) return rasteriseParts((seg as number[][]).map((points) => ({ points })), width, height).bits;
	const counts = (seg as { counts: string | number[] }).counts;
	const runs = typeof counts === 'string' ? stringToRuns(counts) : counts;
	const bits = new Uint8Array(width * height);
	let i = 0;
	runs.forEach((n, k) => {
		for (let j = 0; j < n; j++, i++) if (k % 2) bits[(i % height) * width + Math.floor(i / height)] = 1;
	});
	return bits;
}

/** Whether every polygon vertex lies on the image (RLE always does). */
function onImage(seg: unknown, image: { width: number; height: number }): boolean {
	if (!Array.isArray(seg)) return true;
	return (seg as number[][]).every((ring) => ring.every((v, i) => v >= 0 && v <= (i % 2 ? image.height : image.width)));
}

function iou(a: Uint8Array, b: Uint8Array): number {
	let both = 0,
		either = 0;
	for (let i = 0; i < a.length; i++) {
		if (a[i] && b[i]) both++;
		if (a[i] || b[i]) either++;
	}
	return either ? both / either : 1;
}

/** The dataset JSON files of a fixture, in the order datasetJsons reads them. */
function datasetFiles(files: DatasetFile[]): string[] {
	return files.filter((f) => f.path.endsWith('.json') && datasetJsons([f]).length).map((f) => f.path);
}

/** The dataset JSONs of a fixture (dicts with images and annotations). */
function datasetJsons(files: DatasetFile[]): Json[] {
	return files
		.filter((f) => f.path.endsWith('.json'))
		.map((f) => JSON.parse(new TextDecoder().decode(f.bytes)) as unknown)
		.filter((j): j is Json => !!j && typeof j === 'object' && !Array.isArray(j) && Array.isArray((j as Json).images) && Array.isArray((j as Json).annotations));
}

function hasSegmentations(jsons: Json[]): boolean {
	return jsons.some((j) => (j.annotations as Json[]).some((a) => a.segmentation && (!Array.isArray(a.segmentation) || a.segmentation.length)));
}

const DIRS = existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((d) => hasSegmentations(datasetJsons(filesUnder(join(FIXTURES, d))))) : [];

describe.skipIf(!existsSync(FIXTURES))('COCO → COCO on files other tools wrote (../shared/fixtures/coco missing)', () => {
	it('finds fixtures with segmentations', () => expect(DIRS.length).toBeGreaterThanOrEqual(5));
	for (const dir of DIRS)
		it(`${dir}: every annotation keeps its id, image, category and pixels; one per COCO object`, () => {
			const files = filesUnder(join(FIXTURES, dir));
			const inputs = datasetJsons(files).map((json, i) => ({ json, file: split(datasetFiles(files)[i]) }));
			const read = cocoFormat.read(files);
			const written = cocoFormat.write(read.dataset, { includeImages: false });
			const outputs = written.files.filter((f) => /instances_.*\.json$/.test(f.path)).map((f) => ({ file: split(f.path), json: JSON.parse(new TextDecoder().decode(f.bytes)) as Json }));
			// Ids are per file (a train and a val file may both have annotation 1): keyed by split file.
			const key = (file: string, id: unknown) => `${file} ${String(id)}`;
			const inAnnotations = new Map(inputs.flatMap(({ file, json }) => (json.annotations as Json[]).map((a) => [key(file, a.id), a] as const)));
			const inImages = new Map(inputs.flatMap(({ file, json }) => (json.images as Json[]).map((im) => [key(file, im.id), im] as const)));
			const outAnnotations = outputs.flatMap(({ file, json }) => (json.annotations as Json[]).map((a): Json & { key: string; imageKey: string } => ({ ...a, key: key(file, a.id), imageKey: key(file, a.image_id) })));
			const outImages = new Map(outputs.flatMap(({ file, json }) => (json.images as Json[]).map((im) => [key(file, im.id), im] as const)));
			// What the reader skipped (an empty mask, a sliver) it said; everything else comes back, once.
			const skipped = read.warnings.filter((w) => /skipped/.test(w)).length;
			expect(outAnnotations.length, read.warnings.join('\n')).toBe(inAnnotations.size - skipped);
			expect(new Set(outAnnotations.map((a) => a.key)).size).toBe(outAnnotations.length);
			for (const a of outAnnotations) {
				const original = inAnnotations.get(a.key)!;
				expect(original, `annotation ${a.key} is not in the input`).toBeDefined();
				expect([a.image_id, a.category_id]).toEqual([original.image_id, original.category_id]);
				const name = inImages.get(key(a.key.split(' ')[0], original.image_id))!.file_name;
				if (name) expect(outImages.get(a.imageKey)!.file_name).toBe(name); // an empty one is named image_<id>
				const hasSegmentation = original.segmentation && (!Array.isArray(original.segmentation) || original.segmentation.length);
				if (!hasSegmentation) continue;
				const image = outImages.get(a.imageKey) as { width: number; height: number };
				const [mine, theirs] = [pixels(a.segmentation, image.height, image.width), pixels(original.segmentation, image.height, image.width)];
				if (onImage(original.segmentation, image)) expect(Buffer.from(mine).equals(Buffer.from(theirs)), `annotation ${a.key}: its pixels differ`).toBe(true);
				// A vertex off the image is clamped onto it (the document's rule), which moves the edges beside it.
				else expect(iou(mine, theirs), `annotation ${a.key}`).toBeGreaterThan(0.99);
			}
		});
});
