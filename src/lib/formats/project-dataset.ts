import { DEFAULT_CLASS_COLORS, newId, type ProjectDoc } from '$lib/model';
import { checkAttributeValue } from '$lib/model/attributes';
import type { AttributeSpec, AttributeValue, ClassRecord, ImageRecord, SkeletonTemplate } from '$lib/model/records';
import type { Stage } from '$lib/model/team/records';
import type { DatasetImportWrite } from '$lib/model/project-doc';
import { isShapeType, shapeKind } from '$lib/shapes/registry';
import { skeletonMismatch, type SkeletonGeometry } from '$lib/shapes/skeleton/kind';
import { withGeometry, type Dataset, type DatasetAnnotation, type DatasetClass, type DatasetImage } from './dataset';
import { basename, extension } from './files';
import { splitNamed } from './split';

/**
 * Between a project document and the interchange Dataset: what an export writes (`datasetFromProject`)
 * and what an import will create (`planImport`), planned in full before anything is written so that an
 * import is all or nothing (`ProjectDoc.importDataset` writes the plan in one transaction).
 */

export interface ExportFilter {
	/** Only images in these review stages (`['done']`: accepted images only). */
	stages?: Stage[];
	classIds?: string[];
	imageIds?: string[];
	/** Model proposals nobody has accepted yet are left out unless this is true. */
	includeProposals?: boolean;
}

/** The bytes an export needs: image name in the dataset → its stored blob. */
export interface ExportImageRef {
	name: string;
	hash: string;
	mime: string;
}

/** The project as a Dataset (no bytes), and which stored blob each image's bytes are. */
export function exportSelection(doc: ProjectDoc, filter: ExportFilter = {}): { dataset: Dataset; images: ExportImageRef[] } {
	const stages = filter.stages && new Set(filter.stages);
	const onlyImages = filter.imageIds && new Set(filter.imageIds);
	const onlyClasses = filter.classIds && new Set(filter.classIds);
	const classes = doc.classes().filter((c) => !onlyClasses || onlyClasses.has(c.id));
	const classById = new Map(classes.map((c) => [c.id, c]));
	const dataset: Dataset = {
		images: [],
		classes: classes.map(datasetClassOf),
		annotations: [],
		...(doc.settings.tagMode && { tagMode: doc.settings.tagMode }),
		...(doc.settings.imported && { imported: structuredClone(doc.settings.imported) })
	};
	const refs: ExportImageRef[] = [];
	const taken = new Set<string>();
	for (const image of doc.images()) {
		if (stages && !stages.has(doc.review.stageOf(image.id).stage)) continue;
		if (onlyImages && !onlyImages.has(image.id)) continue;
		const name = uniqueName(image.name, taken);
		const split = doc.splits.of(image.id); // the project's stored split (schema v9): an export keeps it unless told otherwise
		dataset.images.push({ name, width: image.width, height: image.height, ...(split && { split }), ...(image.imported && { imported: image.imported }) });
		refs.push({ name, hash: image.hash, mime: image.mime });
		for (const a of doc.annotationsOf(image.id)) {
			if (a.proposal && !filter.includeProposals) continue;
			const cls = classById.get(a.classId);
			if (!cls) continue;
			const specName = new Map(cls.attributes.map((s) => [s.id, s.name]));
			const attributes: Record<string, AttributeValue> = {};
			for (const [id, value] of Object.entries(a.attributes)) {
				const n = specName.get(id);
				if (n !== undefined) attributes[n] = value;
			}
			const out = withGeometry({ image: name, className: cls.name }, a.type, structuredClone(a.geometry));
			if (Object.keys(attributes).length) out.attributes = attributes;
			if (a.text !== undefined) out.text = a.text;
			if (a.instanceId !== undefined) out.instanceId = a.instanceId;
			if (a.direction !== undefined) out.direction = { ...a.direction };
			if (a.imported) out.imported = a.imported;
			dataset.annotations.push(out);
		}
	}
	return { dataset, images: refs };
}

/** The project (or the filtered part of it) as a Dataset: classes and images by name, attributes by name. */
export function datasetFromProject(doc: ProjectDoc, filter: ExportFilter = {}): Dataset {
	return exportSelection(doc, filter).dataset;
}

function datasetClassOf(c: ClassRecord): DatasetClass {
	const out: DatasetClass = { name: c.name, color: c.color, skeleton: c.skeleton ? structuredClone(c.skeleton) : null, attributes: structuredClone(c.attributes) };
	if (c.supercategory) out.supercategory = c.supercategory;
	if (c.imported) out.imported = c.imported;
	return out;
}

