import type { SkeletonTemplate } from './kind';

const COCO_PERSON_NAMES = [
	'nose',
	'left_eye',
	'right_eye',
	'left_ear',
	'right_ear',
	'left_shoulder',
	'right_shoulder',
	'left_elbow',
	'right_elbow',
	'left_wrist',
	'right_wrist',
	'left_hip',
	'right_hip',
	'left_knee',
	'right_knee',
	'left_ankle',
	'right_ankle'
];

/** A person facing the viewer (their left on the image's right), in a unit box. */
const COCO_PERSON_POSITIONS: [number, number][] = [
	[0.5, 0.08],
	[0.54, 0.06],
	[0.46, 0.06],
	[0.6, 0.08],
	[0.4, 0.08],
	[0.7, 0.22],
	[0.3, 0.22],
	[0.8, 0.38],
	[0.2, 0.38],
	[0.85, 0.52],
	[0.15, 0.52],
	[0.62, 0.55],
	[0.38, 0.55],
	[0.64, 0.77],
	[0.36, 0.77],
	[0.65, 0.97],
	[0.35, 0.97]
];

/** COCO's person_keypoints skeleton, exactly as its annotations list it (1-based). */
const COCO_PERSON_SKELETON_1_BASED: [number, number][] = [
	[16, 14],
	[14, 12],
	[17, 15],
	[15, 13],
	[12, 13],
	[6, 12],
	[7, 13],
	[6, 7],
	[6, 8],
	[7, 9],
	[8, 10],
	[9, 11],
	[2, 3],
	[1, 2],
	[1, 3],
	[2, 4],
	[3, 5],
	[4, 6],
	[5, 7]
];

export const COCO_PERSON: SkeletonTemplate = {
	points: COCO_PERSON_NAMES.map((name, i) => ({ name, x: COCO_PERSON_POSITIONS[i][0], y: COCO_PERSON_POSITIONS[i][1] })),
	edges: COCO_PERSON_SKELETON_1_BASED.map(([a, b]) => [a - 1, b - 1])
};

/** The 5 facial landmarks of face detectors (RetinaFace, MTCNN), face towards the viewer. */
export const FACE_5: SkeletonTemplate = {
	points: [
		{ name: 'left_eye', x: 0.7, y: 0.35 },
		{ name: 'right_eye', x: 0.3, y: 0.35 },
		{ name: 'nose', x: 0.5, y: 0.55 },
		{ name: 'mouth_left', x: 0.67, y: 0.78 },
		{ name: 'mouth_right', x: 0.33, y: 0.78 }
	],
	edges: [
		[0, 1],
		[0, 2],
		[1, 2],
		[2, 3],
		[2, 4],
		[3, 4]
	]
};

/** Templates offered when a class becomes a skeleton class. */
export const SKELETON_PRESETS: { id: string; label: string; template: SkeletonTemplate }[] = [
	{ id: 'coco-person', label: 'Person (COCO, 17 points)', template: COCO_PERSON },
	{ id: 'face-5', label: 'Face (5 landmarks)', template: FACE_5 }
];

/** A copy to edit: presets are shared and must never change. */
export function copyTemplate(t: SkeletonTemplate): SkeletonTemplate {
	return { points: t.points.map((p) => ({ ...p })), edges: t.edges.map(([a, b]) => [a, b]) };
}

export function renameTemplatePoint(t: SkeletonTemplate, i: number, name: string): SkeletonTemplate {
	return { points: t.points.map((p, k) => (k === i ? { ...p, name } : p)), edges: t.edges };
}

/** Adds a point in the middle of the box, named after its number. */
export function addTemplatePoint(t: SkeletonTemplate): SkeletonTemplate {
	return { points: [...t.points, { name: `point_${t.points.length + 1}`, x: 0.5, y: 0.5 }], edges: t.edges };
}

/** Removes point i, the edges that reach it, and renumbers the edges past it. */
export function removeTemplatePoint(t: SkeletonTemplate, i: number): SkeletonTemplate {
	const shift = (k: number) => (k > i ? k - 1 : k);
	return {
		points: t.points.filter((_, k) => k !== i),
		edges: t.edges.filter(([a, b]) => a !== i && b !== i).map(([a, b]) => [shift(a), shift(b)])
	};
}

/** Joins points a and b; an edge to itself, out of range or already there changes nothing. */
export function addTemplateEdge(t: SkeletonTemplate, a: number, b: number): SkeletonTemplate {
	const n = t.points.length;
	const valid = a !== b && a >= 0 && b >= 0 && a < n && b < n;
	if (!valid || t.edges.some(([x, y]) => (x === a && y === b) || (x === b && y === a))) return t;
	return { points: t.points, edges: [...t.edges, [a, b]] };
}

export function removeTemplateEdge(t: SkeletonTemplate, i: number): SkeletonTemplate {
	return { points: t.points, edges: t.edges.filter((_, k) => k !== i) };
}
