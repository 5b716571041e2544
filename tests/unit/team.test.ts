import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc, SCHEMA_VERSION } from '$lib/model';
import { parseMentions } from '$lib/model/team/mentions';
import { commentPayload, reviewPayload } from '$lib/model/team/signing';
import { decodeChunk, encodeChunkHeader, encodeEvent, ACTIVITY_CHUNK_SOFT_BYTES } from '$lib/model/team/activity-codec';
import type { MemberProfile } from '$lib/model/families/members';

/** Issue 15: the team's records — members, comments, assignments, review stages, activity — and their merge. */

const profile = (id: string, name: string, aliases: string[] = []): MemberProfile => ({ id, name, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases });

/** Two or three replicas of one project, synced by hand (`sync`), each with its own member. */
function team(n = 2) {
	const first = new ProjectDoc(new Y.Doc(), { id: 'ana', name: 'Ana' });
	first.initialize({ name: 'Harbour' });
	const cls = first.addClass({ name: 'boat' });
	const imgs = first.addImages([
		{ name: 'a.jpg', hash: 'ha', width: 200, height: 100, mime: 'image/jpeg', size: 1 },
		{ name: 'b.jpg', hash: 'hb', width: 200, height: 100, mime: 'image/jpeg', size: 1 },
		{ name: 'c.jpg', hash: 'hc', width: 200, height: 100, mime: 'image/jpeg', size: 1 }
	]);
	if (!cls.ok || !imgs.ok) throw new Error('setup');
	const names = ['Ana', 'Bea', 'Cai'];
	const docs = [first];
	for (let i = 1; i < n; i++) {
		const d = new ProjectDoc(new Y.Doc(), { id: names[i].toLowerCase(), name: names[i] });
		Y.applyUpdate(d.ydoc, Y.encodeStateAsUpdate(first.ydoc));
		docs.push(d);
	}
	const sync = () => {
		for (const a of docs) for (const b of docs) if (a !== b) Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(b.ydoc)));
	};
	docs.forEach((d, i) => d.members.join(profile(names[i].toLowerCase(), names[i]), 1000 + i));
	sync();
	return { docs, sync, classId: cls.value.id, images: imgs.value.map((i) => i.id) };
}

const flush = () => new Promise<void>((r) => queueMicrotask(r));

describe('members', () => {
	it('join writes the member once; joinedAt stays, lastSeen moves in steps of a minute', () => {
		const { docs } = team(1);
		const [a] = docs;
		expect(a.members.get('ana')).toMatchObject({ name: 'Ana', joinedAt: 1000, lastSeen: 1000 });
		a.members.join(profile('ana', 'Ana'), 1000 + 59_999);
		expect(a.members.get('ana')?.lastSeen).toBe(1000);
		a.members.join(profile('ana', 'Ana'), 1000 + 60_000);
		expect(a.members.get('ana')).toMatchObject({ joinedAt: 1000, lastSeen: 61_000 });
		a.members.join(profile('ana', 'Ana L.'), 61_001);
		expect(a.members.get('ana')?.name).toBe('Ana L.');
	});

	it('resolves an old device id to the member that names it; two claims: who joined first keeps it', () => {
		const { docs, sync } = team(2);
		const [a, b] = docs;
		a.members.join(profile('ana', 'Ana', ['device-1']), 2000);
		b.members.join(profile('bea', 'Bea', ['device-1', 'device-2']), 2000);
		sync();
		for (const d of docs) {
			expect(d.members.resolve('device-1')?.id).toBe('ana'); // Ana joined at 1000, Bea at 1001
			expect(d.members.resolve('device-2')?.id).toBe('bea');
			expect(d.members.resolve('nobody')).toBeUndefined();
		}
	});
});

