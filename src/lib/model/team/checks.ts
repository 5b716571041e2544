import { MAX_ID_CHARS, MAX_TEXT_CHARS } from '../limits';
import type { RecordCheck } from '../record-check';
import {
	REVIEW_ACTIONS,
	REVIEW_FLAGS,
	SPLITS,
	STAGES,
	taskKey,
	type AssignmentRecord,
	type ConsensusRecord,
	type GoldRecord,
	type SplitRecord,
	type TaskRecord,
	type CommentRecord,
	type MemberRecord,
	type ReviewRecord,
	type StageRecord,
	type ThreadAnchor,
	type ThreadRecord
} from './records';
import { MAX_ACTIVITY_CHUNK_BYTES } from './activity-codec';

/**
 * The read boundary's checks of the team's records (schema v8): like record-check.ts, total (nothing
 * throws), a clean record indexed by its map key, or why it cannot be read. Signatures are not checked
 * here (that is asynchronous WebCrypto, storage/signatures.ts): a record with a wrong one is readable
 * and shown as unverified.
 */

/** Characters of a member's display name. */
export const MAX_MEMBER_NAME_CHARS = 64;
/** Earlier ids a member may name as its own. */
export const MAX_ALIASES = 8;
/** Members one comment may mention; threads one rejection may open. */
export const MAX_MENTIONS = 64;
export const MAX_REVIEW_THREADS = 256;
/** A signature in base64 (an ECDSA P-256 one is 64 bytes, Ed25519 64). */
export const MAX_SIGNATURE_CHARS = 256;
/** A raw public key in base64 (P-256 uncompressed: 65 bytes). */
const MAX_PUBLIC_KEY_CHARS = 128;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type Raw = Record<string, unknown>;
const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS;
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isIdList = (v: unknown, max: number): v is string[] => Array.isArray(v) && v.length <= max && v.every(isId);
const isSig = (v: unknown) => v === undefined || (typeof v === 'string' && v.length <= MAX_SIGNATURE_CHARS && BASE64.test(v));
const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= 1e9;

export function checkMemberRecord(key: string, raw: unknown): RecordCheck<MemberRecord> {
	if (!isObject(raw)) return fail('the member is not a record');
	if (typeof raw.name !== 'string' || !raw.name.trim() || raw.name.length > MAX_MEMBER_NAME_CHARS) return fail(`its name is not 1 to ${MAX_MEMBER_NAME_CHARS} characters`);
	if (typeof raw.color !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(raw.color)) return fail('its colour is not #rrggbb');
	if (raw.algorithm !== 'Ed25519' && raw.algorithm !== 'ECDSA-P256') return fail('its key type is unknown');
	if (typeof raw.publicKey !== 'string' || !raw.publicKey || raw.publicKey.length > MAX_PUBLIC_KEY_CHARS || !BASE64.test(raw.publicKey)) return fail('its public key is not base64');
	if (!isTime(raw.joinedAt) || !isTime(raw.lastSeen)) return fail('its times are not numbers');
	if (!isIdList(raw.aliases, MAX_ALIASES)) return fail(`its earlier ids are not a list of at most ${MAX_ALIASES}`);
	if (!isSig(raw.sig)) return fail('its signature is not base64');
	return { ok: true, record: { ...(raw as unknown as MemberRecord), id: key } };
}

function checkAnchor(a: unknown): a is ThreadAnchor {
	if (!isObject(a)) return false;
	if (a.kind === 'image') return true;
	if (a.kind === 'point') return isCoordinate(a.x) && isCoordinate(a.y);
	if (a.kind === 'annotation') return isId(a.annotationId) && isCoordinate(a.x) && isCoordinate(a.y);
	return false;
}

