/**
 * The SAM decoder as segment-anything's scripts/export_onnx_model.py exports it (SamOnnxModel,
 * return_single_mask=True, opset 17), with seeded random weights: the prompt encoder (random-Fourier
 * point encoding, label and not-a-point embeddings, mask downscaling blended by has_mask_input), the
 * MaskDecoder's TwoWayTransformer (depth 2, 256 wide, 8 heads, MLP 2048, attention downsampling 2),
 * output upscaling, four hypernetwork MLPs and the IoU head, the mask choice by point count, and the
 * export's mask post-processing (1024², crop, original size). ~4.06 M parameters, as the real one.
 */
import { Layers, SeededRandom } from './layers';

const DIM = 256;
const HEADS = 8;
const GRID = 64;
const IMAGE = 1024;
const MASK_TOKENS = 4;
const f32 = 'float32' as const;

/** Attention with downscaled internal width, heads split and recombined as the module does. */
function attention(l: Layers, q: string, k: string, v: string, downsample: number): string {
	const g = l.g;
	const internal = DIM / downsample;
	const perHead = internal / HEADS;
	const heads = (x: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [l.linear(x, DIM, internal), g.i64([0, -1, HEADS, perHead])])], undefined, { perm });
	const qh = heads(q, [0, 2, 1, 3]);
	const kt = heads(k, [0, 2, 3, 1]);
	const vh = heads(v, [0, 2, 1, 3]);
	const attn = g.op('Softmax', [g.op('Div', [g.op('MatMul', [qh, kt]), g.scalar(Math.sqrt(perHead))])], undefined, { axis: -1 });
	const out = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [attn, vh])], undefined, { perm: [0, 2, 1, 3] }), g.i64([0, -1, internal])]);
	return l.linear(out, internal, DIM);
}

/** MaskDecoder's MLP: ReLU between layers, none after the last. */
function mlp(l: Layers, x: string, hidden: number, out: number, layers: number): string {
	let y = x;
	for (let i = 0; i < layers; i++) {
		y = l.linear(y, i === 0 ? DIM : hidden, i === layers - 1 ? out : hidden);
		if (i < layers - 1) y = l.relu(y);
	}
	return y;
}

/** TwoWayAttentionBlock: self-attention, tokens → image, MLP, image → tokens. */
function twoWayBlock(l: Layers, queries: string, keys: string, queryPe: string, keyPe: string, first: boolean): [string, string] {
	const g = l.g;
	if (first) queries = attention(l, queries, queries, queries, 1);
	else {
		const q = g.op('Add', [queries, queryPe]);
		queries = g.op('Add', [queries, attention(l, q, q, queries, 1)]);
	}
	queries = l.layerNorm(queries, DIM);
	let q = g.op('Add', [queries, queryPe]);
	let k = g.op('Add', [keys, keyPe]);
	queries = l.layerNorm(g.op('Add', [queries, attention(l, q, k, keys, 2)]), DIM);
	const hidden = l.relu(l.linear(queries, DIM, 2048));
	queries = l.layerNorm(g.op('Add', [queries, l.linear(hidden, 2048, DIM)]), DIM);
	q = g.op('Add', [queries, queryPe]);
	k = g.op('Add', [keys, keyPe]);
	keys = l.layerNorm(g.op('Add', [keys, attention(l, k, q, queries, 2)]), DIM);
	return [queries, keys];
}

/** PositionEmbeddingRandom over the 64 × 64 grid (get_dense_pe), folded to a constant as the export does. */
function densePositionalEncoding(gaussian: Float32Array): Float32Array {
	const feats = DIM / 2;
	const out = new Float32Array(DIM * GRID * GRID);
	for (let y = 0; y < GRID; y++)
		for (let x = 0; x < GRID; x++) {
			const cx = 2 * ((x + 0.5) / GRID) - 1;
			const cy = 2 * ((y + 0.5) / GRID) - 1;
			for (let f = 0; f < feats; f++) {
				const a = 2 * Math.PI * (cx * gaussian[f] + cy * gaussian[feats + f]);
				out[f * GRID * GRID + y * GRID + x] = Math.sin(a);
				out[(feats + f) * GRID * GRID + y * GRID + x] = Math.cos(a);
			}
		}
	return out;
}