describe('comments', () => {
	it('a thread on a shape follows it when it moves, and stays listed (orphaned) when the shape is deleted', () => {
		const { docs, classId, images } = team(1);
		const [a] = docs;
		const shape = a.createAnnotation({ imageId: images[0], classId, type: 'box', geometry: { x: 10, y: 10, width: 20, height: 20 } });
		if (!shape.ok) throw new Error(shape.reason);
		const made = a.comments.newThread({ imageId: images[0], anchor: { kind: 'annotation', annotationId: shape.value.id }, text: 'loose?' });
		if (!made.ok) throw new Error(made.reason);
		expect(a.comments.write({ threads: [made.value.thread], comments: [made.value.comment] }).ok).toBe(true);
		const thread = a.comments.thread(made.value.thread.id)!;
		expect(a.comments.place(thread)).toEqual({ x: 30, y: 10, orphaned: false });
		a.updateAnnotation(shape.value.id, { geometry: { x: 50, y: 40, width: 20, height: 20 } });
		expect(a.comments.place(thread)).toEqual({ x: 70, y: 40, orphaned: false });
		a.deleteAnnotations([shape.value.id]);
		expect(a.comments.place(thread)).toEqual({ x: 30, y: 10, orphaned: true });
		expect(a.comments.threadsOf(images[0]).map((t) => t.id)).toEqual([thread.id]);
	});

	it('concurrent replies from two members are both kept; each edits and deletes only their own', () => {
		const { docs, sync, images } = team(2);
		const [a, b] = docs;
		const made = a.comments.newThread({ imageId: images[0], anchor: { kind: 'point', x: 5, y: 6 }, text: 'Is this a boat?' }, 10);
		if (!made.ok) throw new Error('thread');
		a.comments.write({ threads: [made.value.thread], comments: [made.value.comment] });
		sync();
		const tid = made.value.thread.id;
		const ra = a.comments.newReply(tid, 'I think so', [], 20);
		const rb = b.comments.newReply(tid, 'No, a buoy', [], 21);
		if (!ra.ok || !rb.ok) throw new Error('reply');
		a.comments.write({ comments: [ra.value] });
		b.comments.write({ comments: [rb.value] });
		sync();
		for (const d of docs) expect(d.comments.commentsOf(tid).map((c) => c.text)).toEqual(['Is this a boat?', 'I think so', 'No, a buoy']);
		expect(b.comments.edited(ra.value.id, 'hijack')).toEqual({ ok: false, reason: 'Only its author can change a comment' });
		// A peer writing another's comment anyway is refused at write.
		expect(b.comments.write({ comments: [{ ...ra.value, text: 'hijack' }] }).ok).toBe(false);
		const edit = a.comments.edited(ra.value.id, 'I think so, yes', [], 30);
		if (!edit.ok) throw new Error('edit');
		a.comments.write({ comments: [edit.value] });
		const del = b.comments.deleted(rb.value.id, 31);
		if (!del.ok) throw new Error('delete');
		b.comments.write({ comments: [del.value] });
		sync();
		for (const d of docs) {
			const list = d.comments.commentsOf(tid);
			expect(list.map((c) => c.text)).toEqual(['Is this a boat?', 'I think so, yes', '']);
			expect(list[1].editedAt).toBe(30);
			expect(list[2].deleted).toBe(true);
		}
	});

	it('resolves and reopens; open threads are counted per image', () => {
		const { docs, sync, images } = team(2);
		const [a, b] = docs;
		const made = a.comments.newThread({ imageId: images[1], anchor: { kind: 'image' }, text: 'check' });
		if (!made.ok) throw new Error('thread');
		a.comments.write({ threads: [made.value.thread], comments: [made.value.comment] });
		sync();
		expect(b.comments.openCounts().get(images[1])).toBe(1);
		b.comments.setResolved(made.value.thread.id, true, 50);
		sync();
		expect(a.comments.thread(made.value.thread.id)?.resolved).toEqual({ by: 'bea', at: 50 });
		expect(a.comments.openCounts().get(images[1])).toBeUndefined();
		a.comments.setResolved(made.value.thread.id, false);
		expect(a.comments.openCounts().get(images[1])).toBe(1);
	});

	it('refuses an empty comment, one over the limit, and a reply to a thread that is gone', () => {
		const { docs, images } = team(1);
		const [a] = docs;
		expect(a.comments.newThread({ imageId: images[0], anchor: { kind: 'image' }, text: '   ' }).ok).toBe(false);
		expect(a.comments.newThread({ imageId: images[0], anchor: { kind: 'image' }, text: 'x'.repeat(10_000) }).ok).toBe(true);
		expect(a.comments.newThread({ imageId: images[0], anchor: { kind: 'image' }, text: 'x'.repeat(10_001) }).ok).toBe(false);
		expect(a.comments.newReply('missing', 'hi').ok).toBe(false);
		expect(a.comments.newThread({ imageId: 'missing', anchor: { kind: 'image' }, text: 'hi' }).ok).toBe(false);
	});

	it('finds @mentions by member name: longest name first, case-insensitive, not inside an e-mail address', () => {
		const members = [
			{ id: 'a', name: 'Ana' },
			{ id: 'al', name: 'Ana Lima' },
			{ id: 'b', name: 'Bea' }
		];
		expect(parseMentions('@ana lima and @Bea, then @ana again', members)).toEqual(['al', 'b', 'a']);
		expect(parseMentions('mail ana@bea.org or @Anab', members)).toEqual([]);
		expect(parseMentions('@Bea@Ana', members)).toEqual(['b']);
		expect(parseMentions('(@Bea)', members)).toEqual(['b']);
	});
});

