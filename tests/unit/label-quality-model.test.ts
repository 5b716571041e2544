import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc, SCHEMA_VERSION } from '$lib/model';
import { decodeAnnotation, encodeAnnotation } from '$lib/model/record-codec';
import type { MemberProfile } from '$lib/model/families/members';
import type { AnnotationRecord } from '$lib/model/records';

/** Issue 16's records (schema v9): stored splits, consensus images, members' blind layers, gold images. */

const profile = (id: string, name: string): MemberProfile => ({ id, name, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases: [] });

/** Ana (a reviewer), Bea and Cai: three replicas of one project, synced by hand. */
function team() {
	const ana = new ProjectDoc(new Y.Doc(), { id: 'ana', name: 'Ana' });
	ana.initialize({ name: 'Harbour' });
	const cls = ana.addClass({ name: 'boat' });
	const imgs = ana.addImages(
		['a', 'b', 'c', 'd'].map((n) => ({ name: `${n}.jpg`, hash: `h${n}`, width: 200, height: 100, mime: 'image/jpeg', size: 1 }))
	);
	if (!cls.ok || !imgs.ok) throw new Error('setup');
	const docs = [ana];
	for (const name of ['Bea', 'Cai']) {
		const d = new ProjectDoc(new Y.Doc(), { id: name.toLowerCase(), name });
		Y.applyUpdate(d.ydoc, Y.encodeStateAsUpdate(ana.ydoc));
		docs.push(d);
	}
	const sync = () => {
		for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(b.ydoc)));
	};
	docs.forEach((d, i) => d.members.join(profile(['ana', 'bea', 'cai'][i], ['Ana', 'Bea', 'Cai'][i]), 1000));
	sync();
	const box = (doc: ProjectDoc, imageId: string, x: number) => {
		const r = doc.createAnnotation({ imageId, classId: cls.value.id, type: 'box', geometry: { x, y: 10, width: 20, height: 20 } });
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	};
	return { docs, sync, classId: cls.value.id, images: imgs.value.map((i) => i.id), box };
}

describe('schema v9', () => {
	it('is the current schema, and an annotation’s layer packs and comes back', () => {
		expect(SCHEMA_VERSION).toBe(9);
		const record: AnnotationRecord = {
			id: 'k',
			imageId: 'img',
			classId: 'cls',
			type: 'box',
			geometry: { x: 1, y: 2, width: 3, height: 4 },
			attributes: {},
			z: 1,
			layer: 'bea-member-id',
			author: 'bea',
			createdAt: 5,
			updatedAt: 5
		};
		const bytes = encodeAnnotation(record);
		expect(bytes.ok).toBe(true);
		if (!bytes.ok) return;
		expect(decodeAnnotation('k', bytes.value)).toEqual({ ok: true, value: record });
		const { layer: _layer, ...own } = record;
		const plain = encodeAnnotation(own);
		expect(plain.ok && plain.value.length < bytes.value.length).toBe(true);
		expect(plain.ok && decodeAnnotation('k', plain.value)).toEqual({ ok: true, value: own });
	});

	it('keeps hostile quality records out as problems, never throwing', () => {
		const { docs, images } = team();
		const [ana] = docs;
		ana.ydoc.transact(() => {
			ana.ydoc.getMap('splits').set(images[0], { imageId: images[0], split: 'holdout', by: 'x', at: 1 });
			ana.ydoc.getMap('tasks').set(`${images[0]}:bea`, { imageId: images[1], member: 'bea', kind: 'consensus', by: 'x', at: 1 });
			ana.ydoc.getMap('tasks').set(`${images[0]}:cai`, { imageId: images[0], member: 'cai', kind: 'exam', by: 'x', at: 1 });
			ana.ydoc.getMap('consensus').set(images[0], { imageId: images[0], k: 1, by: 'x', at: 1 });
			ana.ydoc.getMap('gold').set(images[0], 'yes');
		});
		expect(ana.problems().map((p) => `${p.map}: ${p.reason}`).sort()).toEqual([
			'consensus: its member count is not 2 to 16',
			'gold: the gold mark is not a record',
			'splits: its split is not train, val or test',
			'tasks: its key does not name its image and member',
			'tasks: its kind is unknown'
		]);
		expect(ana.splits.of(images[0])).toBeUndefined();
		expect(ana.quality.tasksOf(images[0])).toEqual([]);
		expect(ana.quality.isGold(images[0])).toBe(false);
	});
});

