// The merged set of a consensus image (issue 16, item 1): majority, averaging, the best-agreeing
// outline, votes and their ties, and a reviewer's picks.
import { describe, expect, it } from 'vitest';
import { imageAgreement } from '$lib/quality/agreement';
import { mergeImage, type GroupPick } from '$lib/quality/merge';
import { DEFAULT_MATCH_SETTINGS, type MemberLayer, type QualityShape } from '$lib/quality/types';
import { FACE_5 } from '$lib/shapes/skeleton/templates';
import { box, cls } from '../fixtures/quality/shapes';

const classes = [cls('car'), cls('van'), cls('bus'), cls('face', { skeleton: FACE_5 }), cls('sunny')];

const square = (x: number, y: number, s: number) => [x, y, x + s, y, x + s, y + s, x, y + s];
const polygon = (id: string, classId: string, points: number[], attributes = {}): QualityShape => ({ id, classId, type: 'polygon', geometry: { points }, attributes });

function merge(layers: MemberLayer[], picks: Record<string, GroupPick> = {}) {
	const agreement = imageAgreement(layers, classes, DEFAULT_MATCH_SETTINGS);
	return { agreement, ...mergeImage('img', layers, agreement, picks) };
}

describe('merge rules', () => {
	it('two members: a group both have is kept with its box averaged; a shape only one has is left out', () => {
		const r = merge([
			{ member: 'ann', annotations: [box('a1', 'car', 0, 0, 10, 10), box('a2', 'car', 100, 100)] },
			{ member: 'bob', annotations: [box('b1', 'car', 1, 0, 12, 10)] }
		]);
		expect(r.outputs).toEqual([
			{
				annotation: { imageId: 'img', classId: 'car', type: 'box', geometry: { x: 0.5, y: 0, width: 11, height: 10 }, attributes: {} },
				group: 'ann/a1',
				sources: [
					{ member: 'ann', shapeId: 'a1' },
					{ member: 'bob', shapeId: 'b1' }
				]
			}
		]);
		expect(r.decisions).toEqual([
			{ group: 'ann/a1', majority: true, kept: true },
			{ group: 'ann/a2', majority: false, kept: false }
		]);
	});

	it('three members: kept when two have it (a strict majority), not when one has it', () => {
		const r = merge([
			{ member: 'ann', annotations: [box('a1', 'car', 0, 0), box('a2', 'car', 300, 0)] },
			{ member: 'bob', annotations: [box('b1', 'car', 1, 0)] },
			{ member: 'cy', annotations: [box('c1', 'car', 200, 200)] }
		]);
		expect(r.decisions.map((d) => [d.group, d.majority, d.kept])).toEqual([
			['ann/a1', true, true],
			['ann/a2', false, false],
			['cy/c1', false, false]
		]);
		expect(r.outputs.map((o) => o.annotation.geometry)).toEqual([{ x: 0.5, y: 0, width: 10, height: 10 }]);
	});

	it("polygons: the outline of the member whose shape agrees best with the others'", () => {
		// bob's square lies between ann's and cy's: it overlaps each more than they overlap each other.
		const r = merge([
			{ member: 'ann', annotations: [polygon('a1', 'car', square(0, 0, 20))] },
			{ member: 'bob', annotations: [polygon('b1', 'car', square(2, 0, 20))] },
			{ member: 'cy', annotations: [polygon('c1', 'car', square(4, 0, 20))] }
		]);
		expect(r.outputs).toHaveLength(1);
		expect(r.outputs[0].annotation.geometry).toEqual({ points: square(2, 0, 20) });
	});

	it('class by vote; a tie goes to the best-agreeing member; attributes by vote among the winning class', () => {
		const r = merge([
			{ member: 'ann', annotations: [polygon('a1', 'car', square(0, 0, 20), { colour: 'red' })] },
			{ member: 'bob', annotations: [polygon('b1', 'van', square(2, 0, 20), { colour: 'blue' })] },
			{ member: 'cy', annotations: [polygon('c1', 'bus', square(4, 0, 20))] }
		]);
		// Three classes, one vote each: bob agrees best, so his class (and his attributes).
		expect(r.outputs[0].annotation.classId).toBe('van');
		expect(r.outputs[0].annotation.attributes).toEqual({ colour: 'blue' });

		const votes = merge([
			{ member: 'ann', annotations: [box('a1', 'car', 0, 0, 10, 10, { colour: 'red', parts: ['door', 'wheel'] })] },
			{ member: 'bob', annotations: [box('b1', 'car', 1, 0, 10, 10, { colour: 'blue', parts: ['wheel', 'door'] })] },
			{ member: 'cy', annotations: [box('c1', 'van', 2, 0, 10, 10, { colour: 'blue' })] }
		]);
		expect(votes.outputs[0].annotation.classId).toBe('car');
		// colour: red (ann) against blue (bob) among the cars: a tie; bob's box is the middle one, so his value
		// (and his spelling of the parts both gave).
		expect(votes.outputs[0].annotation.attributes).toEqual({ colour: 'blue', parts: ['wheel', 'door'] });
	});

	it('with two members and nothing to tell them apart, a tie goes to member order', () => {
		const r = merge([
			{ member: 'bob', annotations: [box('b1', 'van', 0, 0)] },
			{ member: 'ann', annotations: [box('a1', 'car', 0, 0)] }
		]);
		expect(r.outputs[0].annotation.classId).toBe('car'); // ann comes first
	});

	it('skeletons: each point averaged over the members who labelled it, its visibility by vote', () => {
		const face = (id: string, points: number[], visibility: number[]): QualityShape => ({ id, classId: 'face', type: 'skeleton', geometry: { points, visibility }, attributes: {} });
		const r = merge([
			{ member: 'ann', annotations: [face('a1', [70, 35, 30, 35, 50, 55, 67, 78, 33, 78], [2, 2, 2, 2, 0])] },
			{ member: 'bob', annotations: [face('b1', [72, 35, 30, 37, 50, 55, 67, 80, 35, 78], [2, 1, 2, 2, 2])] },
			{ member: 'cy', annotations: [face('c1', [71, 35, 30, 36, 50, 55, 67, 79, 34, 78], [2, 1, 2, 0, 2])] }
		]);
		expect(r.outputs).toHaveLength(1);
		const g = r.outputs[0].annotation.geometry as { points: number[]; visibility: number[] };
		expect(g.visibility).toEqual([2, 1, 2, 2, 2]);
		expect(g.points).toEqual([71, 35, 30, 36, 50, 55, 67, 79, 34.5, 78]);
	});

	it('keypoints averaged; tags kept by majority', () => {
		const kp = (id: string, x: number, y: number): QualityShape => ({ id, classId: 'car', type: 'keypoint', geometry: { x, y }, attributes: {} });
		const tag = (id: string): QualityShape => ({ id, classId: 'sunny', type: 'tag', geometry: {}, attributes: {} });
		const r = merge([
			{ member: 'ann', annotations: [kp('a1', 10, 10), tag('a2')] },
			{ member: 'bob', annotations: [kp('b1', 14, 12), tag('b2')] },
			{ member: 'cy', annotations: [] }
		]);
		expect(r.outputs.map((o) => [o.annotation.type, o.annotation.geometry])).toEqual([
			['keypoint', { x: 12, y: 11 }],
			['tag', {}]
		]);
	});
});