export function checkThreadRecord(key: string, raw: unknown): RecordCheck<ThreadRecord> {
	if (!isObject(raw)) return fail('the thread is not a record');
	if (!isId(raw.imageId)) return fail('it names no image');
	if (!checkAnchor(raw.anchor)) return fail('its place on the image is not readable');
	if (!isId(raw.author)) return fail('it names no author');
	if (!isTime(raw.createdAt)) return fail('its time is not a number');
	const r = raw.resolved;
	if (r !== null && !(isObject(r) && isId(r.by) && isTime(r.at))) return fail('its resolved mark is not readable');
	if (raw.flag !== undefined && !REVIEW_FLAGS.includes(raw.flag as never)) return fail('its review flag is unknown');
	if (raw.reviewId !== undefined && !isId(raw.reviewId)) return fail('its review is not an id');
	return { ok: true, record: { ...(raw as unknown as ThreadRecord), id: key } };
}

export function checkCommentRecord(key: string, raw: unknown): RecordCheck<CommentRecord> {
	if (!isObject(raw)) return fail('the comment is not a record');
	if (!isId(raw.threadId)) return fail('it names no thread');
	if (!isId(raw.author)) return fail('it names no author');
	if (typeof raw.text !== 'string' || raw.text.length > MAX_TEXT_CHARS) return fail(`its text is not text of at most ${MAX_TEXT_CHARS} characters`);
	if (!isIdList(raw.mentions, MAX_MENTIONS)) return fail(`its mentions are not a list of at most ${MAX_MENTIONS} ids`);
	if (!isTime(raw.createdAt) || (raw.editedAt !== undefined && !isTime(raw.editedAt))) return fail('its times are not numbers');
	if (raw.deleted !== undefined && raw.deleted !== true) return fail('its deleted mark is not readable');
	if (!isSig(raw.sig)) return fail('its signature is not base64');
	return { ok: true, record: { ...(raw as unknown as CommentRecord), id: key } };
}

export function checkAssignmentRecord(key: string, raw: unknown): RecordCheck<AssignmentRecord> {
	if (!isObject(raw)) return fail('the assignment is not a record');
	if (!isId(raw.member) || !isId(raw.by)) return fail('it names no member');
	if (!isTime(raw.at)) return fail('its time is not a number');
	return { ok: true, record: { ...(raw as unknown as AssignmentRecord), imageId: key } };
}

export function checkStageRecord(key: string, raw: unknown): RecordCheck<StageRecord> {
	if (!isObject(raw)) return fail('the stage is not a record');
	if (!STAGES.includes(raw.stage as never)) return fail('its stage is unknown');
	if (raw.rejected !== undefined && raw.rejected !== true) return fail('its rejected mark is not readable');
	if (typeof raw.by !== 'string' || raw.by.length > MAX_ID_CHARS || !isTime(raw.at)) return fail('it names no member or time');
	return { ok: true, record: { ...(raw as unknown as StageRecord), imageId: key } };
}

export function checkReviewRecord(key: string, raw: unknown): RecordCheck<ReviewRecord> {
	if (!isObject(raw)) return fail('the review is not a record');
	if (!isId(raw.imageId)) return fail('it names no image');
	if (!REVIEW_ACTIONS.includes(raw.action as never)) return fail('its decision is unknown');
	if (!STAGES.includes(raw.from as never)) return fail('its stage is unknown');
	if (!isId(raw.by) || !isTime(raw.at)) return fail('it names no member or time');
	if (raw.reason !== undefined && (typeof raw.reason !== 'string' || raw.reason.length > MAX_TEXT_CHARS)) return fail('its reason is not text');
	if (raw.threads !== undefined && !isIdList(raw.threads, MAX_REVIEW_THREADS)) return fail('its threads are not a list of ids');
	if (raw.annotator !== undefined && !isId(raw.annotator)) return fail('its annotator is not an id');
	if (!isSig(raw.sig)) return fail('its signature is not base64');
	return { ok: true, record: { ...(raw as unknown as ReviewRecord), id: key } };
}

