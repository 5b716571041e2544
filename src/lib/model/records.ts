import type { Geometry, ShapeType } from '$lib/shapes/registry';

/** Records of the project document. Each is plain JSON, stored whole under its id (see docs/schema.md). */

export type Id = string;


export interface ProjectSettings {
	name: string;
	description: string;
	createdAt: number;
	/** Image-level tags: 'single' keeps at most one tag class per image (classification), 'multi' any number. */
	tagMode?: 'single' | 'multi';
	/** Dataset-level fields of imported files by format (COCO's info and licenses), written back on export (schema v6). */
	imported?: Record<string, Record<string, JsonValue>>;
}

export type AttributeKind = 'text' | 'number' | 'select' | 'multiselect' | 'checkbox';

/** One attribute a class asks for on each of its annotations (CVAT's and V7's per-label attributes). */
export interface AttributeSpec {
	/** Stable key of the value in `AnnotationRecord.attributes` (survives renames). */
	id: Id;
	name: string;
	kind: AttributeKind;
	/** The choices of select and multiselect. */
	options: string[];
	/** Range of number attributes (null: open). */
	min: number | null;
	max: number | null;
	/** Value a new annotation starts with (null: none). */
	default: AttributeValue | null;
	/** Images with an annotation of this class lacking a value are flagged in the grid. */
	required: boolean;
}

/** The template of a skeleton class: named points in a unit box (0…1) and the edges joining them. */
export interface SkeletonTemplate {
	/** `sigma`: the point's OKS constant (COCO's per-keypoint sigma) for agreement and gold scores (schema v9). */
	points: { name: string; x: number; y: number; sigma?: number }[];
	/** Pairs of point indices. */
	edges: [number, number][];
}

export interface ClassRecord {
	id: Id;
	name: string;
	/** '#rrggbb' */
	color: string;
	/** '1'…'9' or null */
	hotkey: string | null;
	/** The shape types this class may be drawn as; empty means any. */
	shapeTypes: ShapeType[];
	description: string;
	/** Sort key of the class list. */
	order: number;
	/** Attributes asked for on this class's annotations. */
	attributes: AttributeSpec[];
	/** Sub-annotations this class's annotations carry besides attributes (V7's sub-annotation types). */
	text: boolean;
	instanceId: boolean;
	direction: boolean;
	/** The point template of skeleton annotations of this class (null: not a skeleton class). */
	skeleton: SkeletonTemplate | null;
	/** Pixel masks: one instance per object, or one semantic layer per class and image. */
	maskMode: 'instance' | 'semantic';
	/** COCO's supercategory; absent when none (schema v6). */
	supercategory?: string;
	imported?: ImportedFrom;
}

/** What a new class gets for the fields a caller leaves out (and what v3 gave every older class). */
export const CLASS_DEFAULTS: Omit<ClassRecord, 'id' | 'name' | 'color' | 'hotkey' | 'order'> = {
	shapeTypes: [],
	description: '',
	attributes: [],
	text: false,
	instanceId: false,
	direction: false,
	skeleton: null,
	maskMode: 'instance'
};

export interface ImageRecord {
	id: Id;
	name: string;
	/** SHA-256 of the file's bytes, hex: the key of the bytes in the blob store. */
	hash: string;
	width: number;
	height: number;
	mime: string;
	size: number;
	/** Schema v7 and older only (the migration to v8 moves it into the image's stage). */
	status?: 'new' | 'in_progress' | 'done';
	addedAt: number;
	imported?: ImportedFrom;
}

export type AttributeValue = string | number | boolean | string[];

/** A JSON value as read from a file: kept as read and written back unchanged. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a record keeps from the file it was imported from (schema v6), only when it was imported: the
 * format's own id (written back on export to that format, so results keyed by it still evaluate), the
 * fields this app has no place for, and values the format derives from the geometry (COCO's area and
 * bbox), which hold only while the geometry is as imported: the model drops `derived` on a geometry edit.
 */
export interface ImportedFrom {
	/** The format's id ('coco', 'cvat', 'labelstudio', 'datumaro'). */
	format: string;
	id?: number | string;
	fields?: Record<string, JsonValue>;
	derived?: Record<string, JsonValue>;
}

/** Which model proposed an annotation, and how sure it was (0…1). */
export interface Proposal {
	model: string;
	score: number;
}

export interface AnnotationRecord<T extends ShapeType = ShapeType> {
	id: Id;
	imageId: Id;
	classId: Id;
	type: T;
	geometry: Geometry;
	/** Values of the class's attributes, by `AttributeSpec.id`. */
	attributes: Record<string, AttributeValue>;
	/** Sub-annotations, absent when unset (keeps the 100k-annotation document small). */
	text?: string;
	instanceId?: number;
	/** Direction vector: angle in degrees, clockwise from +x in image coordinates (y down). */
	direction?: { angle: number };
	/** A locked shape cannot be moved, reshaped or deleted until unlocked (shared with peers). */
	locked?: boolean;
	/** Made by a model and awaiting review; absent when a person made or accepted it (schema v5). */
	proposal?: Proposal;
	/** Drawing order on its image: higher is on top. */
	z: number;
	imported?: ImportedFrom;
	/**
	 * The member whose blind layer holds it (schema v9): work on a consensus or gold task, seen by that member
	 * and by reviewers only, never exported; absent on the image's own annotations.
	 */
	layer?: Id;
	/** Device user id of the author of the latest change. */
	author: string;
	createdAt: number;
	updatedAt: number;
}

/**
 * A frozen dataset version: its snapshot (the whole document as one Yjs update) is a content-addressed
 * blob on the device that froze it; the record is shared with peers so everyone sees the list.
 */
export interface VersionRecord {
	id: Id;
	name: string;
	createdAt: number;
	/** Device user id, and the name shown, of who froze it. */
	author: string;
	authorName: string;
	/** SHA-256 (hex) of the snapshot's bytes: the key of its blob. */
	hash: string;
	counts: { images: number; classes: number; annotations: number };
}

export interface Actor {
	id: string;
	name: string;
}
