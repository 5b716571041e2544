import type { AssistBridge, AssistPrompt, Editor } from '$lib/editor';
import type { ClassRecord, Id, ProjectDoc } from '$lib/model';
import type { ExecutionBackend, MlApi, ModelManifest, PlainTensor, RgbaImage } from '$lib/ml/types';
import { maskToPolygons } from '$lib/ml/mask-polygons';
import { detectionsToProposals, labelMapKey, mergeLabelMap, SKIP, textRegionsToProposals, type LabelMap } from './prelabel';

export type PrelabelScope = 'image' | 'unlabeled' | 'all';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Decodes an image file to RGBA pixels: the decode runs off the main thread (createImageBitmap). */
export async function decodeRgba(blob: Blob): Promise<RgbaImage> {
	const bitmap = await createImageBitmap(blob);
	try {
		const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
		const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
		ctx.drawImage(bitmap, 0, 0);
		const { data, width, height } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
		return { width, height, data };
	} finally {
		bitmap.close();
	}
}

/** The panel's choices outlive one image's editor screen: the next image keeps the same models and sliders. */
const choices = $state({
	segmenterId: '',
	detectorId: '',
	ocrId: '',
	/** What the smart tool commits, and how closely polygons follow the mask (image px). */
	output: 'polygon' as 'polygon' | 'mask',
	tolerance: 1,
	mode: 'segment' as 'segment' | 'read-text',
	scoreThreshold: 0.25,
	iouThreshold: 0.45
});

/**
 * The Assist panel's state: models from the MlApi, the choices made, pre-labeling progress, and the
 * bridge the editor's smart tool segments through. One per editor screen (one image).
 */
export class AssistState {
	status = $state<{ backend: ExecutionBackend; threads: number; webgpuAvailable: boolean } | null>(null);
	models = $state<ModelManifest[]>([]);
	error = $state<string | null>(null);
	labelMap = $state<LabelMap>({});
	/** Pre-labeling: images done of total, while running. */
	progress = $state<{ done: number; total: number } | null>(null);
	report = $state<string | null>(null);
	/** A class that must allow text before OCR can write into it. */
	textOffClass = $state<ClassRecord | null>(null);
	busy = $state(false);

	private cancelRequested = false;
	private pixels: { hash: string; image: Promise<RgbaImage> } | null = null;
	private embedded = new Map<string, Promise<void>>();
	private last: { modelId: string; imageKey: string; prompt: AssistPrompt; lowRes?: PlainTensor } | null = null;

	constructor(
		readonly api: MlApi | null,
		private readonly env: {
			projectId: () => string;
			doc: () => ProjectDoc;
			imageId: () => Id;
			loadImage(hash: string): Promise<Blob | undefined>;
			editor: () => Editor | null;
			classId: () => Id | null;
		}
	) {}

	get segmenterId() { return choices.segmenterId; }
	set segmenterId(v: string) { choices.segmenterId = v; }
	get detectorId() { return choices.detectorId; }
	set detectorId(v: string) { choices.detectorId = v; }
	get ocrId() { return choices.ocrId; }
	set ocrId(v: string) { choices.ocrId = v; }
	get output() { return choices.output; }
	set output(v: 'polygon' | 'mask') { choices.output = v; }
	get tolerance() { return choices.tolerance; }
	set tolerance(v: number) { choices.tolerance = v; }
	get mode() { return choices.mode; }
	set mode(v: 'segment' | 'read-text') { choices.mode = v; }
	get scoreThreshold() { return choices.scoreThreshold; }
	set scoreThreshold(v: number) { choices.scoreThreshold = v; }
	get iouThreshold() { return choices.iouThreshold; }
	set iouThreshold(v: number) { choices.iouThreshold = v; }

	get segmenters(): ModelManifest[] {
		return this.models.filter((m) => m.task === 'interactive-segmentation');
	}
	get detectors(): ModelManifest[] {
		return this.models.filter((m) => m.task === 'detection' || m.task === 'instance-segmentation');
	}
	get readers(): ModelManifest[] {
		return this.models.filter((m) => m.task === 'ocr');
	}
	get detector(): ModelManifest | undefined {
		return this.models.find((m) => m.id === this.detectorId);
	}
	/** The smart tool works only with a segmentation model chosen. */
	get segmentReady(): boolean {
		return !!this.api && !!this.segmenterId;
	}

