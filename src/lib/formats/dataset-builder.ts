import type { AttributeSpec, AttributeValue } from '$lib/model/records';
import { shapeKind, type ShapeType } from '$lib/shapes/registry';
import type { ReadResult } from './codec';
import { withGeometry, type Dataset, type DatasetAnnotation, type DatasetClass, type DatasetImage } from './dataset';
import { FormatError } from './errors';
import { groupBy } from './by-image';
import { checkPointCount } from './limits';
import { basename, type DatasetFile } from './files';

/**
 * Collects what a reader finds: images and classes once per name, annotations checked with the shape's
 * own validation (clamped to the image; a degenerate one is skipped with a warning, as the editor refuses it).
 */
export class DatasetBuilder {
	private readonly images = new Map<string, DatasetImage>();
	private readonly classes = new Map<string, DatasetClass>();
	private readonly annotations: DatasetAnnotation[] = [];
	readonly warnings: string[] = [];
	tagMode?: 'single' | 'multi';

	image(image: DatasetImage): DatasetImage {
		const known = this.images.get(image.name);
		if (known) {
			if (!known.width && image.width) Object.assign(known, { width: image.width, height: image.height });
			if (!known.bytes && image.bytes) known.bytes = image.bytes;
			return known;
		}
		this.images.set(image.name, image);
		return image;
	}

	hasImage(name: string): boolean {
		return this.images.has(name);
	}

	hasClass(name: string): boolean {
		return this.classes.has(name);
	}

	class(name: string, extra: Omit<DatasetClass, 'name'> = {}): DatasetClass {
		let c = this.classes.get(name);
		if (!c) {
			c = { name, ...extra };
			this.classes.set(name, c);
		} else {
			for (const [k, v] of Object.entries(extra)) if (v !== undefined && (c as unknown as Record<string, unknown>)[k] === undefined) (c as unknown as Record<string, unknown>)[k] = v;
		}
		return c;
	}

	/** Adds the annotation when its geometry is valid on its image; returns whether it was kept. */
	add(a: DatasetAnnotation): boolean {
		checkPointCount(pointNumbers(a.geometry), a.source ?? a.image, '');
		const image = this.images.get(a.image);
		const size = image && image.width > 0 && image.height > 0 ? image : { width: Infinity, height: Infinity };
		const v = shapeKind(a.type).validate(a.geometry, size);
		if (!v.ok) {
			this.warnings.push(`${a.source ?? a.image}: ${v.reason}; skipped`);
			return false;
		}
		this.class(a.className);
		this.annotations.push(withGeometry(a, a.type, v.geometry));
		return true;
	}

	result(): ReadResult {
		const dataset: Dataset = { images: [...this.images.values()], classes: [...this.classes.values()], annotations: this.annotations };
		if (this.tagMode) dataset.tagMode = this.tagMode;
		return { dataset, warnings: this.warnings };
	}
}

/** The coordinates a shape holds (points and holes, of every part), counted before the shape's own validation. */
function pointNumbers(geometry: unknown, depth = 0): number {
	if (!isRecord(geometry)) return 0;
	let n = Array.isArray(geometry.points) ? geometry.points.length : 0;
	if (Array.isArray(geometry.holes)) for (const hole of geometry.holes) n += Array.isArray(hole) ? hole.length : 0;
	// A part has its own points and holes (one level: parts have no parts).
	if (depth === 0 && Array.isArray(geometry.parts)) for (const part of geometry.parts) n += pointNumbers(part, 1);
	return n;
}

/** Files by path and by base name, built once per input (readers look up one image per record). */
const fileIndexes = new WeakMap<readonly DatasetFile[], { byPath: Map<string, DatasetFile>; byBase: Map<string, DatasetFile[]> }>();

function indexOf(files: readonly DatasetFile[]) {
	let index = fileIndexes.get(files);
	if (!index) {
		index = { byPath: new Map(files.map((f) => [f.path, f])), byBase: groupBy(files, (f) => basename(f.path)) };
		fileIndexes.set(files, index);
	}
	return index;
}

/** The bytes of the image named `name` among the input files (same path, or same path under images/, or same base name). */
export function imageBytesFor(files: readonly DatasetFile[], name: string, besideDir = ''): Uint8Array | undefined {
	const { byPath, byBase } = indexOf(files);
	const clean = name.replace(/\\/g, '/').replace(/^\.?\//, '');
	const candidates = [clean, besideDir ? `${besideDir}/${clean}` : clean, `images/${clean}`];
	for (const c of candidates) {
		const f = byPath.get(c);
		if (f) return f.bytes;
	}
	const same = byBase.get(basename(clean)) ?? [];
	return same.length === 1 ? same[0].bytes : undefined;
}

/** A number from untrusted input, or a FormatError naming the place. */
export function numberAt(v: unknown, file: string, place: string, what = 'a number'): number {
	const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
	if (typeof n !== 'number' || !Number.isFinite(n)) throw new FormatError(file, place, `expected ${what}, found ${JSON.stringify(v) ?? 'nothing'}`);
	return n;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
	return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Annotations grouped by image name, in dataset order. */
export function annotationsByImage(d: Dataset): Map<string, DatasetAnnotation[]> {
	const m = new Map<string, DatasetAnnotation[]>();
	for (const a of d.annotations) {
		let list = m.get(a.image);
		if (!list) m.set(a.image, (list = []));
		list.push(a);
	}
	return m;
}

export function countSkip(skipped: Partial<Record<ShapeType, number>>, type: ShapeType): void {
	skipped[type] = (skipped[type] ?? 0) + 1;
}

/** A made-up spec id for attributes read from a file (ids are the document's business). */
export function specId(className: string, name: string): string {
	return `${className}:${name}`;
}

export function newSpec(className: string, name: string, kind: AttributeSpec['kind'], options: string[] = [], more: Partial<AttributeSpec> = {}): AttributeSpec {
	return { id: specId(className, name), name, kind, options, min: null, max: null, default: null, required: false, ...more };
}

/** An attribute value as text (CVAT, Darwin properties, LabelMe flags). */
export function attributeText(v: AttributeValue): string {
	return Array.isArray(v) ? v.join(',') : String(v);
}

/** Image files of the input, for writers that copy them (options.includeImages). */
export function imageFilesOf(d: Dataset, folder = ''): DatasetFile[] {
	return d.images.filter((i) => i.bytes).map((i) => ({ path: folder ? `${folder}/${i.name}` : i.name, bytes: i.bytes! }));
}