describe('assignments', () => {
	it('assigns, reassigns and unassigns; concurrent reassignments converge on one', () => {
		const { docs, sync, images } = team(3);
		const [a, b, c] = docs;
		expect(a.assignments.assign([images[0], images[1]], 'bea')).toEqual({ ok: true, value: 2 });
		sync();
		expect(c.assignments.imagesOf(new Set(['bea']))).toEqual(new Set([images[0], images[1]]));
		b.assignments.assign([images[0]], 'cai');
		c.assignments.assign([images[0]], 'ana');
		sync();
		const winner = a.assignments.of(images[0])?.member;
		expect(['cai', 'ana']).toContain(winner);
		for (const d of docs) expect(d.assignments.of(images[0])?.member).toBe(winner);
		a.assignments.assign([images[1]], null);
		sync();
		for (const d of docs) expect(d.assignments.of(images[1])).toBeUndefined();
		expect(a.assignments.assign([images[2]], 'stranger')).toEqual({ ok: false, reason: 'That member is not in this project' });
	});

	it('a member\'s work: its images still in annotate (sent back ones too), in the project\'s order', () => {
		const { docs, images } = team(2);
		const [a] = docs;
		a.assignments.assign(images, 'bea');
		a.review.setStage([images[1]], 'review');
		expect(a.assignments.workOf(new Set(['bea']))).toEqual([images[0], images[2]]);
		expect(a.assignments.workOf(new Set(['bea']), 'review')).toEqual([images[1]]);
		expect(a.assignments.workOf(new Set(['ana']))).toEqual([]);
	});

	it('splits evenly in the order given: counts differ by at most one', () => {
		const { docs, images } = team(3);
		const [a] = docs;
		const split = a.assignments.splitEvenly(images, ['bea', 'cai']);
		if (!split.ok) throw new Error(split.reason);
		expect([...split.value]).toEqual([
			['bea', 2],
			['cai', 1]
		]);
		expect(images.map((id) => a.assignments.of(id)?.member)).toEqual(['bea', 'cai', 'bea']);
		expect(a.assignments.splitEvenly(images, []).ok).toBe(false);
	});
});

