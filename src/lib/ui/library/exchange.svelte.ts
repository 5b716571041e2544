import { downloadBlob } from '$lib/ui/app/download';
import * as Y from 'yjs';
import { ProjectDoc, SCHEMA_VERSION } from '$lib/model';
import { STAGES, type Stage } from '$lib/model/team/records';
import { formats, formatById } from '$lib/formats/registry';
import { describePlan, exportSelection, type ImportPlan } from '$lib/formats/project-dataset';
import { BUNDLE_VERSION } from '$lib/formats/native/bundle';
import { stem } from '$lib/formats/files';
import { parseSplitRatios, splitForExport, type ExportSplit } from '$lib/formats/split';
import { exchangeClient, ExchangeFailure, type ExchangeProgress, type ReadAnswer } from '$lib/storage/exchange/client';
import type { ExchangeFileInput, ExchangeProblem, ExportSource } from '$lib/storage/exchange/protocol';
import { applyImportPlan, restoreNativeBundle } from '$lib/storage/exchange/apply';
import { importBasisOf } from '$lib/storage/exchange/plan';
import { deviceIdentity } from '$lib/storage/device-identity';
import { createProject, deleteProject, openProject, type OpenProject } from '$lib/storage/projects';

/** The formats the dialogs offer: every codec in the registry, the native bundle first. */
export function exchangeFormats() {
	return [...formats].sort((a, b) => (a.id === 'peerlabel' ? -1 : b.id === 'peerlabel' ? 1 : a.label.localeCompare(b.label)));
}

const PHASE_LABEL: Record<ExchangeProgress['phase'], string> = {
	reading: 'Reading images',
	converting: 'Converting',
	zipping: 'Zipping',
	unzipping: 'Unpacking'
};

