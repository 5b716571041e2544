import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { planImport } from '$lib/formats/project-dataset';
import type { Dataset } from '$lib/formats/dataset';

/**
 * Issue 13 item 6: a pose read from LabelMe / X-AnyLabeling lists its points in the order the file met
 * them; imported into a project whose skeleton class names the same points in its own order, each
 * point lands on its name, and a point the file lacks is not labelled.
 */
function project() {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'pose' });
	const images = doc.addImages([{ name: 'p.jpg', hash: 'h', width: 200, height: 200, mime: 'image/jpeg', size: 1 }]);
	const person = doc.addClass({
		name: 'person',
		skeleton: { points: [{ name: 'nose', x: 0.5, y: 0 }, { name: 'left_eye', x: 0.3, y: 0.1 }, { name: 'right_eye', x: 0.7, y: 0.1 }], edges: [[0, 1], [0, 2]] }
	});
	if (!images.ok || !person.ok) throw new Error('setup');
	return { doc, personId: person.value.id };
}

const dataset = (names: string[], points: number[], visibility: number[]): Dataset => ({
	images: [{ name: 'p.jpg', width: 200, height: 200 }],
	classes: [{ name: 'person', skeleton: { points: names.map((name, i) => ({ name, x: i / names.length, y: 0.5 })), edges: [] } }],
	annotations: [{ image: 'p.jpg', className: 'person', type: 'skeleton', geometry: { points, visibility, box: { x: 10, y: 10, width: 100, height: 150 } } }]
});

describe('a skeleton imported into a class with a template', () => {
	it('is matched by point name, in the project template order; a missing point is not labelled', () => {
		const { doc, personId } = project();
		const plan = planImport(doc, dataset(['right_eye', 'nose'], [70, 30, 50, 20], [2, 1]), { mode: 'existing' });
		if (!plan.ok) throw new Error(plan.errors.join());
		expect(plan.plan.annotations[0]).toMatchObject({ classId: personId, geometry: { points: [50, 20, 0, 0, 70, 30], visibility: [1, 0, 2], box: { x: 10, y: 10, width: 100, height: 150 } } });
		expect(doc.importDataset(plan.plan).ok).toBe(true);
		expect(doc.annotationsOf(doc.images()[0].id)).toHaveLength(1);
	});

	it('the same names in the same order pass as they are', () => {
		const { doc } = project();
		const plan = planImport(doc, dataset(['nose', 'left_eye', 'right_eye'], [50, 20, 30, 30, 70, 30], [2, 2, 2]), { mode: 'existing' });
		expect(plan.ok && plan.plan.annotations[0].geometry).toMatchObject({ points: [50, 20, 30, 30, 70, 30], visibility: [2, 2, 2] });
	});

	it('a point name the project does not know is refused, saying the skeleton does not fit', () => {
		const { doc } = project();
		const plan = planImport(doc, dataset(['nose', 'tail'], [50, 20, 60, 90], [2, 2]), { mode: 'existing' });
		if (plan.ok) throw new Error('expected a refusal');
		expect(plan.errors.join()).toMatch(/2 points but its class’s template has 3/);
	});
});
