import type { ShapeType } from '$lib/shapes/registry';
import type { Dataset, DatasetImage } from './dataset';
import type { DatasetFile } from './files';

export interface ReadResult {
	dataset: Dataset;
	/** What was read but could not be kept, said per place ('a.xml: object 3 has no class; skipped'). */
	warnings: string[];
}

export interface ReadOptions {
	/**
	 * Images the caller already knows (name and size: the project's, when importing into it), for formats
	 * whose files give no size (YOLO labels, semantic masks) and whose image files are not among the input.
	 */
	images?: readonly DatasetImage[];
}

export interface WriteOptions {
	/** Put the image files (those with bytes) beside the annotations. */
	includeImages: boolean;
	/** A format's variant: YOLO 'detect' | 'segment' | 'pose' | 'obb' | 'classify'; COCO 'instances' | 'panoptic'. */
	variant?: string;
}

export interface WriteResult {
	files: DatasetFile[];
	/** Annotations the format cannot carry (a cuboid in YOLO…), counted by type, never silently lost. */
	skipped: Partial<Record<ShapeType, number>>;
	warnings: string[];
}

/**
 * One annotation format: pure TypeScript (runs in a Web Worker in the app and in Node for the CLI and
 * tests). `read` refuses a broken input with a FormatError naming the file and the place, and reads
 * nothing partially; unknown extra fields are ignored.
 */
export interface FormatCodec {
	readonly id: string;
	readonly label: string;
	/** Variants the writer offers (first is the default). */
	readonly variants?: readonly { id: string; label: string }[];
	/** How sure (0…1) this format is that `files` are its own: `--from auto` picks the highest. */
	detect(files: readonly DatasetFile[]): number;
	read(files: readonly DatasetFile[], options?: ReadOptions): ReadResult;
	write(dataset: Dataset, options: WriteOptions): WriteResult;
}
