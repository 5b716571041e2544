import { describe, expect, it } from 'vitest';
import { ProjectDoc } from '$lib/model';
import { summarizeProject } from '$lib/storage/project-summary';

describe('project summary', () => {
	it('holds what the library shows: images in order with their stage, annotation counts and classes', () => {
		const doc = new ProjectDoc();
		doc.initialize({ name: 'Harbour' });
		const boat = doc.addClass({ name: 'boat' });
		const buoy = doc.addClass({ name: 'buoy' });
		const added = doc.addImages([
			{ name: 'a.jpg', hash: 'ha', width: 100, height: 80, mime: 'image/jpeg', size: 1 },
			{ name: 'b.jpg', hash: 'hb', width: 100, height: 80, mime: 'image/jpeg', size: 1 }
		]);
		if (!boat.ok || !buoy.ok || !added.ok) throw new Error('setup');
		const [a, b] = added.value;
		for (const classId of [boat.value.id, boat.value.id, buoy.value.id])
			doc.createAnnotation({ imageId: a.id, classId, type: 'box', geometry: { x: 1, y: 1, width: 10, height: 10 } });
		doc.review.setStage([b.id], 'done');

		const summary = summarizeProject('p1', doc);
		expect(summary).toMatchObject({ projectId: 'p1', name: 'Harbour' });
		expect(summary.classes.map((c) => c.name)).toEqual(['boat', 'buoy']);
		expect(summary.images).toEqual([
			{ id: a.id, name: 'a.jpg', hash: 'ha', width: 100, height: 80, stage: 'annotate', annotationCount: 3, classIds: [boat.value.id, buoy.value.id], missingRequired: 0 },
			{ id: b.id, name: 'b.jpg', hash: 'hb', width: 100, height: 80, stage: 'done', annotationCount: 0, classIds: [], missingRequired: 0 }
		]);
	});
});
