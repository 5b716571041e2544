import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import type { MemberProfile } from '$lib/model/families/members';
import { qualityCase } from '$lib/ui/quality/quality-case';
import { comparedLayers } from '$lib/ui/quality/layers';
import { parseMatchSettings } from '$lib/ui/quality/match-settings.svelte';
import { ringPath, svgShapeOf } from '$lib/ui/quality/shape-svg';
import { goldScore, imageAgreement, mergePlan, reportInWorker } from '$lib/ui/quality/review-engine';
import { disagreements } from '$lib/ui/quality/review-types';
import { reportInputOf } from '$lib/ui/quality/report-input';
import { reportCsv } from '$lib/ui/quality/report-csv';

/** The reviewer's screens' pure parts (issue 16): which case an image is for a viewer, what is compared, how shapes are drawn. */

const profile = (id: string, name: string): MemberProfile => ({ id, name, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases: [] });

/** One replica where Ana (the reviewer), Bea and Cai take turns as the actor. */
function project() {
	const doc = new ProjectDoc(new Y.Doc(), { id: 'ana', name: 'Ana' });
	doc.initialize({ name: 'Harbour' });
	const cls = doc.addClass({ name: 'boat' });
	const imgs = doc.addImages(['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.jpg`, hash: `h${n}`, width: 200, height: 100, mime: 'image/jpeg', size: 1 })));
	if (!cls.ok || !imgs.ok) throw new Error('setup');
	for (const [id, name] of [['ana', 'Ana'], ['bea', 'Bea'], ['cai', 'Cai']]) {
		doc.setActor({ id, name });
		doc.members.join(profile(id, name), 1000);
	}
	const as = (id: string) => doc.setActor({ id, name: id });
	const box = (imageId: string, x: number) => {
		const r = doc.createAnnotation({ imageId, classId: cls.value.id, type: 'box', geometry: { x, y: 10, width: 20, height: 20 } });
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	};
	as('ana');
	return { doc, as, box, images: imgs.value.map((i) => i.id) };
}

const ids = (...x: string[]) => new Set(x);

describe('qualityCase', () => {
	it('hides a consensus image from its members until everyone has submitted, then shows it to all as a reviewer would', () => {
		const { doc, as, box, images } = project();
		const img = images[0];
		doc.quality.startConsensus([img], ['bea', 'cai'], 2);
		expect(qualityCase(doc, img, ids('ana'))).toEqual({ kind: 'consensus', submitted: 0, members: 2, merged: false });
		expect(qualityCase(doc, img, ids('bea'))).toEqual({ kind: 'blind', submitted: false });
		as('bea');
		box(img, 10);
		doc.quality.submit(img);
		expect(qualityCase(doc, img, ids('bea'))).toEqual({ kind: 'blind', submitted: true });
		expect(comparedLayers(doc, img).size).toBe(1);
		as('cai');
		box(img, 12);
		doc.quality.submit(img);
		expect(qualityCase(doc, img, ids('bea'))).toEqual({ kind: 'consensus', submitted: 2, members: 2, merged: false });
		expect([...comparedLayers(doc, img).keys()]).toEqual(['bea', 'cai']);
		as('ana');
		expect(doc.quality.merge(img, [{ classId: doc.classes()[0].id, type: 'box', geometry: { x: 11, y: 10, width: 20, height: 20 } }]).ok).toBe(true);
		expect(qualityCase(doc, img, ids('ana'))).toMatchObject({ kind: 'consensus', merged: true });
		// The merged set is Ana's alone: not "labelled by two members".
		expect(comparedLayers(doc, img).size).toBe(2);
	});

	it('never tells a tester that an image is gold; a reviewer sees its testers', () => {
		const { doc, box, images } = project();
		const img = images[1];
		box(img, 10);
		doc.quality.setGold([img], true);
		expect(qualityCase(doc, img, ids('ana'))).toEqual({ kind: 'gold', testers: 0, submitted: 0 });
		doc.quality.mixGold([img], ['bea']);
		expect(qualityCase(doc, img, ids('bea'))).toEqual({ kind: 'blind', submitted: false });
		expect(qualityCase(doc, img, ids('ana'))).toEqual({ kind: 'gold', testers: 1, submitted: 0 });
	});

	it('finds an image two members labelled without a task, and nothing on one member’s image', async () => {
		// The activity log (who created a shape) is written a microtask after each edit.
		const logged = () => Promise.resolve();
		const { doc, as, box, images } = project();
		const img = images[2];
		box(img, 10);
		expect(qualityCase(doc, img, ids('ana'))).toEqual({ kind: 'none' });
		as('cai');
		box(img, 50);
		as('ana');
		await logged();
		expect(qualityCase(doc, img, ids('ana'))).toEqual({ kind: 'incidental', creators: ['ana', 'cai'] });
		expect([...comparedLayers(doc, img)].map(([m, a]) => [m, a.length])).toEqual([
			['ana', 1],
			['cai', 1]
		]);
		// An edit by someone else does not make them a creator.
		as('bea');
		const first = doc.annotationsOf(img)[0];
		doc.updateAnnotation(first.id, { geometry: { x: 11, y: 10, width: 20, height: 20 } });
		await logged();
		expect(qualityCase(doc, img, ids('ana'))).toEqual({ kind: 'incidental', creators: ['ana', 'cai'] });
		expect(qualityCase(doc, 'nope', ids('ana'))).toEqual({ kind: 'none' });
	});
});

describe('match settings', () => {
	it('reads what is stored, clamped and rounded; junk gives the defaults', () => {
		expect(parseMatchSettings(null)).toEqual({ threshold: 0.5, pointDistance: 10 });
		expect(parseMatchSettings('{oops')).toEqual({ threshold: 0.5, pointDistance: 10 });
		expect(parseMatchSettings('{"threshold": 0.734, "pointDistance": 4.6}')).toEqual({ threshold: 0.73, pointDistance: 5 });
		expect(parseMatchSettings('{"threshold": 7, "pointDistance": -3}')).toEqual({ threshold: 0.95, pointDistance: 1 });
		expect(parseMatchSettings('{"threshold": "0.7", "pointDistance": null}')).toEqual({ threshold: 0.5, pointDistance: 10 });
	});
});

describe('shapes drawn in SVG', () => {
	it('outlines boxes, polygons with holes, lines, cuboid edges, skeleton points and masks', () => {
		expect(svgShapeOf({ type: 'box', geometry: { x: 1, y: 2, width: 3, height: 4 } })).toEqual({ kind: 'path', d: 'M1 2L4 2L4 6L1 6Z', open: false, label: { x: 1, y: 2 } });
		const holed = svgShapeOf({ type: 'polygon', geometry: { points: [0, 0, 10, 0, 10, 10, 0, 10], holes: [[2, 2, 4, 2, 4, 4]] } });
		expect(holed).toMatchObject({ kind: 'path', d: 'M0 0L10 0L10 10L0 10ZM2 2L4 2L4 4Z' });
		expect(svgShapeOf({ type: 'polyline', geometry: { points: [0, 0, 5, 5.123] } })).toMatchObject({ d: 'M0 0L5 5.12', open: true });
		const cuboid = svgShapeOf({ type: 'cuboid', geometry: { points: [0, 0, 10, 0, 10, 10, 0, 10, 3, 3, 13, 3, 13, 13, 3, 13] } });
		expect(cuboid.kind === 'path' && cuboid.d.split('M').length - 1).toBe(12);
		const skeleton = svgShapeOf({ type: 'skeleton', geometry: { points: [0, 0, 10, 10, 20, 20], visibility: [2, 0, 1] } }, { points: [], edges: [[0, 1], [0, 2]] });
		expect(skeleton).toEqual({ kind: 'points', points: [{ x: 0, y: 0 }, { x: 20, y: 20 }], lines: 'M0 0L20 20', label: { x: 0, y: 0 } });
		expect(svgShapeOf({ type: 'keypoint', geometry: { x: 3, y: 4 } })).toMatchObject({ kind: 'points', points: [{ x: 3, y: 4 }] });
		expect(svgShapeOf({ type: 'mask', geometry: { x: 2, y: 3, width: 1, height: 1, rle: '01' } })).toMatchObject({ kind: 'mask', label: { x: 2, y: 3 } });
		expect(svgShapeOf({ type: 'tag', geometry: {} })).toEqual({ kind: 'tag' });
		expect(ringPath([])).toBe('');
	});
});

describe('the reviewer’s figures from the engine', () => {
	/** Image 0 in consensus of Bea and Cai (Bea 3 boxes, Cai 2, two matching), image 1 gold tested on Bea. */
	function reviewed() {
		const p = project();
		const { doc, as, images } = p;
		const car = doc.classes()[0].id;
		const at = (imageId: string, x: number, y: number, w = 40, h = 30) => {
			const r = doc.createAnnotation({ imageId, classId: car, type: 'box', geometry: { x, y, width: w, height: h } });
			if (!r.ok) throw new Error(r.reason);
			return r.value;
		};
		doc.quality.startConsensus([images[0]], ['bea', 'cai'], 2);
		at(images[1], 10, 10);
		at(images[1], 100, 50);
		doc.quality.setGold([images[1]], true);
		doc.quality.mixGold([images[1]], ['bea']);
		as('bea');
		at(images[0], 10, 10);
		at(images[0], 100, 10);
		at(images[0], 150, 60);
		doc.quality.submit(images[0]);
		at(images[1], 10, 10);
		at(images[1], 150, 0);
		doc.quality.submit(images[1]);
		as('cai');
		at(images[0], 12, 10);
		at(images[0], 102, 12);
		doc.quality.submit(images[0]);
		as('ana');
		return { ...p, car };
	}

	it('numbers the groups, lists the lone shape, merges by the rule or the picks', () => {
		const { doc, images } = reviewed();
		const a = imageAgreement(doc, comparedLayers(doc, images[0]), { threshold: 0.5, pointDistance: 10 });
		expect(a.score).toBeCloseTo(0.8, 12);
		expect(a.groups.map((g) => g.number)).toEqual([1, 2, 3]);
		const lone = disagreements(a);
		expect(lone).toHaveLength(1);
		expect(lone[0].shapes[0].member).toBe('bea');
		expect((lone[0].shapes[0].annotation.geometry as { x: number }).x).toBe(150);
		const byRule = mergePlan(images[0], a, new Map());
		expect(byRule.outputs).toHaveLength(2);
		expect(byRule.decisions.get(lone[0].number)).toEqual({ majority: false, kept: false });
		// Boxes are averaged: (10 + 12) / 2.
		expect(byRule.outputs.map((o) => (o.shape.geometry as { x: number }).x).sort((p, q) => p - q)).toEqual([11, 101]);
		const picked = mergePlan(images[0], a, new Map([[lone[0].number, { kind: 'keep' as const }], [byRule.outputs[0].group, { kind: 'take' as const, member: 'cai' }]]));
		expect(picked.outputs).toHaveLength(3);
		const caiGeometries = doc.quality.layersOf(images[0]).get('cai')!.map((x) => x.geometry);
		expect(caiGeometries).toContainEqual(picked.outputs.find((o) => o.group === byRule.outputs[0].group)?.shape.geometry);
		expect(doc.quality.merge(images[0], picked.outputs.map((o) => o.shape)).ok).toBe(true);
		expect(doc.annotationsOf(images[0])).toHaveLength(3);
	});

	it('scores a tester on a gold image and over the project in the engine’s batch, and writes both CSV files', async () => {
		const { doc, images, car } = reviewed();
		const settings = { threshold: 0.5, pointDistance: 10 };
		const one = goldScore(doc, doc.annotationsOf(images[1]), doc.quality.layersOf(images[1]).get('bea')!, settings);
		expect([one.tp, one.fp, one.fn, one.precision, one.recall]).toEqual([1, 1, 1, 0.5, 0.5]);
		const input = reportInputOf(doc);
		expect(input.consensus.map((r) => [r.imageId, r.state, r.members])).toEqual([[images[0], { kind: 'ready' }, ['bea', 'cai']]]);
		expect(input.gold.map((r) => [r.imageId, r.reference.length, r.testers.map((t) => t.member)])).toEqual([[images[1], 2, ['bea']]]);
		const figures = await reportInWorker(input, doc.classes(), settings);
		expect(figures.consensus).toHaveLength(1);
		expect(figures.consensus[0][1].score).toBeCloseTo(0.8, 12);
		expect(figures.gold.map((m) => [m.member, m.tp, m.fp, m.fn, m.precision, m.recall, m.images])).toEqual([['bea', 1, 1, 1, 0.5, 0.5, 1]]);
		const csv = reportCsv(
			{ consensus: input.consensus.map((r) => ({ ...r, agreement: figures.consensus[0][1] })), gold: figures.gold, goldImages: 1, settings },
			{ member: (id) => (id === 'bea' ? '=Bea' : id), class: () => 'boat' }
		);
		expect(csv.gold.split('\r\n')).toEqual([
			'member,member_id,class,class_id,tp,fp,fn,precision,recall,mean_iou,gold_images,threshold',
			`'=Bea,bea,all,,1,1,1,0.5,0.5,1,1,0.5`,
			`'=Bea,bea,boat,${car},1,1,1,0.5,0.5,1,1,0.5`,
			''
		]);
		expect(csv.consensus.split('\r\n')[1]).toMatch(new RegExp(`^a\\.jpg,${images[0]},'=Bea; cai,ready to merge,0\\.8,0\\.\\d{1,4},0\\.5$`));
	});
});
