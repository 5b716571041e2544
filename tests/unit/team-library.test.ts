import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import type { MemberProfile } from '$lib/model/families/members';
import type { Stage } from '$lib/model/team/records';
import { annotationsByMember, initials, memberRows, splitCounts, textOn } from '$lib/ui/team/members';
import { filterImages, NO_FILTERS, walkLabel, type FilterChoice, type ImageFacts } from '$lib/ui/library/filters';

/** Issue 15, the library's part: filters that combine, the walk they hand the editor, the member panel's rows. */

describe('initials and the text on a member colour', () => {
	it('takes the first letters of the first and last words, at most two, upper case', () => {
		expect(initials('Bea Lopez')).toBe('BL');
		expect(initials('bea')).toBe('B');
		expect(initials('  jean-luc   picard ')).toBe('JP');
		expect(initials('Ana María de la Cruz')).toBe('AC');
		expect(initials('')).toBe('?');
		expect(initials('   ')).toBe('?');
		expect(initials('Émile zola')).toBe('ÉZ');
		expect(initials('😀 smile')).toBe('😀S'); // a whole emoji, not half of its surrogate pair
	});

	it('picks black or white, whichever contrasts more (at least 4.5:1 on the palette)', () => {
		expect(textOn('#ffffff')).toBe('#000000');
		expect(textOn('#000000')).toBe('#ffffff');
		expect(textOn('#ffe119')).toBe('#000000'); // yellow
		expect(textOn('#1a237e')).toBe('#ffffff'); // dark blue
		expect(textOn('not a colour')).toBe('#ffffff');
		const ratio = (fg: string, bg: string) => {
			const lum = (c: string) =>
				[1, 3, 5]
					.map((i) => parseInt(c.slice(i, i + 2), 16) / 255)
					.map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
					.reduce((s, v, k) => s + v * [0.2126, 0.7152, 0.0722][k], 0);
			const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
			return (a + 0.05) / (b + 0.05);
		};
		for (const c of ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#42d4f4', '#808080', '#3366cc'])
			expect(ratio(textOn(c), c), c).toBeGreaterThanOrEqual(4.5);
	});
});

describe('splitCounts', () => {
	it('says what Assignments.splitEvenly will do: the first members get the remainder', () => {
		expect([...splitCounts(12, ['a', 'b', 'c'])]).toEqual([
			['a', 4],
			['b', 4],
			['c', 4]
		]);
		expect([...splitCounts(7, ['a', 'b', 'c'])]).toEqual([
			['a', 3],
			['b', 2],
			['c', 2]
		]);
		expect([...splitCounts(1, ['a', 'b'])]).toEqual([
			['a', 1],
			['b', 0]
		]);
		expect([...splitCounts(5, ['a', 'a', 'b'])]).toEqual([
			['a', 3],
			['b', 2]
		]);
		expect(splitCounts(5, []).size).toBe(0);
	});

	it('matches the model on a real document', () => {
		const { doc, images } = project(7);
		const preview = splitCounts(images.length, ['ana', 'bea', 'cai']);
		const done = doc.assignments.splitEvenly(images, ['ana', 'bea', 'cai']);
		expect(done.ok && [...done.value]).toEqual([...preview]);
	});
});

const profile = (id: string, name: string, aliases: string[] = []): MemberProfile => ({ id, name, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases });

function project(imageCount: number) {
	const doc = new ProjectDoc(new Y.Doc(), { id: 'ana', name: 'Ana' });
	doc.initialize({ name: 'Harbour' });
	const cls = doc.addClass({ name: 'boat' });
	const added = doc.addImages(
		Array.from({ length: imageCount }, (_, i) => ({ name: `${i}.jpg`, hash: `h${i}`, width: 100, height: 100, mime: 'image/jpeg', size: 1 }))
	);
	if (!cls.ok || !added.ok) throw new Error('setup');
	doc.members.join(profile('ana', 'Ana', ['old-ana']), 1000);
	doc.members.join(profile('bea', 'Bea'), 2000);
	doc.members.join(profile('cai', 'Cai'), 3000);
	return { doc, classId: cls.value.id, images: added.value.map((i) => i.id) };
}

describe('the member panel', () => {
	it('counts annotations per member, an earlier id as the member, unknown authors left out', () => {
		const { doc, classId, images } = project(2);
		const box = (imageId: string) => ({ imageId, classId, type: 'box' as const, geometry: { x: 1, y: 1, width: 5, height: 5 } });
		doc.setActor({ id: 'old-ana', name: 'Ana' });
		doc.createAnnotation(box(images[0]));
		doc.setActor({ id: 'ana', name: 'Ana' });
		doc.createAnnotation(box(images[0]));
		doc.setActor({ id: 'bea', name: 'Bea' });
		doc.createAnnotation(box(images[1]));
		doc.setActor({ id: 'stranger', name: 'X' });
		doc.createAnnotation(box(images[1]));
		const counts = annotationsByMember(doc);
		expect(Object.fromEntries(counts)).toEqual({ ana: 2, bea: 1 });
	});

	it('lists online first (me among them), then by name, with assigned / in review / done', () => {
		const { doc, images } = project(6);
		doc.assignments.assign(images.slice(0, 3), 'bea');
		doc.assignments.assign(images.slice(3, 5), 'cai');
		doc.review.setStage([images[0]], 'review');
		doc.review.setStage([images[1], images[3]], 'done');
		const rows = memberRows(doc, { myIds: new Set(['cai']), online: ['old-ana', 'nobody'], annotations: new Map([['bea', 4]]) });
		expect(rows.map((r) => [r.name, r.online, r.you])).toEqual([
			['Cai', true, true],
			['Ana', true, false], // online under an earlier id
			['Bea', false, false]
		]);
		const bea = rows.find((r) => r.id === 'bea')!;
		expect(bea).toMatchObject({ assigned: 3, inReview: 1, done: 1, annotations: 4, lastSeen: 2000 });
		expect(rows.find((r) => r.id === 'cai')).toMatchObject({ assigned: 2, inReview: 0, done: 1, annotations: 0 });
	});
});

describe('the library filters', () => {
	const images = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => ({ id }));
	const stages: Record<string, Stage> = { a: 'annotate', b: 'annotate', c: 'review', d: 'done', e: 'annotate', f: 'annotate' };
	const facts: ImageFacts = {
		stageOf: (id) => stages[id],
		ofClass: new Set(['a', 'c', 'e']),
		missingRequired: (id) => (id === 'e' ? 1 : 0),
		proposals: (id) => (id === 'f' ? 2 : 0),
		assigned: new Set(['a', 'b', 'c']),
		myWork: new Set(['a', 'b']),
		openThreads: (id) => ({ b: 1, c: 2, f: 1 })[id] ?? 0,
		splitOf: () => undefined
	};
	const ids = (c: Partial<FilterChoice>) => filterImages(images, { ...NO_FILTERS, ...c }, facts).map((i) => i.id);

	it('each filter alone', () => {
		expect(filterImages(images, NO_FILTERS, facts)).toBe(images); // no filter: the list itself
		expect(ids({ stage: 'annotate' })).toEqual(['a', 'b', 'e', 'f']);
		expect(ids({ classId: 'car' })).toEqual(['a', 'c', 'e']);
		expect(ids({ needsAttributes: true })).toEqual(['e']);
		expect(ids({ awaitingReview: true })).toEqual(['f']);
		expect(ids({ assignee: 'me' })).toEqual(['a', 'b', 'c']);
		expect(ids({ assignee: { member: 'bea' } })).toEqual(['a', 'b', 'c']);
		expect(ids({ assignee: 'none' })).toEqual(['d', 'e', 'f']);
		expect(ids({ myWork: true })).toEqual(['a', 'b']);
		expect(ids({ openThreads: true })).toEqual(['b', 'c', 'f']);
	});

	it('combine: every filter on must hold', () => {
		expect(ids({ myWork: true, openThreads: true })).toEqual(['b']);
		expect(ids({ myWork: true, classId: 'car' })).toEqual(['a']);
		expect(ids({ myWork: true, stage: 'done' })).toEqual([]);
		expect(ids({ assignee: 'none', stage: 'annotate', openThreads: true })).toEqual(['f']);
		expect(ids({ assignee: 'none', awaitingReview: true, needsAttributes: true })).toEqual([]);
		expect(ids({ openThreads: true, stage: 'review', assignee: 'me' })).toEqual(['c']);
	});

	it('names the walk the editor gets: My work alone, any other filter, or none', () => {
		expect(walkLabel(NO_FILTERS)).toBeNull();
		expect(walkLabel({ ...NO_FILTERS, myWork: true })).toBe('My work');
		expect(walkLabel({ ...NO_FILTERS, myWork: true, openThreads: true })).toBe('Filtered images');
		expect(walkLabel({ ...NO_FILTERS, assignee: 'none' })).toBe('Filtered images');
		expect(walkLabel({ ...NO_FILTERS, stage: 'done' })).toBe('Filtered images');
	});
});
