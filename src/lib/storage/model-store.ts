import { db, isQuotaError, StorageFullError, type StoredEmbedding, type StoredModel } from './db';

/**
 * User-added models in IndexedDB: a record per model (its manifest and the roles it still lacks) and
 * a record per file. A model and its files are written in one transaction, so a full disk leaves
 * nothing half-stored.
 */

export type { StoredModel, StoredEmbedding };

export interface ModelFileBytes {
	name: string;
	blob: Blob;
}

export async function listStoredModels(): Promise<StoredModel[]> {
	const all = await (await db()).getAll('models');
	return all.sort((a, b) => a.addedAt - b.addedAt);
}

export async function getStoredModel(id: string): Promise<StoredModel | undefined> {
	return (await db()).get('models', id);
}

/** Writes the model's record and the given files (added to those it already has). */
export async function putStoredModel(model: StoredModel, files: ModelFileBytes[]): Promise<void> {
	const database = await db();
	try {
		const tx = database.transaction(['models', 'modelFiles'], 'readwrite');
		const writes = [tx.objectStore('models').put(model), ...files.map((f) => tx.objectStore('modelFiles').put({ modelId: model.manifest.id, name: f.name, blob: f.blob }))];
		await Promise.all([...writes, tx.done]);
	} catch (e) {
		if (isQuotaError(e)) throw new StorageFullError(`the model "${model.manifest.name}"`);
		throw e;
	}
}

export async function getModelFile(modelId: string, name: string): Promise<Blob | undefined> {
	return (await (await db()).get('modelFiles', [modelId, name]))?.blob;
}

/** Removes a model with its files and every image embedding computed with it. */
export async function removeStoredModel(id: string): Promise<void> {
	const database = await db();
	const tx = database.transaction(['models', 'modelFiles', 'embeddings'], 'readwrite');
	const removeAll = async (store: 'modelFiles' | 'embeddings') => {
		for (const key of await tx.objectStore(store).index('byModel').getAllKeys(id)) await tx.objectStore(store).delete(key);
	};
	await Promise.all([tx.objectStore('models').delete(id), removeAll('modelFiles'), removeAll('embeddings'), tx.done]);
}

export async function getEmbedding(modelId: string, imageKey: string): Promise<StoredEmbedding | undefined> {
	return (await (await db()).get('embeddings', [modelId, imageKey]))?.embedding;
}

/** Caches an embedding; a full disk only costs the cache (the embedding is computed again next time). */
export async function putEmbedding(modelId: string, imageKey: string, embedding: StoredEmbedding): Promise<boolean> {
	try {
		await (await db()).put('embeddings', { modelId, imageKey, embedding, storedAt: Date.now() });
		return true;
	} catch (e) {
		if (isQuotaError(e)) return false;
		throw e;
	}
}

export async function countEmbeddings(modelId: string): Promise<number> {
	return (await db()).countFromIndex('embeddings', 'byModel', modelId);
}
