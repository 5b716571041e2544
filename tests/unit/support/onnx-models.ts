/**
 * Tiny ONNX models with exactly the input/output names, dtypes and shapes of the real exports, whose
 * outputs tell the tests what the adapter fed them: SAM decoders draw a disc (positive logits) around
 * the first prompt point, YOLO models give crafted boxes in letterbox space.
 */
import * as ort from 'onnxruntime-web';
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { RgbaImage } from '$lib/ml/types';
import onnxProto from 'onnx-proto';
import { GraphBuilder } from './onnx-graph';

const f32 = 'float32' as const;

/** r² − ((x − px)² + (y − py)²) over a grid: `ys` [H] and `xs` [W] are pixel-centre coordinates; `point` [2] is (x, y). */
function discLogits(g: GraphBuilder, point: string, ys: string, xs: string, radius: number): string {
	const px = g.op('Gather', [point, g.i64([0], [])]);
	const py = g.op('Gather', [point, g.i64([1], [])]);
	const dx = g.op('Sub', [xs, px]);
	const dy = g.op('Sub', [ys, py]);
	const dy2 = g.op('Unsqueeze', [g.op('Mul', [dy, dy]), g.i64([1])]);
	const d2 = g.op('Add', [dy2, g.op('Mul', [dx, dx])]);
	return g.op('Sub', [g.scalar(radius * radius), d2]);
}

/** Pixel centres 0.5 … n − 0.5 for an int64 scalar n. */
function centres(g: GraphBuilder, n: string): string {
	const r = g.op('Range', [g.i64([0], []), n, g.i64([1], [])]);
	return g.op('Add', [g.op('Cast', [r], undefined, { to: 1 }), g.scalar(0.5)]);
}

/** The first prompt point of coords [..., N, 2] as a [2] tensor. */
function firstPoint(g: GraphBuilder, coords: string, rank: number): string {
	const axis = rank - 2;
	const sliced = g.op('Slice', [coords, g.i64([0]), g.i64([1]), g.i64([axis])]);
	return g.op('Reshape', [sliced, g.i64([2])]);
}

/** A constant feature map of `dims` from the mean of a pooled image: encoders' outputs, cheaply. */
function pooledFeature(g: GraphBuilder, image: string, pool: number | 'global', dims: number[], output: string): string {
	const pooled =
		pool === 'global' ? g.op('GlobalAveragePool', [image]) : g.op('AveragePool', [image], undefined, { kernel_shape: [pool, pool], strides: [pool, pool] });
	const mean = g.op('ReduceMean', [pooled], undefined, { axes: [1], keepdims: 1 });
	return g.op('Expand', [mean, g.i64(dims)], output);
}

/**
 * samexporter's SAM encoder: input_image [1, 3, 1024, 1024] → image_embeddings [1, 256, 64, 64], each
 * embedding cell the mean of its 16 × 16 patch (so a test sees normalisation and padding). With
 * `hwc`, the --use-preprocess layout: input_image [H, W, 3] (0…255), every cell the image's mean.
 */
export function samEncoderModel(hwc = false): Uint8Array {
	const g = new GraphBuilder();
	if (hwc) {
		const mean = g.op('ReduceMean', ['input_image'], undefined, { keepdims: 0 });
		g.op('Expand', [mean, g.i64([1, 256, 64, 64])], 'image_embeddings');
		return g.build([{ name: 'input_image', type: f32, shape: ['image_height', 'image_width', 3] }], [{ name: 'image_embeddings', type: f32, shape: [1, 256, 64, 64] }]);
	}
	pooledFeature(g, 'input_image', 16, [1, 256, 64, 64], 'image_embeddings');
	return g.build([{ name: 'input_image', type: f32, shape: [1, 3, 1024, 1024] }], [{ name: 'image_embeddings', type: f32, shape: [1, 256, 64, 64] }]);
}