/** Two project images of one name (possible after two imports) become 'a.jpg' and 'a~2.jpg'. */
function uniqueName(name: string, taken: Set<string>): string {
	let out = name;
	for (let n = 2; taken.has(out); n++) {
		const ext = extension(name);
		out = `${name.slice(0, name.length - (ext ? ext.length + 1 : 0))}~${n}${ext ? `.${ext}` : ''}`;
	}
	taken.add(out);
	return out;
}

// ---- import planning ------------------------------------------------------------------------------

/** What the worker learnt of an input image file: its SHA-256, type and size in bytes. */
export interface ImageFileFacts {
	hash: string;
	mime: string;
	size: number;
}

export interface PlanOptions {
	/** 'new': the project was just made for this dataset (its tag mode is taken too). */
	mode: 'new' | 'existing';
	/** Facts of the input's image files, by `DatasetImage.name`; those images can be added. */
	files?: ReadonlyMap<string, ImageFileFacts>;
}

/** An image of the input whose bytes must be stored before the plan is written. */
export interface NewImageFile {
	record: ImageRecord;
	bytes: Uint8Array;
}

export interface ImportPlan extends DatasetImportWrite {
	newImageFiles: NewImageFile[];
	summary: { matchedImages: number; newImages: number; newClasses: number; matchedClasses: number; annotations: number };
	warnings: string[];
}

/** What a plan reads of the project: its images and classes (a ProjectDoc, or their copies in the exchange worker). */
export type PlanBasis = Pick<ProjectDoc, 'images' | 'classes'>;

export type PlanResult = { ok: true; plan: ImportPlan } | { ok: false; errors: string[]; warnings: string[] };

/** At most this many errors are listed (the first one is enough to find the problem). */
const MAX_ERRORS = 20;

/**
 * Plans an import of `dataset` into `doc`; writes nothing.
 *
 * Matching rules:
 * - images: by exact name; else by file name alone (basename) when exactly one project image has that
 *   basename (a dataset's 'train/a.jpg' is the project's 'a.jpg' or 'photos/a.jpg'); else, when the input
 *   carries the image file, by content (SHA-256) with a project image; else the image is new and is added
 *   when the input carries its file. An annotation whose image is neither in the project nor in the input
 *   is an error.
 * - classes: by name, case-insensitive; unknown names become new classes (the dataset's colour, skeleton
 *   and attribute specs; otherwise the next default colour).
 * - attributes: by name, case-insensitive. An attribute unknown to a new class becomes a new spec (its
 *   kind inferred from the values: checkbox, number, multiselect, else text); on an existing class it is
 *   dropped with a warning, as is a value that does not fit its spec.
 * - geometry: checked and clamped by the shape kind against its image's size; a degenerate shape is an
 *   error naming the annotation's source.
 */
