import type { InferenceSession } from 'onnxruntime-common';
import type { Detection, ImageEmbedding, ModelTask, PlainTensor, RgbaImage, SegmentationPrompt, SegmentationResult, TextRegion } from './types';

/** A model's loaded ONNX files, by the role its manifest gives each (e.g. 'encoder', 'decoder'). */
export type Sessions = Record<string, InferenceSession>;

/** Input and output names each role's ONNX file must have: a dropped or downloaded file is checked against them. */
export type Signature = Record<string, { inputs: string[]; outputs: string[] }>;

interface FamilyBase {
	/** Matches ModelManifest.family. */
	family: string;
	task: ModelTask;
	/** Human name of the layout, e.g. 'SAM (ViT-B/L/H, MobileSAM)'. */
	label: string;
	signature: Signature;
}

export interface OcrFamily extends FamilyBase {
	task: 'ocr';
	readText(sessions: Sessions, dictionary: string[], image: RgbaImage, region?: { x: number; y: number; width: number; height: number }): Promise<TextRegion[]>;
}

export interface SegmenterFamily extends FamilyBase {
	task: 'interactive-segmentation';
	embed(sessions: Sessions, image: RgbaImage): Promise<Omit<ImageEmbedding, 'modelId'>>;
	segment(sessions: Sessions, embedding: Omit<ImageEmbedding, 'modelId'>, prompt: SegmentationPrompt, previous?: PlainTensor): Promise<SegmentationResult>;
}

export interface DetectorFamily extends FamilyBase {
	task: 'detection' | 'instance-segmentation';
	detect(sessions: Sessions, image: RgbaImage, options: { scoreThreshold: number; iouThreshold: number; inputSize?: number }): Promise<Detection[]>;
}

/** One adapter per output layout; ml/families.ts lists them, one line each. */
export type ModelFamily = OcrFamily | SegmenterFamily | DetectorFamily;