describe('stored splits', () => {
	it('sets, clears and counts splits; peers setting one image at once agree', () => {
		const { docs, sync, images } = team();
		const [ana, bea] = docs;
		expect(ana.splits.set(images.slice(0, 2), 'train', 10)).toEqual({ ok: true, value: 2 });
		expect(ana.splits.set(images.slice(0, 2), 'train', 11)).toEqual({ ok: true, value: 0 });
		ana.splits.set([images[2]], 'test');
		expect(ana.splits.counts()).toEqual({ train: 2, val: 0, test: 1, none: 1 });
		sync();
		ana.splits.set([images[3]], 'val');
		bea.splits.set([images[3]], 'test');
		sync();
		expect(ana.splits.of(images[3])).toBe(bea.splits.of(images[3]));
		expect(ana.splits.set([images[0]], null)).toEqual({ ok: true, value: 1 });
		expect(ana.splits.of(images[0])).toBeUndefined();
		expect(ana.splits.assign(new Map([[images[0], 'val'], ['gone', 'val']]))).toEqual({ ok: true, value: 1 });
		expect([...ana.splits.all().keys()]).not.toContain('gone');
		ana.readOnlyReason = 'a view-only link';
		expect(ana.splits.set([images[0]], 'test').ok).toBe(false);
	});
});

describe('consensus', () => {
	it('spreads k members evenly over the images, and sends them back to annotate', () => {
		const { docs, images } = team();
		const [ana] = docs;
		ana.review.setStage(images, 'done');
		const r = ana.quality.startConsensus(images.slice(0, 3), ['cai', 'bea', 'ana'], 2, 50);
		expect(r).toEqual({ ok: true, value: { started: 3, skipped: 0 } });
		// Members sorted (ana, bea, cai): image 0 → ana, bea; image 1 → cai, ana; image 2 → bea, cai.
		expect(images.slice(0, 3).map((id) => ana.quality.tasksOf(id).map((t) => t.member))).toEqual([
			['ana', 'bea'],
			['ana', 'cai'],
			['bea', 'cai']
		]);
		expect(images.slice(0, 3).map((id) => ana.review.stageOf(id).stage)).toEqual(['annotate', 'annotate', 'annotate']);
		expect(ana.review.stageOf(images[3]).stage).toBe('done');
		expect(ana.quality.startConsensus(images, ['ana', 'bea'], 2)).toEqual({ ok: true, value: { started: 1, skipped: 3 } });
		expect(ana.quality.startConsensus(images, ['ana'], 2).ok).toBe(false);
		expect(ana.quality.startConsensus(images, ['ana', 'bea', 'zed'], 2).ok).toBe(false);
		expect(ana.quality.startConsensus(images, ['ana', 'bea'], 1).ok).toBe(false);
	});

	it('keeps each member’s shapes in their own layer, unseen by the others and out of exports, until the merge', () => {
		const { docs, sync, images, box, classId } = team();
		const [ana, bea, cai] = docs;
		const img = images[0];
		ana.quality.startConsensus([img], ['bea', 'cai'], 2);
		sync();
		const b1 = box(bea, img, 10);
		box(bea, img, 60);
		const c1 = box(cai, img, 12);
		sync();
		for (const d of docs) {
			expect(d.annotationsOf(img)).toEqual([]);
			expect([...d.allAnnotations()]).toEqual([]);
			expect(d.annotationCount).toBe(0);
			expect(d.getAnnotation(b1.id)?.layer).toBe('bea');
		}
		expect(bea.workingAnnotationsOf(img).map((a) => a.id)).toContain(b1.id);
		expect(bea.workingAnnotationsOf(img)).toHaveLength(2);
		expect(cai.workingAnnotationsOf(img).map((a) => a.id)).toEqual([c1.id]);
		expect(ana.workingAnnotationsOf(img)).toEqual([]);
		expect([...ana.quality.layersOf(img)].map(([m, list]) => [m, list.length])).toEqual([
			['bea', 2],
			['cai', 1]
		]);
		// A tag in single mode replaces only the member's own tags.
		expect(bea.updateAnnotation(b1.id, { geometry: { x: 11, y: 10, width: 20, height: 20 } }).ok).toBe(true);
		expect(bea.getAnnotation(b1.id)?.layer).toBe('bea');

		expect(bea.quality.submit(img, 100)).toEqual({ ok: true, value: { allSubmitted: false } });
		expect(bea.quality.submit(img).ok).toBe(false);
		sync();
		expect(ana.quality.readyToMerge(img)).toBe(false);
		expect(cai.quality.submit(img, 101)).toEqual({ ok: true, value: { allSubmitted: true } });
		sync();
		expect(ana.quality.readyToMerge(img)).toBe(true);
		expect(ana.review.stageOf(img).stage).toBe('review');
		expect(ana.quality.stageSeenBy(img, new Set(['bea']))).toBe('review');

		const merged = ana.quality.merge(img, [{ classId, type: 'box', geometry: { x: 11, y: 10, width: 20, height: 20 } }], 200);
		expect(merged.ok).toBe(true);
		sync();
		for (const d of docs) {
			expect(d.annotationsOf(img).map((a) => a.geometry)).toEqual([{ x: 11, y: 10, width: 20, height: 20 }]);
			expect(d.annotationsOf(img)[0].layer).toBeUndefined();
			expect(d.quality.layersOf(img).get('bea')).toHaveLength(2);
			expect(d.quality.readyToMerge(img)).toBe(false);
		}
		// After the merge the members work on the image's own annotations again.
		expect(bea.quality.workingLayer(img)).toBeUndefined();
		expect(bea.workingAnnotationsOf(img)).toHaveLength(1);
		expect(box(bea, img, 100).layer).toBeUndefined();
		expect(ana.quality.merge(img, []).ok).toBe(false);
	});

	it('a member without a task, and the reviewer, write the image’s own annotations', () => {
		const { docs, sync, images, box } = team();
		const [ana, bea] = docs;
		ana.quality.startConsensus([images[0]], ['ana', 'bea'], 2);
		sync();
		expect(box(ana, images[0], 5).layer).toBe('ana');
		expect(box(ana, images[1], 5).layer).toBeUndefined();
		expect(bea.quality.openTasksOf(new Set(['bea']))).toEqual(new Set([images[0]]));
		sync();
		expect(bea.quality.endTasks([images[0]])).toEqual({ ok: true, value: 1 });
		sync();
		expect(ana.quality.layersOf(images[0]).size).toBe(0);
		expect(ana.getAnnotation(ana.annotationsOf(images[1])[0].id)).toBeDefined();
	});
});

