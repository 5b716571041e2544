// OKS exactly as COCO's evaluation computes it (cocoeval.py computeOks), on vectors written by a
// transcription of it (tests/fixtures/quality/compute_oks.py), and the sigmas a skeleton class gets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COCO_PERSON_SIGMAS, computeOks, DEFAULT_OKS_SIGMA, sigmasOf, skeletonOks, symmetricOks, type CocoKeypoints } from '$lib/quality/oks';
import type { SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import { COCO_PERSON, FACE_5 } from '$lib/shapes/skeleton/templates';

interface OksCase {
	name: string;
	sigmas: number[];
	gts: CocoKeypoints[];
	dts: { keypoints: number[] }[];
	oks: number[][];
}

const vectors = JSON.parse(readFileSync(join(__dirname, '../fixtures/quality/oks_vectors.json'), 'utf8')) as { about: string; cases: OksCase[] };

/** A COCO keypoints triple list as a skeleton, its box the given bbox (the area is then the box's, as in every vector). */
function skeletonOf(keypoints: readonly number[], bbox?: readonly number[]): SkeletonGeometry {
	const points: number[] = [];
	const visibility: number[] = [];
	for (let i = 0; i < keypoints.length; i += 3) {
		points.push(keypoints[i], keypoints[i + 1]);
		visibility.push(keypoints[i + 2]);
	}
	return bbox ? { points, visibility, box: { x: bbox[0], y: bbox[1], width: bbox[2], height: bbox[3] } } : { points, visibility };
}

describe("OKS against pycocotools' computeOks (tests/fixtures/quality/oks_vectors.json)", () => {
	it('has the cases the vectors promise, from their stated source', () => {
		expect(vectors.about).toContain('cocoeval.py');
		const names = vectors.cases.map((c) => c.name).join(' | ');
		for (const word of ['all visible', 'unlabelled', 'without labelled points', 'small object', 'sigmas', 'COCO person']) expect(names).toContain(word);
	});

	for (const c of vectors.cases)
		it(c.name, () => {
			for (let j = 0; j < c.gts.length; j++)
				for (let i = 0; i < c.dts.length; i++) {
					expect(Math.abs(computeOks(c.gts[j], c.dts[i], c.sigmas) - c.oks[i][j]), `dt ${i} vs gt ${j}`).toBeLessThan(1e-9);
					// The same through skeletons as the document holds them, the gt's box its own.
					const gt = skeletonOf(c.gts[j].keypoints, c.gts[j].bbox);
					expect(Math.abs(skeletonOks(gt, skeletonOf(c.dts[i].keypoints), c.sigmas) - c.oks[i][j])).toBeLessThan(1e-9);
				}
		});

	it('a skeleton without a box takes its labelled points\' box and that box\'s area', () => {
		const gt = skeletonOf([0, 0, 2, 10, 0, 2, 0, 20, 2, 99, 99, 0]);
		const dt = skeletonOf([1, 0, 2, 10, 1, 2, 0, 20, 2, 50, 50, 2]);
		const expected = computeOks({ keypoints: [0, 0, 2, 10, 0, 2, 0, 20, 2, 0, 0, 0], bbox: [0, 0, 10, 20], area: 200 }, { keypoints: [1, 0, 2, 10, 1, 2, 0, 20, 2, 50, 50, 2] }, [0.09, 0.09, 0.09, 0.09]);
		expect(skeletonOks(gt, dt, [0.09, 0.09, 0.09, 0.09])).toBe(expected);
		expect(expected).toBeCloseTo((2 * Math.exp(-1 / (0.18 ** 2) / 200 / 2) + 1) / 3, 12);
	});

	it('between two members: the mean of both ways', () => {
		const a = skeletonOf([0, 0, 2, 10, 0, 2, 0, 20, 2]);
		const b = skeletonOf([1, 1, 2, 12, 0, 2, 0, 30, 2]);
		const s = [0.05, 0.05, 0.05];
		expect(symmetricOks(a, s, b, s)).toBeCloseTo((skeletonOks(a, b, s) + skeletonOks(b, a, s)) / 2, 14);
		expect(skeletonOks(a, b, s)).not.toBeCloseTo(skeletonOks(b, a, s), 3); // the areas differ: the two ways do
	});
});

describe('sigmas of a skeleton class', () => {
	it("COCO's person sigmas by point name, 0.09 for other names, a class's own sigma first", () => {
		expect(sigmasOf(COCO_PERSON)).toEqual([0.026, 0.025, 0.025, 0.035, 0.035, 0.079, 0.079, 0.072, 0.072, 0.062, 0.062, 0.107, 0.107, 0.087, 0.087, 0.089, 0.089]);
		expect(Object.keys(COCO_PERSON_SIGMAS)).toEqual(COCO_PERSON.points.map((p) => p.name));
		expect(sigmasOf(FACE_5)).toEqual([0.025, 0.025, 0.026, DEFAULT_OKS_SIGMA, DEFAULT_OKS_SIGMA]);
		const own = { ...FACE_5, points: FACE_5.points.map((p, i) => (i === 3 ? { ...p, sigma: 0.5 } : p)) };
		expect(sigmasOf(own)[3]).toBe(0.5);
	});
});
