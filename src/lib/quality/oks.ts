import { boundsOfFlat } from '$lib/geometry';
import { labeledPoints, type SkeletonGeometry, type SkeletonTemplate } from '$lib/shapes/skeleton/kind';

/**
 * Object keypoint similarity, exactly as COCO's evaluation computes it (pycocotools cocoeval.py
 * `computeOks`): e = d² / (2σ)² / (area + ε) / 2 per point, OKS = mean of exp(-e) over the ground
 * truth's labelled points; a ground truth with no labelled point is scored by how far each detected
 * point lies outside its box enlarged by the box's size on every side. A skeleton is read as the COCO
 * export writes it (formats/coco/write.ts): unlabelled points as (0, 0, 0), the box its own where it has
 * one, else its labelled points' box, and the area that box's.
 */

/** COCO's person keypoint sigmas (cocoeval.py Params.kpt_oks_sigmas), by COCO's keypoint names. */
export const COCO_PERSON_SIGMAS: Readonly<Record<string, number>> = {
	nose: 0.026,
	left_eye: 0.025,
	right_eye: 0.025,
	left_ear: 0.035,
	right_ear: 0.035,
	left_shoulder: 0.079,
	right_shoulder: 0.079,
	left_elbow: 0.072,
	right_elbow: 0.072,
	left_wrist: 0.062,
	right_wrist: 0.062,
	left_hip: 0.107,
	right_hip: 0.107,
	left_knee: 0.087,
	right_knee: 0.087,
	left_ankle: 0.089,
	right_ankle: 0.089
};

/** The sigma of a point that neither its class nor COCO's names give one (CVAT's default `oks_sigma`). */
export const DEFAULT_OKS_SIGMA = 0.09;

/** Per template point: the class's own sigma, else COCO's for a COCO keypoint name, else the default. */
export function sigmasOf(template: SkeletonTemplate): number[] {
	return template.points.map((p) => p.sigma ?? COCO_PERSON_SIGMAS[p.name] ?? DEFAULT_OKS_SIGMA);
}

/** A COCO keypoints annotation: flat (x, y, v) triples, bbox [x, y, w, h] and area. */
export interface CocoKeypoints {
	keypoints: readonly number[];
	bbox: readonly [number, number, number, number];
	area: number;
}

/** numpy's np.spacing(1): the area's guard against zero in cocoeval. */
const EPS = 2 ** -52;

/** cocoeval.py computeOks for one ground truth and one detection (same number of points as `sigmas`). */
export function computeOks(gt: CocoKeypoints, dt: { keypoints: readonly number[] }, sigmas: readonly number[]): number {
	const k = sigmas.length;
	const g = gt.keypoints,
		d = dt.keypoints;
	let k1 = 0;
	for (let i = 0; i < k; i++) if (g[3 * i + 2] > 0) k1++;
	const [bx, by, bw, bh] = gt.bbox;
	const x0 = bx - bw,
		x1 = bx + bw * 2;
	const y0 = by - bh,
		y1 = by + bh * 2;
	let sum = 0,
		count = 0;
	for (let i = 0; i < k; i++) {
		if (k1 > 0 && !(g[3 * i + 2] > 0)) continue;
		const xd = d[3 * i],
			yd = d[3 * i + 1];
		let dx: number, dy: number;
		if (k1 > 0) {
			dx = xd - g[3 * i];
			dy = yd - g[3 * i + 1];
		} else {
			dx = Math.max(0, x0 - xd) + Math.max(0, xd - x1);
			dy = Math.max(0, y0 - yd) + Math.max(0, yd - y1);
		}
		const vars = (sigmas[i] * 2) ** 2;
		const e = (dx ** 2 + dy ** 2) / vars / (gt.area + EPS) / 2;
		sum += Math.exp(-e);
		count++;
	}
	return count ? sum / count : 0;
}

/** A skeleton as the COCO export writes it. */
export function cocoKeypointsOf(g: SkeletonGeometry): CocoKeypoints {
	const keypoints: number[] = [];
	g.visibility.forEach((v, i) => (v ? keypoints.push(g.points[2 * i], g.points[2 * i + 1], v) : keypoints.push(0, 0, 0)));
	let bbox: [number, number, number, number];
	if (g.box) bbox = [g.box.x, g.box.y, g.box.width, g.box.height];
	else {
		const labeled = labeledPoints(g);
		const r = labeled.length ? boundsOfFlat(labeled) : { minX: 0, minY: 0, maxX: 0, maxY: 0 };
		bbox = [r.minX, r.minY, r.maxX - r.minX, r.maxY - r.minY];
	}
	return { keypoints, bbox, area: bbox[2] * bbox[3] };
}

/** OKS of a skeleton against a reference skeleton (the gold one), with the reference class's sigmas; 0 when they do not fit. */
export function skeletonOks(reference: SkeletonGeometry, other: SkeletonGeometry, sigmas: readonly number[]): number {
	if (reference.visibility.length !== sigmas.length || other.visibility.length !== sigmas.length) return 0;
	return computeOks(cocoKeypointsOf(reference), cocoKeypointsOf(other), sigmas);
}

/** Agreement of two members' skeletons (COCO form): neither is the reference, so the mean of OKS both ways, each with its own class's sigmas. */
export function oksBothWays(a: CocoKeypoints, sigmasA: readonly number[], b: CocoKeypoints, sigmasB: readonly number[]): number {
	return (computeOks(a, b, sigmasA) + computeOks(b, a, sigmasB)) / 2;
}

export function symmetricOks(a: SkeletonGeometry, sigmasA: readonly number[], b: SkeletonGeometry, sigmasB: readonly number[]): number {
	return oksBothWays(cocoKeypointsOf(a), sigmasA, cocoKeypointsOf(b), sigmasB);
}