describe('gold', () => {
	it('mixes gold images into members’ work blind: they see an image to label, the reference stays hidden', () => {
		const { docs, sync, images, box } = team();
		const [ana, bea] = docs;
		const img = images[1];
		const reference = box(ana, img, 30);
		ana.review.setStage([img], 'done');
		expect(ana.quality.setGold([img], true, 10)).toEqual({ ok: true, value: 1 });
		expect(ana.quality.mixGold([img, images[0]], ['bea'], 11)).toEqual({ ok: true, value: 1 });
		expect(ana.quality.mixGold([img], ['bea'])).toEqual({ ok: true, value: 0 });
		expect(ana.quality.mixGold([images[0]], ['bea']).ok).toBe(false);
		sync();
		expect(bea.quality.openTasksOf(new Set(['bea']))).toEqual(new Set([img]));
		expect(bea.quality.stageSeenBy(img, new Set(['bea']))).toBe('annotate');
		expect(bea.quality.stageSeenBy(img, new Set(['cai']))).toBe('done');
		expect(bea.workingAnnotationsOf(img)).toEqual([]);
		const mine = box(bea, img, 32);
		expect(mine.layer).toBe('bea');
		expect(bea.quality.submit(img)).toEqual({ ok: true, value: { allSubmitted: false } });
		sync();
		expect(ana.review.stageOf(img).stage).toBe('done');
		expect(ana.annotationsOf(img).map((a) => a.id)).toEqual([reference.id]);
		expect(ana.quality.layersOf(img).get('bea')?.map((a) => a.id)).toEqual([mine.id]);
		// Still a task after submitting: the member keeps seeing their own layer there.
		expect(bea.workingAnnotationsOf(img).map((a) => a.id)).toEqual([mine.id]);
		expect(ana.quality.goldImages()).toEqual([img]);
		ana.quality.startConsensus([images[2]], ['bea', 'cai'], 2);
		expect(ana.quality.setGold([images[2]], true).ok).toBe(false);
		expect(ana.quality.setGold([img], false)).toEqual({ ok: true, value: 1 });
	});
});
