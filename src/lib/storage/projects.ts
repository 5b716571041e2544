import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { ProjectDoc, newId, type Actor } from '$lib/model';
import { deviceActor } from './actor';
import { db, isQuotaError, StorageFullError, type ProjectEntry } from './db';
import { releaseProjectBlobs } from './blobs';

/** The y-indexeddb database that holds one project's document. */
export function projectDocDbName(projectId: string): string {
	return `peerlabel-project-${projectId}`;
}

export async function listProjects(): Promise<ProjectEntry[]> {
	const all = await (await db()).getAll('projects');
	return all.sort((a, b) => b.openedAt - a.openedAt || a.name.localeCompare(b.name));
}

export async function getProjectEntry(id: string): Promise<ProjectEntry | undefined> {
	return (await db()).get('projects', id);
}

export interface OpenProject {
	id: string;
	doc: ProjectDoc;
	persistence: IndexeddbPersistence;
	close(): Promise<void>;
}

/** Loads a project's document from IndexedDB (and migrates it to this app's schema). */
export async function openProject(id: string, actor: Actor = deviceActor()): Promise<OpenProject> {
	const ydoc = new Y.Doc();
	const persistence = new IndexeddbPersistence(projectDocDbName(id), ydoc);
	await persistence.whenSynced;
	const doc = new ProjectDoc(ydoc, actor);
	doc.migrate();
	const database = await db();
	const entry = await database.get('projects', id);
	if (entry) await database.put('projects', { ...entry, name: doc.settings.name || entry.name, openedAt: Date.now() });
	return {
		id,
		doc,
		persistence,
		async close() {
			doc.destroy();
			await persistence.destroy();
			ydoc.destroy();
		}
	};
}

export async function createProject(name: string): Promise<ProjectEntry> {
	const clean = name.trim();
	if (!clean) throw new Error('A project needs a name');
	const entry: ProjectEntry = { id: newId(), name: clean, createdAt: Date.now(), openedAt: Date.now() };
	try {
		await (await db()).put('projects', entry);
	} catch (e) {
		if (isQuotaError(e)) throw new StorageFullError(`the project “${clean}”`);
		throw e;
	}
	const project = await openProject(entry.id);
	project.doc.initialize({ name: clean, createdAt: entry.createdAt });
	await project.close();
	return entry;
}

export async function renameProject(id: string, name: string): Promise<void> {
	const project = await openProject(id);
	try {
		const result = project.doc.updateSettings({ name });
		if (!result.ok) throw new Error(result.reason);
		const database = await db();
		const entry = await database.get('projects', id);
		if (entry) await database.put('projects', { ...entry, name: result.value.name });
	} finally {
		await project.close();
	}
}

/** Deletes a project's document, its list entry and the images no other project uses. */
export async function deleteProject(id: string): Promise<void> {
	const ydoc = new Y.Doc();
	const persistence = new IndexeddbPersistence(projectDocDbName(id), ydoc);
	await persistence.whenSynced;
	await persistence.clearData();
	ydoc.destroy();
	await releaseProjectBlobs(id);
	await (await db()).delete('projects', id);
}
