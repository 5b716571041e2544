import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '$lib/formats/dataset';
import { utf8 } from '$lib/formats/files';
import { labelStudioCodec } from '$lib/formats/labelstudio';
import { MAX_IMPORTED_BYTES } from '$lib/model/limits';
import { everyTypeDataset, expectGeometryClose, FIXTURES, filesUnder, haveFixtures } from './support/dataset-files';
import { exportWithIds, region } from './support/labelstudio-export';

const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));
const read = (tasks: unknown) => labelStudioCodec.read([{ path: 'project-8.json', bytes: utf8(JSON.stringify(tasks)) }]);
const write = (d: Dataset) => labelStudioCodec.write(d, { includeImages: false });

describe('Label Studio ids and fields survive read → write', () => {
	it('writes each task, annotation and region back with its own id and the fields it was read with', () => {
		const input = exportWithIds();
		const out = write(read(input).dataset);
		const tasks = json(out.files[0].bytes);
		const byId = new Map(tasks.map((t: { id: number }) => [t.id, t]));
		expect([...byId.keys()]).toEqual([512, 513, 9000]);
		for (const task of input) {
			const back = byId.get(task.id) as typeof task;
			// c.jpg has no region, so its size is unknown: the task itself is still exact.
			expect(back).toEqual(task);
		}
	});

	it('a new image gets the next free task id, a new region an id no kept region has', () => {
		const d = read(exportWithIds()).dataset;
		d.images.push({ name: 'd.jpg', width: 200, height: 100 });
		d.annotations.push(
			{ image: 'a.jpg', className: 'car', type: 'box', geometry: { x: 0, y: 0, width: 20, height: 20 } },
			{ image: 'd.jpg', className: 'car', type: 'box', geometry: { x: 0, y: 0, width: 20, height: 20 } }
		);
		const tasks = json(write(d).files[0].bytes);
		expect(tasks.map((t: { id: number }) => t.id)).toEqual([512, 513, 9000, 9001]);
		// The entry Peerlabel writes is each task's first not cancelled; b.jpg's others (5129, 5131) keep theirs.
		expect(tasks.map((t: { annotations: { id: number; was_cancelled: boolean }[] }) => t.annotations.find((e) => !e.was_cancelled)!.id)).toEqual([5120, 5130, 90000, 90001]);
		expect(tasks[1].annotations.map((e: { id: number }) => e.id)).toEqual([5129, 5130, 5131]);
		const ids = tasks.flatMap((t: { annotations: { result: { id: string }[] }[] }) => t.annotations[0].result.map((r) => r.id));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.slice(0, 2)).toEqual(['Xq1_box', 'r1-3']);
		expect(tasks[3].data).toEqual({ image: 'd.jpg' });
	});

	it('a task whose fields pass the 64 KiB a record keeps leaves its largest (predictions) behind and says so; the rest is kept', () => {
		const input = exportWithIds();
		const big = { id: 1, model_version: 'v1', result: Array.from({ length: 400 }, (_, k) => region(`p${k}`, 'rectanglelabels', { x: 1, y: 1, width: 5, height: 5, rotation: 0, rectanglelabels: ['car'] })) };
		const tasks = input.map((t, i) => (i === 0 ? { ...t, predictions: [big] } : t));
		const { dataset, warnings } = read(tasks);
		expect(warnings).toContain(`project-8.json ([0]): task predictions not kept: the fields kept from a file are at most ${MAX_IMPORTED_BYTES / 1024} KiB per record`);
		const back = json(write(dataset).files[0].bytes);
		expect(back[0]).toEqual(input[0]);
		expect(back[1]).toEqual(input[1]);
	});

	it('another annotator’s entry past the cap goes, not the entry read', () => {
		const input = exportWithIds();
		const huge = input[1].annotations[2] as { result: unknown[] };
		huge.result = Array.from({ length: 400 }, (_, k) => region(`h${k}`, 'keypointlabels', { x: 1, y: 1, width: 1, keypointlabels: ['eye'] }));
		const { dataset, warnings } = read(input);
		expect(warnings).toContain(`project-8.json ([1]): task annotation 5131 not kept: the fields kept from a file are at most ${MAX_IMPORTED_BYTES / 1024} KiB per record`);
		const back = json(write(dataset).files[0].bytes);
		expect(back[1].annotations).toEqual(input[1].annotations.slice(0, 2));
		expect(back[1].file_upload).toBe(input[1].file_upload);
	});

	it('a renamed image is written under its new name; the task keeps its other data', () => {
		const d = read(exportWithIds()).dataset;
		d.images[0] = { ...d.images[0], name: 'renamed.jpg' };
		for (const a of d.annotations) if (a.image === 'a.jpg') a.image = 'renamed.jpg';
		const task = json(write(d).files[0].bytes)[0];
		expect(task.data).toEqual({ image: 'renamed.jpg', caption: 'caption of a.jpg' });
		expect(task.annotations[0].result.map((r: { id: string }) => r.id)).toEqual(['Xq1_box', 'r1-3']);
	});

	it('a kept from_name is the control name in label_config.xml, a kept to_name its Image', () => {
		const out = write(read(exportWithIds()).dataset);
		const config = new TextDecoder().decode(out.files[1].bytes);
		expect(config).toContain('<KeyPointLabels name="points" toName="image">');
		expect(config).toContain('<RectangleLabels name="label" toName="image">');
		const tasks = exportWithIds();
		for (const t of tasks) for (const r of t.annotations.flatMap((e) => e.result) as { to_name: string }[]) r.to_name = 'photo';
		const photo = new TextDecoder().decode(write(read(tasks).dataset).files[1].bytes);
		expect(photo).toContain('<Image name="photo" value="$image"/>');
		expect(photo).toContain('<RectangleLabels name="label" toName="photo">');
		expect(photo).not.toContain('<Image name="image"');
	});

	it('a region with two labels becomes two annotations; written back, the second gets an id of its own', () => {
		const tasks = exportWithIds();
		(tasks[0].annotations[0].result[0] as { value: { rectanglelabels: string[] } }).value.rectanglelabels = ['car', 'red'];
		const back = json(write(read(tasks).dataset).files[0].bytes);
		const ids = back[0].annotations[0].result.map((r: { id: string }) => r.id);
		expect(ids[0]).toBe('Xq1_box');
		expect(new Set(ids).size).toBe(3);
	});
});

