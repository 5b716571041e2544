import { describe, expect, it } from 'vitest';
import type { Dataset } from '$lib/formats/dataset';
import { labelMeCodec } from '$lib/formats/labelme';
import { POINTS_ONLY_CLASS } from '$lib/formats/labelme/groups';
import { MAX_TEMPLATE_POINTS } from '$lib/model/limits';
import type { SkeletonGeometry } from '$lib/shapes/skeleton/kind';

import { corners, decode, encode, lmShape, PEOPLE, xAnyLabelingFile, xShape, type Pt } from './support/xanylabeling';

const read = (...docs: { path: string; bytes: Uint8Array }[]) => labelMeCodec.read(docs);

describe('LabelMe / X-AnyLabeling: a rectangle and named points sharing a group_id are one skeleton', () => {
	it('reads each person as one skeleton of the rectangle’s class, with its box; names first-seen across the group', () => {
		const { dataset, warnings } = read(xAnyLabelingFile());
		expect(warnings).toEqual([]);
		expect(dataset.annotations.map((a) => [a.type, a.className, a.instanceId])).toEqual([
			['skeleton', 'person', 0],
			['skeleton', 'person', 1]
		]);
		const names = [...new Set([...Object.keys(PEOPLE.one.points), ...Object.keys(PEOPLE.two.points)])];
		expect(dataset.classes).toHaveLength(1);
		expect(dataset.classes[0].skeleton?.points.map((p) => p.name)).toEqual(names);
		[PEOPLE.one, PEOPLE.two].forEach((person, k) => {
			const g = dataset.annotations[k].geometry as SkeletonGeometry;
			const [x0, y0, x1, y1] = person.box;
			expect(g.box).toEqual({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
			names.forEach((name, i) => {
				const p = person.points[name];
				expect(g.visibility[i], name).toBe(!p ? 0 : name === 'left_shoulder' ? 1 : 2);
				if (p) expect([g.points[i * 2], g.points[i * 2 + 1]]).toEqual(p);
			});
		});
		// The score is the rectangle's (the object's).
		expect(dataset.annotations[0].score).toBe(0.93);
	});

	it('the template takes names in first-seen order across the files; a point missing from a group is not labeled', () => {
		const later = {
			path: 'later.json',
			bytes: encode({ version: '2.4.0', flags: {}, shapes: [xShape('person', 'rectangle', corners(10, 10, 60, 90), 4), xShape('tail', 'point', [[30, 80]], 4)], imagePath: 'later.jpg', imageData: null, imageHeight: 100, imageWidth: 100 })
		};
		const { dataset } = read(xAnyLabelingFile(), later);
		const names = dataset.classes[0].skeleton!.points.map((p) => p.name);
		expect(names.at(-1)).toBe('tail');
		const g = dataset.annotations[2].geometry as SkeletonGeometry;
		expect(g.visibility).toEqual(names.map((n) => (n === 'tail' ? 2 : 0)));
		// Not-labeled points wait inside the box, where the template puts them, for a drag to label them.
		for (let i = 0; i < names.length; i++) {
			expect(g.points[i * 2]).toBeGreaterThanOrEqual(10);
			expect(g.points[i * 2]).toBeLessThanOrEqual(60);
		}
	});

	it('LabelMe 5.x points sharing a group_id with no rectangle: the class whose names hold them, else "pose"', () => {
		const doc = {
			shapes: [
				lmShape('person', 'rectangle', [[10, 10], [90, 90]], 2),
				lmShape('nose', 'point', [[50, 20]], 2),
				lmShape('left_eye', 'point', [[55, 15]], 2),
				lmShape('nose', 'point', [[150, 120]], 5),
				lmShape('left_eye', 'point', [[155, 115]], 5),
				lmShape('TL', 'point', [[1, 1]], 6),
				lmShape('BR', 'point', [[9, 9]], 6)
			],
			imageWidth: 200,
			imageData: null,
			flags: {},
			version: '5.5.0',
			imageHeight: 200,
			imagePath: 'a.jpg'
		};
		const { dataset } = read({ path: 'a.json', bytes: encode(doc) });
		expect(dataset.annotations.map((a) => [a.type, a.className, a.instanceId])).toEqual([
			['skeleton', 'person', 2],
			['skeleton', 'person', 5],
			['skeleton', POINTS_ONLY_CLASS, 6]
		]);
		expect(dataset.classes.find((c) => c.name === POINTS_ONLY_CLASS)?.skeleton?.points.map((p) => p.name)).toEqual(['TL', 'BR']);
		expect((dataset.annotations[1].geometry as SkeletonGeometry).box).toBeUndefined();
	});

	it('other uses of group_id read as before: repeated labels, the class as a point label, other shapes, one point alone, two rectangles', () => {
		const doc = {
			version: '5.5.0',
			flags: {},
			shapes: [
				// Four corners of one plate: the same label, so not keypoint names.
				...corners(10, 10, 40, 20).map((p) => lmShape('corner', 'point', [p], 3)),
				// A box and a polygon of one instance.
				lmShape('car', 'rectangle', [[50, 50], [90, 80]], 4),
				lmShape('car', 'polygon', [[50, 50], [90, 50], [70, 80]], 4),
				// Points labelled with the rectangle's class.
				lmShape('dog', 'rectangle', [[100, 100], [150, 150]], 7),
				lmShape('dog', 'point', [[120, 120]], 7),
				// One point alone in its group.
				lmShape('nose', 'point', [[5, 5]], 8),
				// Two rectangles and a point.
				lmShape('a', 'rectangle', [[0, 0], [10, 10]], 9),
				lmShape('b', 'rectangle', [[20, 20], [30, 30]], 9),
				lmShape('tip', 'point', [[5, 5]], 9)
			],
			imagePath: 'b.jpg',
			imageData: null,
			imageHeight: 200,
			imageWidth: 200
		};
		const { dataset } = read({ path: 'b.json', bytes: encode(doc) });
		expect(dataset.annotations.map((a) => [a.type, a.className, a.instanceId])).toEqual([
			['keypoint', 'corner', 3],
			['keypoint', 'corner', 3],
			['keypoint', 'corner', 3],
			['keypoint', 'corner', 3],
			['box', 'car', 4],
			['polygon', 'car', 4],
			['box', 'dog', 7],
			['keypoint', 'dog', 7],
			['keypoint', 'nose', 8],
			['box', 'a', 9],
			['box', 'b', 9],
			['keypoint', 'tip', 9]
		]);
		expect(dataset.classes.every((c) => !c.skeleton)).toBe(true);
	});

	it('a class whose groups name more keypoints than a template may hold is read as boxes and loose keypoints, with a warning', () => {
		const n = MAX_TEMPLATE_POINTS + 1;
		const shapes = [lmShape('crowd', 'rectangle', [[0, 0], [99, 99]], 1), ...Array.from({ length: n }, (_, i) => lmShape(`p${i}`, 'point', [[i % 100, 1]], 1))];
		const { dataset, warnings } = read({ path: 'c.json', bytes: encode({ version: '5.5.0', flags: {}, shapes, imagePath: 'c.jpg', imageData: null, imageHeight: 100, imageWidth: 100 }) });
		expect(dataset.annotations).toHaveLength(1 + n);
		expect(warnings.join('\n')).toMatch(new RegExp(`class "crowd".*more than ${MAX_TEMPLATE_POINTS}`));
		// Exactly at the cap it is one skeleton.
		const atCap = shapes.slice(0, 1 + MAX_TEMPLATE_POINTS);
		const r = read({ path: 'c.json', bytes: encode({ version: '5.5.0', flags: {}, shapes: atCap, imagePath: 'c.jpg', imageData: null, imageHeight: 100, imageWidth: 100 }) });
		expect(r.dataset.annotations.map((a) => a.type)).toEqual(['skeleton']);
	});

	it('writes each skeleton back as a rectangle and one point per labeled point, sharing a group_id no other shape of the file has', () => {
		const first = read(xAnyLabelingFile()).dataset;
		// Another annotation of the image already holds group_id 0, the first person's.
		first.annotations.push({ image: 'crowd.jpg', className: 'car', type: 'box', geometry: { x: 1, y: 1, width: 5, height: 5 }, instanceId: 0 });
		const out = labelMeCodec.write(first, { includeImages: false });
		const shapes: { label: string; shape_type: string; group_id: number | null; difficult?: boolean }[] = decode(out.files[0].bytes).shapes;
		const groups = new Map<number | null, string[]>();
		for (const s of shapes) groups.set(s.group_id, [...(groups.get(s.group_id) ?? []), `${s.shape_type}:${s.label}`]);
		// Points in the template's order, the labeled ones only.
		const names = first.classes[0].skeleton!.points.map((p) => p.name);
		const pointsOf = (person: { points: Record<string, Pt> }) => names.filter((n) => n in person.points).map((n) => `point:${n}`);
		expect([...groups.values()]).toEqual([['rectangle:person', ...pointsOf(PEOPLE.one)], ['rectangle:person', ...pointsOf(PEOPLE.two)], ['rectangle:car']]);
		expect([...groups.keys()][2]).toBe(0);
		expect(shapes.find((s) => s.label === 'left_shoulder')?.difficult).toBe(true);
		expect(shapes.find((s) => s.label === 'nose')?.difficult).toBe(false);
		const back = labelMeCodec.read(out.files).dataset;
		expect(back.annotations.map((a) => a.type)).toEqual(['skeleton', 'skeleton', 'box']);
		expect(back.annotations.slice(0, 2).map((a) => a.geometry)).toEqual(first.annotations.slice(0, 2).map((a) => a.geometry));
	});
});

describe('LabelMe: a skeleton its class cannot name', () => {
	it('is skipped with a warning when its class has no template of its point count', () => {
		const d: Dataset = {
			images: [{ name: 'a.jpg', width: 100, height: 100 }],
			classes: [{ name: 'person', skeleton: { points: [{ name: 'nose', x: 0.5, y: 0.5 }], edges: [] } }, { name: 'hand' }],
			annotations: [
				{ image: 'a.jpg', className: 'person', type: 'skeleton', geometry: { points: [1, 1, 2, 2], visibility: [2, 2] } },
				{ image: 'a.jpg', className: 'hand', type: 'skeleton', geometry: { points: [1, 1], visibility: [2] } },
				{ image: 'a.jpg', className: 'person', type: 'skeleton', geometry: { points: [5, 5], visibility: [2] } }
			]
		};
		const out = labelMeCodec.write(d, { includeImages: false });
		expect(out.skipped).toEqual({ skeleton: 2 });
		expect(out.warnings).toContain("2 skeletons do not have the points of their class's template; skipped");
		expect(decode(out.files[0].bytes).shapes.map((s: { label: string }) => s.label)).toEqual(['person', 'nose']);
	});
});

describe('LabelMe: polygons sharing a label and a group_id are one multi-part polygon', () => {
	const tri = (x: number): Pt[] => [
		[x, 10],
		[x + 20, 10],
		[x + 10, 30]
	];

	it('reads them as one annotation with its parts in file order; other labels of the group stay apart', () => {
		const doc = {
			version: '5.5.0',
			flags: {},
			shapes: [lmShape('person', 'polygon', tri(0), 0), lmShape('bag', 'polygon', tri(100), 0), lmShape('person', 'polygon', tri(50), 0), lmShape('person', 'polygon', tri(150), null)],
			imagePath: 'p.jpg',
			imageData: null,
			imageHeight: 100,
			imageWidth: 200
		};
		const { dataset } = read({ path: 'p.json', bytes: encode(doc) });
		expect(dataset.annotations.map((a) => [a.className, a.instanceId])).toEqual([
			['person', 0],
			['bag', 0],
			['person', undefined]
		]);
		expect(dataset.annotations[0].geometry).toEqual({ points: tri(0).flat(), parts: [{ points: tri(50).flat() }] });
	});

	it('writes a multi-part polygon as one polygon per part sharing a group_id, and reads it back as one', () => {
		const d: Dataset = {
			images: [{ name: 'p.jpg', width: 200, height: 100 }],
			classes: [{ name: 'person' }],
			annotations: [
				{ image: 'p.jpg', className: 'person', type: 'polygon', geometry: { points: tri(0).flat(), parts: [{ points: tri(50).flat(), holes: [[55, 12, 60, 12, 58, 16]] }] } },
				{ image: 'p.jpg', className: 'person', type: 'polygon', geometry: { points: tri(100).flat() } }
			]
		};
		const out = labelMeCodec.write(d, { includeImages: false });
		const shapes: { group_id: number | null; points: Pt[] }[] = decode(out.files[0].bytes).shapes;
		expect(shapes.map((s) => s.group_id)).toEqual([0, 0, null]);
		expect(shapes.map((s) => s.points)).toEqual([tri(0), tri(50), tri(100)]);
		expect(out.warnings.join('\n')).toMatch(/has holes.*written without them/);
		const back = labelMeCodec.read(out.files).dataset;
		expect(back.annotations.map((a) => a.geometry)).toEqual([{ points: tri(0).flat(), parts: [{ points: tri(50).flat() }] }, { points: tri(100).flat() }]);
	});
});
