import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { utf8 } from '$lib/formats/files';
import { labelStudioCodec } from '$lib/formats/labelstudio';
import { exportSelection, planImport } from '$lib/formats/project-dataset';
import { exportWithIds, region } from './support/labelstudio-export';

const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));
const read = (tasks: unknown) => labelStudioCodec.read([{ path: 'project-8.json', bytes: utf8(JSON.stringify(tasks)) }]);
const write = (d: Parameters<typeof labelStudioCodec.write>[0]) => labelStudioCodec.write(d, { includeImages: false });

describe('Label Studio ids and fields survive import into a project and export', () => {
	it('through a project: imported onto its images, exported again, every task is as it was', () => {
		const input = exportWithIds();
		const doc = importedProject(input);
		const tasks = json(write(exportSelection(doc).dataset).files[0].bytes);
		expect(new Map(tasks.map((t: { id: number }) => [t.id, t]))).toEqual(new Map(input.map((t) => [t.id, t])));
	});

	it('a polygon in two parts (nested by parentID) is one annotation in the project and two nested regions again on export', () => {
		const input = exportWithIds();
		const parts = [region('part-a', 'polygonlabels', { points: [[60, 10], [90, 10], [90, 60]], closed: true, polygonlabels: ['road'] }), region('part-b', 'polygonlabels', { points: [[60, 70], [90, 70], [90, 90]], closed: true, polygonlabels: ['road'] }, { parentID: 'part-a' })];
		input[0].annotations[0].result.push(...parts);
		const doc = importedProject(input);
		expect(doc.annotationsOf(doc.images().find((i) => i.name === 'a.jpg')!.id).filter((a) => a.type === 'polygon')).toHaveLength(2);
		const tasks = json(write(exportSelection(doc).dataset).files[0].bytes);
		expect(tasks[0]).toEqual(input[0]);
	});
});

/** The project a user makes: the images added first, then the Label Studio export imported onto them. */
function importedProject(tasks: unknown): ProjectDoc {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'Label Studio ids' });
	const added = doc.addImages(['a.jpg', 'b.jpg', 'c.jpg'].map((name) => ({ name, hash: name, width: 200, height: 100, mime: 'image/jpeg', size: 1 })));
	expect(added.ok).toBe(true);
	const plan = planImport(doc, read(tasks).dataset, { mode: 'existing' });
	if (!plan.ok) throw new Error(plan.errors.join('\n'));
	const written = doc.importDataset(plan.plan);
	expect(written.ok).toBe(true);
	return doc;
}
