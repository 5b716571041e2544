import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'vitest';
import { withGeometry, type Dataset, type DatasetAnnotation, type DatasetAnnotationFields } from '$lib/formats/dataset';
import type { DatasetFile } from '$lib/formats/files';
import { encodeMask } from '$lib/shapes/mask/rle';

/** The shared fixtures of real files written by other tools (outside the repository). */
export const FIXTURES = join(__dirname, '../../../../shared/fixtures');
export const haveFixtures = existsSync(FIXTURES);

/** Every file under `dir` as the formats take them: paths relative to `dir`, '/'-separated, sorted. */
export function filesUnder(dir: string, only?: (path: string) => boolean): DatasetFile[] {
	const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
	return walk(dir)
		.map((p) => relative(dir, p).split('\\').join('/'))
		.filter((p) => !only || only(p))
		.sort()
		.map((path) => ({ path, bytes: new Uint8Array(readFileSync(join(dir, path))) }));
}

export const textFile = (path: string, text: string): DatasetFile => ({ path, bytes: new TextEncoder().encode(text) });

export const decodeText = (f: DatasetFile | undefined) => (f ? new TextDecoder().decode(f.bytes) : '');

export function fileAt(path: string, as = path.slice(path.lastIndexOf('/') + 1)): DatasetFile {
	return { path: as, bytes: new Uint8Array(readFileSync(path)) };
}

/** A 6 × 5 mask crop (a ring with a hole) as the document stores it. */
function ringMask() {
	const w = 6,
		h = 5;
	const bits = new Uint8Array(w * h).map((_, i) => (i % w === 2 && Math.floor(i / w) === 2 ? 0 : 1));
	return { x: 10, y: 12, width: w, height: h, rle: encodeMask(bits, w, h) };
}

/** One image with an annotation of every type whose geometry has non-integer coordinates. */
export function everyTypeDataset(): Dataset {
	const image = 'dir/a.jpg';
	const a = (type: DatasetAnnotation['type'], className: string, geometry: unknown, more: Partial<DatasetAnnotationFields> = {}): DatasetAnnotation => withGeometry({ image, className, ...more }, type, geometry);
	return {
		images: [
			{ name: image, width: 200, height: 100 },
			{ name: 'b.png', width: 64, height: 48 }
		],
		classes: [
			{
				name: 'car',
				color: '#ff8800',
				attributes: [
					{ id: 'car:colour', name: 'colour', kind: 'select', options: ['red', 'blue'], min: null, max: null, default: 'red', required: false },
					{ id: 'car:parked', name: 'parked', kind: 'checkbox', options: [], min: null, max: null, default: false, required: false },
					{ id: 'car:doors', name: 'doors', kind: 'number', options: [], min: 0, max: 5, default: 4, required: false },
					{ id: 'car:plate', name: 'plate', kind: 'text', options: [], min: null, max: null, default: null, required: false }
				]
			},
			{ name: 'person', color: '#00ff00', skeleton: { points: [{ name: 'head', x: 0.5, y: 0 }, { name: 'left hand', x: 0, y: 0.5 }, { name: 'right hand', x: 1, y: 0.5 }], edges: [[0, 1], [0, 2]] } },
			{ name: 'lane' },
			{ name: 'sunny' }
		],
		annotations: [
			a('box', 'car', { x: 10.25, y: 20.5, width: 30.125, height: 15.75 }, { attributes: { colour: 'blue', parked: true, doors: 3, plate: 'AB 12' }, instanceId: 7 }),
			a('rotatedBox', 'car', { cx: 100.5, cy: 50.25, width: 40.5, height: 20.25, angle: -30.5 }),
			a('polygon', 'car', { points: [10.5, 10.25, 60.75, 12.5, 40.125, 70.5] }),
			a('polyline', 'lane', { points: [1.5, 2.5, 150.25, 90.75, 190, 10] }),
			a('keypoint', 'lane', { x: 33.3, y: 44.4 }),
			a('ellipse', 'car', { cx: 120.5, cy: 40.25, rx: 20.5, ry: 10.25, angle: 25.5 }),
			a('cuboid', 'car', { points: [20, 20, 60, 20, 60, 60, 20, 60, 30.5, 10.5, 70.5, 10.5, 70.5, 50.5, 30.5, 50.5] }),
			a('mask', 'car', ringMask()),
			a('skeleton', 'person', { points: [50.5, 10.5, 40.25, 30.75, 60, 30], visibility: [2, 1, 0] }),
			a('tag', 'sunny', {})
		]
	};
}

/** Geometry equal within `eps` number by number (rle strings exactly). */
export function expectGeometryClose(actual: unknown, expected: unknown, eps = 1e-9, where = ''): void {
	if (typeof expected === 'number') {
		expect(typeof actual, where).toBe('number');
		expect(Math.abs((actual as number) - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(eps);
	} else if (Array.isArray(expected)) {
		expect(Array.isArray(actual), where).toBe(true);
		expect((actual as unknown[]).length, where).toBe(expected.length);
		expected.forEach((e, i) => expectGeometryClose((actual as unknown[])[i], e, eps, `${where}[${i}]`));
	} else if (expected && typeof expected === 'object') {
		expect(Object.keys(actual as object).sort(), where).toEqual(Object.keys(expected).sort());
		for (const [k, v] of Object.entries(expected)) expectGeometryClose((actual as Record<string, unknown>)[k], v, eps, `${where}.${k}`);
	} else expect(actual, where).toEqual(expected);
}

/** Annotations of a type, in order. */
export const ofType = (d: Dataset, type: DatasetAnnotation['type']) => d.annotations.filter((a) => a.type === type);
