import * as Y from 'yjs';
import { Origin, newId, type ProjectDoc } from '$lib/model';
import type { ImportPlan } from '$lib/formats/project-dataset';
import type { NativeBundle } from '$lib/formats/native/bundle';
import { importClient } from '../import/client';
import { db, isQuotaError, StorageFullError, type ProjectEntry } from '../db';
import { openProject, updateProjectEntry } from '../projects';

/**
 * Stores image files through the image import (hash, decode, thumbnail, store: `storage/import`).
 * Resolves with the names of the files it could not store (none: all stored).
 */
export async function storeImageFiles(projectId: string, files: { name: string; bytes: Uint8Array; mime: string }[], doc?: ProjectDoc): Promise<string[]> {
	if (!files.length) return [];
	const known = new Map<string, string>();
	for (const image of doc?.images() ?? []) known.set(image.hash, image.name);
	const failed: string[] = [];
	const run = importClient().start(
		projectId,
		files.map((f) => ({ name: f.name, file: new Blob([f.bytes as BlobPart], { type: f.mime }) })),
		known,
		(outcome) => {
			if (outcome.kind === 'failed') failed.push(`${outcome.name}: ${outcome.reason}`);
			else if (outcome.kind === 'storage-full') failed.push(`${outcome.name}: ${outcome.message}`);
		}
	);
	const done = await run.done;
	for (const i of done.untried) failed.push(`${files[i].name}: not stored (${done.stopped === 'storage-full' ? 'storage is full' : 'stopped'})`);
	return failed;
}

/**
 * Applies a planned import to an open project: stores the new images' files first, then writes classes,
 * image records and annotations (`ProjectDoc.importDataset`: checked first, written in bounded
 * transactions). Nothing is written to the document when a file cannot be stored or the plan is refused.
 */
export async function applyImportPlan(projectId: string, doc: ProjectDoc, plan: ImportPlan): Promise<{ ok: true } | { ok: false; reason: string }> {
	const failed = await storeImageFiles(
		projectId,
		plan.newImageFiles.map((f) => ({ name: f.record.name, bytes: f.bytes, mime: f.record.mime })),
		doc
	);
	if (failed.length) return { ok: false, reason: `Images not stored: ${failed.slice(0, 3).join('; ')}${failed.length > 3 ? ` (and ${failed.length - 3} more)` : ''}` };
	const written = doc.importDataset(plan);
	if (!written.ok) return written;
	await updateProjectEntry(projectId, { imageCount: doc.imageCount });
	return { ok: true };
}

async function putEntry(entry: ProjectEntry): Promise<void> {
	try {
		await (await db()).put('projects', entry);
	} catch (e) {
		if (isQuotaError(e)) throw new StorageFullError(`the project “${entry.name}”`);
		throw e;
	}
}

/**
 * A new project restored from a native bundle: the same records with the same ids (a new project id,
 * so that the original can live beside it), and its images stored by hash through the image import.
 * Resolves with the entry and the images that could not be stored.
 */
export async function restoreNativeBundle(bundle: NativeBundle): Promise<{ entry: ProjectEntry; failed: string[] }> {
	const entry: ProjectEntry = { id: newId(), name: bundle.manifest.name, createdAt: Date.now(), openedAt: Date.now() };
	await putEntry(entry);
	const project = await openProject(entry.id);
	try {
		Y.applyUpdate(project.doc.ydoc, bundle.update, Origin.import);
		project.doc.migrate();
		const byHash = new Map(project.doc.images().map((i) => [i.hash, i]));
		const files = bundle.images.flatMap((i) => {
			const record = byHash.get(i.hash);
			return record ? [{ name: record.name, bytes: i.bytes, mime: record.mime }] : [];
		});
		const failed = await storeImageFiles(entry.id, files);
		await updateProjectEntry(entry.id, { name: project.doc.settings.name || entry.name, imageCount: project.doc.imageCount });
		return { entry: { ...entry, name: project.doc.settings.name || entry.name }, failed };
	} finally {
		await project.close();
	}
}
