import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import type { MemberProfile } from '$lib/model/families/members';
import { ACTIVE_GAP_MS, activeTime, csvField, csvText, statsCsv, statsInputOf, teamStats, type StatsInput, type StatsReview } from '$lib/model/team/stats';

/**
 * Issue 15 item 6: the numbers a lead asks for (model/team/stats.ts). Every expected number is worked
 * out by hand in the comment beside it.
 */

const MIN = 60_000;
const T0 = 1_700_000_000_000;

const input = (over: Partial<StatsInput>): StatsInput => ({
	members: [],
	reviews: [],
	activity: [],
	annotations: [],
	stages: new Map(),
	classes: [],
	...over
});

const ana = { id: 'ana', name: 'Ana', color: '#ff0000', aliases: ['old-device'], joinedAt: 1 };
const bea = { id: 'bea', name: 'Bea', color: '#00ff00', aliases: [], joinedAt: 2 };

describe('active time', () => {
	it('one moment is one minute; gaps under 5 minutes count in full', () => {
		expect(activeTime([])).toEqual({ ms: 0, sessions: 0, last: null });
		expect(activeTime([T0])).toEqual({ ms: MIN, sessions: 1, last: T0 });
		// 1 min (start) + 4 min gap + 30 s gap = 5.5 min, one session; order given does not matter.
		expect(activeTime([T0 + 4 * MIN + 30_000, T0, T0 + 4 * MIN])).toEqual({ ms: 5.5 * MIN, sessions: 1, last: T0 + 4 * MIN + 30_000 });
	});

	it('a gap of exactly 5 minutes is a break: a new session (1 minute), not 5 minutes of work', () => {
		// Two sessions: 1 min + 1 min.
		expect(activeTime([T0, T0 + ACTIVE_GAP_MS])).toEqual({ ms: 2 * MIN, sessions: 2, last: T0 + ACTIVE_GAP_MS });
		// One millisecond less is one session: 1 min + 4:59.999.
		expect(activeTime([T0, T0 + ACTIVE_GAP_MS - 1])).toEqual({ ms: MIN + ACTIVE_GAP_MS - 1, sessions: 1, last: T0 + ACTIVE_GAP_MS - 1 });
	});

	it('two moments at one millisecond add nothing but are counted once as a start', () => {
		expect(activeTime([T0, T0, T0])).toEqual({ ms: MIN, sessions: 1, last: T0 });
	});
});

