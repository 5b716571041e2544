/**
 * YOLOv8n as Ultralytics exports it (yolov8n.yaml at scale n: depth 0.33, width 0.25; BatchNorm folded
 * into the convolutions; SiLU as x · sigmoid(x)), with seeded random weights: Conv/C2f/SPPF backbone,
 * PAN neck (nearest Upsample + Concat), Detect head with DFL and dist2bbox in the graph.
 * images [1, 3, 640, 640] → output0 [1, 84, 8400] (cx, cy, w, h in input pixels, 80 class scores);
 * the 80 COCO names in the metadata as an export writes them. ~3.15 M parameters, ~8.7 GFLOPs.
 */
import onnxProto from 'onnx-proto';
import { Layers, SeededRandom } from './layers';
import type { GeneratedModel } from './sam-decoder';

export const COCO_NAMES = [
	'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign',
	'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow', 'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella',
	'handbag', 'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard',
	'surfboard', 'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
	'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed', 'dining table', 'toilet', 'tv',
	'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven', 'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase',
	'scissors', 'teddy bear', 'hair drier', 'toothbrush'
];

const SIZE = 640;
const REG_MAX = 16;
const STRIDES = [8, 16, 32];

/** Conv: Conv2d (BatchNorm folded) + SiLU. */
const conv = (l: Layers, x: string, c1: number, c2: number, k: number, s = 1) => l.silu(l.conv(x, c1, c2, k, s));

/** Bottleneck(c, c, shortcut, k=(3, 3), e=1.0). */
function bottleneck(l: Layers, x: string, c: number, shortcut: boolean): string {
	const y = conv(l, conv(l, x, c, c, 3), c, c, 3);
	return shortcut ? l.g.op('Add', [x, y]) : y;
}

/** C2f: cv1 to 2c, split, n bottlenecks on the last half, all concatenated into cv2. */
function c2f(l: Layers, x: string, c1: number, c2: number, n: number, shortcut: boolean): string {
	const g = l.g;
	const c = c2 / 2;
	const [a, b] = [g.tmp('split'), g.tmp('split')];
	g.op('Split', [conv(l, x, c1, 2 * c, 1), g.i64([c, c])], [a, b], { axis: 1 });
	const parts = [a, b];
	for (let i = 0; i < n; i++) parts.push(bottleneck(l, parts[parts.length - 1], c, shortcut));
	return conv(l, g.op('Concat', parts, undefined, { axis: 1 }), (2 + n) * c, c2, 1);
}

/** SPPF: three chained 5 × 5 max pools. */
function sppf(l: Layers, x: string, c1: number, c2: number): string {
	const g = l.g;
	const parts = [conv(l, x, c1, c1 / 2, 1)];
	for (let i = 0; i < 3; i++) parts.push(g.op('MaxPool', [parts[i]], undefined, { kernel_shape: [5, 5], strides: [1, 1], pads: [2, 2, 2, 2] }));
	return conv(l, g.op('Concat', parts, undefined, { axis: 1 }), 2 * c1, c2, 1);
}

/** make_anchors (offset 0.5) and the stride of each of the 8400 cells. */
function anchors(): { points: Float32Array; strides: Float32Array } {
	const xs: number[] = [];
	const ys: number[] = [];
	const ss: number[] = [];
	for (const s of STRIDES)
		for (let y = 0; y < SIZE / s; y++)
			for (let x = 0; x < SIZE / s; x++) {
				xs.push(x + 0.5);
				ys.push(y + 0.5);
				ss.push(s);
			}
	return { points: Float32Array.from([...xs, ...ys]), strides: Float32Array.from(ss) };
}