describe('review stages', () => {
	it('annotate → review → done; a rejection goes back to annotate with its reason as threads mentioning the annotator', () => {
		const { docs, sync, classId, images } = team(2);
		const [lead, annotator] = docs;
		lead.assignments.assign([images[0]], 'bea');
		sync();
		const shape = annotator.createAnnotation({ imageId: images[0], classId, type: 'box', geometry: { x: 10, y: 10, width: 20, height: 20 } });
		if (!shape.ok) throw new Error('shape');
		expect(annotator.review.stageOf(images[0]).stage).toBe('annotate');
		expect(annotator.review.prepare('accept', images[0]).ok).toBe(false); // not in review yet
		const submit = annotator.review.prepare('submit', images[0], undefined, 100);
		if (!submit.ok) throw new Error(submit.reason);
		expect(annotator.review.commit(submit.value).ok).toBe(true);
		sync();
		expect(lead.review.stageOf(images[0]).stage).toBe('review');
		expect(lead.review.prepare('reject', images[0], { reason: '  ' }).ok).toBe(false);
		const reject = lead.review.prepare('reject', images[0], { reason: 'Boats are missing', flags: [{ annotationId: shape.value.id, flag: 'loose-outline', note: 'too wide' }] }, 200);
		if (!reject.ok) throw new Error(reject.reason);
		expect(lead.review.commit(reject.value).ok).toBe(true);
		sync();
		const stage = annotator.review.stageOf(images[0]);
		expect(stage).toMatchObject({ stage: 'annotate', rejected: true, by: 'ana' });
		const threads = annotator.comments.threadsOf(images[0]);
		expect(threads).toHaveLength(2);
		const onShape = threads.find((t) => t.anchor.kind === 'annotation')!;
		expect(onShape.flag).toBe('loose-outline');
		const texts = threads.map((t) => annotator.comments.commentsOf(t.id)[0]);
		expect(texts.map((c) => c.text).sort()).toEqual(['Boats are missing', 'too wide']);
		expect(texts.every((c) => c.mentions.includes('bea'))).toBe(true);
		expect(annotator.review.reviewsOf(images[0]).map((r) => r.action)).toEqual(['submit', 'reject']);
		// Submitted again and accepted: done; reopened: back in review.
		const again = annotator.review.prepare('submit', images[0], undefined, 300);
		if (!again.ok) throw new Error(again.reason);
		annotator.review.commit(again.value);
		sync();
		const accept = lead.review.prepare('accept', images[0], undefined, 400);
		if (!accept.ok) throw new Error(accept.reason);
		lead.review.commit(accept.value);
		expect(lead.review.stageOf(images[0]).stage).toBe('done');
		const reopen = lead.review.prepare('reopen', images[0], undefined, 500);
		if (!reopen.ok) throw new Error(reopen.reason);
		lead.review.commit(reopen.value);
		expect(lead.review.stageOf(images[0]).stage).toBe('review');
	});

	it('a decision prepared before a peer moved the image is not written', () => {
		const { docs, sync, images } = team(2);
		const [a, b] = docs;
		const s = a.review.prepare('submit', images[1], undefined, 100);
		if (!s.ok) throw new Error(s.reason);
		a.review.commit(s.value);
		sync();
		const accept = a.review.prepare('accept', images[1], undefined, 200);
		const reject = b.review.prepare('reject', images[1], { reason: 'no' }, 201);
		if (!accept.ok || !reject.ok) throw new Error('prepare');
		b.review.commit(reject.value);
		sync();
		expect(a.review.commit(accept.value)).toEqual({ ok: false, reason: 'This image is in annotate: it cannot be accepted (only from review)' });
		expect(a.review.reviewsOf(images[1]).map((r) => r.action)).toEqual(['submit', 'reject']);
	});
});

