// The label quality benchmark's data and its Node figure, bundled for Node by tests/bench/quality.js:
// two members' layers over many images, the second member's shapes jittered copies of the first's
// with some missing, some extra and some of another class.
import { seededRandom } from '$lib/geometry/random';
import { CLASS_DEFAULTS, type ClassRecord } from '$lib/model/records';
import { runQuality, type AgreementRequest } from '$lib/quality/batch';
import type { QualityShape } from '$lib/quality/types';
import { encodeMask } from '$lib/shapes/mask/rle';
import { COCO_PERSON } from '$lib/shapes/skeleton/templates';

export interface QualityBenchOptions {
	images: number;
	shapes: number;
	seed: number;
}

const WIDTH = 1920,
	HEIGHT = 1080;

const classes: ClassRecord[] = ['car', 'person', 'bike', 'sign', 'pose'].map((name, order) => ({
	...CLASS_DEFAULTS,
	id: name,
	name,
	color: '#3366aa',
	hotkey: null,
	order,
	skeleton: name === 'pose' ? COCO_PERSON : null
}));

/** The mix per 50 shapes: 25 boxes, 12 polygons of ~20 points, 4 masks, 5 keypoints, 4 skeletons (COCO person). */
const MIX: [QualityShape['type'], number][] = [
	['box', 25],
	['polygon', 12],
	['mask', 4],
	['keypoint', 5],
	['skeleton', 4]
];

export function qualityBenchRequest({ images, shapes, seed }: QualityBenchOptions): AgreementRequest {
	const rand = seededRandom(seed);
	const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
	const jitter = (v: number, d: number) => Math.round((v + between(-d, d)) * 1000) / 1000;
	let next = 0;
	const id = () => `s${(next++).toString(36).padStart(6, '0')}`;
	const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];

	function original(type: QualityShape['type']): QualityShape {
		const cx = between(120, WIDTH - 120),
			cy = between(120, HEIGHT - 120);
		const size = between(20, 180);
		const classId = type === 'skeleton' ? 'pose' : pick(['car', 'person', 'bike', 'sign']);
		const base = { id: id(), classId, attributes: {} };
		switch (type) {
			case 'box':
				return { ...base, type, geometry: { x: cx - size / 2, y: cy - size / 3, width: size, height: (size * 2) / 3 } };
			case 'polygon': {
				const points: number[] = [];
				for (let i = 0; i < 20; i++) {
					const a = (i / 20) * 2 * Math.PI,
						r = (size / 2) * between(0.7, 1);
					points.push(Math.round((cx + r * Math.cos(a)) * 1000) / 1000, Math.round((cy + r * Math.sin(a)) * 1000) / 1000);
				}
				return { ...base, type, geometry: { points } };
			}
			case 'mask': {
				const w = Math.round(between(30, 90)),
					h = Math.round(between(30, 90));
				const bits = new Uint8Array(w * h);
				for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) bits[j * w + i] = ((i - w / 2) / (w / 2)) ** 2 + ((j - h / 2) / (h / 2)) ** 2 < 1 ? 1 : 0;
				return { ...base, type, geometry: { x: Math.round(cx), y: Math.round(cy), width: w, height: h, rle: encodeMask(bits, w, h) } };
			}
			case 'keypoint':
				return { ...base, type, geometry: { x: cx, y: cy } };
			case 'skeleton': {
				const s = size * 1.5;
				const points = COCO_PERSON.points.flatMap((p) => [cx + (p.x - 0.5) * s * 0.6, cy + (p.y - 0.5) * s]);
				const visibility = COCO_PERSON.points.map(() => (rand() < 0.85 ? 2 : rand() < 0.5 ? 1 : 0));
				return { ...base, type, geometry: { points, visibility } };
			}
			default:
				throw new Error(`No bench shape of type ${type}`);
		}
	}

	/** Another member's drawing of the same object: a few pixels off, sometimes another class. */
	function copy(s: QualityShape): QualityShape {
		const classId = s.type !== 'skeleton' && rand() < 0.05 ? pick(['car', 'person', 'bike', 'sign']) : s.classId;
		const out = { ...s, id: id(), classId };
		const g = s.geometry as Record<string, unknown>;
		switch (s.type) {
			case 'box':
				return { ...out, geometry: { x: jitter(g.x as number, 2), y: jitter(g.y as number, 2), width: jitter(g.width as number, 2), height: jitter(g.height as number, 2) } };
			case 'polygon':
				return { ...out, geometry: { points: (g.points as number[]).map((v) => jitter(v, 1.5)) } };
			case 'mask':
				return { ...out, geometry: { ...g, x: (g.x as number) + Math.round(between(-2, 2)), y: (g.y as number) + Math.round(between(-2, 2)) } as QualityShape['geometry'] };
			case 'keypoint':
				return { ...out, geometry: { x: jitter(g.x as number, 3), y: jitter(g.y as number, 3) } };
			case 'skeleton':
				return { ...out, geometry: { points: (g.points as number[]).map((v) => jitter(v, 2)), visibility: g.visibility as number[] } };
			default:
				return out;
		}
	}

	const total = MIX.reduce((s, [, n]) => s + n, 0);
	const list: AgreementRequest['images'] = [];
	for (let i = 0; i < images; i++) {
		const first: QualityShape[] = [];
		for (const [type, n] of MIX) for (let k = 0; k < Math.round((n * shapes) / total); k++) first.push(original(type));
		const second: QualityShape[] = [];
		for (const s of first) if (rand() >= 0.08) second.push(copy(s)); // 8 % missed
		for (let k = 0; k < Math.round(shapes * 0.04); k++) second.push(original(pick(MIX)[0])); // 4 % extra
		list.push({ imageId: `img${i}`, width: WIDTH, height: HEIGHT, layers: [{ member: 'ann', annotations: first }, { member: 'bob', annotations: second }] });
	}
	return { kind: 'agreement', images: list, classes, settings: { threshold: 0.5, pointDistance: 10 } };
}

/** The same request computed in Node (no worker): median wall time of `runs`. */
export function runQualityInNode(request: AgreementRequest, runs: number) {
	const times: number[] = [];
	let result = runQuality(request);
	for (let r = 0; r < runs; r++) {
		const t0 = performance.now();
		result = runQuality(request);
		times.push(performance.now() - t0);
	}
	times.sort((a, b) => a - b);
	return { medianMs: times[Math.floor(times.length / 2)], meanScore: result.totals.meanScore, similarity: result.totals.similarity, failed: result.images.filter((i) => !i.ok).length };
}