export function planImport(doc: PlanBasis, dataset: Dataset, options: PlanOptions): PlanResult {
	const errors: string[] = [];
	const warnings: string[] = [];
	const warnOnce = new Set<string>();
	const warn = (text: string) => {
		if (!warnOnce.has(text)) warnings.push(text);
		warnOnce.add(text);
	};

	// ---- images
	const projectImages = doc.images();
	const byName = new Map(projectImages.map((i) => [i.name, i]));
	const byBase = new Map<string, ImageRecord[]>();
	for (const i of projectImages) byBase.set(basename(i.name), [...(byBase.get(basename(i.name)) ?? []), i]);
	const byHash = new Map(projectImages.map((i) => [i.hash, i]));
	/** Dataset image name → the image (existing or new) its annotations go to. */
	const target = new Map<string, ImageRecord>();
	const newImageFiles: NewImageFile[] = [];
	const newByHash = new Map<string, ImageRecord>();
	let matchedImages = 0;
	const now = Date.now();
	const datasetImages = new Map<string, DatasetImage>();
	const importedOnExisting: NonNullable<DatasetImportWrite['importedOnExisting']> = { images: [], classes: [] };
	for (const image of dataset.images) datasetImages.set(image.name, image);
	for (const image of datasetImages.values()) {
		const facts = options.files?.get(image.name);
		const sameBase = byBase.get(basename(image.name)) ?? [];
		const existing =
			byName.get(image.name) ?? (sameBase.length === 1 ? sameBase[0] : undefined) ?? (facts ? byHash.get(facts.hash) : undefined);
		if (existing) {
			target.set(image.name, existing);
			matchedImages++;
			// The project's own image now also has the file's id (adding images, then importing their labels).
			if (image.imported && !sameImport(existing.imported, image.imported)) importedOnExisting.images.push({ id: existing.id, imported: image.imported });
			if (image.width && image.height && (image.width !== existing.width || image.height !== existing.height))
				warn(`${image.name}: the input says ${image.width}×${image.height} px, the project's image is ${existing.width}×${existing.height} px`);
			continue;
		}
		if (sameBase.length > 1) warn(`${image.name}: ${sameBase.length} project images are named ${basename(image.name)}; none was picked`);
		if (facts && image.bytes) {
			const twin = newByHash.get(facts.hash);
			if (twin) {
				target.set(image.name, twin);
				continue;
			}
			if (!(image.width > 0 && image.height > 0)) {
				errors.push(`${image.name}: the image could not be decoded`);
				continue;
			}
			const record: ImageRecord = {
				id: newId(),
				name: image.name,
				hash: facts.hash,
				width: image.width,
				height: image.height,
				mime: facts.mime,
				size: facts.size,
				addedAt: now + newImageFiles.length * 1e-3,
				...(image.imported && { imported: image.imported })
			};
			newImageFiles.push({ record, bytes: image.bytes });
			newByHash.set(facts.hash, record);
			target.set(image.name, record);
		}
	}

	// ---- classes
	const existingClasses = new Map(doc.classes().map((c) => [c.name.toLowerCase(), c]));
	const datasetClasses = new Map(dataset.classes.map((c) => [c.name.trim().toLowerCase(), c]));
	const newClasses = new Map<string, ClassRecord>();
	const inferred = new Map<string, Map<string, AttributeValue[]>>(); // new class → attribute name → values
	let order = doc.classes().reduce((m, c) => Math.max(m, c.order + 1), 0);
	const usedKeys = new Set(doc.classes().map((c) => c.hotkey));
	const classFor = (name: string): ClassRecord | null => {
		const key = name.trim().toLowerCase();
		if (!key) return null;
		const found = existingClasses.get(key) ?? newClasses.get(key);
		if (found) return found;
		const given = datasetClasses.get(key);
		const hotkey = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].find((k) => !usedKeys.has(k)) ?? null;
		usedKeys.add(hotkey);
		const count = existingClasses.size + newClasses.size;
		const record: ClassRecord = {
			id: newId(),
			name: (given?.name ?? name).trim(),
			color: given?.color && /^#[0-9a-f]{6}$/i.test(given.color) ? given.color.toLowerCase() : DEFAULT_CLASS_COLORS[count % DEFAULT_CLASS_COLORS.length],
			hotkey,
			shapeTypes: [],
			description: '',
			order: order++,
			attributes: (given?.attributes ?? []).map((s) => ({ ...structuredClone(s), id: newId() })),
			text: false,
			instanceId: false,
			direction: false,
			skeleton: given?.skeleton ? structuredClone(given.skeleton) : null,
			maskMode: 'instance',
			...(given?.supercategory && { supercategory: given.supercategory }),
			...(given?.imported && { imported: given.imported })
		};
		newClasses.set(key, record);
		return record;
	};
	for (const c of dataset.classes) {
		classFor(c.name);
		const existing = existingClasses.get(c.name.trim().toLowerCase());
		if (!existing) continue;
		// A project class the file names keeps the file's id; a supercategory fills one it lacks.
		const update: { id: string; imported?: DatasetClass['imported']; supercategory?: string } = { id: existing.id };
		if (c.imported && !sameImport(existing.imported, c.imported)) update.imported = c.imported;
		if (c.supercategory && !existing.supercategory) update.supercategory = c.supercategory;
		if (update.imported || update.supercategory) importedOnExisting.classes.push(update);
	}
	const matchedClasses = dataset.classes.filter((c) => existingClasses.has(c.name.trim().toLowerCase())).length;

	// ---- annotations (first pass: places, classes, attribute names)
	interface Pending {
		a: DatasetAnnotation;
		where: string;
		image: ImageRecord;
		cls: ClassRecord;
	}
	const pending: Pending[] = [];
	dataset.annotations.forEach((a, n) => {
		const where = a.source ?? `annotation ${n + 1} (${a.image})`;
		const image = target.get(a.image) ?? (datasetImages.has(a.image) ? undefined : matchProjectImage(a.image, byName, byBase));
		if (!image) {
			errors.push(`${where}: its image “${a.image}” is neither in the project nor in the input`);
			return;
		}
		if (!isShapeType(a.type)) {
			errors.push(`${where}: unknown shape type “${String(a.type)}”`);
			return;
		}
		const cls = classFor(a.className);
		if (!cls) {
			errors.push(`${where}: it has no class`);
			return;
		}
		const isNew = newClasses.has(cls.name.toLowerCase()) && newClasses.get(cls.name.toLowerCase()) === cls;
		if (cls.shapeTypes.length && !cls.shapeTypes.includes(a.type)) {
			errors.push(`${where}: class “${cls.name}” cannot be drawn as ${shapeKind(a.type).label.toLowerCase()}`);
			return;
		}
		if (a.type === 'skeleton' && isNew && !cls.skeleton) cls.skeleton = templateFor(a.geometry);
		for (const [name, value] of Object.entries(a.attributes ?? {})) {
			if (cls.attributes.some((s) => s.name.toLowerCase() === name.toLowerCase())) continue;
			if (!isNew) {
				warn(`Class “${cls.name}” has no attribute “${name}”: its values were dropped`);
				continue;
			}
			const byAttr = inferred.get(cls.id) ?? new Map<string, AttributeValue[]>();
			inferred.set(cls.id, byAttr);
			const key = [...byAttr.keys()].find((k) => k.toLowerCase() === name.toLowerCase()) ?? name;
			byAttr.set(key, [...(byAttr.get(key) ?? []), value]);
		}
		pending.push({ a, where, image, cls });
	});
	for (const cls of newClasses.values())
		for (const [name, values] of inferred.get(cls.id) ?? []) cls.attributes.push(inferSpec(name, values));

	// ---- annotations (second pass: values and geometry)
	const annotations: ImportPlan['annotations'] = [];
	for (const { a, where, image, cls } of pending) {
		const given = datasetClasses.get(a.className.trim().toLowerCase())?.skeleton;
		const geometry = a.type === 'skeleton' && given && cls.skeleton ? skeletonByName(a.geometry, given, cls.skeleton) : a.geometry;
		const checked = shapeKind(a.type).validate(geometry, image);
		if (!checked.ok) {
			errors.push(`${where}: ${checked.reason}`);
			continue;
		}
		// Said now, before anything is written (the import itself would refuse it).
		const misfit = a.type === 'skeleton' && cls.skeleton && skeletonMismatch(checked.geometry as SkeletonGeometry, cls.skeleton);
		if (misfit) {
			errors.push(`${where}: ${misfit}`);
			continue;
		}
		const attributes: Record<string, AttributeValue> = {};
		for (const [name, value] of Object.entries(a.attributes ?? {})) {
			const spec = cls.attributes.find((s) => s.name.toLowerCase() === name.toLowerCase());
			if (!spec) continue;
			const fit = checkAttributeValue(spec, value);
			if (fit.ok) attributes[spec.id] = fit.value;
			else warn(`${where}: attribute “${spec.name}” ${fit.reason}; dropped`);
		}
		annotations.push({
			id: newId(),
			imageId: image.id,
			classId: cls.id,
			type: a.type,
			geometry: checked.geometry,
			attributes,
			...(a.text !== undefined && a.text !== '' && { text: a.text }),
			...(a.instanceId !== undefined && { instanceId: a.instanceId }),
			...(a.direction !== undefined && { direction: { angle: a.direction.angle } }),
			...(a.imported && { imported: a.imported }),
			source: where
		});
	}
	// A class that carries sub-annotations in the input gets them switched on when it is new.
	for (const { a, cls } of pending)
		if (newClasses.get(cls.name.toLowerCase()) === cls) {
			if (a.text) cls.text = true;
			if (a.instanceId !== undefined) cls.instanceId = true;
			if (a.direction !== undefined) cls.direction = true;
		}

	for (const image of datasetImages.values())
		if (!target.has(image.name) && !dataset.annotations.some((a) => a.image === image.name))
			warn(`${image.name}: not in the project and its file is not in the input; skipped`);

	if (errors.length) {
		const shown = errors.slice(0, MAX_ERRORS);
		if (errors.length > MAX_ERRORS) shown.push(`… and ${errors.length - MAX_ERRORS} more`);
		return { ok: false, errors: shown, warnings };
	}
	const classes = [...newClasses.values()];
	// The splits the input says (YOLO's and Datumaro's folders, a COCO file per split): kept in the project.
	const splits: NonNullable<DatasetImportWrite['splits']> = [];
	for (const [name, image] of datasetImages) {
		const to = target.get(name);
		const split = splitNamed(image.split);
		if (to && split) splits.push({ imageId: to.id, split });
	}
	return {
		ok: true,
		plan: {
			classes,
			images: newImageFiles.map((f) => f.record),
			annotations,
			geometryChecked: true,
			...(options.mode === 'new' && dataset.tagMode && { tagMode: dataset.tagMode }),
			...(dataset.imported && Object.keys(dataset.imported).length && { datasetFields: dataset.imported }),
			...((importedOnExisting.images.length || importedOnExisting.classes.length) && { importedOnExisting }),
			...(splits.length && { splits }),
			newImageFiles,
			warnings,
			summary: { matchedImages, newImages: newImageFiles.length, newClasses: classes.length, matchedClasses, annotations: annotations.length }
		}
	};
}