describe('what Peerlabel writes, read back, keeps only ids (records stay compact)', () => {
	it('no fields but ids where a task, entry or region holds only what the writer writes by default', () => {
		const back = read(json(write(everyTypeDataset()).files[0].bytes)).dataset;
		// A task keeps its id and its annotation entry's id, nothing else.
		for (const i of back.images) expect(i.imported, i.name).toEqual({ format: 'labelstudio', id: expect.any(Number), fields: { annotations: [{ id: expect.any(Number) }] } });
		expect(back.annotations.length).toBeGreaterThan(5);
		for (const a of back.annotations) expect(Object.keys(a.imported ?? {}), a.type).toEqual(['format', 'id']);
	});
});

describe('multi-part polygons in Label Studio', () => {
	const twoParts: Dataset = {
		images: [{ name: 'a.jpg', width: 200, height: 100 }],
		classes: [{ name: 'road' }],
		annotations: [
			{
				image: 'a.jpg',
				className: 'road',
				type: 'polygon',
				geometry: { points: [10, 10, 60, 10, 60, 50], holes: [[40, 15, 55, 15, 55, 30]], parts: [{ points: [100, 10, 150, 10, 150, 60, 100, 60] }] }
			}
		]
	};

	it('writes one polygon per part, the later ones nested under the first by parentID, and reads them back as one', () => {
		const out = write(twoParts);
		const result = json(out.files[0].bytes)[0].annotations[0].result;
		expect(result).toHaveLength(2);
		expect(result[1].parentID).toBe(result[0].id);
		expect(result[1].id).not.toBe(result[0].id);
		expect(out.warnings).toContain('1 polygon hole is not written (Label Studio polygons have no holes)');
		const back = read(json(out.files[0].bytes)).dataset;
		expect(back.annotations).toHaveLength(1);
		expectGeometryClose(back.annotations[0].geometry, { points: [10, 10, 60, 10, 60, 50], parts: [{ points: [100, 10, 150, 10, 150, 60, 100, 60] }] }, 1e-6);
		// The parts' ids come back the same on the next export.
		expect(json(write(back).files[0].bytes)[0].annotations[0].result.map((r: { id: string }) => r.id)).toEqual(result.map((r: { id: string }) => r.id));
	});

	it('polygons nested under a polygon of another label, or not nested, stay apart', () => {
		const tasks = exportWithIds();
		const result = tasks[0].annotations[0].result;
		result.push(region('p2', 'polygonlabels', { points: [[60, 10], [90, 10], [90, 60]], polygonlabels: ['road'] }));
		result.push(region('p3', 'polygonlabels', { points: [[60, 70], [90, 70], [90, 90]], polygonlabels: ['grass'] }, { parentID: 'r1-3' }));
		expect(read(tasks).dataset.annotations.filter((a) => a.type === 'polygon')).toHaveLength(3);
	});

	it('a chain of nested polygons is one object with every part; polygons nested in a cycle each stand alone', () => {
		const tri = (x: number) => ({ points: [[x, 10], [x + 8, 10], [x + 8, 30]], polygonlabels: ['road'] });
		const tasks = exportWithIds();
		const result = tasks[0].annotations[0].result;
		result.push(region('c1', 'polygonlabels', tri(60), { parentID: 'r1-3' }), region('c2', 'polygonlabels', tri(70), { parentID: 'c1' }));
		result.push(region('y1', 'polygonlabels', tri(80), { parentID: 'y2' }), region('y2', 'polygonlabels', tri(90), { parentID: 'y1' }));
		const polygons = read(tasks).dataset.annotations.filter((a) => a.type === 'polygon');
		expect(polygons.map((a) => [a.imported?.id, 'parts' in a.geometry ? a.geometry.parts?.length : 0])).toEqual([['r1-3', 2], ['y1', 0], ['y2', 0]]);
	});
});