describe('teamStats: members', () => {
	it('counts annotations made and changed from the activity log, an alias counted as its member', () => {
		const stats = teamStats(
			input({
				members: [ana, bea],
				activity: [
					{ kind: 'create', at: T0, member: 'ana' },
					{ kind: 'create', at: T0 + MIN, member: 'old-device' }, // Ana's old id
					{ kind: 'edit', at: T0 + 2 * MIN, member: 'old-device' },
					{ kind: 'restore', at: T0 + 3 * MIN, member: 'ana' },
					{ kind: 'import', at: T0 + 3 * MIN, member: 'ana', count: 40 },
					{ kind: 'delete', at: T0 + 20 * MIN, member: 'ana' },
					{ kind: 'edit', at: T0, member: 'bea' },
					{ kind: 'edit', at: T0 + 10 * MIN, member: 'bea' }
				]
			})
		);
		expect(stats.members.map((m) => m.id)).toEqual(['ana', 'bea']);
		const [a, b] = stats.members;
		// created: 2 creates + 1 restore + 40 imported = 43; edited 1; deleted 1.
		expect(a).toMatchObject({ name: 'Ana', known: true, created: 43, edited: 1, deleted: 1 });
		// Ana's moments: 0, 1, 2, 3, 3, 20 min: a session 0..3 (1 + 3 = 4 min) and one at 20 (1 min) = 5 min.
		expect(a.activeMs).toBe(5 * MIN);
		expect(a.sessions).toBe(2);
		expect(a.lastActive).toBe(T0 + 20 * MIN);
		// Bea: two edits 10 minutes apart: two sessions, 2 min.
		expect(b).toMatchObject({ created: 0, edited: 2, activeMs: 2 * MIN, sessions: 2 });
	});

	it('an alias claimed by two members counts for the one who joined first; an unknown id for itself', () => {
		const late = { id: 'cai', name: 'Cai', aliases: ['old-device'], joinedAt: 0.5 }; // joined before Ana
		const stats = teamStats(
			input({
				members: [ana, late],
				activity: [
					{ kind: 'create', at: T0, member: 'old-device' },
					{ kind: 'create', at: T0, member: 'stranger' },
					{ kind: 'create', at: T0, member: 'another' }
				]
			})
		);
		expect(stats.members.map((m) => [m.id, m.created, m.known])).toEqual([
			['ana', 0, true],
			['cai', 1, true],
			['another', 1, false], // unknown authors after the members, by id
			['stranger', 1, false]
		]);
		expect(stats.members[3]).toMatchObject({ name: 'stranger', color: null });
	});

	it('submitted, accepted and rejected follow the latest submission; the rate is null with no submission', () => {
		const r = (imageId: string, action: StatsReview['action'], by: string, minute: number): StatsReview => ({ imageId, action, by, at: T0 + minute * MIN });
		const stats = teamStats(
			input({
				members: [ana, bea],
				reviews: [
					r('i1', 'submit', 'old-device', 0), // Ana (alias)
					r('i1', 'reject', 'bea', 1), // Ana's submission rejected
					r('i1', 'reject', 'bea', 2), // a second rejection (a peer's, concurrent): the submission still counts once
					r('i1', 'submit', 'ana', 3),
					r('i1', 'accept', 'bea', 4), // accepted: Ana's
					r('i1', 'reopen', 'bea', 5),
					r('i1', 'accept', 'bea', 6), // accepted again: latest submit still Ana's
					r('i2', 'submit', 'bea', 7),
					r('i2', 'accept', 'ana', 8), // Bea's
					r('i3', 'accept', 'ana', 9) // nobody submitted i3 (a stage set by hand): credits nobody
				]
			})
		);
		const [a, b] = stats.members;
		// Ana: 2 submissions, 2 acceptances, 1 rejected submission: 1 / 2.
		expect(a).toMatchObject({ submitted: 2, accepted: 2, rejected: 1, rejectionRate: 0.5 });
		// Bea: 1 submission, accepted, never rejected: 0 / 1 = 0 (not null).
		expect(b).toMatchObject({ submitted: 1, accepted: 1, rejected: 0, rejectionRate: 0 });
		// Decisions are moments too. Bea's: 1, 2, 4, 5, 6, 7 min: one session of 1 + 6 = 7 min.
		expect(b.activeMs).toBe(7 * MIN);
		// Ana's: 0, 3, 8, 9 min: 0..3 (1 + 3), 8..9 (1 + 1): 6 min.
		expect(a.activeMs).toBe(6 * MIN);
	});

	it('a member who submitted nothing has no rejection rate (null, not 0)', () => {
		const stats = teamStats(input({ members: [ana, bea], reviews: [{ imageId: 'i1', action: 'submit', by: 'bea', at: T0 }] }));
		expect(stats.members[0]).toMatchObject({ id: 'ana', submitted: 0, rejected: 0, rejectionRate: null, activeMs: 0, sessions: 0, lastActive: null });
		expect(stats.members[1].rejectionRate).toBe(0);
	});

	it('decisions are taken by time, ties in the order given', () => {
		// Listed out of order: the accept (minute 2) comes after Bea's submit (minute 1), not Ana's (minute 3).
		const stats = teamStats(
			input({
				members: [ana, bea],
				reviews: [
					{ imageId: 'i1', action: 'submit', by: 'ana', at: T0 + 3 * MIN },
					{ imageId: 'i1', action: 'accept', by: 'ana', at: T0 + 2 * MIN },
					{ imageId: 'i1', action: 'submit', by: 'bea', at: T0 + MIN },
					// One millisecond: the submit listed first is the earlier.
					{ imageId: 'i2', action: 'submit', by: 'ana', at: T0 },
					{ imageId: 'i2', action: 'reject', by: 'bea', at: T0 }
				]
			})
		);
		expect(stats.members.map((m) => [m.id, m.accepted, m.rejected])).toEqual([
			['ana', 0, 1],
			['bea', 1, 0]
		]);
	});

	it('comments count, and are moments of active time', () => {
		const stats = teamStats(
			input({
				members: [ana],
				activity: [{ kind: 'edit', at: T0, member: 'ana' }],
				comments: [
					{ author: 'old-device', at: T0 + 2 * MIN },
					{ author: 'ana', at: T0 + 30 * MIN }
				]
			})
		);
		// 0, 2 min: 1 + 2 = 3; 30 min: 1. 4 min, 2 sessions.
		expect(stats.members[0]).toMatchObject({ comments: 2, activeMs: 4 * MIN, sessions: 2 });
	});
});

