// Agreement between members on one image (issue 16, items 1 and 3): values worked out by hand.
import { describe, expect, it } from 'vitest';
import { imageAgreement } from '$lib/quality/agreement';
import { DEFAULT_MATCH_SETTINGS, type QualityShape } from '$lib/quality/types';
import { FACE_5 } from '$lib/shapes/skeleton/templates';
import { box, cls } from '../fixtures/quality/shapes';

const classes = [cls('car'), cls('person'), cls('face', { skeleton: FACE_5 }), cls('sunny'), cls('night')];
const settings = DEFAULT_MATCH_SETTINGS;

const point = (id: string, x: number, y: number): QualityShape => ({ id, classId: 'person', type: 'keypoint', geometry: { x, y }, attributes: {} });

describe('two members', () => {
	it('A draws 3 boxes, B 2, two of them the same objects: 2·2 / 5 = 0.8', () => {
		const a = [box('a1', 'car', 0, 0), box('a2', 'car', 100, 0), box('a3', 'car', 200, 0)];
		const b = [box('b1', 'car', 1, 0), box('b2', 'car', 100, 1)];
		const r = imageAgreement([{ member: 'ann', annotations: a }, { member: 'bob', annotations: b }], classes, settings);
		expect(r.score).toBeCloseTo(0.8, 12);
		expect(r.pairs).toEqual([{ members: ['ann', 'bob'], score: 0.8, matched: 2, sameClass: 2, shapes: [3, 2] }]);
		expect(r.unmatched).toEqual({ ann: ['a3'], bob: [] });
		// IoU of a 10×10 box moved by 1 px: 90 / 110.
		expect(r.similarity).toBeCloseTo(90 / 110, 12);
		expect(r.metrics.iou).toEqual({ sum: 2 * (90 / 110), count: 2 });
		expect(r.perClass).toEqual([expect.objectContaining({ classId: 'car', score: 0.8, shapes: 5 })]);
		expect(r.groups.map((g) => [g.id, g.entries.map((e) => e.shapeId), g.lone])).toEqual([
			['ann/a1', ['a1', 'b1'], false],
			['ann/a2', ['a2', 'b2'], false],
			['ann/a3', ['a3'], true]
		]);
	});

	it('both empty: 1; one empty: 0', () => {
		expect(imageAgreement([{ member: 'ann', annotations: [] }, { member: 'bob', annotations: [] }], classes, settings).score).toBe(1);
		expect(imageAgreement([{ member: 'ann', annotations: [box('a1', 'car', 0, 0)] }, { member: 'bob', annotations: [] }], classes, settings).score).toBe(0);
	});

	it('a class mismatch is matched but does not count as agreement; it is listed', () => {
		const r = imageAgreement([{ member: 'ann', annotations: [box('a1', 'car', 0, 0)] }, { member: 'bob', annotations: [box('b1', 'person', 0, 0)] }], classes, settings);
		expect(r.score).toBe(0);
		expect(r.classMismatches).toEqual([{ members: ['ann', 'bob'], shapes: ['a1', 'b1'], classes: ['car', 'person'], similarity: 1 }]);
		expect(r.groups).toHaveLength(1);
		expect(r.groups[0].classMismatch).toBe(true);
		expect(r.perClass.map((c) => [c.classId, c.score])).toEqual([
			['car', 0],
			['person', 0]
		]);
	});

	it('a same-class pair wins over a different-class pair of similar geometry', () => {
		// B's person box sits exactly on A's car; B's car is 1 px off. The car pair is matched.
		const r = imageAgreement(
			[
				{ member: 'ann', annotations: [box('a1', 'car', 0, 0)] },
				{ member: 'bob', annotations: [box('b1', 'person', 0, 0), box('b2', 'car', 1, 0)] }
			],
			classes,
			settings
		);
		expect(r.groups[0].entries.map((e) => e.shapeId)).toEqual(['a1', 'b2']);
		expect(r.score).toBeCloseTo((2 * 1) / 3, 12);
		expect(r.unmatched.bob).toEqual(['b1']);
	});

	it('below the threshold is no match; the reviewer\'s threshold decides', () => {
		// Shifted by 5 px: IoU 50 / 150 = 1/3.
		const layers = [
			{ member: 'ann', annotations: [box('a1', 'car', 0, 0)] },
			{ member: 'bob', annotations: [box('b1', 'car', 5, 0)] }
		];
		expect(imageAgreement(layers, classes, settings).score).toBe(0);
		expect(imageAgreement(layers, classes, { ...settings, threshold: 0.3 }).score).toBe(1);
	});

	it('keypoints match within D px, similarity 1 − d / D', () => {
		const r = imageAgreement([{ member: 'ann', annotations: [point('a1', 10, 10), point('a2', 50, 50)] }, { member: 'bob', annotations: [point('b1', 13, 14), point('b2', 62, 50)] }], classes, settings);
		expect(r.pairs[0].sameClass).toBe(1); // 5 px: a match; 12 px: none
		expect(r.metrics.distance).toEqual({ sum: 0.5, count: 1 });
	});

	it('polylines by the symmetric mean distance of points along both', () => {
		const line = (id: string, y: number): QualityShape => ({ id, classId: 'car', type: 'polyline', geometry: { points: [0, y, 50, y, 100, y] }, attributes: {} });
		const r = imageAgreement([{ member: 'ann', annotations: [line('a1', 10)] }, { member: 'bob', annotations: [line('b1', 12)] }], classes, settings);
		expect(r.score).toBe(1);
		expect(r.similarity).toBeCloseTo(0.8, 12);
	});

	it('skeletons by OKS, both ways', () => {
		const face = (id: string, dx: number): QualityShape => ({
			id,
			classId: 'face',
			type: 'skeleton',
			geometry: { points: [70 + dx, 35, 30 + dx, 35, 50 + dx, 55, 67, 78, 33, 78], visibility: [2, 2, 2, 2, 2] },
			attributes: {}
		});
		const r = imageAgreement([{ member: 'ann', annotations: [face('a1', 0)] }, { member: 'bob', annotations: [face('b1', 1)] }], classes, settings);
		expect(r.score).toBe(1);
		expect(r.metrics.oks!.count).toBe(1);
		expect(r.similarity).toBeGreaterThan(0.9);
		expect(r.similarity).toBeLessThan(1);
	});

	it('tags agree when both gave the same class; a box never matches a tag', () => {
		const tag = (id: string, classId: string): QualityShape => ({ id, classId, type: 'tag', geometry: {}, attributes: {} });
		const r = imageAgreement(
			[
				{ member: 'ann', annotations: [tag('a1', 'sunny'), box('a2', 'car', 0, 0)] },
				{ member: 'bob', annotations: [tag('b1', 'sunny'), tag('b2', 'night')] }
			],
			classes,
			settings
		);
		expect(r.score).toBeCloseTo(2 / 4, 12);
		expect(r.unmatched).toEqual({ ann: ['a2'], bob: ['b2'] });
	});

	it('lists the attributes whose values differ on matched same-class pairs (a multiselect as a set)', () => {
		const r = imageAgreement(
			[
				{ member: 'ann', annotations: [box('a1', 'car', 0, 0, 10, 10, { colour: 'red', parts: ['door', 'wheel'], parked: true })] },
				{ member: 'bob', annotations: [box('b1', 'car', 0, 0, 10, 10, { colour: 'blue', parts: ['wheel', 'door'] })] }
			],
			classes,
			settings
		);
		expect(r.attributeDifferences).toEqual([{ members: ['ann', 'bob'], shapes: ['a1', 'b1'], attributes: ['colour', 'parked'] }]);
		expect(r.groups[0].attributeDiffs).toEqual(['colour', 'parked']);
		expect(r.score).toBe(1); // attributes are shown, not scored
	});

	it('per class: each class its own 2·matched / shapes', () => {
		const r = imageAgreement(
			[
				{ member: 'ann', annotations: [box('a1', 'car', 0, 0), box('a2', 'person', 100, 0), box('a3', 'person', 200, 0)] },
				{ member: 'bob', annotations: [box('b1', 'car', 0, 0), box('b2', 'person', 300, 0)] }
			],
			classes,
			settings
		);
		expect(r.perClass.map((c) => [c.classId, c.score, c.shapes])).toEqual([
			['car', 1, 2],
			['person', 0, 3]
		]);
		expect(r.score).toBeCloseTo(2 / 5, 12);
	});
});

