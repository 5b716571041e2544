import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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
	/** The room secret (base64url, 256 bits): y-webrtc's password. */
	key: string;
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

export const DB_NAME = 'peerlabel';
const DB_VERSION = 2;

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