describe('activity', () => {
	it('logs who created, edited and deleted; a deleted annotation is restored from its image activity', async () => {
		const { docs, sync, classId, images } = team(2);
		const [a, b] = docs;
		const shape = a.createAnnotation({ imageId: images[0], classId, type: 'box', geometry: { x: 10, y: 10, width: 20, height: 20 }, text: undefined });
		if (!shape.ok) throw new Error('shape');
		await flush();
		sync();
		b.updateAnnotation(shape.value.id, { geometry: { x: 12, y: 10, width: 20, height: 20 } });
		await flush();
		sync();
		const now = a.getAnnotation(shape.value.id)!;
		const history = a.activity.historyOf(now);
		expect(history.created.member).toBe('ana');
		expect(history.changed?.member).toBe('bea');
		b.deleteAnnotations([shape.value.id]);
		await flush();
		sync();
		const list = a.activity.imageActivity(images[0]);
		expect(list.map((e) => [e.kind, e.member])).toEqual([
			['delete', 'bea'],
			['edit', 'bea'],
			['create', 'ana']
		].slice(0, list.length));
		expect(list[0].restorable).toBe(true);
		await new Promise((r) => setTimeout(r, 5)); // events of one millisecond on two devices have no order
		const restored = a.activity.restore(shape.value.id);
		if (!restored.ok) throw new Error(restored.reason);
		expect(restored.value.geometry).toEqual({ x: 12, y: 10, width: 20, height: 20 });
		await flush();
		sync();
		expect(b.getAnnotation(shape.value.id)?.geometry).toEqual({ x: 12, y: 10, width: 20, height: 20 });
		expect(a.activity.imageActivity(images[0])[0]).toMatchObject({ kind: 'restore', member: 'ana' });
		expect(a.activity.imageActivity(images[0]).find((e) => e.kind === 'delete')?.restorable).toBe(false);
		expect(a.activity.restore(shape.value.id).ok).toBe(false); // already there
	});

	it('an undo is logged as the member\'s edit; a large import as one entry per image', async () => {
		const { docs, classId, images } = team(1);
		const [a] = docs;
		const shape = a.createAnnotation({ imageId: images[0], classId, type: 'box', geometry: { x: 10, y: 10, width: 20, height: 20 } });
		if (!shape.ok) throw new Error('shape');
		a.undo();
		await flush();
		expect(a.activity.imageActivity(images[0]).map((e) => e.kind)).toEqual(['delete', 'create']);
		const annotations = Array.from({ length: 30 }, (_, k) => ({ id: `i${k}`, imageId: images[k % 2], classId, type: 'box' as const, geometry: { x: k, y: 1, width: 5, height: 5 }, attributes: {} }));
		expect(a.importDataset({ classes: [], images: [], annotations }).ok).toBe(true);
		await flush();
		const imported = a.activity.events().filter((e) => e.kind === 'import');
		expect(imported.map((e) => [e.imageId, e.count]).sort()).toEqual([
			[images[0], 15],
			[images[1], 15]
		].sort());
		expect(a.activity.historyOf(a.getAnnotation('i3')!).created.member).toBe('ana');
	});

	it('writes each replica\'s events into chunks of about 2 KiB, read back by every peer', async () => {
		const { docs, sync, classId, images } = team(2);
		const [a, b] = docs;
		const shape = a.createAnnotation({ imageId: images[0], classId, type: 'box', geometry: { x: 10, y: 10, width: 20, height: 20 } });
		if (!shape.ok) throw new Error('shape');
		for (let i = 0; i < 400; i++) {
			a.updateAnnotation(shape.value.id, { geometry: { x: 10 + (i % 50), y: 10, width: 20, height: 20 } });
			await flush();
		}
		sync();
		const chunks = [...b.ydoc.getMap('activity').values()] as Uint8Array[];
		expect(chunks.length).toBeGreaterThan(1);
		for (const c of chunks) expect(c.length).toBeLessThanOrEqual(ACTIVITY_CHUNK_SOFT_BYTES + 64);
		expect(b.activity.events().filter((e) => e.kind === 'edit')).toHaveLength(400);
	});

	it('one transaction deleting 200 shapes fills several chunks; every deletion is read back and restorable', async () => {
		const { docs, sync, classId, images } = team(2);
		const [a, b] = docs;
		const made = a.createAnnotations(Array.from({ length: 200 }, (_, k) => ({ imageId: images[0], classId, type: 'box' as const, geometry: { x: k % 150, y: 10, width: 20, height: 20 } })));
		const ids = made.map((r) => (r.ok ? r.value.id : ''));
		await flush();
		a.deleteAnnotations(ids);
		await flush();
		sync();
		expect(b.ydoc.getMap('activity').size).toBeGreaterThan(3);
		const deletes = b.activity.imageActivity(images[0]).filter((e) => e.kind === 'delete');
		expect(deletes).toHaveLength(200);
		expect(deletes.every((e) => e.restorable)).toBe(true);
		expect(deletes.every((e) => e.classId === classId)).toBe(true); // said by name though the shape is gone
	});

	it('writes history brought from elsewhere in the same chunks, read back as logged', () => {
		const { docs, images } = team(1);
		const [a] = docs;
		const events = Array.from({ length: 500 }, (_, k) => ({ kind: 'edit' as const, at: 1_700_000_000_000 + k * 1500, member: k < 250 ? 'bea' : 'cai', annotationId: `ann${k % 7}` }));
		const chunks = a.activity.writeHistory([{ kind: 'create', at: 1_699_999_999_000, member: 'bea', annotationId: 'ann0', imageId: images[0] }, ...events]);
		expect(chunks).toBeGreaterThan(2);
		expect(a.activity.events()).toHaveLength(501);
		expect(a.activity.events().filter((e) => e.member === 'cai')).toHaveLength(250);
	});

	it('decodes what it encodes and never throws on damaged bytes', () => {
		const header = encodeChunkHeader('aaaaaaaaaaaaaaaa', 1_700_000_000_000)!;
		const event = encodeEvent({ kind: 'delete', at: 1_700_000_005_000, member: 'x', annotationId: 'bbbbbbbbbbbbbbbb', imageId: 'img-1', record: new Uint8Array([1, 2, 3]) }, 1_700_000_000_000)!;
		const bytes = new Uint8Array([...header, ...event]);
		const decoded = decodeChunk(bytes);
		expect(decoded).toEqual({ ok: true, events: [{ kind: 'delete', at: 1_700_000_005_000, member: 'aaaaaaaaaaaaaaaa', annotationId: 'bbbbbbbbbbbbbbbb', imageId: 'img-1', record: new Uint8Array([1, 2, 3]) }] });
		// An edit 5 s after the one before is 1 + 2 + 13 bytes: the history stays small.
		expect(encodeEvent({ kind: 'edit', at: 1_700_000_005_000, member: 'x', annotationId: 'bbbbbbbbbbbbbbbb' }, 1_700_000_000_000)!.length).toBe(16);
		for (let cut = 0; cut < bytes.length; cut++) expect(decodeChunk(bytes.slice(0, cut)).ok, `cut at ${cut}`).toBe(cut === header.length);
		expect(decodeChunk(new Uint8Array([2, 0])).ok).toBe(false);
		for (let seed = 0; seed < 200; seed++) {
			const junk = bytes.map((b, i) => (i * 31 + seed * 17) % 7 === 0 ? (b ^ (seed + 1)) & 255 : b);
			expect(() => decodeChunk(junk)).not.toThrow();
		}
	});
});

