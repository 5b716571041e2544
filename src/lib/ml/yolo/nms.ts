/** A candidate box in any one frame, with what NMS needs. */
export interface Candidate {
	box: [number, number, number, number];
	classIndex: number;
	score: number;
}

export function iou(a: readonly number[], b: readonly number[]): number {
	const iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
	const ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
	const inter = iw * ih;
	const union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
	return union > 0 ? inter / union : 0;
}

/**
 * Class-wise greedy non-maximum suppression: highest score first, a box is dropped when it overlaps a
 * kept box of the same class by more than `iouThreshold`. Boxes of different classes never suppress
 * each other. At most `maxDetections` (Ultralytics' max_det) survive.
 */
export function nonMaxSuppression<T extends Candidate>(candidates: T[], iouThreshold: number, maxDetections = 300): T[] {
	const sorted = [...candidates].sort((a, b) => b.score - a.score);
	const kept: T[] = [];
	for (const c of sorted) {
		if (kept.length >= maxDetections) break;
		if (kept.some((k) => k.classIndex === c.classIndex && iou(k.box, c.box) > iouThreshold)) continue;
		kept.push(c);
	}
	return kept;
}