	async load(): Promise<void> {
		if (!this.api) return;
		try {
			const [status, models] = await Promise.all([this.api.status(), this.api.listModels()]);
			this.status = status;
			this.models = models;
			// A chosen model that is gone (removed on the models page) falls back to the first of its task.
			const known = (id: string, list: ModelManifest[]) => (list.some((m) => m.id === id) ? id : (list[0]?.id ?? ''));
			this.segmenterId = known(this.segmenterId, this.segmenters);
			this.ocrId = known(this.ocrId, this.readers);
			const detector = known(this.detectorId, this.detectors);
			if (detector) this.chooseDetector(detector);
			else this.detectorId = '';
		} catch (e) {
			this.error = `The models could not be listed: ${message(e)}`;
		}
	}

	chooseDetector(id: string): void {
		this.detectorId = id;
		const labels = this.detector?.labels ?? [];
		let stored: LabelMap | null = null;
		try {
			stored = JSON.parse(localStorage.getItem(labelMapKey(this.env.projectId(), id)) ?? 'null') as LabelMap | null;
		} catch {
			stored = null;
		}
		this.labelMap = mergeLabelMap(stored, labels, this.env.doc().classes());
	}

	/** Maps a model label to a class (or SKIP); kept per project and model on this device. */
	mapLabel(label: string, classId: string): void {
		this.labelMap = { ...this.labelMap, [label]: classId || SKIP };
		try {
			localStorage.setItem(labelMapKey(this.env.projectId(), this.detectorId), JSON.stringify(this.labelMap));
		} catch {
			// Storage full or blocked: the mapping holds until the page closes.
		}
	}

	setTolerance(value: number): void {
		this.tolerance = value;
		this.env.editor()?.toolOptionsChanged();
	}

	/** The image's pixels, decoded once per image while the panel lives. */
	private imagePixels(hash: string): Promise<RgbaImage> {
		if (this.pixels?.hash === hash) return this.pixels.image;
		const image = this.env.loadImage(hash).then((blob) => {
			if (!blob) throw new Error('The image file is not on this device yet');
			return decodeRgba(blob);
		});
		this.pixels = { hash, image };
		image.catch(() => this.pixels?.image === image && (this.pixels = null));
		return image;
	}

	private currentImage() {
		const image = this.env.doc().getImage(this.env.imageId());
		if (!image) throw new Error('That image no longer exists');
		return image;
	}

	/** What the editor's smart tool segments through. */
	readonly bridge: AssistBridge = {
		unavailable: () => (!this.api ? 'Models are not available' : !this.segmenterId ? 'Choose a segmentation model in the Assist panel first' : null),
		output: () => this.output,
		mode: () => this.mode,
		trace: (mask) => maskToPolygons(mask, this.tolerance),
		segment: async (prompt) => {
			const api = this.api;
			const modelId = this.segmenterId;
			if (!api || !modelId) return null;
			const image = this.currentImage();
			const key = `${modelId}:${image.hash}`;
			let embedding = this.embedded.get(key);
			if (!embedding) {
				embedding = this.imagePixels(image.hash).then((pixels) => api.embed(modelId, image.hash, pixels));
				this.embedded.set(key, embedding);
				embedding.catch(() => this.embedded.delete(key));
			}
			await embedding;
			// More clicks on the same object refine the last mask (SAM's mask input).
			const last = this.last;
			const refines = last && last.modelId === modelId && last.imageKey === image.hash && extendsPrompt(prompt, last.prompt);
			const tolerance = this.tolerance;
			const result = await api.segment(modelId, image.hash, prompt, refines ? last.lowRes : undefined, { tolerance });
			this.last = { modelId, imageKey: image.hash, prompt, lowRes: result.lowRes };
			return { mask: result.mask, polygons: result.polygons ?? maskToPolygons(result.mask, tolerance) };
		},
		readTextIn: (box) => this.readText(box)
	};