describe.skipIf(!haveFixtures)('Label Studio fixture (skipped: ../shared/fixtures is missing)', () => {
	it('keypoints_with_relations: region ids and each keypoint’s parentID (its person box) are written back', () => {
		const files = filesUnder(join(FIXTURES, 'label_studio/keypoints_with_relations'));
		const input = json(files.find((f) => f.path.endsWith('.json'))!.bytes);
		const regions = (tasks: { annotations: { result: { id: string; type: string; parentID?: string }[] }[] }[]) =>
			new Map(tasks[0].annotations[0].result.filter((r) => r.type !== 'relation').map((r) => [r.id, r.parentID]));
		const back = json(write(labelStudioCodec.read(files).dataset).files[0].bytes);
		expect(back[0].id).toBe(input[0].id);
		expect(regions(back)).toEqual(regions(input));
		expect([...regions(input).values()].filter(Boolean).length).toBeGreaterThan(0);
		const relations = (tasks: { annotations: { result: { type: string }[] }[] }[]) => tasks[0].annotations[0].result.filter((r) => r.type === 'relation');
		expect(relations(back)).toEqual(relations(input));
		expect(relations(input)).toHaveLength(5);
	});

	it('rectangles: each task’s second annotation (not read) is written back as it was, beside the one read', () => {
		const files = filesUnder(join(FIXTURES, 'label_studio/rectangles'));
		const input = json(files.find((f) => f.path.endsWith('.json'))!.bytes);
		const back = json(write(labelStudioCodec.read(files).dataset).files[0].bytes);
		expect(back.map((t: { id: number }) => t.id)).toEqual(input.map((t: { id: number }) => t.id));
		expect(input[0].annotations).toHaveLength(2);
		back.forEach((t: { annotations: unknown[] }, i: number) => {
			expect(t.annotations).toHaveLength(input[i].annotations.length);
			expect(t.annotations.slice(1)).toEqual(input[i].annotations.slice(1));
		});
	});

	it('keypoints_with_relations: a relation whose region is gone is not written, and the summary says so', () => {
		const files = filesUnder(join(FIXTURES, 'label_studio/keypoints_with_relations'));
		const input = json(files.find((f) => f.path.endsWith('.json'))!.bytes);
		const links = input[0].annotations[0].result.filter((r: { type: string }) => r.type === 'relation');
		const gone = links[0].from_id as string;
		const d = labelStudioCodec.read(files).dataset;
		d.annotations = d.annotations.filter((a) => a.imported?.id !== gone);
		const out = write(d);
		const back = json(out.files[0].bytes)[0].annotations[0].result.filter((r: { type: string }) => r.type === 'relation');
		const touching = links.filter((r: { from_id: string; to_id: string }) => r.from_id === gone || r.to_id === gone).length;
		expect(back).toHaveLength(5 - touching);
		expect(out.warnings).toContain(`${touching} relation${touching > 1 ? 's are' : ' is'} not written: a region it links is gone`);
	});
});
