import type { Id } from '../records';
import type { ProjectDoc } from '../project-doc';
import type { ActivityKind } from './activity-codec';
import type { ReviewAction, Stage } from './records';
import { DEFAULT_STAGE, STAGES } from './records';

/**
 * The numbers a lead asks for (issue 15 item 6): what each member did, and how many annotations each
 * class has in each review stage. `teamStats` is a pure function over plain arrays (no document, no
 * DOM), so that it can run in a worker once projects grow; `statsInputOf` gathers its input from an
 * open document.
 *
 * Definitions (the unit tests compute each by hand: tests/unit/team-stats.test.ts):
 *
 * - **Who.** Every id a record carries (a decision's `by`, an activity event's `member`, a comment's
 *   `author`) is resolved to a member: the member with that id, else the member naming it among its
 *   `aliases` (the one who joined first when two claim it, as `MemberRecords.resolve` does). An id no
 *   member claims is counted under itself, as an unknown author (`known: false`).
 * - **Submitted**: the `submit` decisions the member made.
 * - **Accepted**: the `accept` decisions on an image whose latest `submit` before the acceptance was
 *   the member's (each acceptance counts, a reopened image accepted again counts again). Decisions are
 *   taken oldest first; of two at the same millisecond, the one listed first is the earlier.
 * - **Rejected**: the member's submissions that a `reject` followed before the image's next `submit`
 *   (each submission counted once, however many rejections followed it).
 * - **Rejection rate**: rejected / submitted, from 0 to 1; null when the member submitted nothing.
 * - **Created**: activity `create` and `restore` events (one each), plus the `count` of each `import`
 *   event (an import logs one event per image). **Edited**: `edit` events. **Deleted**: `delete` events.
 * - **Comments**: the comments the member wrote (deleted ones included: writing them was work).
 * - **Active time.** The member's moments: its activity events, its review decisions and its comments
 *   (when given), sorted by time. Consecutive moments less than 5 minutes apart (`ACTIVE_GAP_MS`,
 *   strictly less: a gap of exactly 5 minutes is a break) are one session, and the gap between them
 *   counts in full. Each session also counts 1 minute for its first moment (`SESSION_START_MS`), so a
 *   lone edit is 1 minute of work and two edits 4 minutes apart are 5. `sessions` is how many there were.
 * - **Per class**: the project's annotations, proposals left out (a model's shapes nobody accepted yet),
 *   counted in all and by the stage of their image (an image with no stage record is in annotate).
 *   Every class is listed, in the project's class order, even with no annotation; annotations of a
 *   class the project no longer has are listed after, under its id (`known: false`).
 *
 * CSV: two files, not two sections of one, so that each opens as one table in a spreadsheet
 * (`statsCsv`: members and classes).
 */

/** A gap between two moments of one member shorter than this is time at work (exactly this: a break). */
export const ACTIVE_GAP_MS = 5 * 60_000;
/** What the first moment of a session counts for. */
export const SESSION_START_MS = 60_000;

export interface StatsMember {
	id: Id;
	name: string;
	color?: string;
	aliases?: readonly Id[];
	joinedAt?: number;
}

export interface StatsReview {
	imageId: Id;
	action: ReviewAction;
	by: Id;
	at: number;
}

export interface StatsActivity {
	kind: ActivityKind;
	at: number;
	member: Id;
	/** import: annotations added. */
	count?: number;
}

export interface StatsComment {
	author: Id;
	/** When it was written. */
	at: number;
}

export interface StatsAnnotation {
	classId: Id;
	imageId: Id;
	/** Set (to anything) on a model's proposal: left out of the class counts. */
	proposal?: unknown;
}

export interface StatsClass {
	id: Id;
	name: string;
	color?: string;
}

export interface StatsInput {
	members: readonly StatsMember[];
	/** Review decisions, oldest first (ties keep this order). */
	reviews: readonly StatsReview[];
	activity: readonly StatsActivity[];
	comments?: readonly StatsComment[];
	annotations: Iterable<StatsAnnotation>;
	/** The stage of each image that has one (others are in annotate). */
	stages: ReadonlyMap<Id, Stage>;
	/** In the order to list them. */
	classes: readonly StatsClass[];
}

export interface MemberStats {
	/** The member's id, or the unknown author id. */
	id: Id;
	name: string;
	color: string | null;
	/** False: an author id no member claims. */
	known: boolean;
	submitted: number;
	accepted: number;
	rejected: number;
	/** rejected / submitted; null when nothing was submitted. */
	rejectionRate: number | null;
	created: number;
	edited: number;
	deleted: number;
	comments: number;
	/** Milliseconds. */
	activeMs: number;
	sessions: number;
	/** The latest moment (ms), null when none. */
	lastActive: number | null;
}