function sameImport(a: DatasetImage['imported'], b: DatasetImage['imported']): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A skeleton read against the file's template, in the order of the project class's template: points
 * matched by name (a LabelMe group or a COCO category lists its points in its own order); one the file
 * does not have is not labeled. The geometry as given when a name of the file is not in the project's
 * template (the import then says the skeleton does not fit).
 */
function skeletonByName(geometry: unknown, from: SkeletonTemplate, to: SkeletonTemplate): unknown {
	const names = from.points.map((p) => p.name);
	const target = to.points.map((p) => p.name);
	if (names.length === target.length && names.every((n, i) => n === target[i])) return geometry;
	const g = geometry as { points?: unknown; visibility?: unknown };
	if (!Array.isArray(g.points) || !Array.isArray(g.visibility) || g.visibility.length !== names.length) return geometry;
	const index = new Map(names.map((n, i) => [n, i]));
	if (!names.every((n) => target.includes(n))) return geometry;
	const points: number[] = [];
	const visibility: number[] = [];
	for (const name of target) {
		const i = index.get(name);
		points.push(i === undefined ? 0 : (g.points[2 * i] as number), i === undefined ? 0 : (g.points[2 * i + 1] as number));
		visibility.push(i === undefined ? 0 : (g.visibility[i] as number));
	}
	return { ...(g as object), points, visibility };
}