describe('teamStats: classes', () => {
	it('counts by the stage of the image, proposals left out, every class listed, a lost class after', () => {
		const stats = teamStats(
			input({
				classes: [
					{ id: 'c-car', name: 'car', color: '#e6194b' },
					{ id: 'c-bus', name: 'bus' },
					{ id: 'c-bike', name: 'bike' }
				],
				stages: new Map([
					['i1', 'review'],
					['i2', 'done'],
					['i3', 'annotate']
				]),
				annotations: [
					{ classId: 'c-car', imageId: 'i1' },
					{ classId: 'c-car', imageId: 'i1' },
					{ classId: 'c-car', imageId: 'i2' },
					{ classId: 'c-car', imageId: 'i4' }, // no stage record: annotate
					{ classId: 'c-car', imageId: 'i2', proposal: { model: 'm', score: 0.9 } }, // left out
					{ classId: 'c-bus', imageId: 'i3' },
					{ classId: 'c-gone', imageId: 'i2' }
				]
			})
		);
		expect(stats.classes.map((c) => [c.name, c.total, c.byStage.annotate, c.byStage.review, c.byStage.done, c.known])).toEqual([
			['car', 4, 1, 2, 1, true],
			['bus', 1, 1, 0, 0, true],
			['bike', 0, 0, 0, 0, true],
			['c-gone', 1, 0, 0, 1, false]
		]);
		expect(stats.totals).toEqual({ total: 6, byStage: { annotate: 2, review: 2, done: 2 } });
	});
});

describe('CSV', () => {
	it('quotes fields with a comma, a quote or a line break (quotes doubled), and nothing else', () => {
		expect(csvField('plain')).toBe('plain');
		expect(csvField('a,b')).toBe('"a,b"');
		expect(csvField('say "hi"')).toBe('"say ""hi"""');
		expect(csvField('two\nlines')).toBe('"two\nlines"');
		expect(csvField('cr\rhere')).toBe('"cr\rhere"');
		expect(csvField('')).toBe('');
		expect(csvField(null)).toBe('');
		expect(csvField(0.25)).toBe('0.25');
		expect(csvText([['a', 'b,c'], [1, null]])).toBe('a,"b,c"\r\n1,\r\n');
	});

	it('guards a text that starts like a formula with an apostrophe, before quoting', () => {
		expect(csvField('=1+2')).toBe("'=1+2");
		expect(csvField('+33 6')).toBe("'+33 6");
		expect(csvField('-x')).toBe("'-x");
		expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
		expect(csvField('\tTAB')).toBe("'\tTAB");
		expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
		// Not at the start: left alone.
		expect(csvField('a=b')).toBe('a=b');
		expect(csvField('Ana-Maria')).toBe('Ana-Maria');
	});

	it('two files: members and classes, each a header and one row per line', () => {
		const stats = teamStats(
			input({
				members: [{ id: 'm1', name: '=cmd|evil', aliases: [] }, { id: 'm2', name: 'Lee, "Sam"' }],
				reviews: [
					{ imageId: 'i1', action: 'submit', by: 'm1', at: Date.UTC(2024, 0, 2, 3, 4, 5) },
					{ imageId: 'i1', action: 'reject', by: 'm2', at: Date.UTC(2024, 0, 2, 3, 5, 5) },
					{ imageId: 'i1', action: 'submit', by: 'm1', at: Date.UTC(2024, 0, 2, 3, 6, 5) },
					{ imageId: 'i1', action: 'submit', by: 'm1', at: Date.UTC(2024, 0, 2, 3, 6, 5) }
				],
				classes: [{ id: 'k1', name: 'car, red' }],
				annotations: [{ classId: 'k1', imageId: 'i1' }],
				stages: new Map([['i1', 'review']])
			})
		);
		const { members, classes } = statsCsv(stats);
		expect(members.split('\r\n')).toEqual([
			'member,member_id,known_member,submitted,accepted,rejected,rejection_rate,annotations_created,annotations_edited,annotations_deleted,comments,active_minutes,sessions,last_active',
			// 3 submissions, 1 rejected: 0.3333. Moments 3:04:05, 3:06:05 (x2): 1 + 2 = 3 min.
			"'=cmd|evil,m1,yes,3,0,1,0.3333,0,0,0,0,3,1,2024-01-02T03:06:05.000Z",
			// Moment 3:05:05: 1 min; submitted nothing: empty rate.
			'"Lee, ""Sam""",m2,yes,0,0,0,,0,0,0,0,1,1,2024-01-02T03:05:05.000Z',
			''
		]);
		expect(classes.split('\r\n')).toEqual(['class,class_id,total,annotate,review,done,known_class', '"car, red",k1,1,0,1,0,yes', 'Total,,1,0,1,0,', '']);
	});
});

