import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { FAMILIES } from '../../src/lib/ml/families';
import { assembleModels } from '../../src/lib/ml/models/assemble';
import { readOnnxHeader } from '../../src/lib/ml/models/onnx-header';
import { parseImgsz, parseNames } from '../../src/lib/ml/models/ultralytics';
import { yoloV5Model, yoloV8Model, type YoloRow } from './support/onnx-models';

/**
 * A user-added YOLO model gets its class names, input side and licence from what Ultralytics' export
 * writes in metadata_props; the headers here are encoded by onnx.proto's own code.
 */

type Dim = number | string;

/** A YOLO-shaped ModelProto with declared output shapes and metadata_props, nothing else. */
function yoloHeader(output0: Dim[], metadata: Record<string, string>, output1?: Dim[]): Uint8Array {
	const value = (name: string, dims: Dim[]) => ({
		name,
		type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } }
	});
	return onnx.ModelProto.encode({
		irVersion: 8,
		producerName: 'pytorch',
		opsetImport: [{ domain: '', version: 17 }],
		graph: {
			name: 'main_graph',
			input: [value('images', [1, 3, 640, 640])],
			output: [value('output0', output0), ...(output1 ? [value('output1', output1)] : [])]
		},
		metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value }))
	}).finish();
}

const ULTRALYTICS = {
	description: 'Ultralytics YOLOv8n model trained on coco.yaml',
	author: 'Ultralytics',
	date: '2024-05-01T10:00:00',
	version: '8.2.0',
	license: 'AGPL-3.0 License (https://ultralytics.com/license)',
	docs: 'https://docs.ultralytics.com',
	stride: '32',
	task: 'detect',
	batch: '1',
	imgsz: '[640, 640]',
	names: "{0: 'person', 1: 'bicycle', 2: 'car'}"
};

let ids = 0;
const add = (name: string, bytes: Uint8Array) => assembleModels([{ name, bytes }], FAMILIES, [], () => `user-${++ids}`);

describe('ONNX header: metadata and output shapes', () => {
	it('reads metadata_props and each output’s dims, symbolic ones as null', () => {
		const header = readOnnxHeader(yoloHeader([1, 116, 'anchors'], ULTRALYTICS, [1, 32, 160, 160]));
		expect(header.metadata).toEqual(ULTRALYTICS);
		expect(header.outputShapes).toEqual({ output0: [1, 116, null], output1: [1, 32, 160, 160] });
	});

	it('reads the metadata of a model that runs (the test generator writes it as Ultralytics does)', () => {
		const header = readOnnxHeader(yoloV8Model([{ cx: 1, cy: 1, w: 1, h: 1, scores: [1, 0] }], false, { names: ['car', "driver's seat"], imgsz: 320, task: 'detect' }));
		expect(header.metadata).toMatchObject({ names: `{0: 'car', 1: "driver's seat"}`, imgsz: '[320, 320]', task: 'detect' });
	});
});

describe('parsing Ultralytics names and imgsz', () => {
	it('reads str() of a dict, with either quotes and escapes', () => {
		expect(parseNames("{0: 'person', 1: 'bicycle'}")).toEqual(['person', 'bicycle']);
		expect(parseNames(`{0: "it's", 1: 'say \\'hi\\'', 2: 'back\\\\slash', 3: 'caf\\xe9'}`)).toEqual(["it's", "say 'hi'", 'back\\slash', 'café']);
		expect(parseNames("{1: 'b', 0: 'a'}")).toEqual(['a', 'b']);
		expect(parseNames(`{"0": "a", "1": "b",}`)).toEqual(['a', 'b']);
	});

	it('reads str() of a list (older YOLOv5 exports)', () => {
		expect(parseNames("['person', 'bicycle']")).toEqual(['person', 'bicycle']);
	});

	it('gives nothing for a value it cannot trust, without throwing', () => {
		for (const bad of ['', '{}', '{0: person}', "{0: 'a', 2: 'c'}", "{0: 'a', 0: 'b'}", "{0: 'unterminated}", "{0: 'a'} trailing", 'null', "{'x': 'a'}", "{0: 'a' 1: 'b'}"])
			expect(parseNames(bad), bad).toBeUndefined();
	});

	it('takes a square imgsz as the input side, not a rectangle', () => {
		expect(parseImgsz('[640, 640]')).toBe(640);
		expect(parseImgsz('1280')).toBe(1280);
		expect(parseImgsz('[480, 640]')).toBeUndefined();
		expect(parseImgsz('[640, x]')).toBeUndefined();
	});
});