function matchProjectImage(name: string, byName: Map<string, ImageRecord>, byBase: Map<string, ImageRecord[]>): ImageRecord | undefined {
	const same = byBase.get(basename(name)) ?? [];
	return byName.get(name) ?? (same.length === 1 ? same[0] : undefined);
}

/** A spec for an attribute the input has but its new class does not declare, from the values seen. */
function inferSpec(name: string, values: AttributeValue[]): AttributeSpec {
	const spec: AttributeSpec = { id: newId(), name, kind: 'text', options: [], min: null, max: null, default: null, required: false };
	if (values.every((v) => typeof v === 'boolean')) spec.kind = 'checkbox';
	else if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) spec.kind = 'number';
	else if (values.every((v) => Array.isArray(v))) {
		spec.kind = 'multiselect';
		spec.options = [...new Set(values.flatMap((v) => v as string[]).map((o) => String(o).trim()).filter(Boolean))];
		if (!spec.options.length) spec.kind = 'text';
	}
	return spec;
}

/** A new skeleton class's template when the input has none: points p1…pn in a row, no edges. */
function templateFor(geometry: unknown): SkeletonTemplate | null {
	const visibility = (geometry as { visibility?: unknown })?.visibility;
	if (!Array.isArray(visibility) || !visibility.length) return null;
	const n = visibility.length;
	return { points: visibility.map((_, i) => ({ name: `p${i + 1}`, x: n === 1 ? 0.5 : i / (n - 1), y: 0.5 })), edges: [] };
}

/** How the summary reads before an import is applied. */
export function describePlan(plan: ImportPlan): string {
	const s = plan.summary;
	const parts = [
		`${s.matchedImages} ${s.matchedImages === 1 ? 'image' : 'images'} matched`,
		...(s.newImages ? [`${s.newImages} new ${s.newImages === 1 ? 'image' : 'images'}`] : []),
		`${s.newClasses} new ${s.newClasses === 1 ? 'class' : 'classes'}`,
		`${s.annotations} ${s.annotations === 1 ? 'annotation' : 'annotations'}`
	];
	const w = plan.warnings.length;
	return `${parts.join(', ')}${w ? `; ${w} ${w === 1 ? 'warning' : 'warnings'}` : ''}`;
}