export function yolov8n(seed = 8): GeneratedModel {
	const l = new Layers(new SeededRandom(seed));
	const g = l.g;
	const nc = COCO_NAMES.length;
	// Backbone.
	let x = conv(l, 'images', 3, 16, 3, 2);
	x = conv(l, x, 16, 32, 3, 2);
	x = c2f(l, x, 32, 32, 1, true);
	x = conv(l, x, 32, 64, 3, 2);
	const p3 = c2f(l, x, 64, 64, 2, true);
	x = conv(l, p3, 64, 128, 3, 2);
	const p4 = c2f(l, x, 128, 128, 2, true);
	x = conv(l, p4, 128, 256, 3, 2);
	const p5 = sppf(l, c2f(l, x, 256, 256, 1, true), 256, 256);
	// Neck.
	const up = (t: string) => g.op('Resize', [t, '', g.f32([1, 1, 2, 2])], undefined, { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
	const cat = (a: string, b: string) => g.op('Concat', [a, b], undefined, { axis: 1 });
	const h12 = c2f(l, cat(up(p5), p4), 384, 128, 1, false);
	const out3 = c2f(l, cat(up(h12), p3), 192, 64, 1, false);
	const out4 = c2f(l, cat(conv(l, out3, 64, 64, 3, 2), h12), 192, 128, 1, false);
	const out5 = c2f(l, cat(conv(l, out4, 128, 128, 3, 2), p5), 384, 256, 1, false);
	// Detect: box (4 × 16 DFL bins) and class branches per level, flattened to 8400 cells.
	const c2 = Math.max(16, 64 / 4, REG_MAX * 4);
	const c3 = Math.max(64, Math.min(nc, 100));
	const levels = [
		[out3, 64],
		[out4, 128],
		[out5, 256]
	] as const;
	// Final biases as Detect.bias_init sets them (box 1.0, class log(5 / nc / cells)): with random
	// weights the scores stay low, as a trained model's do on most cells, so NMS sees few candidates.
	const flat = levels.map(([t, ch], i) => {
		const box = l.conv(conv(l, conv(l, t, ch, c2, 3), c2, c2, 3), c2, 4 * REG_MAX, 1, 1, 0, 1, 1.0);
		const cls = l.conv(conv(l, conv(l, t, ch, c3, 3), c3, c3, 3), c3, nc, 1, 1, 0, 1, Math.log(5 / nc / (SIZE / STRIDES[i]) ** 2));
		return g.op('Reshape', [cat(box, cls), g.i64([1, 4 * REG_MAX + nc, -1])]);
	});
	const all = g.op('Concat', flat, undefined, { axis: 2 });
	const [box, cls] = [g.tmp('box'), g.tmp('cls')];
	g.op('Split', [all, g.i64([4 * REG_MAX, nc])], [box, cls], { axis: 1 });
	// DFL: softmax over 16 bins, expectation by a fixed 1 × 1 conv with weights 0…15.
	const bins = g.op('Softmax', [g.op('Transpose', [g.op('Reshape', [box, g.i64([1, 4, REG_MAX, -1])])], undefined, { perm: [0, 2, 1, 3] })], undefined, { axis: 1 });
	const dflWeights = g.f32(Array.from({ length: REG_MAX }, (_, i) => i), [1, REG_MAX, 1, 1]);
	l.params += REG_MAX; // a (frozen) parameter of the checkpoint
	const dist = g.op('Reshape', [g.op('Conv', [bins, dflWeights], undefined, { kernel_shape: [1, 1] }), g.i64([1, 4, -1])]);
	// dist2bbox (xywh) × stride.
	const [lt, rb] = [g.tmp('lt'), g.tmp('rb')];
	g.op('Split', [dist, g.i64([2, 2])], [lt, rb], { axis: 1 });
	const { points, strides } = anchors();
	const anchor = g.constant({ type: 'float32', dims: [1, 2, points.length / 2], values: points });
	const x1y1 = g.op('Sub', [anchor, lt]);
	const x2y2 = g.op('Add', [anchor, rb]);
	const centre = g.op('Div', [g.op('Add', [x1y1, x2y2]), g.scalar(2)]);
	const wh = g.op('Sub', [x2y2, x1y1]);
	const boxes = g.op('Mul', [g.op('Concat', [centre, wh], undefined, { axis: 1 }), g.constant({ type: 'float32', dims: [1, strides.length], values: strides })]);
	g.op('Concat', [boxes, g.op('Sigmoid', [cls])], 'output0', { axis: 1 });
	const cells = strides.length;
	const bytes = g.build([{ name: 'images', type: 'float32', shape: [1, 3, SIZE, SIZE] }], [{ name: 'output0', type: 'float32', shape: [1, 4 + nc, cells] }]);
	return { bytes: withUltralyticsMetadata(bytes), params: l.params };
}

/** metadata_props as an Ultralytics export writes them (names: str() of a Python dict). */
function withUltralyticsMetadata(bytes: Uint8Array): Uint8Array {
	const { onnx } = onnxProto;
	const entries: Record<string, string> = {
		description: 'Ultralytics YOLOv8n model (bench: the architecture with random weights)',
		author: 'Ultralytics',
		license: 'AGPL-3.0 License (https://ultralytics.com/license)',
		stride: '32',
		task: 'detect',
		batch: '1',
		imgsz: `[${SIZE}, ${SIZE}]`,
		names: `{${COCO_NAMES.map((n, i) => `${i}: '${n}'`).join(', ')}}`
	};
	const model = onnx.ModelProto.decode(bytes);
	model.metadataProps = Object.entries(entries).map(([key, value]) => onnx.StringStringEntryProto.create({ key, value }));
	return onnx.ModelProto.encode(model).finish();
}