describe('statsInputOf: from a document', () => {
	const profile = (id: string, name: string, aliases: string[] = []): MemberProfile => ({ id, name, color: '#3366cc', algorithm: 'Ed25519', publicKey: 'AAAA', aliases });
	const flush = () => new Promise<void>((r) => queueMicrotask(r));

	it('reads members, decisions, activity, comments, stages and classes of a project', async () => {
		const doc = new ProjectDoc(new Y.Doc(), { id: 'old-device', name: 'Ana' });
		doc.initialize({ name: 'Harbour' });
		const cls = doc.addClass({ name: 'boat' });
		const imgs = doc.addImages([
			{ name: 'a.jpg', hash: 'ha', width: 200, height: 100, mime: 'image/jpeg', size: 1 },
			{ name: 'b.jpg', hash: 'hb', width: 200, height: 100, mime: 'image/jpeg', size: 1 }
		]);
		if (!cls.ok || !imgs.ok) throw new Error('setup');
		const [i1, i2] = imgs.value.map((i) => i.id);
		// Ana writes first under her old device id, then as her member (which names that id an alias).
		const box = (imageId: string) => ({ imageId, classId: cls.value.id, type: 'box' as const, geometry: { x: 1, y: 1, width: 10, height: 10 } });
		const made = doc.createAnnotation(box(i1));
		if (!made.ok) throw new Error(made.reason);
		await flush();
		doc.members.join(profile('ana', 'Ana', ['old-device']), 1000);
		doc.setActor({ id: 'ana', name: 'Ana' });
		doc.createAnnotation(box(i1));
		doc.createAnnotation(box(i2));
		doc.updateAnnotation(made.value.id, { geometry: { x: 2, y: 2, width: 10, height: 10 } });
		await flush();
		const submit = doc.review.prepare('submit', i1);
		if (!submit.ok) throw new Error(submit.reason);
		doc.review.commit(submit.value);
		const thread = doc.comments.newThread({ imageId: i2, anchor: { kind: 'image' }, text: 'ok?' });
		if (!thread.ok) throw new Error(thread.reason);
		doc.comments.write({ threads: [thread.value.thread], comments: [thread.value.comment] });

		const stats = teamStats(statsInputOf(doc));
		expect(stats.members).toHaveLength(1);
		expect(stats.members[0]).toMatchObject({ id: 'ana', name: 'Ana', known: true, created: 3, edited: 1, submitted: 1, comments: 1, sessions: 1 });
		expect(stats.classes).toMatchObject([{ name: 'boat', total: 3, byStage: { annotate: 1, review: 2, done: 0 } }]);
	});
});