/**
 * The official SAM decoder export (scripts/export_onnx_model.py). masks: a disc of `radius` image
 * pixels at the first point mapped back by longest side / 1024, at orig_im_size; with `multimask`,
 * four masks where only the second (the best by iou_predictions) is the disc.
 * iou_predictions = base + has_mask_input; low_res_masks = mask_input + has_mask_input.
 */
export function samDecoderModel(radius: number, multimask = false): Uint8Array {
	const g = new GraphBuilder();
	const longest = g.op('ReduceMax', ['orig_im_size'], undefined, { keepdims: 0 });
	const toImage = g.op('Div', [longest, g.scalar(1024)]);
	const point = g.op('Mul', [firstPoint(g, 'point_coords', 3), toImage]);
	const size = g.op('Cast', ['orig_im_size'], undefined, { to: 7 });
	const h = g.op('Gather', [size, g.i64([0], [])]);
	const w = g.op('Gather', [size, g.i64([1], [])]);
	const disc = g.op('Unsqueeze', [discLogits(g, point, centres(g, h), centres(g, w), radius), g.i64([0, 1])]);
	const lowRes = g.op('Add', ['mask_input', 'has_mask_input']);
	const flag = g.op('Reshape', ['has_mask_input', g.i64([1, 1])]);
	const count = multimask ? 4 : 1;
	if (multimask) {
		const away = g.op('Neg', [disc]);
		g.op('Concat', [away, disc, away, away], 'masks', { axis: 1 });
		g.op('Concat', [lowRes, lowRes, lowRes, lowRes], 'low_res_masks', { axis: 1 });
		g.op('Add', [g.f32([0.1, 0.9, 0.2, 0.3], [1, 4]), flag], 'iou_predictions');
	} else {
		g.op('Identity', [disc], 'masks');
		g.op('Identity', [lowRes], 'low_res_masks');
		g.op('Add', [g.f32([0.5], [1, 1]), flag], 'iou_predictions');
	}
	// Unused by the disc, but part of the real signature.
	g.op('Identity', ['image_embeddings'], 'unused_embeddings');
	g.op('Identity', ['point_labels'], 'unused_labels');
	return g.build(
		[
			{ name: 'image_embeddings', type: f32, shape: [1, 256, 64, 64] },
			{ name: 'point_coords', type: f32, shape: [1, 'num_points', 2] },
			{ name: 'point_labels', type: f32, shape: [1, 'num_points'] },
			{ name: 'mask_input', type: f32, shape: [1, 1, 256, 256] },
			{ name: 'has_mask_input', type: f32, shape: [1] },
			{ name: 'orig_im_size', type: f32, shape: [2] }
		],
		[
			{ name: 'masks', type: f32, shape: [1, count, 'height', 'width'] },
			{ name: 'iou_predictions', type: f32, shape: [1, count] },
			{ name: 'low_res_masks', type: f32, shape: [1, count, 256, 256] }
		]
	);
}

/** samexporter's SAM 2 encoder: image [1, 3, 1024, 1024] → high_res_feats_0/1 and image_embed (pooled means). */
export function sam2EncoderModel(): Uint8Array {
	const g = new GraphBuilder();
	pooledFeature(g, 'image', 4, [1, 32, 256, 256], 'high_res_feats_0');
	pooledFeature(g, 'image', 8, [1, 64, 128, 128], 'high_res_feats_1');
	pooledFeature(g, 'image', 16, [1, 256, 64, 64], 'image_embed');
	return g.build(
		[{ name: 'image', type: f32, shape: [1, 3, 1024, 1024] }],
		[
			{ name: 'high_res_feats_0', type: f32, shape: [1, 32, 256, 256] },
			{ name: 'high_res_feats_1', type: f32, shape: [1, 64, 128, 128] },
			{ name: 'image_embed', type: f32, shape: [1, 256, 64, 64] }
		]
	);
}

/**
 * samexporter's SAM 2 decoder (multimask): masks [n, 3, 256, 256] over the stretched 1024 frame,
 * the third (best by iou_predictions) a disc of `radius` (1024-frame pixels) at the first point.
 */
