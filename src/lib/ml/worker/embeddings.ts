import { getEmbedding, putEmbedding } from '$lib/storage/model-store';
import type { SegmenterFamily } from '../family';
import type { ImageEmbedding, PlainTensor, RgbaImage, SegmentationPrompt, SegmentationResult } from '../types';
import type { LoadedModel } from './runtime';

/**
 * Image embeddings of interactive segmentation: the current image's kept in memory for the decoder
 * steps, every image's cached in IndexedDB per (model, image), so an image is encoded once.
 */

const current = new Map<string, ImageEmbedding & { imageKey: string }>();

async function cachedEmbedding(modelId: string, imageKey: string): Promise<(ImageEmbedding & { imageKey: string }) | undefined> {
	const inMemory = current.get(modelId);
	if (inMemory?.imageKey === imageKey) return inMemory;
	const stored = await getEmbedding(modelId, imageKey);
	if (!stored) return undefined;
	const embedding = { ...(stored as ImageEmbedding), imageKey };
	current.set(modelId, embedding);
	return embedding;
}

export async function embedImage(model: LoadedModel, family: SegmenterFamily, imageKey: string, image: RgbaImage): Promise<{ cached: boolean }> {
	const modelId = model.manifest.id;
	if (await cachedEmbedding(modelId, imageKey)) return { cached: true };
	const embedding: ImageEmbedding = { modelId, ...(await family.embed(model.sessions, image)) };
	current.set(modelId, { ...embedding, imageKey });
	await putEmbedding(modelId, imageKey, embedding as Parameters<typeof putEmbedding>[2]);
	return { cached: false };
}

export async function segmentImage(
	model: LoadedModel,
	family: SegmenterFamily,
	imageKey: string,
	prompt: SegmentationPrompt,
	previous?: PlainTensor
): Promise<SegmentationResult> {
	const embedding = await cachedEmbedding(model.manifest.id, imageKey);
	if (!embedding) throw new Error('This image has not been embedded for that model yet: call embed first.');
	return family.segment(model.sessions, embedding, prompt, previous);
}