describe('k members', () => {
	const three = () => [
		{ member: 'cy', annotations: [box('c1', 'car', 2, 0), box('c2', 'car', 500, 500)] },
		{ member: 'ann', annotations: [box('a1', 'car', 0, 0)] },
		{ member: 'bob', annotations: [box('b1', 'car', 1, 0)] }
	];

	it('the mean over member pairs; groups gathered across all members, in member order', () => {
		const r = imageAgreement(three(), classes, settings);
		expect(r.members).toEqual(['ann', 'bob', 'cy']);
		// ann–bob 1, ann–cy 2/3, bob–cy 2/3.
		expect(r.score).toBeCloseTo((1 + 2 / 3 + 2 / 3) / 3, 12);
		expect(r.groups.map((g) => g.entries.map((e) => `${e.member}:${e.shapeId}`))).toEqual([['ann:a1', 'bob:b1', 'cy:c1'], ['cy:c2']]);
		expect(r.unmatched).toEqual({ ann: [], bob: [], cy: ['c2'] });
		// bob's box is in the middle: it agrees best with the others.
		const agreement = Object.fromEntries(r.groups[0].entries.map((e) => [e.member, e.agreement]));
		expect(agreement.bob).toBeGreaterThan(agreement.ann);
		expect(agreement.bob).toBeGreaterThan(agreement.cy);
	});

	it('is the same whatever order the layers and shapes come in (every peer shows the same)', () => {
		const a = imageAgreement(three(), classes, settings);
		const shuffled = three()
			.reverse()
			.map((l) => ({ ...l, annotations: [...l.annotations].reverse() }));
		expect(imageAgreement(shuffled, classes, settings)).toEqual(a);
	});
});
