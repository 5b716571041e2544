import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { MAX_TEXT_CHARS } from '$lib/model/limits';

/**
 * An imported file's optional fields (text, instance id, direction, proposal) are checked as every peer's
 * read boundary checks them: a record the importing device shows must be one its teammates can read.
 * Whole-number box coordinates pack without rounding, the path on which nothing was checked again.
 */
function setup() {
	const doc = new ProjectDoc(new Y.Doc());
	doc.initialize({ name: 'fields' });
	const cls = doc.addClass({ name: 'car' });
	if (!cls.ok) throw new Error(cls.reason);
	const image = { id: 'img0', name: '0.jpg', hash: 'h0', width: 640, height: 480, mime: 'image/jpeg', size: 1, status: 'new' as const, addedAt: 0 };
	const plan = (extra: Record<string, unknown>) => ({
		classes: [],
		images: [image],
		annotations: [
			{ id: 'ok', imageId: 'img0', classId: cls.value.id, type: 'box' as const, geometry: { x: 10, y: 10, width: 20, height: 20 }, attributes: {} },
			{ id: 'odd', source: 'labels.json › annotations[1]', imageId: 'img0', classId: cls.value.id, type: 'box' as const, geometry: { x: 40, y: 40, width: 20, height: 20 }, attributes: {}, ...extra }
		]
	});
	return { doc, plan };
}

describe('an import checks the fields every peer checks', () => {
	const bad: [string, Record<string, unknown>, RegExp][] = [
		['an instance id that is not a whole number', { instanceId: 1.5 }, /instance id/],
		['a text over the limit', { text: 'x'.repeat(MAX_TEXT_CHARS + 1) }, /text/],
		['a direction whose angle is not a number', { direction: { angle: 'north' } }, /direction/],
		['a proposal scored above 1', { proposal: { model: 'yolo', score: 1.5 } }, /proposal/],
		['kept fields of its file that are not a record', { imported: 'coco' }, /imported file/]
	];
	for (const [what, extra, reason] of bad) {
		it(`refuses ${what}, naming the record, and writes nothing`, () => {
			const { doc, plan } = setup();
			const written = doc.importDataset(plan(extra) as never);
			expect(written.ok).toBe(false);
			if (!written.ok) {
				expect(written.reason).toMatch(/^labels\.json › annotations\[1\]: /);
				expect(written.reason).toMatch(reason);
			}
			expect(doc.annotationCount).toBe(0);
			expect(doc.images()).toHaveLength(0);
		});
	}

	it('takes the same fields at the limit, and a peer reads exactly what the importing device shows', () => {
		const { doc, plan } = setup();
		const written = doc.importDataset(plan({ instanceId: 7, text: 'x'.repeat(MAX_TEXT_CHARS), direction: { angle: 90 }, proposal: { model: 'yolo', score: 1 } }) as never);
		expect(written.ok).toBe(true);
		const peer = new ProjectDoc(new Y.Doc());
		Y.applyUpdate(peer.ydoc, Y.encodeStateAsUpdate(doc.ydoc));
		expect(peer.problems()).toEqual([]);
		expect(peer.annotationCount).toBe(2);
		expect(peer.getAnnotation('odd')).toEqual(doc.getAnnotation('odd'));
	});
});