export function progressText(p: ExchangeProgress | null): string {
	if (!p) return '';
	const mb = p.bytes ? ` (${(p.bytes / 2 ** 20).toFixed(1)} MB)` : '';
	return p.total > 1 ? `${PHASE_LABEL[p.phase]}… ${p.done} of ${p.total}${mb}` : `${PHASE_LABEL[p.phase]}…`;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The export dialog's state: format, filters, progress; the zip downloads at the end. */
export class ExportState {
	formatId = $state('peerlabel');
	variant = $state('');
	includeImages = $state(true);
	/** Model proposals nobody has accepted yet go out too (default: left out). */
	includeProposals = $state(false);
	stages = $state<Stage[]>([...STAGES]);
	/** null: every class. */
	classIds = $state<string[] | null>(null);
	/** Only images whose name contains this (a folder such as 'batch3/', a camera id…); empty: all. */
	nameContains = $state('');
	/**
	 * Train/val/test written into the export: the project's stored splits ('stored'; the default when any
	 * image has one), none, or a new seeded split for this export only ('new', formats/split.ts).
	 */
	splitMode = $state<ExportSplit['kind']>('none');
	splitRatios = $state('0.8,0.1,0.1');
	splitSeed = $state(1);
	splitStratify = $state(true);
	/** A frozen version to export instead of the project as it is now (read-only document). */
	version = $state<{ doc: ProjectDoc; name: string } | null>(null);
	progress = $state<ExchangeProgress | null>(null);
	running = $state(false);
	error = $state<string | null>(null);
	/** What the last export wrote, said to the user. */
	report = $state<string | null>(null);
	private cancelRun: (() => void) | null = null;

	constructor(private readonly project: () => OpenProject | null) {}

	get isNative(): boolean {
		return this.formatId === 'peerlabel';
	}

	cancel(): void {
		this.cancelRun?.();
	}

	/** The document this export reads: a frozen version, or the project as it is now. */
	private docNow(): ProjectDoc | null {
		return this.version?.doc ?? this.project()?.doc ?? null;
	}

	/** The stored splits' choice when the dialog opens (or its version changes): on when any image has a split. */
	defaultSplitMode(): void {
		const doc = this.docNow();
		this.splitMode = doc && doc.splits.all().size ? 'stored' : 'none';
	}

	/** The ids of the images the export writes (stages, name filter), in project order; [] when none. */
	private exportedImageIds(doc: ProjectDoc): string[] {
		const needle = this.nameContains.trim().toLowerCase();
		const stages = new Set(this.stages);
		return doc
			.images()
			.filter((i) => stages.has(doc.review.stageOf(i.id).stage) && (!needle || i.name.toLowerCase().includes(needle)))
			.map((i) => i.id);
	}

	/** Of the images the export writes, how many have a stored split and how many not (reactive on the filters). */
	storedSplitCounts(): { split: number; unsplit: number } {
		const doc = this.docNow();
		if (!doc) return { split: 0, unsplit: 0 };
		const ids = this.exportedImageIds(doc);
		const split = ids.filter((id) => doc.splits.of(id)).length;
		return { split, unsplit: ids.length - split };
	}

	async start(): Promise<void> {
		const project = this.project();
		if (!project || this.running) return;
		const doc = this.version?.doc ?? project.doc;
		const codec = formatById(this.formatId);
		if (!codec) return;
		let source: ExportSource;
		if (this.isNative) {
			const hashes = new Map(doc.images().map((i) => [i.hash, i.mime]));
			source = {
				kind: 'native',
				manifest: {
					app: 'peerlabel',
					bundleVersion: BUNDLE_VERSION,
					schemaVersion: doc.schemaVersion ?? SCHEMA_VERSION,
					name: doc.settings.name,
					counts: { images: doc.imageCount, classes: doc.classes().length, annotations: doc.annotationCount },
					exportedAt: Date.now()
				},
				update: Y.encodeStateAsUpdate(doc.ydoc),
				images: [...hashes].map(([hash, mime]) => ({ hash, mime })),
				includeImages: this.includeImages
			};
		} else {
			const needle = this.nameContains.trim().toLowerCase();
			const imageIds = needle ? doc.images().filter((i) => i.name.toLowerCase().includes(needle)).map((i) => i.id) : undefined;
			if (imageIds && !imageIds.length) {
				this.error = `No image name contains “${this.nameContains.trim()}”`;
				return;
			}
			const selection = exportSelection(doc, { stages: this.stages, includeProposals: this.includeProposals, ...(this.classIds && { classIds: this.classIds }), ...(imageIds && { imageIds }) });
			const { images } = selection;
			let { dataset } = selection;
			try {
				dataset = splitForExport(dataset, this.splitChoice());
			} catch (e) {
				this.error = message(e).replace('--split ', 'Split ');
				return;
			}
			source = {
				kind: 'dataset',
				formatId: codec.id,
				options: { includeImages: this.includeImages, ...(this.variant && { variant: this.variant }) },
				dataset,
				images
			};
		}
		this.running = true;
		this.error = this.report = null;
		this.progress = null;
		const run = exchangeClient().export(source, (p) => (this.progress = p));
		this.cancelRun = run.cancel;
		try {
			const answer = await run.done;
			const versionPart = this.version ? `-${safeFileName(this.version.name)}` : '';
			downloadBlob(answer.zip, `${safeFileName(doc.settings.name)}${versionPart}-${codec.id}.zip`);
			const skipped = Object.entries(answer.skipped).map(([type, n]) => `${n} ${type}`);
			this.report = [
				`Exported ${answer.files.length} files.`,
				...(skipped.length ? [`Not carried by ${codec.label}: ${skipped.join(', ')}.`] : []),
				...answer.warnings
			].join(' ');
		} catch (e) {
			this.error = e instanceof ExchangeFailure && e.cancelled ? 'Export cancelled' : message(e);
		} finally {
			this.running = false;
			this.cancelRun = null;
			this.progress = null;
		}
	}

	/** Images without a stored split go to train: where YOLO puts unsplit images, and what a COCO trainer reads. */
	private splitChoice(): ExportSplit {
		if (this.splitMode === 'stored') return { kind: 'stored', unsplit: 'train' };
		if (this.splitMode === 'none') return { kind: 'none' };
		return { kind: 'new', options: { ratios: parseSplitRatios(this.splitRatios), seed: this.splitSeed, stratify: this.splitStratify } };
	}
}

function safeFileName(name: string): string {
	return name.replace(/[\\/:*?"<>|]+/g, '_').trim() || 'project';
}


/**
 * The import dialog's state. Into an open project ('existing') or as a new project ('new'): read in the
 * worker, planned here (a summary before anything is written), applied in one transaction.
 */
export class ImportState {
	files = $state<ExchangeFileInput[]>([]);
	/** null: detect. */
	formatId = $state<string | null>(null);
	detected = $state<{ id: string; label: string } | null>(null);
	progress = $state<ExchangeProgress | null>(null);
	running = $state(false);
	problem = $state<ExchangeProblem | null>(null);
	/** Planning errors: each names its annotation's source. */
	errors = $state<string[]>([]);
	warnings = $state<string[]>([]);
	summary = $state<string | null>(null);
	applied = $state<string | null>(null);
	private read: ReadAnswer | null = null;
	private plan: ImportPlan | null = null;
	private cancelRun: (() => void) | null = null;

	constructor(
		readonly target: 'new' | 'existing',
		private readonly project: () => OpenProject | null = () => null
	) {}

	get canApply(): boolean {
		return !this.running && !this.problem && !this.errors.length && (this.plan !== null || this.read?.outcome.kind === 'native');
	}

	reset(): void {
		this.files = [];
		this.formatId = null;
		this.clearResult();
	}

	private clearResult(): void {
		this.detected = null;
		this.problem = null;
		this.errors = [];
		this.warnings = [];
		this.summary = null;
		this.applied = null;
		this.read = null;
		this.plan = null;
	}

	cancel(): void {
		this.cancelRun?.();
	}

	async choose(files: ExchangeFileInput[]): Promise<void> {
		this.files = files;
		await this.readFiles();
	}

	async setFormat(id: string | null): Promise<void> {
		this.formatId = id;
		if (this.files.length) await this.readFiles();
	}

	/** Reads the chosen files in the worker and plans the import; writes nothing. */
	async readFiles(): Promise<void> {
		this.clearResult();
		if (!this.files.length) return;
		this.running = true;
		// The worker plans and packs against what it is sent of the project: the page only stores the bytes.
		const doc = this.target === 'existing' ? this.project()?.doc : null;
		if (this.target === 'existing' && !doc) {
			this.problem = { file: '', place: '', problem: 'The project is still opening' };
			this.running = false;
			return;
		}
		// The member the project will write under (openProject's actor): made now if this device has none yet.
		const basis = importBasisOf(doc ?? null, (await deviceIdentity()).memberId);
		const run = exchangeClient().read($state.snapshot(this.files) as ExchangeFileInput[], this.formatId, this.target, basis, (p) => (this.progress = p));
		this.cancelRun = run.cancel;
		try {
			const answer = await run.done;
			this.read = answer;
			this.detected = { id: answer.formatId, label: answer.formatLabel };
			if (answer.outcome.kind === 'native') {
				const m = answer.outcome.bundle.manifest;
				this.summary = `Restores the project “${m.name}”: ${m.counts.images} images, ${m.counts.classes} classes, ${m.counts.annotations} annotations (${answer.outcome.bundle.images.length} image files)`;
				return;
			}
			if (answer.outcome.kind !== 'planned') throw new Error('The import was read but not planned');
			const planned = answer.outcome.planned;
			this.warnings = planned.ok ? planned.plan.warnings : planned.warnings;
			if (!planned.ok) {
				this.errors = planned.errors;
				return;
			}
			this.plan = planned.plan;
			this.summary = describePlan(planned.plan);
		} catch (e) {
			if (e instanceof ExchangeFailure) this.problem = e.cancelled ? { file: '', place: '', problem: 'Cancelled' } : e.problem;
			else this.problem = { file: '', place: '', problem: message(e) };
		} finally {
			this.running = false;
			this.cancelRun = null;
			this.progress = null;
		}
	}

	/** Applies the planned import. Resolves with the project id it went into, or null when refused. */
	async apply(): Promise<string | null> {
		if (!this.canApply || !this.read) return null;
		this.running = true;
		try {
			if (this.read.outcome.kind === 'native') {
				const { entry, failed } = await restoreNativeBundle(this.read.outcome.bundle);
				this.applied = failed.length ? `Restored; ${failed.length} images could not be stored: ${failed.slice(0, 3).join('; ')}` : 'Restored';
				return entry.id;
			}
			const plan = this.plan!;
			if (this.target === 'existing') {
				const project = this.project();
				if (!project) throw new Error('The project is still opening');
				const result = await applyImportPlan(project.id, project.doc, plan);
				if (!result.ok) {
					this.errors = [result.reason];
					return null;
				}
				this.applied = `Imported: ${describePlan(plan)}`;
				return project.id;
			}
			const name = this.files.length === 1 ? stem(this.files[0].name) : 'Imported dataset';
			const entry = await createProject(name);
			const project = await openProject(entry.id);
			let result: Awaited<ReturnType<typeof applyImportPlan>>;
			try {
				result = await applyImportPlan(entry.id, project.doc, plan);
			} finally {
				await project.close();
			}
			if (!result.ok) {
				await deleteProject(entry.id).catch(() => {});
				this.errors = [result.reason];
				return null;
			}
			this.applied = `Imported: ${describePlan(plan)}`;
			return entry.id;
		} catch (e) {
			this.errors = [message(e)];
			return null;
		} finally {
			this.running = false;
		}
	}
}