export function sam2DecoderModel(radius: number): Uint8Array {
	const g = new GraphBuilder();
	const grid = g.f32(Array.from({ length: 256 }, (_, i) => (i + 0.5) * 4));
	const disc = g.op('Unsqueeze', [discLogits(g, firstPoint(g, 'point_coords', 3), grid, grid, radius), g.i64([0, 1])]);
	const away = g.op('Neg', [disc]);
	g.op('Concat', [away, away, disc], 'masks', { axis: 1 });
	g.op('Add', [g.f32([0.1, 0.2, 0.8], [1, 3]), g.op('Unsqueeze', ['has_mask_input', g.i64([1])])], 'iou_predictions');
	for (const unused of ['image_embed', 'high_res_feats_0', 'high_res_feats_1', 'point_labels', 'mask_input']) g.op('Identity', [unused]);
	return g.build(
		[
			{ name: 'image_embed', type: f32, shape: [1, 256, 64, 64] },
			{ name: 'high_res_feats_0', type: f32, shape: [1, 32, 256, 256] },
			{ name: 'high_res_feats_1', type: f32, shape: [1, 64, 128, 128] },
			{ name: 'point_coords', type: f32, shape: ['num_labels', 'num_points', 2] },
			{ name: 'point_labels', type: f32, shape: ['num_labels', 'num_points'] },
			{ name: 'mask_input', type: f32, shape: ['num_labels', 1, 256, 256] },
			{ name: 'has_mask_input', type: f32, shape: ['num_labels'] }
		],
		[
			{ name: 'masks', type: f32, shape: ['num_labels', 3, 256, 256] },
			{ name: 'iou_predictions', type: f32, shape: ['num_labels', 3] }
		]
	);
}

/** EfficientSAM's encoder: batched_images [1, 3, H, W] (0…1) → image_embeddings [1, 256, 64, 64] (the image's mean). */
export function efficientSamEncoderModel(): Uint8Array {
	const g = new GraphBuilder();
	pooledFeature(g, 'batched_images', 'global', [1, 256, 64, 64], 'image_embeddings');
	return g.build([{ name: 'batched_images', type: f32, shape: ['batch', 3, 'height', 'width'] }], [{ name: 'image_embeddings', type: f32, shape: ['batch', 256, 64, 64] }]);
}

/** EfficientSAM's decoder: output_masks [1, 1, 3, H, W] in image pixels, the second (best) a disc at the first point. */
export function efficientSamDecoderModel(radius: number): Uint8Array {
	const g = new GraphBuilder();
	const h = g.op('Gather', ['orig_im_size', g.i64([0], [])]);
	const w = g.op('Gather', ['orig_im_size', g.i64([1], [])]);
	const disc = g.op('Unsqueeze', [discLogits(g, firstPoint(g, 'batched_point_coords', 4), centres(g, h), centres(g, w), radius), g.i64([0, 1, 2])]);
	const away = g.op('Neg', [disc]);
	g.op('Concat', [away, disc, away], 'output_masks', { axis: 2 });
	g.op('Identity', [g.f32([0.2, 0.7, 0.1], [1, 1, 3])], 'iou_predictions');
	for (const unused of ['image_embeddings', 'batched_point_labels']) g.op('Identity', [unused]);
	return g.build(
		[
			{ name: 'image_embeddings', type: f32, shape: ['batch', 256, 64, 64] },
			{ name: 'batched_point_coords', type: f32, shape: ['batch', 'queries', 'num_points', 2] },
			{ name: 'batched_point_labels', type: f32, shape: ['batch', 'queries', 'num_points'] },
			{ name: 'orig_im_size', type: 'int64', shape: [2] }
		],
		[
			{ name: 'output_masks', type: f32, shape: ['batch', 'queries', 3, 'height', 'width'] },
			{ name: 'iou_predictions', type: f32, shape: ['batch', 'queries', 3] }
		]
	);
}

/** A crafted YOLO row: centre, size (input pixels), objectness (v5 only), class scores, mask coefficients. */
export interface YoloRow {
	cx: number;
	cy: number;
	w: number;
	h: number;
	objectness?: number;
	scores: number[];
	coefs?: number[];
}

