import { onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import type { ModelFamily, OcrFamily } from '../../src/lib/ml/family';
import { ppocrV4 as ocr } from '../../src/lib/ml/ocr';
import { sam } from '../../src/lib/ml/sam';
import { yolo } from '../../src/lib/ml/yolo';
import { assembleModels, missingText, requiredRoles, type PendingModel } from '../../src/lib/ml/models/assemble';
import { readOnnxHeader } from '../../src/lib/ml/models/onnx-header';

/** An ONNX ModelProto with the given graph inputs and outputs (what the checks read), encoded by onnx.proto's own code. */
function onnxFile(inputs: string[], outputs: string[], initializers: string[] = []): Uint8Array {
	const value = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } });
	return onnx.ModelProto.encode({
		irVersion: 8,
		opsetImport: [{ domain: '', version: 17 }],
		graph: {
			name: 'g',
			input: [...inputs, ...initializers].map(value),
			output: outputs.map(value),
			initializer: initializers.map((name) => ({ name, dims: [1], dataType: onnx.TensorProto.DataType.FLOAT, floatData: [0] }))
		}
	}).finish();
}

const families: ModelFamily[] = [sam, yolo, ocr];

const encoder = { name: 'mobile_sam_encoder.onnx', bytes: onnxFile(['input_image'], ['image_embeddings']) };
const decoder = () => ({ name: 'mobile_sam_decoder.onnx', bytes: onnxFile(sam.signature.decoder.inputs, [...sam.signature.decoder.outputs]) });
let ids = 0;
const newId = () => `user-${++ids}`;

describe('onnx header', () => {
	it('leaves out initializers that old exporters list as inputs', () => {
		expect(readOnnxHeader(onnxFile(['images'], ['output0'], ['conv.weight', 'conv.bias']))).toEqual({ irVersion: 8, inputs: ['images'], outputs: ['output0'], outputShapes: { output0: [1] }, metadata: {} });
	});

	it('refuses a ModelProto without a graph or an IR version', () => {
		expect(() => readOnnxHeader(onnx.ModelProto.encode({ irVersion: 8, producerName: 'an exporter', docString: 'no graph here' }).finish())).toThrow('it has no graph');
		expect(() => readOnnxHeader(onnx.ModelProto.encode({ producerName: 'a name long enough', graph: { name: 'g' } }).finish())).toThrow('it has no ONNX IR version');
	});
});

describe('assembling user models from files', () => {
	it('makes one complete model of an encoder and a decoder dropped together', () => {
		const { assemblies, refused } = assembleModels([decoder(), encoder], families, [], newId);
		expect(refused).toEqual([]);
		expect(assemblies).toHaveLength(1);
		const { model } = assemblies[0];
		expect(model.missing).toEqual([]);
		expect(model.manifest).toMatchObject({ task: 'interactive-segmentation', family: 'sam', name: 'mobile_sam_decoder' });
		expect(model.manifest.files.map((f) => [f.role, f.name])).toEqual([
			['decoder', 'mobile_sam_decoder.onnx'],
			['encoder', 'mobile_sam_encoder.onnx']
		]);
	});

	it('keeps an encoder alone as needing its decoder, and completes it with the decoder dropped later', () => {
		const first = assembleModels([encoder], families, [], newId);
		const pending: PendingModel = first.assemblies[0].model;
		expect(pending.missing).toEqual(['decoder']);
		expect(missingText(pending.missing)).toBe('needs its decoder');

		const second = assembleModels([decoder()], families, [pending], newId);
		expect(second.assemblies).toHaveLength(1);
		expect(second.assemblies[0].model.manifest.id).toBe(pending.manifest.id);
		expect(second.assemblies[0].model.missing).toEqual([]);
		expect(second.assemblies[0].files.map((f) => f.name)).toEqual(['mobile_sam_decoder.onnx']);
	});

	it('gives an OCR model its dictionary, and refuses a text file nothing needs', () => {
		expect(requiredRoles(ocr)).toEqual(['detector', 'recognizer', 'dictionary']);
		const dictionary = { name: 'keys.txt', bytes: new TextEncoder().encode('a\nb\n') };
		const det = { name: 'det.onnx', bytes: onnxFile(['x'], ['sigmoid_0.tmp_0']) };
		const partial = assembleModels([det, dictionary], families, [], newId);
		expect(partial.assemblies[0].model.missing).toEqual(['recognizer']);
		expect(partial.assemblies[0].files.map((f) => f.name)).toEqual(['det.onnx', 'keys.txt']);

		const lonely = assembleModels([{ ...dictionary }], families, [], newId);
		expect(lonely).toEqual({ assemblies: [], refused: ["keys.txt is a text file: a character dictionary goes with an OCR model's ONNX files."] });
	});

	it('refuses what fits nothing and two files for one role, and keeps the rest', () => {
		const detector = { name: 'yolov8n.onnx', bytes: onnxFile(['images'], ['output0']) };
		const wrong = { name: 'classifier.onnx', bytes: onnxFile(['input'], ['logits']) };
		const { assemblies, refused } = assembleModels([detector, wrong, encoder, { ...encoder, name: 'again.onnx' }], families, [], newId);
		expect(refused).toEqual([
			'classifier.onnx has inputs input and outputs logits, which fits no model family. Peerlabel runs: SAM (ViT-B/L/H, MobileSAM), YOLO detector (v5, v8, v11), PP-OCRv4 (PaddleOCR).',
			'again.onnx and mobile_sam_encoder.onnx are both a SAM (ViT-B/L/H, MobileSAM) encoder: add one at a time.'
		]);
		expect(assemblies.map((a) => [a.model.manifest.family, a.model.missing])).toEqual([
			['yolo', []],
			['sam', ['decoder']]
		]);
	});

	it('stores two files of the same name apart (an encoder and a decoder both called model.onnx)', () => {
		const { assemblies } = assembleModels([{ ...encoder, name: 'model.onnx' }, { ...decoder(), name: 'model.onnx' }], families, [], newId);
		expect(assemblies[0].model.manifest.files.map((f) => f.name)).toEqual(['model.onnx', 'decoder-model.onnx']);
		expect(assemblies[0].files.map((f) => f.name)).toEqual(['model.onnx', 'decoder-model.onnx']);
	});
});

describe('files that fit several roles', () => {
	// A family whose detector and recognizer files carry the same names: either file fits either role.
	const loose: OcrFamily = { ...ocr, family: 'loose-ocr', label: 'Loose OCR', signature: { detector: { inputs: ['x'], outputs: ['y'] }, recognizer: { inputs: ['x'], outputs: ['y'] } } };
	const det = { name: 'det.onnx', bytes: onnxFile(['x'], ['y']) };
	const rec = { name: 'rec.onnx', bytes: onnxFile(['x'], ['y']) };

	it('give each dropped file a role of its own', () => {
		const { assemblies, refused } = assembleModels([det, rec], [loose], [], newId);
		expect(refused).toEqual([]);
		expect(assemblies[0].model.manifest.files.map((f) => [f.role, f.name])).toEqual([
			['detector', 'det.onnx'],
			['recognizer', 'rec.onnx']
		]);
	});

	it('fill the role a pending model lacks', () => {
		const pending = assembleModels([det], [loose], [], newId).assemblies[0].model;
		const { assemblies } = assembleModels([rec], [loose], [pending], newId);
		expect(assemblies[0].model.manifest.id).toBe(pending.manifest.id);
		expect(assemblies[0].model.missing).toEqual(['dictionary']);
	});
});