describe('schema v8 migration and read boundary', () => {
	it('migrates a v5 document: done stays done, new and in progress are in annotate, status leaves the image', () => {
		const old = new Y.Doc();
		old.getMap('meta').set('schemaVersion', 5);
		old.getMap('meta').set('settings', { name: 'Old', description: '', createdAt: 1 });
		const image = (id: string, status: string) => ({ id, name: `${id}.png`, hash: id, width: 100, height: 100, mime: 'image/png', size: 1, status, addedAt: 1 });
		old.getMap('images').set('i1', image('i1', 'new'));
		old.getMap('images').set('i2', image('i2', 'in_progress'));
		old.getMap('images').set('i3', image('i3', 'done'));
		// Two peers migrate the same document at once: their writes agree.
		const p = new ProjectDoc(new Y.Doc());
		const q = new ProjectDoc(new Y.Doc());
		Y.applyUpdate(p.ydoc, Y.encodeStateAsUpdate(old));
		Y.applyUpdate(q.ydoc, Y.encodeStateAsUpdate(old));
		p.migrate();
		q.migrate();
		Y.applyUpdate(p.ydoc, Y.encodeStateAsUpdate(q.ydoc));
		Y.applyUpdate(q.ydoc, Y.encodeStateAsUpdate(p.ydoc));
		for (const d of [p, q]) {
			expect(d.schemaVersion).toBe(SCHEMA_VERSION);
			expect(['i1', 'i2', 'i3'].map((id) => d.review.stageOf(id).stage)).toEqual(['annotate', 'annotate', 'done']);
			expect(d.images().every((i) => !('status' in i))).toBe(true);
			expect(d.problems()).toEqual([]);
			expect(d.readOnlyReason).toBeNull();
		}
	});

	it('keeps a hostile team record out, listed as a problem, and reads the rest', () => {
		const { docs, sync, images } = team(2);
		const [a, b] = docs;
		b.ydoc.transact(() => {
			b.ydoc.getMap('comments').set('bad1', { threadId: 't', author: 'x', text: 5, mentions: [], createdAt: 1 });
			b.ydoc.getMap('members').set('bad2', { name: '<img src=x onerror=alert(1)>', color: 'red', algorithm: 'RSA', publicKey: '!', joinedAt: 1, lastSeen: 1, aliases: [] });
			b.ydoc.getMap('stages').set(images[0], { stage: 'shipped', by: 'x', at: 1 });
			b.ydoc.getMap('assignments').set(images[1], 'bea');
			b.ydoc.getMap('activity').set('w.0', 'not bytes');
			b.ydoc.getMap('threads').set('bad3', { imageId: images[0], anchor: { kind: 'point', x: Infinity, y: 0 }, author: 'x', createdAt: 1, resolved: null });
		});
		sync();
		expect(a.problems().map((p) => `${p.map}/${p.key}`).sort()).toEqual(['activity/w.0', 'assignments/' + images[1], 'comments/bad1', 'members/bad2', 'stages/' + images[0], 'threads/bad3'].sort());
		expect(a.review.stageOf(images[0]).stage).toBe('annotate');
		expect(a.members.list().map((m) => m.id)).toEqual(['ana', 'bea']);
		expect(a.deleteProblem('comments', 'bad1').ok).toBe(true);
	});

	it('signs fixed bytes: a comment and a review decision every peer rebuilds the same way', () => {
		const c = { id: 'c1', threadId: 't1', author: 'm1', text: 'Hé @Bea', mentions: ['m2'], createdAt: 5 };
		expect(new TextDecoder().decode(commentPayload(c))).toBe('["peerlabel-comment-v1","c1","t1","m1","Hé @Bea",["m2"],5,null,false]');
		expect(new TextDecoder().decode(commentPayload({ ...c, sig: 'zzz' }))).toBe(new TextDecoder().decode(commentPayload(c)));
		const r = { id: 'r1', imageId: 'i1', action: 'reject' as const, by: 'm1', at: 9, from: 'review' as const, reason: 'no', threads: ['t1'], annotator: 'm2' };
		expect(new TextDecoder().decode(reviewPayload(r))).toBe('["peerlabel-review-v1","r1","i1","reject","m1",9,"review","no",["t1"],"m2"]');
	});
});