/** Members one image may be put in consensus for. */
export const MAX_CONSENSUS_MEMBERS = 16;

const isMemberAndTime = (raw: Raw) => isId(raw.by) && isTime(raw.at);

export function checkSplitRecord(key: string, raw: unknown): RecordCheck<SplitRecord> {
	if (!isObject(raw)) return fail('the split is not a record');
	if (!SPLITS.includes(raw.split as never)) return fail('its split is not train, val or test');
	if (!isMemberAndTime(raw)) return fail('it names no member or time');
	return { ok: true, record: { ...(raw as unknown as SplitRecord), imageId: key } };
}

export function checkConsensusRecord(key: string, raw: unknown): RecordCheck<ConsensusRecord> {
	if (!isObject(raw)) return fail('the consensus is not a record');
	if (!Number.isSafeInteger(raw.k) || (raw.k as number) < 2 || (raw.k as number) > MAX_CONSENSUS_MEMBERS) return fail(`its member count is not 2 to ${MAX_CONSENSUS_MEMBERS}`);
	if (!isMemberAndTime(raw)) return fail('it names no member or time');
	const m = raw.merged;
	if (m !== undefined && !(isObject(m) && isId(m.by) && isTime(m.at))) return fail('its merge mark is not readable');
	return { ok: true, record: { ...(raw as unknown as ConsensusRecord), imageId: key } };
}

export function checkTaskRecord(key: string, raw: unknown): RecordCheck<TaskRecord> {
	if (!isObject(raw)) return fail('the task is not a record');
	if (!isId(raw.imageId) || !isId(raw.member) || key !== taskKey(raw.imageId, raw.member)) return fail('its key does not name its image and member');
	if (raw.kind !== 'consensus' && raw.kind !== 'gold') return fail('its kind is unknown');
	if (!isMemberAndTime(raw)) return fail('it names no member or time');
	if (raw.submittedAt !== undefined && !isTime(raw.submittedAt)) return fail('its submission time is not a number');
	return { ok: true, record: raw as unknown as TaskRecord };
}

export function checkGoldRecord(key: string, raw: unknown): RecordCheck<GoldRecord> {
	if (!isObject(raw)) return fail('the gold mark is not a record');
	if (!isMemberAndTime(raw)) return fail('it names no member or time');
	return { ok: true, record: { ...(raw as unknown as GoldRecord), imageId: key } };
}

/** An activity chunk: bytes, bounded; read lazily (activity-codec.ts) when history is asked for. */
export function checkActivityChunk(_key: string, raw: unknown): RecordCheck<Uint8Array> {
	if (!(raw instanceof Uint8Array)) return fail('the activity entry is not bytes');
	if (raw.length > MAX_ACTIVITY_CHUNK_BYTES) return fail('the activity entry is too large');
	return { ok: true, record: raw };
}

export const TEAM_KNOWN_FIELDS = {
	members: new Set(['id', 'name', 'color', 'algorithm', 'publicKey', 'joinedAt', 'lastSeen', 'aliases', 'sig']),
	threads: new Set(['id', 'imageId', 'anchor', 'author', 'createdAt', 'resolved', 'flag', 'reviewId']),
	comments: new Set(['id', 'threadId', 'author', 'text', 'mentions', 'createdAt', 'editedAt', 'deleted', 'sig']),
	assignments: new Set(['imageId', 'member', 'by', 'at']),
	stages: new Set(['imageId', 'stage', 'rejected', 'by', 'at']),
	reviews: new Set(['id', 'imageId', 'action', 'by', 'at', 'from', 'reason', 'threads', 'annotator', 'sig']),
	splits: new Set(['imageId', 'split', 'by', 'at']),
	consensus: new Set(['imageId', 'k', 'by', 'at', 'merged']),
	tasks: new Set(['imageId', 'member', 'kind', 'by', 'at', 'submittedAt']),
	gold: new Set(['imageId', 'by', 'at'])
} as const;