export interface GeneratedModel {
	bytes: Uint8Array;
	params: number;
}

export function samDecoder(seed = 1): GeneratedModel {
	const l = new Layers(new SeededRandom(seed));
	const g = l.g;

	// Prompt encoder: points (+0.5, /1024, random Fourier features), labels −1 (not a point), 0…3.
	const gaussian = new Float32Array(2 * (DIM / 2)).map(() => l.rng.normal());
	const gaussianName = g.constant({ type: f32, dims: [2, DIM / 2], values: gaussian });
	const coords = g.op('Sub', [g.op('Mul', [g.op('Div', [g.op('Add', ['point_coords', g.scalar(0.5)]), g.scalar(IMAGE)]), g.scalar(2)]), g.scalar(1)]);
	const angles = g.op('Mul', [g.op('MatMul', [coords, gaussianName]), g.scalar(2 * Math.PI)]);
	const pe = g.op('Concat', [g.op('Sin', [angles]), g.op('Cos', [angles])], undefined, { axis: -1 });
	const labels = g.op('Unsqueeze', ['point_labels', g.i64([2])]);
	const is = (value: number) => g.op('Cast', [g.op('Equal', [labels, g.scalar(value)])], undefined, { to: 1 });
	const notAPoint = is(-1);
	let sparse = g.op('Mul', [pe, g.op('Sub', [g.scalar(1), notAPoint])]);
	sparse = g.op('Add', [sparse, g.op('Mul', [l.normal([1, DIM]), notAPoint])]);
	for (let i = 0; i < 4; i++) sparse = g.op('Add', [sparse, g.op('Mul', [l.normal([1, DIM]), is(i)])]);

	// Dense prompt: the previous mask downscaled 256 → 64 when has_mask_input, else no_mask_embed.
	let m = l.gelu(l.layerNorm2d(l.conv('mask_input', 1, 4, 2, 2, 0), 4));
	m = l.gelu(l.layerNorm2d(l.conv(m, 4, 16, 2, 2, 0), 16));
	m = l.conv(m, 16, DIM, 1, 1, 0);
	const noMask = l.normal([1, DIM, 1, 1]);
	const dense = g.op('Add', [g.op('Mul', ['has_mask_input', m]), g.op('Mul', [g.op('Sub', [g.scalar(1), 'has_mask_input']), noMask])]);

	// Mask decoder: IoU and mask tokens before the prompt's, image tokens with their positional encoding.
	const outputTokens = l.normal([1, 1 + MASK_TOKENS, DIM]);
	const tokens = g.op('Concat', [outputTokens, sparse], undefined, { axis: 1 });
	const flat = (x: string) => g.op('Transpose', [g.op('Reshape', [x, g.i64([1, DIM, GRID * GRID])])], undefined, { perm: [0, 2, 1] });
	const imagePe = flat(g.constant({ type: f32, dims: [1, DIM, GRID, GRID], values: densePositionalEncoding(gaussian) }));
	let keys = flat(g.op('Add', ['image_embeddings', dense]));
	let queries = tokens;
	for (let i = 0; i < 2; i++) [queries, keys] = twoWayBlock(l, queries, keys, tokens, imagePe, i === 0);
	const q = g.op('Add', [queries, tokens]);
	const k = g.op('Add', [keys, imagePe]);
	queries = l.layerNorm(g.op('Add', [queries, attention(l, q, k, keys, 2)]), DIM);

	// Upscaled image embedding × per-token hypernetwork weights → 4 low-res masks; IoU head.
	const src = g.op('Reshape', [g.op('Transpose', [keys], undefined, { perm: [0, 2, 1] }), g.i64([1, DIM, GRID, GRID])]);
	let up = l.gelu(l.layerNorm2d(l.convTranspose(src, DIM, DIM / 4, 2, 2), DIM / 4));
	up = l.gelu(l.convTranspose(up, DIM / 4, DIM / 8, 2, 2));
	const hyper = Array.from({ length: MASK_TOKENS }, (_, i) => g.op('Unsqueeze', [mlp(l, g.op('Gather', [queries, g.i64([1 + i], [])], undefined, { axis: 1 }), DIM, DIM / 8, 3), g.i64([1])]));
	const side = GRID * 4;
	const masks = g.op('Reshape', [g.op('MatMul', [g.op('Concat', hyper, undefined, { axis: 1 }), g.op('Reshape', [up, g.i64([1, DIM / 8, side * side])])]), g.i64([1, MASK_TOKENS, side, side])]);
	const iou = mlp(l, g.op('Gather', [queries, g.i64([0], [])], undefined, { axis: 1 }), DIM, MASK_TOKENS, 3);

	// select_masks: the single-mask token unless there are more than 2.5 points (one click + padding).
	const numPoints = g.op('Cast', [g.op('Gather', [g.op('Shape', ['point_coords']), g.i64([1], [])])], undefined, { to: 1 });
	const score = g.op('Add', [iou, g.op('Mul', [g.op('Sub', [numPoints, g.scalar(2.5)]), g.f32([1000, 0, 0, 0], [1, MASK_TOKENS])])]);
	const best = g.op('ArgMax', [score], undefined, { axis: 1, keepdims: 0 });
	const lowRes = g.op('Gather', [masks, best], 'low_res_masks', { axis: 1 });
	g.op('Gather', [iou, best], 'iou_predictions', { axis: 1 });

	// mask_postprocessing: bilinear to 1024², crop to the resized image, bilinear to orig_im_size.
	const resize = (x: string, sizes: string, out?: string) =>
		g.op('Resize', [x, '', '', sizes], out, { mode: 'linear', coordinate_transformation_mode: 'pytorch_half_pixel', nearest_mode: 'floor', cubic_coeff_a: -0.75 });
	const full = resize(lowRes, g.i64([1, 1, IMAGE, IMAGE]));
	const scale = g.op('Div', [g.scalar(IMAGE), g.op('ReduceMax', ['orig_im_size'], undefined, { keepdims: 0 })]);
	const prepadded = g.op('Cast', [g.op('Floor', [g.op('Add', [g.op('Mul', [scale, 'orig_im_size']), g.scalar(0.5)])])], undefined, { to: 7 });
	const cropped = g.op('Slice', [full, g.i64([0, 0]), prepadded, g.i64([2, 3])]);
	const origSize = g.op('Cast', ['orig_im_size'], undefined, { to: 7 });
	resize(cropped, g.op('Concat', [g.i64([1, 1]), origSize], undefined, { axis: 0 }), 'masks');

	const bytes = g.build(
		[
			{ name: 'image_embeddings', type: f32, shape: [1, DIM, GRID, GRID] },
			{ name: 'point_coords', type: f32, shape: [1, 'num_points', 2] },
			{ name: 'point_labels', type: f32, shape: [1, 'num_points'] },
			{ name: 'mask_input', type: f32, shape: [1, 1, side, side] },
			{ name: 'has_mask_input', type: f32, shape: [1] },
			{ name: 'orig_im_size', type: f32, shape: [2] }
		],
		[
			{ name: 'masks', type: f32, shape: [1, 1, 'height', 'width'] },
			{ name: 'iou_predictions', type: f32, shape: [1, 1] },
			{ name: 'low_res_masks', type: f32, shape: [1, 1, side, side] }
		]
	);
	return { bytes, params: l.params };
}
