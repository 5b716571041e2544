import type { Geometry, ShapeType } from '$lib/shapes/registry';

/** Records of the project document. Each is plain JSON, stored whole under its id (see docs/schema.md). */

export type Id = string;

export type ImageStatus = 'new' | 'in_progress' | 'done';
export const IMAGE_STATUSES: readonly ImageStatus[] = ['new', 'in_progress', 'done'];

export interface ProjectSettings {
	name: string;
	description: string;
	createdAt: number;
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
}

export interface ImageRecord {
	id: Id;
	name: string;
	/** SHA-256 of the file's bytes, hex: the key of the bytes in the blob store. */
	hash: string;
	width: number;
	height: number;
	mime: string;
	size: number;
	status: ImageStatus;
	addedAt: number;
}

export type AttributeValue = string | number | boolean | string[];

export interface AnnotationRecord<T extends ShapeType = ShapeType> {
	id: Id;
	imageId: Id;
	classId: Id;
	type: T;
	geometry: Geometry;
	attributes: Record<string, AttributeValue>;
	/** Drawing order on its image: higher is on top. */
	z: number;
	/** Device user id of the author of the latest change. */
	author: string;
	createdAt: number;
	updatedAt: number;
}

export interface Actor {
	id: string;
	name: string;
}
