import type { Id } from '../records';

/**
 * The team's records (schema v8, issue 15): members, comment threads, assignments, review stages and
 * decisions. Each is plain JSON stored whole under its id, like the other records (docs/schema.md).
 */

export type SigningAlgorithm = 'Ed25519' | 'ECDSA-P256';

/** A person in the project: written by that person's device when it opens the project. */
export interface MemberRecord {
	/** Derived from the public key (storage/identity.ts `memberIdOf`): nobody else can sign as it. */
	id: Id;
	name: string;
	/** '#rrggbb' */
	color: string;
	algorithm: SigningAlgorithm;
	/** The raw public key, base64. */
	publicKey: string;
	joinedAt: number;
	lastSeen: number;
	/**
	 * The ids this person wrote records under before (the device id of schema v7 and older, an identity
	 * replaced on import): records authored by them count as this member's.
	 */
	aliases: Id[];
	/** The member's signature over `memberPayload` (base64): its name and colour are its own. */
	sig?: string;
}

/** Where a thread sits: the image as a whole, a point on it, or an annotation (it follows the shape). */
export type ThreadAnchor =
	| { kind: 'image' }
	| { kind: 'point'; x: number; y: number }
	/** `x`, `y`: where the shape was when the thread was written (kept to place an orphaned thread). */
	| { kind: 'annotation'; annotationId: Id; x: number; y: number };

/** Per-shape review flags (CVAT's review issues): a flag opens a thread on the shape. */
export type ReviewFlag = 'wrong-class' | 'loose-outline' | 'missing-attribute' | 'missing-shape' | 'other';
export const REVIEW_FLAGS: readonly ReviewFlag[] = ['wrong-class', 'loose-outline', 'missing-attribute', 'missing-shape', 'other'];
export const REVIEW_FLAG_LABEL: Record<ReviewFlag, string> = {
	'wrong-class': 'Wrong class',
	'loose-outline': 'Loose outline',
	'missing-attribute': 'Missing attribute',
	'missing-shape': 'Missing shape',
	other: 'Other'
};

export interface ThreadRecord {
	id: Id;
	imageId: Id;
	anchor: ThreadAnchor;
	/** Who opened the thread (its first comment is signed). */
	author: Id;
	createdAt: number;
	/** Set when someone resolved it; null while open. */
	resolved: { by: Id; at: number } | null;
	/** A review flag, when a reviewer opened the thread as one. */
	flag?: ReviewFlag;
	/** The review decision that opened it (a rejection's reason). */
	reviewId?: Id;
}

export interface CommentRecord {
	id: Id;
	threadId: Id;
	author: Id;
	/** Plain text; shown as text, never as HTML. Empty once deleted. */
	text: string;
	/** Member ids the text mentions (with `@name`), in order, each once. */
	mentions: Id[];
	createdAt: number;
	/** Set when the author edited the text. */
	editedAt?: number;
	/** The author deleted it: the text is gone, the place in the thread stays. */
	deleted?: true;
	/** The author's signature over `commentPayload` (base64); absent or wrong: shown as unverified. */
	sig?: string;
}

export interface AssignmentRecord {
	imageId: Id;
	member: Id;
	/** Who assigned it, and when. */
	by: Id;
	at: number;
}

/** annotate → review → done; a rejection sends an image back to annotate (marked rejected). */
export type Stage = 'annotate' | 'review' | 'done';
export const STAGES: readonly Stage[] = ['annotate', 'review', 'done'];
export const STAGE_LABEL: Record<Stage, string> = { annotate: 'Annotate', review: 'Review', done: 'Done' };

export interface StageRecord {
	imageId: Id;
	stage: Stage;
	/** Sent back by a reviewer: in annotate again, with the reason in a thread. */
	rejected?: true;
	by: Id;
	at: number;
}

export type ReviewAction = 'submit' | 'accept' | 'reject' | 'reopen';
export const REVIEW_ACTIONS: readonly ReviewAction[] = ['submit', 'accept', 'reject', 'reopen'];

/** One review decision: the log that stage changes, statistics and history read. Signed by who made it. */
export interface ReviewRecord {
	id: Id;
	imageId: Id;
	action: ReviewAction;
	by: Id;
	at: number;
	/** The stage the image left. */
	from: Stage;
	/** A rejection's reason (also the first comment of its thread). */
	reason?: string;
	/** The threads a rejection opened (on the image or on the shapes concerned). */
	threads?: Id[];
	/** Whom the image went back to (a rejection): the member mentioned in its threads. */
	annotator?: Id;
	sig?: string;
}

/** What the stage of an image is when nobody has set one: every new image starts here. */
export const DEFAULT_STAGE: Stage = 'annotate';

/** The dataset split an image belongs to (schema v9): kept in the project, used by exports and versions. */
export type SplitName = 'train' | 'val' | 'test';
export const SPLITS: readonly SplitName[] = ['train', 'val', 'test'];
export const SPLIT_LABEL: Record<SplitName, string> = { train: 'Train', val: 'Val', test: 'Test' };

/** One image's split (schema v9), under the image's id: set by hand, by filter or by a seeded split. */
export interface SplitRecord {
	imageId: Id;
	split: SplitName;
	by: Id;
	at: number;
}

/**
 * An image put in consensus (schema v9), under the image's id: its members (tasks of kind 'consensus')
 * label it blind, each in a layer of their own, until a reviewer merges the layers into its annotations.
 */
export interface ConsensusRecord {
	imageId: Id;
	/** How many members label it. */
	k: number;
	by: Id;
	at: number;
	/** Set when a reviewer merged the layers: from then on its members see and edit the merged set. */
	merged?: { by: Id; at: number };
}

/** Why a member labels an image blind: for consensus, or scored against a gold image's reference. */
export type TaskKind = 'consensus' | 'gold';

/**
 * One member's blind task on one image (schema v9), under `${imageId}:${member}`: the member's new shapes on
 * it go into their own layer (AnnotationRecord.layer), and they see only that layer there.
 */
export interface TaskRecord {
	imageId: Id;
	member: Id;
	kind: TaskKind;
	by: Id;
	at: number;
	/** When the member submitted the layer (it is then compared: agreement, or the score against gold). */
	submittedAt?: number;
}

/** An image whose accepted annotations are the reference that members' blind layers are scored against (schema v9). */
export interface GoldRecord {
	imageId: Id;
	by: Id;
	at: number;
}

/** The key of a member's task on an image in the `tasks` map. */
export function taskKey(imageId: Id, member: Id): string {
	return `${imageId}:${member}`;
}