/** output0 = the rows as a constant (+ 0 × the image's mean, so the graph reads its input). */
function constantOutput(g: GraphBuilder, values: number[], dims: number[], name: string): void {
	const mean = g.op('ReduceMean', ['images'], undefined, { keepdims: 0 });
	g.op('Add', [g.f32(values, dims), g.op('Mul', [mean, g.scalar(0)])], name);
}

const IMAGES = { name: 'images', type: f32, shape: [1, 3, 640, 640] };

/**
 * What an Ultralytics export writes in metadata_props, as it writes it: `names` is str() of a Python
 * dict ({0: 'car', 1: 'person'}), `imgsz` str() of a list ([640, 640]). Give `raw` to write any keys verbatim.
 */
export interface UltralyticsMetadata {
	names?: string[];
	imgsz?: number;
	task?: string;
	license?: string;
	description?: string;
	raw?: Record<string, string>;
}

/** Python's repr of a str: single quotes unless the text has one and no double quote. */
function pythonRepr(text: string): string {
	const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
	return quote + text.replace(/\\/g, '\\\\').replace(new RegExp(quote, 'g'), `\\${quote}`) + quote;
}

/** The model's bytes with `metadata` in ModelProto.metadata_props, in the order Ultralytics writes them. */
export function withMetadata(bytes: Uint8Array, metadata: UltralyticsMetadata): Uint8Array {
	const { onnx } = onnxProto;
	const entries: Record<string, string> = {};
	if (metadata.description !== undefined) entries.description = metadata.description;
	if (metadata.license !== undefined) entries.license = metadata.license;
	entries.stride = '32';
	if (metadata.task !== undefined) entries.task = metadata.task;
	if (metadata.imgsz !== undefined) entries.imgsz = `[${metadata.imgsz}, ${metadata.imgsz}]`;
	if (metadata.names) entries.names = `{${metadata.names.map((n, i) => `${i}: ${pythonRepr(n)}`).join(', ')}}`;
	Object.assign(entries, metadata.raw);
	const model = onnx.ModelProto.decode(bytes);
	model.metadataProps = Object.entries(entries).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
	return onnx.ModelProto.encode(model).finish();
}

/** YOLOv5 detect: output0 [1, N, 5 + C] rows of (cx, cy, w, h, objectness, class scores). */
export function yoloV5Model(rows: YoloRow[], metadata?: UltralyticsMetadata): Uint8Array {
	const g = new GraphBuilder();
	const k = 5 + rows[0].scores.length;
	constantOutput(g, rows.flatMap((r) => [r.cx, r.cy, r.w, r.h, r.objectness ?? 1, ...r.scores]), [1, rows.length, k], 'output0');
	const bytes = g.build([IMAGES], [{ name: 'output0', type: f32, shape: [1, rows.length, k] }]);
	return metadata ? withMetadata(bytes, metadata) : bytes;
}

/** YOLOv8/v11 detect or segment: output0 [1, 4 + C (+ 32), N] channels-first; segment adds output1 protos [1, 32, 160, 160]. */
export function yoloV8Model(rows: YoloRow[], segment = false, metadata?: UltralyticsMetadata): Uint8Array {
	const g = new GraphBuilder();
	const channels = rows.map((r) => [r.cx, r.cy, r.w, r.h, ...r.scores, ...(segment ? r.coefs ?? new Array(32).fill(0) : [])]);
	const k = channels[0].length;
	const transposed: number[] = [];
	for (let c = 0; c < k; c++) for (const row of channels) transposed.push(row[c]);
	constantOutput(g, transposed, [1, k, rows.length], 'output0');
	const outputs = [{ name: 'output0', type: f32, shape: [1, k, rows.length] }];
	if (segment) {
		// Prototype 0 is +10 everywhere, the rest 0: a coefficient of ±1 on it gives a full or empty mask.
		const proto = new Array(32).fill(0);
		proto[0] = 10;
		g.op('Expand', [g.f32(proto, [1, 32, 1, 1]), g.i64([1, 32, 160, 160])], 'output1');
		outputs.push({ name: 'output1', type: f32, shape: [1, 32, 160, 160] });
	}
	const bytes = g.build([IMAGES], outputs);
	return metadata ? withMetadata(bytes, metadata) : bytes;
}

