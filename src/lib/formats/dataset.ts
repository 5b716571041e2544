import type { AttributeSpec, AttributeValue, ImportedFrom, JsonValue, SkeletonTemplate } from '$lib/model/records';

export type { ImportedFrom, JsonValue };
import type { GeometryByType, ShapeType } from '$lib/shapes/registry';

/**
 * The interchange form every format reads into and writes from: plain data, no ids of ours, classes
 * and images by name. Geometry is exactly the document's (`docs/schema.md`): image pixels as floats,
 * origin at the top-left corner of the image.
 */
export interface Dataset {
	images: DatasetImage[];
	classes: DatasetClass[];
	annotations: DatasetAnnotation[];
	/** Image-level tags: one per image ('single', classification) or any number ('multi'). */
	tagMode?: 'single' | 'multi';
	/** Dataset-level fields a reader keeps by format (COCO's info and licenses), for its writer. */
	imported?: Record<string, Record<string, JsonValue>>;
}

export interface DatasetImage {
	/** The file name as the format names it (may hold folders: 'train/a.jpg'); images are matched by it. */
	name: string;
	/** Pixel size; 0 when the format does not say and no image file was given. */
	width: number;
	height: number;
	/** The image file's bytes, when the input or output carries them. */
	bytes?: Uint8Array;
	/** The split the image belongs to, when the format or the export says ('train', 'val', 'test'). */
	split?: string;
	/** The reading format's id and extra fields (ids.ts: a writer of the same format writes them back). */
	imported?: ImportedFrom;
}

export interface DatasetClass {
	name: string;
	/** '#rrggbb', when the format carries one. */
	color?: string;
	skeleton?: SkeletonTemplate | null;
	/** Attribute specs where the format has them (CVAT, Darwin); ids are made up by the reader. */
	attributes?: AttributeSpec[];
	/** Masks of this class are one region per image (ClassRecord.maskMode 'semantic'; COCO panoptic's isthing 0). */
	semantic?: boolean;
	/** COCO's supercategory. */
	supercategory?: string;
	imported?: ImportedFrom;
}

/**
 * One annotation: its `type` decides its `geometry`'s type (a discriminated union), so a writer's switch
 * on `type` needs no casts, and one that forgets a type fails to compile (see shapes/convert.ts).
 */
export type DatasetAnnotation = { [T in ShapeType]: DatasetAnnotationFields & { type: T; geometry: GeometryByType[T] } }[ShapeType];

/** What every annotation carries besides its type and geometry. */
export interface DatasetAnnotationFields {
	/** `DatasetImage.name` of its image. */
	image: string;
	/** `DatasetClass.name` of its class. */
	className: string;
	/** Attribute values by attribute *name*. */
	attributes?: Record<string, AttributeValue>;
	text?: string;
	instanceId?: number;
	direction?: { angle: number };
	/** COCO's iscrowd for masks and polygons. */
	crowd?: boolean;
	/** A detector's score, in results files. */
	score?: number;
	/** Where it came from in the input, for error messages ('instances.json › annotations[12]'). */
	source?: string;
	imported?: ImportedFrom;
}

/**
 * An annotation whose geometry's type is known only at run time (a reader's raw value, a checked copy,
 * a document record): the one place a type and a geometry are paired without the compiler's check.
 * The geometry is checked by its kind's `validate` (the readers' builder and the model's read boundary).
 */
export function withGeometry(fields: DatasetAnnotationFields, type: ShapeType, geometry: unknown): DatasetAnnotation {
	return { ...fields, type, geometry } as DatasetAnnotation;
}

export function emptyDataset(): Dataset {
	return { images: [], classes: [], annotations: [] };
}

/** Counts a converter reports: what was read or written. */
export interface DatasetCounts {
	images: number;
	classes: number;
	annotations: number;
}

export function countsOf(d: Dataset): DatasetCounts {
	return { images: d.images.length, classes: d.classes.length, annotations: d.annotations.length };
}