describe('a user-added YOLO model’s manifest', () => {
	it('takes labels, input side, licence and description from the export', () => {
		const { assemblies, refused } = add('yolov8n.onnx', yoloHeader([1, 7, 8400], { ...ULTRALYTICS, imgsz: '[320, 320]' }));
		expect(refused).toEqual([]);
		expect(assemblies[0].model.manifest).toMatchObject({
			name: 'yolov8n',
			task: 'detection',
			family: 'yolo',
			labels: ['person', 'bicycle', 'car'],
			inputSize: 320,
			licence: 'AGPL-3.0 License (https://ultralytics.com/license)',
			description: 'Ultralytics YOLOv8n model trained on coco.yaml, by Ultralytics'
		});
	});

	it('numbers the classes from the declared output shape when the export has no names (v8, v5, segment, dynamic axes)', () => {
		const labels = (bytes: Uint8Array) => add('m.onnx', bytes).assemblies[0].model.manifest.labels;
		expect(labels(yoloHeader([1, 7, 8400], {}))).toEqual(['class 0', 'class 1', 'class 2']);
		expect(labels(yoloHeader([1, 'anchors', 7], {}))).toEqual(['class 0', 'class 1']); // v5 rows: 5 + 2
		expect(labels(yoloHeader(['batch', 38, 'anchors'], {}, [1, 32, 160, 160]))).toEqual(['class 0', 'class 1']); // 4 + 2 + 32
		expect(labels(yoloHeader(['batch', 'channels', 'anchors'], {}))).toBeUndefined();
	});

	it('numbers the classes when names do not fit the output or do not parse, and states no licence it was not given', () => {
		const wrongCount = add('m.onnx', yoloHeader([1, 7, 8400], { names: "{0: 'a'}" })).assemblies[0].model.manifest;
		expect(wrongCount.labels).toEqual(['class 0', 'class 1', 'class 2']);
		expect(wrongCount.licence).toBe('licence not stated');
		expect(wrongCount.inputSize).toBeUndefined();
		expect(add('m.onnx', yoloHeader([1, 7, 8400], { names: '{0: broken' })).assemblies[0].model.manifest.labels).toEqual(['class 0', 'class 1', 'class 2']);
	});

	it('tells a repeated name apart by its class id (labels key the label map)', () => {
		expect(add('m.onnx', yoloHeader([1, 7, 8400], { names: "{0: 'car', 1: 'bus', 2: 'car'}" })).assemblies[0].model.manifest.labels).toEqual(['car', 'bus', 'car (class 2)']);
	});

	it('keeps names whose class count the header cannot tell', () => {
		expect(add('m.onnx', yoloHeader(['b', 'c', 'a'], { names: "{0: 'cat'}" })).assemblies[0].model.manifest.labels).toEqual(['cat']);
	});

	it('refuses pose, oriented-box and classification exports, which fit the detector’s names but not its output', () => {
		const { assemblies, refused } = add('yolov8n-pose.onnx', yoloHeader([1, 56, 8400], { ...ULTRALYTICS, task: 'pose' }));
		expect(assemblies).toEqual([]);
		expect(refused).toEqual(['yolov8n-pose.onnx is a YOLO pose (keypoint) model; Peerlabel runs YOLO detectors and segmenters (task "detect" or "segment").']);
		expect(add('c.onnx', yoloHeader([1, 1000], { task: 'classify' })).refused[0]).toMatch(/^c\.onnx is a YOLO classification model/);
	});

	it('reads generated models that run: v8 with names, v5 without', () => {
		const rows: YoloRow[] = Array.from({ length: 9 }, () => ({ cx: 1, cy: 1, w: 1, h: 1, scores: [0, 0] }));
		const v8 = add('v8.onnx', yoloV8Model(rows, false, { names: ['car', 'person'], imgsz: 640, license: 'MIT' })).assemblies[0].model.manifest;
		expect(v8).toMatchObject({ labels: ['car', 'person'], inputSize: 640, licence: 'MIT' });
		expect(add('v5.onnx', yoloV5Model(rows)).assemblies[0].model.manifest.labels).toEqual(['class 0', 'class 1']);
	});
});
