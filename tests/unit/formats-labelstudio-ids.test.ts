import { describe, expect, it } from 'vitest';
import type { Dataset } from '$lib/formats/dataset';
import { utf8 } from '$lib/formats/files';
import { labelStudioCodec } from '$lib/formats/labelstudio';
import { expectGeometryClose } from './support/dataset-files';

const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));
const region = (id: string, type: string, value: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
	id,
	type,
	value,
	from_name: { rectanglelabels: 'label', polygonlabels: 'polygon', keypointlabels: 'keypoint' }[type],
	to_name: 'image',
	original_width: 200,
	original_height: 100,
	image_rotation: 0,
	origin: 'manual',
	...extra
});

/** A Label Studio "JSON" export as Label Studio writes it: its own ids and bookkeeping on tasks, annotations and regions. */
function exportWithIds() {
	const task = (id: number, file: string, result: unknown[], more: Record<string, unknown> = {}) => ({
		id,
		annotations: [{ id: id * 10, completed_by: 3, result, was_cancelled: false, ground_truth: false, created_at: '2024-05-01T10:00:00.000Z', updated_at: '2024-05-01T10:02:00.000Z', lead_time: 42.5, prediction: {}, result_count: result.length, task: id, project: 8 }],
		drafts: [],
		predictions: [],
		data: { image: `/data/upload/8/${file}`, caption: `caption of ${file}` },
		meta: { source: 'camera 2' },
		created_at: '2024-05-01T09:00:00.000Z',
		updated_at: '2024-05-01T10:02:00.000Z',
		inner_id: id - 500,
		total_annotations: 1,
		cancelled_annotations: 0,
		project: 8,
		file_upload: `abc-${file}`,
		...more
	});
	return [
		task(512, 'a.jpg', [
			region('Xq1_box', 'rectanglelabels', { x: 10, y: 20, width: 25, height: 40, rotation: 0, rectanglelabels: ['car'] }, { score: 0.75, origin: 'prediction-changed' }),
			region('r1-3', 'polygonlabels', { points: [[10, 10], [50, 10], [50, 60]], closed: true, polygonlabels: ['road'] })
		]),
		task(513, 'b.jpg', [region('kp-7', 'keypointlabels', { x: 50, y: 50, width: 1.25, keypointlabels: ['eye'] }, { from_name: 'points', readonly: true })]),
		task(9000, 'c.jpg', [], { comment_count: 2 })
	];
}

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
		expect(tasks.map((t: { annotations: { id: number }[] }) => t.annotations[0].id)).toEqual([5120, 5130, 90000, 90001]);
		const ids = tasks.flatMap((t: { annotations: { result: { id: string }[] }[] }) => t.annotations[0].result.map((r) => r.id));
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids.slice(0, 2)).toEqual(['Xq1_box', 'r1-3']);
		expect(tasks[3].data).toEqual({ image: 'd.jpg' });
	});

	it('a kept from_name is the control name in label_config.xml', () => {
		const out = write(read(exportWithIds()).dataset);
		const config = new TextDecoder().decode(out.files[1].bytes);
		expect(config).toContain('<KeyPointLabels name="points" toName="image">');
		expect(config).toContain('<RectangleLabels name="label" toName="image">');
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
});
