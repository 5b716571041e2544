import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { ProjectDoc, newId, type Actor } from '$lib/model';
import { actorOf, deviceIdentity } from './device-identity';
import { db, isQuotaError, StorageFullError, type ProjectEntry, type ProjectSharing } from './db';
import { releaseProjectBlobs } from './blobs';
import { deleteSummary } from './project-summary';
import { loadDocument, type ChunkedIndexeddbPersistence } from './chunked-load';

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

/** Throws, saying so, when this browser has no such project (opening an unknown id would make an empty document). */
export async function assertProjectExists(id: string): Promise<void> {
	if (!(await getProjectEntry(id))) throw new Error('This project does not exist in this browser. It may have been deleted.');
}

export interface OpenProject {
	id: string;
	doc: ProjectDoc;
	persistence: ChunkedIndexeddbPersistence;
	close(): Promise<void>;
}

/**
 * Resolves once every change y-indexeddb has queued so far is committed. Its writes are transactions
 * on one store, which IndexedDB runs in order: when an empty one after them completes, they have too.
 */
export function whenStored(persistence: IndexeddbPersistence): Promise<void> {
	const database = persistence.db;
	if (!database) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const tx = database.transaction('updates', 'readwrite');
		tx.oncomplete = () => resolve();
		tx.onabort = tx.onerror = () => reject(isQuotaError(tx.error) ? new StorageFullError('the latest changes') : tx.error);
	});
}

/**
 * Loads a project's document from IndexedDB (and migrates it to this app's schema). Its changes are
 * authored by `actor`, by default this device's member (device-identity.ts).
 */
export async function openProject(id: string, actor?: Actor): Promise<OpenProject> {
	performance.mark('project:open');
	actor ??= actorOf(await deviceIdentity());
	const ydoc = new Y.Doc();
	// Made first, so that each record is checked (model/checked-records.ts) in the slice that loads it,
	// not all 100,000 at once afterwards.
	const doc = new ProjectDoc(ydoc, actor);
	// Applies what is stored in slices, so that the page stays responsive while a large project loads.
	const persistence = await loadDocument(projectDocDbName(id), ydoc);
	performance.mark('project:read');
	doc.migrate();
	// Once the page has settled: drop from storage what edits replaced (off the main thread).
	persistence.scheduleReencode();
	performance.mark('project:indexed');
	const database = await db();
	const entry = await database.get('projects', id);
	// A brand-new document has no settings yet: keep the list's name until it has.
	const name = doc.schemaVersion === undefined ? entry?.name : doc.settings.name;
	if (entry)
		await database.put('projects', { ...entry, name: name || entry.name, imageCount: doc.imageCount, openedAt: Date.now() });
	return {
		id,
		doc,
		persistence,
		async close() {
			await whenStored(persistence);
			// Changes the browser refused (a full disk): one last try; the user was told they are unsaved.
			if (persistence.hasUnsavedChanges) await persistence.retryUnsaved();
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

/**
 * Updates the project list's copy of facts about an open project (its name, its image count)
 * without opening its document a second time.
 */
export async function updateProjectEntry(id: string, patch: Partial<Pick<ProjectEntry, 'name' | 'imageCount'>>): Promise<void> {
	const database = await db();
	const entry = await database.get('projects', id);
	if (entry) await database.put('projects', { ...entry, ...patch });
}

/** Stores (or, with undefined, forgets) how this device shares a project. */
export async function setProjectSharing(id: string, sharing: ProjectSharing | undefined): Promise<ProjectEntry> {
	const database = await db();
	const entry = await database.get('projects', id);
	if (!entry) throw new Error('This project does not exist in this browser.');
	const next = { ...entry, sharing };
	await database.put('projects', next);
	return next;
}

/**
 * Stores a project joined through an invite link: a new list entry with its sharing, and an empty
 * document that fills as peers send it (a new local id makes a separate copy of a project this device
 * already has). An existing project's sharing is replaced only with `replace`, which the person chose on
 * the join page: a link never re-keys a project silently (it would move it into the room of whoever
 * made the link).
 */
export async function joinProject(
	id: string,
	sharing: ProjectSharing,
	options: { replace?: boolean; name?: string } = {}
): Promise<ProjectEntry> {
	const database = await db();
	const existing = await database.get('projects', id);
	if (existing && !options.replace) throw new Error(`This device already has the project “${existing.name}”: it was left as it is.`);
	const entry: ProjectEntry = existing
		? { ...existing, sharing }
		: { id, name: options.name ?? 'Shared project', createdAt: Date.now(), openedAt: Date.now(), sharing };
	try {
		await database.put('projects', entry);
	} catch (e) {
		if (isQuotaError(e)) throw new StorageFullError('the shared project');
		throw e;
	}
	return entry;
}

/** Deletes a project's document, its list entry and the images no other project uses. */
export async function deleteProject(id: string): Promise<void> {
	const ydoc = new Y.Doc();
	const persistence = new IndexeddbPersistence(projectDocDbName(id), ydoc);
	await persistence.whenSynced;
	await persistence.clearData();
	ydoc.destroy();
	await releaseProjectBlobs(id);
	await deleteSummary(id);
	await (await db()).delete('projects', id);
}
