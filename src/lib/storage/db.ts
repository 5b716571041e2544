import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { StoredIdentity } from './device-identity';
import type { ProjectSummary } from './project-summary';

/**
 * The app's own IndexedDB database: the project list and the content-addressed image store.
 * Project documents live in one y-indexeddb database each (see project-store.ts).
 */
export interface PeerlabelDB extends DBSchema {
	projects: {
		key: string;
		value: ProjectEntry;
	};
	/** Image bytes, once per distinct content, keyed by SHA-256 hex. */
	blobs: {
		key: string;
		value: { hash: string; blob: Blob; mime: string; size: number };
	};
	thumbnails: {
		key: string;
		value: { hash: string; blob: Blob };
	};
	/** What the library shows of each project, to show it before the document has loaded. */
	summaries: {
		key: string;
		value: ProjectSummary;
	};
	/** Which project references which blob: a blob is deleted when no project references it. */
	blobRefs: {
		key: [string, string];
		value: { projectId: string; hash: string };
		indexes: { byHash: string; byProject: string };
	};
	/** Models the user added (model-store.ts): what they are, and which of their files are still missing. */
	models: {
		key: string;
		value: StoredModel;
	};
	/** The bytes of user-added models' files, one record per file. */
	modelFiles: {
		key: [string, string];
		value: { modelId: string; name: string; blob: Blob };
		indexes: { byModel: string };
	};
	/** Image embeddings of interactive segmentation, per model and image: an image is encoded once. */
	embeddings: {
		key: [string, string];
		value: { modelId: string; imageKey: string; embedding: StoredEmbedding; storedAt: number };
		indexes: { byModel: string };
	};
	/** This device's member identity (device-identity.ts): one record, key 'self'. */
	identity: {
		key: string;
		value: StoredIdentity;
	};
}

export interface ProjectEntry {
	id: string;
	name: string;
	createdAt: number;
	openedAt: number;
	/** How many images the project had when last open: for the project list, which does not open documents. */
	imageCount?: number;
	/** Set once the project is shared: this device's key and network settings (never in the document). */
	sharing?: ProjectSharing;
}

/**
 * How this device reaches the project's peers. Kept per device, not in the shared document: the key
 * rotates away from people who should no longer reach the project, and each device may need its own
 * signaling and TURN servers.
 */
export interface ProjectSharing {
	/** The view key (base64url, 256 bits): names the room and is y-webrtc's password. */
	key: string;
	/**
	 * What this device may do. Absent on projects shared before view links: the one key gave edit
	 * rights, and the edit secret is derived from it (sync/edit-keys.ts).
	 */
	role?: 'edit' | 'view';
	/** The edit secret (base64url, 256 bits), independent of the view key: editors only. */
	editSecret?: string;
	/** Edit secrets replaced by "old edit links can only view": kept to tell their holders so. */
	retiredEditSecrets?: string[];
	/** Signaling servers (ws:// or wss://); empty means the server this app was loaded from. */
	signalingUrls: string[];
	/** STUN/TURN servers for WebRTC; none by default (peers on one network need none). */
	iceServers: IceServer[];
}

export interface IceServer {
	urls: string;
	username?: string;
	credential?: string;
}

/** A user-added model as stored; the manifest's types live in ml/types.ts (plain data, no import needed here). */
export interface StoredModel {
	manifest: {
		id: string;
		name: string;
		task: string;
		family: string;
		files: { role: string; name: string; url?: string; bytes?: number }[];
		licence: string;
	};
	/** Roles the model still needs before it can run, e.g. a SAM encoder waiting for its decoder. */
	missing: string[];
	addedAt: number;
}

/** An ImageEmbedding (ml/types.ts) as stored. */
export interface StoredEmbedding {
	modelId: string;
	imageWidth: number;
	imageHeight: number;
	tensors: Record<string, { type: string; dims: number[]; data: ArrayBufferView }>;
}

export const DB_NAME = 'peerlabel';
const DB_VERSION = 4;

let dbPromise: Promise<IDBPDatabase<PeerlabelDB>> | null = null;

export function db(): Promise<IDBPDatabase<PeerlabelDB>> {
	dbPromise ??= openDB<PeerlabelDB>(DB_NAME, DB_VERSION, {
		upgrade(database, oldVersion) {
			if (oldVersion < 1) {
				database.createObjectStore('projects', { keyPath: 'id' });
				database.createObjectStore('blobs', { keyPath: 'hash' });
				database.createObjectStore('thumbnails', { keyPath: 'hash' });
				const refs = database.createObjectStore('blobRefs', { keyPath: ['projectId', 'hash'] });
				refs.createIndex('byHash', 'hash');
				refs.createIndex('byProject', 'projectId');
			}
			if (oldVersion < 2) database.createObjectStore('summaries', { keyPath: 'projectId' });
			if (oldVersion < 3) {
				database.createObjectStore('models', { keyPath: 'manifest.id' });
				database.createObjectStore('modelFiles', { keyPath: ['modelId', 'name'] }).createIndex('byModel', 'modelId');
				database.createObjectStore('embeddings', { keyPath: ['modelId', 'imageKey'] }).createIndex('byModel', 'modelId');
			}
			if (oldVersion < 4) database.createObjectStore('identity');
		},
		blocking() {
			// Another tab upgrades the schema: let it, and reopen on next use.
			dbPromise?.then((d) => d.close());
			dbPromise = null;
		}
	});
	return dbPromise;
}

/** Raised when the browser refuses to store more: the user must free space; nothing stored is lost. */
export class StorageFullError extends Error {
	constructor(what: string) {
		super(`Storage is full: ${what} could not be saved. Free some disk space or delete a project, then try again.`);
		this.name = 'StorageFullError';
	}
}

export function isQuotaError(e: unknown): boolean {
	const name = (e as { name?: string } | null)?.name;
	return name === 'QuotaExceededError' || (name === 'AbortError' && /quota/i.test(String((e as Error).message)));
}
