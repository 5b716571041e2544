// A member's shapes against gold (issue 16, item 2): TP / FP / FN per class, precision, recall and
// mean similarity, by hand; and the batch that the worker runs (here in Node, the client's fallback).
import { describe, expect, it } from 'vitest';
import { agreementInWorker, goldInWorker } from '$lib/quality/agreement-client';
import { figuresOf, scoreAgainstGold, sumGold } from '$lib/quality/gold';
import { DEFAULT_MATCH_SETTINGS, type QualityShape } from '$lib/quality/types';
import { FACE_5 } from '$lib/shapes/skeleton/templates';
import { box, cls } from '../fixtures/quality/shapes';

const classes = [cls('car'), cls('person'), cls('face', { skeleton: FACE_5 })];

// Gold: two cars and a person. The member: one car 2 px off (IoU 80 / 120), a car where the person is
// (right place, wrong class), and a car where nothing is.
const gold = [box('g1', 'car', 0, 0), box('g2', 'car', 100, 0), box('g3', 'person', 200, 0)];
const member = [box('m1', 'car', 2, 0), box('m2', 'car', 200, 0), box('m3', 'car', 400, 400)];

describe('scoreAgainstGold', () => {
	it('counts per class at the threshold, one-to-one, within a class', () => {
		const s = scoreAgainstGold(member, gold, classes, DEFAULT_MATCH_SETTINGS);
		expect(s.perClass).toEqual({
			car: { tp: 1, fp: 2, fn: 1, similaritySum: 80 / 120 },
			person: { tp: 0, fp: 0, fn: 1, similaritySum: 0 }
		});
		expect(s.matches).toEqual([{ shapeId: 'm1', goldId: 'g1', similarity: 80 / 120 }]);
		const f = figuresOf(s);
		expect([f.tp, f.fp, f.fn]).toEqual([1, 2, 2]);
		expect(f.precision).toBeCloseTo(1 / 3, 12);
		expect(f.recall).toBeCloseTo(1 / 3, 12);
		expect(f.similarity).toBeCloseTo(2 / 3, 12);
	});

	it('nothing drawn: precision unknown, recall 0; nothing in gold: recall unknown', () => {
		expect(figuresOf(scoreAgainstGold([], gold, classes, DEFAULT_MATCH_SETTINGS))).toMatchObject({ precision: null, recall: 0, similarity: null });
		expect(figuresOf(scoreAgainstGold(member, [], classes, DEFAULT_MATCH_SETTINGS))).toMatchObject({ precision: 0, recall: null });
	});

	it('skeletons are scored by OKS with gold as the ground truth', () => {
		const face = (id: string, dx: number): QualityShape => ({
			id,
			classId: 'face',
			type: 'skeleton',
			geometry: { points: [70 + dx, 35, 30, 35, 50, 55, 67, 78, 33, 78], visibility: [2, 2, 2, 2, 2], box: { x: 20, y: 20, width: 60, height: 70 } },
			attributes: {}
		});
		const s = scoreAgainstGold([face('m', 3)], [face('g', 0)], classes, DEFAULT_MATCH_SETTINGS);
		// One point 3 px off, gold box 60×70, sigma 0.025 (left_eye): e = 9 / 0.05² / 4200 / 2.
		expect(s.tp).toBe(1);
		expect(s.similaritySum).toBeCloseTo((4 + Math.exp(-9 / 0.05 ** 2 / 4200 / 2)) / 5, 12);
	});

	it('sums over images: pooled counts, not a mean of ratios', () => {
		const one = scoreAgainstGold(member, gold, classes, DEFAULT_MATCH_SETTINGS);
		const two = scoreAgainstGold([box('x', 'person', 0, 0)], [box('y', 'person', 0, 0)], classes, DEFAULT_MATCH_SETTINGS);
		const total = sumGold([one, two]);
		expect(total.images).toBe(2);
		expect(total.perClass.person).toEqual({ tp: 1, fp: 0, fn: 1, similaritySum: 1 });
		expect(figuresOf(total).precision).toBeCloseTo(2 / 4, 12);
	});
});

describe('the batch, as the worker runs it (computed here where there is no Worker)', () => {
	it('scores each member over gold images and totals them per class', async () => {
		const r = await goldInWorker({
			images: [
				{ imageId: 'i1', width: 640, height: 480, gold, layers: [{ member: 'bob', annotations: member }] },
				{ imageId: 'i2', width: 640, height: 480, gold: [box('y', 'person', 0, 0)], layers: [{ member: 'bob', annotations: [box('x', 'person', 0, 0)] }] }
			],
			classes,
			settings: { threshold: 0.5 }
		});
		expect(r.kind).toBe('gold');
		expect(r.members).toHaveLength(1);
		const bob = r.members[0];
		expect(bob).toMatchObject({ member: 'bob', tp: 2, fp: 2, fn: 2, images: 2 });
		expect(bob.perClass.map((c) => [c.classId, c.precision, c.recall])).toEqual([
			['car', 1 / 3, 1 / 2],
			['person', 1, 1 / 2]
		]);
	});

	it('agreement over images with project totals; an image that cannot be compared is reported, the rest still are', async () => {
		const r = await agreementInWorker({
			images: [
				{ imageId: 'i1', width: 640, height: 480, layers: [{ member: 'ann', annotations: [box('a1', 'car', 0, 0), box('a2', 'car', 50, 0)] }, { member: 'bob', annotations: [box('b1', 'car', 0, 0)] }] },
				{ imageId: 'i2', width: 640, height: 480, layers: [{ member: 'ann', annotations: [box('a3', 'person', 0, 0)] }, { member: 'bob', annotations: [box('b3', 'person', 0, 0)] }] },
				{ imageId: 'bad', width: 640, height: 480, layers: [{ member: 'ann', annotations: [{ id: 'm', classId: 'car', type: 'mask', geometry: { x: 0, y: 0, width: 2, height: 2, rle: '~~~' }, attributes: {} }] }, { member: 'bob', annotations: [] }] }
			],
			classes,
			settings: { threshold: 2 } // out of range: the default 0.5 is used
		});
		expect(r.images.map((i) => [i.imageId, i.ok])).toEqual([
			['i1', true],
			['i2', true],
			['bad', false]
		]);
		expect(r.totals.images).toBe(2);
		expect(r.totals.meanScore).toBeCloseTo((2 / 3 + 1) / 2, 12);
		expect(r.totals.perClass).toEqual([
			{ classId: 'car', score: 2 / 3, similarity: 1, shapes: 3 },
			{ classId: 'person', score: 1, similarity: 1, shapes: 2 }
		]);
		expect(r.totals.pairs).toEqual([{ members: ['ann', 'bob'], score: 4 / 5, images: 2 }]);
		expect(r.computeMs).toBeGreaterThanOrEqual(0);
	});
});