/** A session on generated bytes, through onnxruntime-web (WASM) as the worker runs it. */
export async function loadSession(bytes: Uint8Array): Promise<InferenceSession> {
	return (await ort.InferenceSession.create(bytes)) as unknown as InferenceSession;
}

/** The session, recording every feed it is given (what the adapter sent the model). */
export function recording(session: InferenceSession): { session: InferenceSession; feeds: Record<string, Tensor>[] } {
	const feeds: Record<string, Tensor>[] = [];
	const wrapped = {
		inputNames: session.inputNames,
		outputNames: session.outputNames,
		inputMetadata: session.inputMetadata,
		outputMetadata: session.outputMetadata,
		run: (f: Record<string, Tensor>) => {
			feeds.push(f);
			return session.run(f);
		}
	};
	return { session: wrapped as unknown as InferenceSession, feeds };
}

/** An image of one colour. */
export function solidImage(width: number, height: number, rgb: [number, number, number]): RgbaImage {
	const data = new Uint8ClampedArray(width * height * 4);
	for (let i = 0; i < width * height; i++) data.set([...rgb, 255], i * 4);
	return { width, height, data };
}

/** transformers.js' SAM vision_encoder: pixel_values [1, 3, 1024, 1024] → image_embeddings and image_positional_embeddings [1, 256, 64, 64]. */
export function samTransformersEncoderModel(): Uint8Array {
	const g = new GraphBuilder();
	pooledFeature(g, 'pixel_values', 16, [1, 256, 64, 64], 'image_embeddings');
	g.op('Expand', [g.f32([0.25], [1, 1, 1, 1]), g.i64([1, 256, 64, 64])], 'image_positional_embeddings');
	const out = (name: string) => ({ name, type: f32, shape: [1, 256, 64, 64] });
	return g.build([{ name: 'pixel_values', type: f32, shape: ['batch_size', 3, 1024, 1024] }], [out('image_embeddings'), out('image_positional_embeddings')]);
}

/** transformers.js' SAM prompt_encoder_mask_decoder: pred_masks [1, 1, 3, 256, 256] over the padded 1024² frame, the second (best) a disc at the first point. */
export function samTransformersDecoderModel(radius: number): Uint8Array {
	const g = new GraphBuilder();
	const grid = g.f32(Array.from({ length: 256 }, (_, i) => (i + 0.5) * 4));
	const disc = g.op('Unsqueeze', [discLogits(g, firstPoint(g, 'input_points', 4), grid, grid, radius), g.i64([0, 1, 2])]);
	const away = g.op('Neg', [disc]);
	g.op('Concat', [away, disc, away], 'pred_masks', { axis: 2 });
	g.op('Identity', [g.f32([0.3, 0.9, 0.1], [1, 1, 3])], 'iou_scores');
	for (const unused of ['input_labels', 'image_embeddings', 'image_positional_embeddings']) g.op('Identity', [unused]);
	return g.build(
		[
			{ name: 'input_points', type: f32, shape: ['batch_size', 'point_batch_size', 'num_points', 2] },
			{ name: 'input_labels', type: 'int64', shape: ['batch_size', 'point_batch_size', 'num_points'] },
			{ name: 'image_embeddings', type: f32, shape: ['batch_size', 256, 64, 64] },
			{ name: 'image_positional_embeddings', type: f32, shape: ['batch_size', 256, 64, 64] }
		],
		[
			{ name: 'iou_scores', type: f32, shape: ['batch_size', 'point_batch_size', 3] },
			{ name: 'pred_masks', type: f32, shape: ['batch_size', 'point_batch_size', 3, 256, 256] }
		]
	);
}