describe("a reviewer's picks", () => {
	const layers = (): MemberLayer[] => [
		{ member: 'ann', annotations: [box('a1', 'car', 0, 0), box('a2', 'car', 100, 100, 10, 10, { colour: 'red' })] },
		{ member: 'bob', annotations: [box('b1', 'van', 2, 0, 10, 10, { colour: 'blue' })] }
	];

	it("take one member's shape as it is, drop a group, keep a minority group", () => {
		const auto = merge(layers());
		expect(auto.outputs.map((o) => o.group)).toEqual(['ann/a1']);

		const r = merge(layers(), { 'ann/a1': { kind: 'take', member: 'bob' }, 'ann/a2': { kind: 'keep' } });
		expect(r.outputs.map((o) => [o.group, o.annotation.classId, o.annotation.geometry, o.annotation.attributes])).toEqual([
			['ann/a1', 'van', { x: 2, y: 0, width: 10, height: 10 }, { colour: 'blue' }],
			['ann/a2', 'car', { x: 100, y: 100, width: 10, height: 10 }, { colour: 'red' }]
		]);
		expect(r.decisions).toEqual([
			{ group: 'ann/a1', majority: true, kept: true },
			{ group: 'ann/a2', majority: false, kept: true }
		]);

		expect(merge(layers(), { 'ann/a1': { kind: 'drop' } }).outputs).toEqual([]);
	});

	it('the merged shapes are copies: editing one leaves the members\' shapes as they were', () => {
		const ls = layers();
		const r = merge(ls, { 'ann/a1': { kind: 'take', member: 'bob' } });
		(r.outputs[0].annotation.geometry as { x: number }).x = 999;
		(r.outputs[0].annotation.attributes as { colour: string }).colour = 'green';
		expect(ls[1].annotations[0].geometry).toEqual({ x: 2, y: 0, width: 10, height: 10 });
		expect(ls[1].annotations[0].attributes).toEqual({ colour: 'blue' });
	});
});
