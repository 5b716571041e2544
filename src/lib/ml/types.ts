/**
 * The shapes that cross the ml layer's boundaries. Everything here is plain data (structured-clone
 * safe), so it passes between the page and the inference worker unchanged.
 */

/** Pixels as the browser decodes them (ImageData's layout), without the DOM type. */
export interface RgbaImage {
	width: number;
	height: number;
	/** width × height × 4 bytes, row-major RGBA. */
	data: Uint8ClampedArray;
}

/** A binary mask over the whole image: one byte per pixel, 1 inside, row-major. */
export interface BinaryMask {
	width: number;
	height: number;
	data: Uint8Array;
}

/** What a model is for; decides which adapter runs it and which tool offers it. */
export type ModelTask = 'interactive-segmentation' | 'detection' | 'instance-segmentation' | 'ocr';

/** Where the execution happens; shown to the user. */
export type ExecutionBackend = 'webgpu' | 'wasm';

/** One file of a model, as the manifest names it. `role` tells the adapter which session it is. */
export interface ModelFile {
	/** e.g. 'encoder', 'decoder', 'model', 'detector', 'recognizer', 'dictionary'. */
	role: string;
	/** File name as stored (and, for bundled models, its path under the app's /models/<id>/). */
	name: string;
	/** Where a user-added model was fetched from, when it came by URL. */
	url?: string;
	bytes?: number;
}

/** models/<id>/manifest.json, and what a user-added model is stored with. */
export interface ModelManifest {
	id: string;
	name: string;
	task: ModelTask;
	/** The adapter's layout within its family, e.g. 'sam', 'sam2', 'efficientsam', 'yolov8', 'ppocrv4'. */
	family: string;
	files: ModelFile[];
	/** The side the model expects, e.g. 1024 for SAM, 640 for YOLO; det limit side for OCR. */
	inputSize?: number;
	normalisation?: { mean: [number, number, number]; std: [number, number, number]; scale: number; channelOrder: 'rgb' | 'bgr' };
	/** Class names of a detector, index = model class id. */
	labels?: string[];
	licence: string;
	/** What the model says of itself (e.g. an Ultralytics export's description and author). */
	description?: string;
	source?: string;
	/** True for models that ship with the app. */
	bundled?: boolean;
}

/** A detector's result in image pixels. */
export interface Detection {
	/** [x1, y1, x2, y2] in image pixels. */
	box: [number, number, number, number];
	classIndex: number;
	score: number;
	/** Instance segmenters: the mask over the whole image (left out when `polygons` were asked for). */
	mask?: BinaryMask;
	/** Instance segmenters, when the call asked for them: the mask traced in the worker. */
	polygons?: TracedPolygon[];
}

/** An OCR result: the quadrilateral (clockwise from top-left, image pixels) and what it reads. */
export interface TextRegion {
	quad: [number, number][];
	text: string;
	/** Mean character confidence of the recognition. */
	score: number;
}

/** Prompts of interactive segmentation, in image pixels. label 1 = include, 0 = exclude. */
export interface SegmentationPrompt {
	points: { x: number; y: number; label: 0 | 1 }[];
	box?: { x1: number; y1: number; x2: number; y2: number };
}

/** A tensor as plain data, e.g. a cached SAM image embedding (IndexedDB, postMessage). */
export interface PlainTensor {
	type: 'float32' | 'int64' | 'int32' | 'uint8' | 'bool';
	dims: number[];
	data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
}

/** What interactive segmentation keeps per image and model: the encoder's outputs and the resize it used. */
export interface ImageEmbedding {
	modelId: string;
	imageWidth: number;
	imageHeight: number;
	/** Encoder outputs by the name the decoder takes them under. */
	tensors: Record<string, PlainTensor>;
}

/** A mask proposed by interactive segmentation. `lowRes` feeds the next click's refinement (SAM's mask_input). */
export interface SegmentationResult {
	mask: BinaryMask;
	score: number;
	lowRes?: PlainTensor;
	/** The mask traced into polygons, when the call asked for it (done in the worker, off the page). */
	polygons?: TracedPolygon[];
}

/** One polygon traced from a mask: outer ring and holes, flat [x0, y0, x1, y1, …] in image pixels. */
export interface TracedPolygon {
	points: number[];
	holes: number[][];
}

/**
 * The page's handle on the inference worker (ml/client.ts implements it). Every call runs in the worker;
 * models are loaded once and kept until another model of the same task is chosen.
 */
export interface MlApi {
	/** The backend in use and the WASM thread count; the UI shows it. */
	status(): Promise<{ backend: ExecutionBackend; threads: number; webgpuAvailable: boolean }>;
	/** Bundled and user-added models. */
	listModels(): Promise<ModelManifest[]>;
	/** Computes (or takes from the cache) the embedding of an image for a SAM-family model. */
	embed(modelId: string, imageKey: string, image: RgbaImage): Promise<void>;
	/** One decoder step on the embedded image; `previous` refines the last mask (more clicks); `trace` also returns its polygons. */
	segment(modelId: string, imageKey: string, prompt: SegmentationPrompt, previous?: PlainTensor, trace?: { tolerance: number }): Promise<SegmentationResult>;
	/** `trace`: instance masks come back as polygons only (a full-image mask per detection is heavy to send). */
	detect(modelId: string, image: RgbaImage, options: { scoreThreshold: number; iouThreshold: number; trace?: { tolerance: number } }): Promise<Detection[]>;
	/** Text regions of the image, or only inside `region` (image pixels). */
	readText(modelId: string, image: RgbaImage, region?: { x: number; y: number; width: number; height: number }): Promise<TextRegion[]>;
}