export type StageCounts = Record<Stage, number>;

export interface ClassStats {
	id: Id;
	name: string;
	color: string | null;
	/** False: annotations of a class the project no longer has. */
	known: boolean;
	total: number;
	byStage: StageCounts;
}

export interface TeamStats {
	/** Known members in the order given, then unknown authors by id. */
	members: MemberStats[];
	classes: ClassStats[];
	/** Over every class. */
	totals: { total: number; byStage: StageCounts };
}

/** The member each author id counts for: the member itself, else the first to join of those naming it an alias. */
function resolver(members: readonly StatsMember[]): (id: Id) => StatsMember | undefined {
	const byId = new Map(members.map((m) => [m.id, m]));
	const byAlias = new Map<Id, StatsMember>();
	const byJoin = [...members].sort((a, b) => (a.joinedAt ?? 0) - (b.joinedAt ?? 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	for (const m of byJoin) for (const alias of m.aliases ?? []) if (!byAlias.has(alias)) byAlias.set(alias, m);
	return (id) => byId.get(id) ?? byAlias.get(id);
}

const zeroStages = (): StageCounts => ({ annotate: 0, review: 0, done: 0 });

/** Every number of the page, computed once (see the definitions above). */
export function teamStats(input: StatsInput): TeamStats {
	const resolve = resolver(input.members);
	const rows = new Map<Id, MemberStats & { moments: number[] }>();
	const row = (authorId: Id) => {
		const member = resolve(authorId);
		const id = member?.id ?? authorId;
		let r = rows.get(id);
		if (!r) {
			r = {
				id,
				name: member?.name ?? id,
				color: member?.color ?? null,
				known: !!member,
				submitted: 0,
				accepted: 0,
				rejected: 0,
				rejectionRate: null,
				created: 0,
				edited: 0,
				deleted: 0,
				comments: 0,
				activeMs: 0,
				sessions: 0,
				lastActive: null,
				moments: []
			};
			rows.set(id, r);
		}
		return r;
	};
	for (const m of input.members) row(m.id);

	// Decisions oldest first; a stable sort keeps the given order of those at one millisecond.
	const reviews = input.reviews.map((r, i) => ({ r, i })).sort((a, b) => a.r.at - b.r.at || a.i - b.i);
	/** Per image: the row of its latest submission, and whether a rejection has already counted it. */
	const latestSubmit = new Map<Id, { row: MemberStats; rejected: boolean }>();
	for (const { r } of reviews) {
		const by = row(r.by);
		by.moments.push(r.at);
		if (r.action === 'submit') {
			by.submitted++;
			latestSubmit.set(r.imageId, { row: by, rejected: false });
		} else if (r.action === 'accept') {
			const s = latestSubmit.get(r.imageId);
			if (s) s.row.accepted++;
		} else if (r.action === 'reject') {
			const s = latestSubmit.get(r.imageId);
			if (s && !s.rejected) {
				s.row.rejected++;
				s.rejected = true;
			}
		}
	}

	for (const e of input.activity) {
		const r = row(e.member);
		r.moments.push(e.at);
		if (e.kind === 'create' || e.kind === 'restore') r.created++;
		else if (e.kind === 'import') r.created += Math.max(0, Math.floor(e.count ?? 0));
		else if (e.kind === 'edit') r.edited++;
		else if (e.kind === 'delete') r.deleted++;
	}

	for (const c of input.comments ?? []) {
		const r = row(c.author);
		r.comments++;
		r.moments.push(c.at);
	}

	const members: MemberStats[] = [];
	for (const { moments, ...r } of rows.values()) {
		r.rejectionRate = r.submitted > 0 ? r.rejected / r.submitted : null;
		const active = activeTime(moments);
		r.activeMs = active.ms;
		r.sessions = active.sessions;
		r.lastActive = active.last;
		members.push(r);
	}
	// Known members as given (rows were made for them first), unknown authors after, by id.
	const known = members.filter((m) => m.known);
	const unknown = members.filter((m) => !m.known).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

	const classRows = new Map<Id, ClassStats>();
	for (const c of input.classes) classRows.set(c.id, { id: c.id, name: c.name, color: c.color ?? null, known: true, total: 0, byStage: zeroStages() });
	const strays: ClassStats[] = [];
	const totals = { total: 0, byStage: zeroStages() };
	for (const a of input.annotations) {
		if (a.proposal !== undefined && a.proposal !== null && a.proposal !== false) continue;
		let c = classRows.get(a.classId);
		if (!c) {
			c = { id: a.classId, name: a.classId, color: null, known: false, total: 0, byStage: zeroStages() };
			classRows.set(a.classId, c);
			strays.push(c);
		}
		const stage = input.stages.get(a.imageId) ?? DEFAULT_STAGE;
		c.total++;
		c.byStage[stage]++;
		totals.total++;
		totals.byStage[stage]++;
	}
	strays.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const classes = [...[...classRows.values()].filter((c) => c.known), ...strays];

	return { members: [...known, ...unknown], classes, totals };
}

/** Active time of one member's moments (any order): see the definition above. */
export function activeTime(moments: readonly number[]): { ms: number; sessions: number; last: number | null } {
	if (!moments.length) return { ms: 0, sessions: 0, last: null };
	const sorted = [...moments].sort((a, b) => a - b);
	let ms = SESSION_START_MS;
	let sessions = 1;
	for (let i = 1; i < sorted.length; i++) {
		const gap = sorted[i] - sorted[i - 1];
		if (gap < ACTIVE_GAP_MS) ms += gap;
		else {
			ms += SESSION_START_MS;
			sessions++;
		}
	}
	return { ms, sessions, last: sorted[sorted.length - 1] };
}

/** The input of `teamStats` from an open document (what the stats page reads). */
export function statsInputOf(doc: ProjectDoc): StatsInput {
	const stages = new Map<Id, Stage>();
	for (const image of doc.images()) stages.set(image.id, doc.review.stageOf(image.id).stage);
	const comments: StatsComment[] = [];
	for (const thread of doc.comments.threads()) for (const c of doc.comments.commentsOf(thread.id)) comments.push({ author: c.author, at: c.createdAt });
	return {
		members: doc.members.list(),
		reviews: doc.review.reviews(),
		activity: doc.activity.events(),
		comments,
		annotations: doc.allAnnotations(),
		stages,
		classes: doc.classes()
	};
}

// ---- CSV ------------------------------------------------------------------------------------------

/** Characters that make a spreadsheet read a cell as a formula (and tab and CR, which some also strip first). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): a text starting like a formula (= + - @, or a tab or carriage return) gets
 * a leading apostrophe, so that a spreadsheet shows it as text (a member may name itself
 * "=HYPERLINK(…)"); then a field holding a comma, a double quote, a CR or an LF is quoted, its quotes
 * doubled. Numbers are written as they are (never negative here).
 */
export function csvField(value: string | number | null | undefined): string {
	if (value === null || value === undefined) return '';
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
	const text = FORMULA_START.test(value) ? `'${value}` : value;
	return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV text: fields joined by commas, records ended by CRLF (RFC 4180). */
export function csvText(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
	return rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

export const MEMBER_CSV_HEADER = [
	'member',
	'member_id',
	'known_member',
	'submitted',
	'accepted',
	'rejected',
	'rejection_rate',
	'annotations_created',
	'annotations_edited',
	'annotations_deleted',
	'comments',
	'active_minutes',
	'sessions',
	'last_active'
] as const;

export const CLASS_CSV_HEADER = ['class', 'class_id', 'total', ...STAGES, 'known_class'] as const;

const round = (n: number, places: number) => Math.round(n * 10 ** places) / 10 ** places;

/**
 * The statistics as two CSV files (each one table, with a header row): `members` (one row a member,
 * rejection rate a fraction from 0 to 1 with 4 decimals, empty when nothing was submitted; active time
 * in minutes with one decimal; last active as an ISO 8601 time in UTC, empty when never) and `classes`
 * (one row a class: its total and its counts by stage), with a last row `Total` over every class.
 */
export function statsCsv(stats: TeamStats): { members: string; classes: string } {
	const members = csvText([
		MEMBER_CSV_HEADER,
		...stats.members.map((m) => [
			m.name,
			m.id,
			m.known ? 'yes' : 'no',
			m.submitted,
			m.accepted,
			m.rejected,
			m.rejectionRate === null ? null : round(m.rejectionRate, 4),
			m.created,
			m.edited,
			m.deleted,
			m.comments,
			round(m.activeMs / 60_000, 1),
			m.sessions,
			m.lastActive === null ? null : new Date(m.lastActive).toISOString()
		])
	]);
	const classes = csvText([
		CLASS_CSV_HEADER,
		...stats.classes.map((c) => [c.name, c.id, c.total, ...STAGES.map((s) => c.byStage[s]), c.known ? 'yes' : 'no']),
		['Total', '', stats.totals.total, ...STAGES.map((s) => stats.totals.byStage[s]), '']
	]);
	return { members, classes };
}