	/** Runs the chosen detector; its detections become proposals awaiting review. Cancel stops between images. */
	async prelabel(scope: PrelabelScope): Promise<void> {
		const api = this.api;
		const model = this.detector;
		if (!api || !model || this.busy) return;
		const doc = this.env.doc();
		const imageIds =
			scope === 'image'
				? [this.env.imageId()]
				: doc
						.images()
						.filter((i) => scope === 'all' || doc.annotationIds(i.id).size === 0)
						.map((i) => i.id);
		this.busy = true;
		this.cancelRequested = false;
		this.report = this.error = null;
		this.progress = { done: 0, total: imageIds.length };
		let added = 0,
			refused = 0,
			skipped = 0,
			failed = 0;
		const labels = model.labels ?? [];
		const segmenter = model.task === 'instance-segmentation';
		try {
			for (const imageId of imageIds) {
				if (this.cancelRequested) break;
				const image = doc.getImage(imageId);
				// Running twice does not double the proposals: images this model already proposed on are left.
				if (!image || doc.proposalsOf(imageId).some((a) => a.proposal?.model === model.id)) {
					skipped++;
				} else {
					try {
						const blob = await this.env.loadImage(image.hash);
						if (!blob) throw new Error('not on this device');
						const tolerance = this.tolerance;
						const detections = await api.detect(model.id, await decodeRgba(blob), {
							scoreThreshold: this.scoreThreshold,
							iouThreshold: this.iouThreshold,
							...(segmenter && { trace: { tolerance } })
						});
						const proposals = detectionsToProposals(detections, labels, this.labelMap, model.id, (d) => d.polygons ?? (d.mask ? maskToPolygons(d.mask, tolerance) : []));
						const results = doc.addProposals(imageId, proposals);
						added += results.filter((r) => r.ok).length;
						refused += results.filter((r) => !r.ok).length;
					} catch (e) {
						failed++;
						this.error = `${image.name}: ${message(e)}`;
					}
				}
				this.progress = { done: this.progress!.done + 1, total: imageIds.length };
			}
		} finally {
			const stopped = this.cancelRequested ? ' Stopped.' : '';
			this.report = `${added} proposal${added === 1 ? '' : 's'} added${refused ? `, ${refused} refused by their class` : ''}${skipped ? `, ${skipped} image${skipped === 1 ? '' : 's'} already pre-labeled by this model` : ''}${failed ? `, ${failed} failed` : ''}.${stopped}`;
			this.progress = null;
			this.busy = false;
		}
	}

	cancel(): void {
		this.cancelRequested = true;
	}

	/**
	 * Reads text on the whole image or inside a box; each region becomes a 4-point polygon of the current
	 * class carrying its text, as a proposal. The class must allow text (the panel offers to turn it on).
	 */
	async readText(region?: { x: number; y: number; width: number; height: number }): Promise<void> {
		const api = this.api;
		if (!api || !this.ocrId || this.busy) return;
		const doc = this.env.doc();
		const classId = this.env.classId();
		const cls = classId ? doc.getClass(classId) : undefined;
		if (!cls) return void (this.error = 'Pick a class for the text first');
		if (!cls.text) return void (this.textOffClass = cls);
		if (cls.shapeTypes.length && !cls.shapeTypes.includes('polygon'))
			return void (this.error = `Class “${cls.name}” cannot be drawn as a polygon: pick another class for the text`);
		this.busy = true;
		this.error = this.report = null;
		try {
			const image = this.currentImage();
			const regions = await api.readText(this.ocrId, await this.imagePixels(image.hash), region);
			const results = doc.addProposals(image.id, textRegionsToProposals(regions, cls.id, this.ocrId));
			const n = results.filter((r) => r.ok).length;
			this.report = n ? `Read ${n} text region${n === 1 ? '' : 's'}: review them (A accepts, Delete rejects)` : 'No text found';
		} catch (e) {
			this.error = `Reading text failed: ${message(e)}`;
		} finally {
			this.busy = false;
		}
	}

	/** Turns text on for the class OCR wanted to write into. */
	allowText(): void {
		const cls = this.textOffClass;
		if (!cls) return;
		const r = this.env.doc().updateClass(cls.id, { text: true });
		this.textOffClass = null;
		if (!r.ok) this.error = r.reason;
	}
}

/** True when `next` is `previous` with more points (same object, refined). */
function extendsPrompt(next: AssistPrompt, previous: AssistPrompt): boolean {
	if (next.points.length <= previous.points.length) return false;
	return previous.points.every((p, i) => p.x === next.points[i].x && p.y === next.points[i].y && p.label === next.points[i].label);
}
