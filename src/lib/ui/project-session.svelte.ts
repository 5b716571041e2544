import { getProjectEntry, openProject, setProjectSharing, updateProjectEntry, type OpenProject } from '$lib/storage/projects';
import type { ProjectSharing } from '$lib/storage/db';
import { getImageBlob, storeReceivedImage, storedBlobHashes } from '$lib/storage/blobs';
import { BlobUnavailableError } from '$lib/sync/blob-exchange';
import { noteThumbnailsArrived } from '$lib/ui/library/thumbnail-arrivals.svelte';
import { onPageHide } from '$lib/storage/page-hide';
import type { SaveState } from '$lib/storage/save-state';
import type { ProjectDoc } from '$lib/model';
import { canEdit, demotedSharing, newSharing, rotatedSharing, VIEWING_REASON } from '$lib/sync/access';
import { ProjectSync, type SyncStatus } from '$lib/sync/project-sync';
import { Presence, type PeerPresence } from '$lib/sync/presence';
import { deviceSigner, keepMembership } from '$lib/storage/membership';
import { SignatureChecks } from '$lib/storage/signatures';
import { actorOf, deviceIdentity, type DeviceIdentity } from '$lib/storage/device-identity';

/** How often an image's progress on its way from a teammate is shown again (the first bytes and the last at once). */
const FETCH_PROGRESS_MS = 100;

/**
 * The project open in this tab, kept open while the user moves between the library and the editor.
 * Its revisions bump when the document's images, classes or annotations change, so components can
 * `$derived` from the plain ProjectDoc and recompute only what a change touched.
 */
export class ProjectSession {
	imagesRevision = $state(0);
	classesRevision = $state(0);
	annotationsRevision = $state(0);
	/** Bumped when the project's settings change (the tag mode). */
	metaRevision = $state(0);
	/** Bumped when the team's records change (members, threads, comments, assignments, stages, reviews, activity). */
	teamRevision = $state(0);
	/** Bumped when a signature check finishes (a comment or decision shown as verified or not). */
	signaturesRevision = $state(0);
	/** Signs this member's comments and review decisions (storage/team-writes.ts). */
	readonly signer = deviceSigner;
	readonly signatures: SignatureChecks;
	/** This device's member (null until its identity has loaded). */
	me = $state<DeviceIdentity | null>(null);
	/**
	 * The images the editor's next/previous (D/F) walk: the library's list when an image was opened from
	 * it (a filter such as "My work"), by name; null: every image of the project.
	 */
	walk = $state<{ label: string; ids: string[] } | null>(null);
	/** Set while the browser refuses to store this project's latest changes (a full disk). */
	saveProblem = $state<string | null>(null);
	/** How this device shares the project (null: not shared). */
	sharing = $state<ProjectSharing | null>(null);
	syncStatus = $state<SyncStatus>('private');
	/** Peers connected over WebRTC now. */
	peerCount = $state(0);
	/** Who else has the project open (other devices and tabs), and where. */
	peers = $state<PeerPresence[]>([]);
	/**
	 * True while a joined project has not yet received its document from a peer: until the whole of it
	 * is in, when it comes in parts (its settings may come in the first).
	 */
	awaitingDocument = $state(false);
	/** A large sync arriving from a peer now (bytes so far and in all). */
	incoming = $state<{ received: number; total: number } | null>(null);
	/** Whether every change is committed to IndexedDB: the header's save indicator. */
	saveState = $state<SaveState>('saved');
	/** Images being fetched from peers now: bytes received and expected, by hash; while waiting, `why` no connected peer could send it. */
	imageFetches = $state<Record<string, { received: number; total: number; waiting: boolean; from?: string; why?: string }>>({});
	readonly project: OpenProject;
	sync: ProjectSync | null = null;
	presence: Presence | null = null;
	private readonly stop: () => void;
	private stopSync: (() => void) | null = null;
	private imageId: string | null = null;
	/** Kept so that a restarted sync (a new key, new servers) publishes it again. */
	private selection: string[] = [];
	private closed = false;

	constructor(project: OpenProject) {
		this.project = project;
		this.awaitingDocument = project.doc.schemaVersion === undefined;
		const stopChanges = project.doc.onChange((change) => {
			if (change.images.size) this.imagesRevision++;
			if (change.classes) this.classesRevision++;
			if (change.annotations.size) this.annotationsRevision++;
			if (change.team.size) this.teamRevision++;
			if (change.meta) {
				this.metaRevision++;
				// A peer's document arrived, or a peer wrote with an older schema: bring it to ours.
				this.awaitingDocument = project.doc.schemaVersion === undefined || (this.awaitingDocument && !!this.sync?.incoming);
				project.doc.migrate();
				this.applyRole();
				// The project list names it as its document does (a peer's rename, a joined project's name),
				// so that a link for it, say, names it right (join page).
				const name = project.doc.schemaVersion === undefined ? '' : project.doc.settings.name;
				if (name) void updateProjectEntry(project.id, { name }).catch(() => {});
			}
		});
		const stopSaveProblems = project.persistence.onSaveProblem((error) => {
			this.saveProblem = error
				? 'Storage is full: your latest changes are kept in this tab but not saved. Free some disk space, or delete a project: they are saved as soon as there is room. Closing the tab before then loses them.'
				: null;
		});
		this.saveState = project.persistence.saveState;
		const stopSaveState = project.persistence.onSaveState((state) => (this.saveState = state));
		// The page may be killed once hidden: nothing may still be waiting in memory then.
		const stopFlush = onPageHide(() => project.persistence.flush());
		this.signatures = new SignatureChecks(project.doc, () => this.signaturesRevision++);
		const stopMembership = keepMembership(project.doc, (identity) => (this.me = identity));
		this.stop = () => {
			stopMembership();
			stopChanges();
			stopSaveProblems();
			stopSaveState();
			stopFlush();
		};
	}

	get id(): string {
		return this.project.id;
	}

	/** Starts syncing with this browser's other tabs and, for a shared project, with its peers. */
	async startSync(): Promise<void> {
		const entry = await getProjectEntry(this.id);
		await this.restartSync(entry?.sharing ?? null);
	}

	/** Shares the project: makes its keys (once) and starts looking for peers. */
	async share(): Promise<ProjectSharing> {
		if (this.sharing) return this.sharing;
		const sharing = newSharing();
		await setProjectSharing(this.id, sharing);
		await this.restartSync(sharing);
		return sharing;
	}

	/**
	 * New keys. 'view-only': old edit links still join but only view; 'dead': old links reach nobody.
	 * Either way, teammates who should keep editing need the new edit link.
	 */
	async rotateKey(mode: 'view-only' | 'dead' = 'dead'): Promise<ProjectSharing> {
		if (!this.sharing || !canEdit(this.sharing)) throw new Error('Only an editor can make new keys.');
		// A snapshot: IndexedDB cannot store the reactive proxy.
		const sharing = await rotatedSharing($state.snapshot(this.sharing), mode);
		await setProjectSharing(this.id, sharing);
		await this.restartSync(sharing);
		return sharing;
	}

	/** An editor holding this device's edit secret says it was replaced: from now on this device views. */
	private async editRetired(): Promise<void> {
		if (!this.sharing || !canEdit(this.sharing) || this.closed) return;
		const sharing = demotedSharing($state.snapshot(this.sharing));
		await setProjectSharing(this.id, sharing);
		this.sharing = sharing;
		this.applyRole();
	}

	/** A viewer's document refuses every write (the model's read-only state); an editor's does not. */
	private applyRole(): void {
		const doc = this.project.doc;
		if (this.sharing && !canEdit(this.sharing)) doc.readOnlyReason ??= VIEWING_REASON;
		else if (doc.readOnlyReason === VIEWING_REASON) doc.readOnlyReason = null;
		this.metaRevision++;
	}

	async updateNetwork(patch: Pick<ProjectSharing, 'signalingUrls' | 'iceServers'>): Promise<void> {
		if (!this.sharing) return;
		const sharing = { ...$state.snapshot(this.sharing), ...$state.snapshot(patch) };
		await setProjectSharing(this.id, sharing);
		await this.restartSync(sharing);
	}

	/** The image this user has open, for presence (null in the library). */
	setOpenImage(imageId: string | null): void {
		this.imageId = imageId;
		this.selection = [];
		this.presence?.setImage(imageId);
	}

	/**
	 * An image's bytes: from this device, or else from a connected peer that has them (verified,
	 * then stored here). A shared project with no such peer online waits for one; an unshared one
	 * cannot get them and says so.
	 */
	async loadImage(hash: string): Promise<Blob | undefined> {
		const local = await getImageBlob(hash);
		if (local) return local;
		const image = this.doc.images().find((i) => i.hash === hash);
		if (!image) return undefined;
		for (;;) {
			const sync = this.sync;
			if (this.closed) throw new Error('The project was closed');
			if (!this.sharing || !sync)
				throw new Error('This image’s bytes are not on this device. Share the project with the teammate who added it to get them.');
			this.imageFetches[hash] = { received: 0, total: image.size, waiting: false };
			let shownAt = 0;
			try {
				const bytes = await sync.blobs.fetch(hash, image.size, {
					onProgress: (received, total, source) => {
						// Each change redraws the page that takes the frames in (and its hover state under a still
						// mouse): a few times a second is enough to see it move.
						if (received > 0 && received < total && performance.now() - shownAt < FETCH_PROGRESS_MS) return;
						if (received > 0) shownAt = performance.now();
						this.imageFetches[hash] = { received, total, waiting: false, from: this.peerName(source) };
					}
				});
				// The bytes are stored (and the image shown) first, the thumbnail after: decoding a large image for
				// it was the longest step after the last byte.
				return await storeReceivedImage(this.id, image, bytes, noteThumbnailsArrived);
			} catch (e) {
				if (!(e instanceof BlobUnavailableError) && this.sync === sync) throw e;
				// Nobody online has it (or the connection was remade): wait for the next peer.
				const why = e instanceof BlobUnavailableError ? this.unavailableWhy(e) : undefined;
				this.imageFetches[hash] = { received: 0, total: image.size, waiting: true, why };
				await this.nextPeerChange(sync);
			} finally {
				if (!this.imageFetches[hash]?.waiting) delete this.imageFetches[hash];
			}
		}
	}

	/**
	 * "Make available offline": fetches every image of the project this device lacks. Returns how many
	 * were fetched and which failed, and why.
	 */
	async fetchAllImages(onProgress: (p: { fetched: number; failed: number; total: number }) => void, signal?: AbortSignal) {
		const sync = this.sync;
		if (!sync || !this.sharing) throw new Error('Only a shared project can fetch images from teammates.');
		const stored = await storedBlobHashes();
		const byHash = new Map(this.doc.images().filter((i) => !stored.has(i.hash)).map((i) => [i.hash, i]));
		onProgress({ fetched: 0, failed: 0, total: byHash.size });
		return sync.blobs.fetchAll(byHash.values(), {
			store: async (hash, bytes) => {
				await storeReceivedImage(this.id, byHash.get(hash)!, bytes);
				noteThumbnailsArrived();
			},
			onProgress,
			signal
		});
	}

	private unavailableWhy(e: BlobUnavailableError): string | undefined {
		const why = Object.entries(e.reasons).map(([peer, reason]) => `${this.peerLabel(peer)}: ${reason}`);
		return why.length ? why.join('; ') : undefined;
	}

	/** A peer as people know it: its name from presence, else "a teammate". */
	readonly peerLabel = (peerId: string): string => this.peerName(peerId) ?? 'a teammate';

	/** The display name of a peer, by its y-webrtc id (from its presence). */
	private peerName(peerId: string | undefined): string | undefined {
		return peerId ? this.peers.find((p) => p.peerId === peerId)?.user.name : undefined;
	}

	private nextPeerChange(sync: ProjectSync): Promise<void> {
		return new Promise((resolve) => {
			const before = sync.connectedPeerIds().join();
			const stop = sync.onChange(() => {
				if (this.sync === sync && sync.connectedPeerIds().join() === before) return;
				stop();
				resolve();
			});
		});
	}

	/** An editor closing: its image is no longer open, unless the next one has already said otherwise. */
	leaveImage(imageId: string): void {
		if (this.imageId === imageId) this.setOpenImage(null);
	}

	/** The pointer over the open image, in image pixels (null: off the canvas). */
	setCursor(cursor: { x: number; y: number } | null): void {
		this.presence?.setCursor(cursor);
	}

	/** The shapes selected on the open image. */
	setSelection(ids: readonly string[]): void {
		this.selection = [...ids];
		this.presence?.setSelection(ids);
	}

	private async restartSync(sharing: ProjectSharing | null): Promise<void> {
		const previous = this.sync;
		this.stopSync?.();
		this.presence?.destroy();
		this.sync = null;
		this.presence = null;
		if (previous) {
			previous.destroy();
			await previous.provider?.key; // y-webrtc frees the room name once its key has resolved
		}
		if (this.closed) return;
		this.sharing = sharing;
		this.applyRole();
		const sync = await ProjectSync.start(this.id, this.doc, sharing ?? undefined);
		const me = actorOf(await deviceIdentity());
		if (this.closed) {
			sync.destroy();
			return;
		}
		this.sync = sync;
		sync.onEditRetired = () => void this.editRetired().catch(() => {});
		this.presence = new Presence(sync, me);
		this.presence.setImage(this.imageId);
		if (this.selection.length) this.presence.setSelection(this.selection);
		const refresh = () => {
			this.syncStatus = sync.status;
			this.peerCount = sync.connectedPeerIds().length;
			this.incoming = sync.incoming;
			if (this.awaitingDocument && !this.incoming && this.doc.schemaVersion !== undefined) this.awaitingDocument = false;
		};
		const stopStatus = sync.onChange(refresh);
		const stopPresence = this.presence.onChange(() => (this.peers = this.presence?.peers() ?? []));
		this.stopSync = () => {
			stopStatus();
			stopPresence();
		};
		this.peers = this.presence.peers();
		refresh();
	}

	get doc(): ProjectDoc {
		return this.project.doc;
	}

	/** The ids this member's records may carry: its member id and its earlier ones. */
	get myIds(): Set<string> {
		const me = this.me;
		return new Set(me ? [me.memberId, ...me.aliases] : []);
	}

	async close(): Promise<void> {
		this.closed = true;
		this.stopSync?.();
		this.presence?.destroy();
		this.sync?.destroy();
		this.stop();
		await this.project.close();
	}
}

let current: { id: string; session: Promise<ProjectSession> } | null = null;

/** The open project's session once it has opened, for what every screen shows (the save indicator). */
export const openSession = $state<{ session: ProjectSession | null }>({ session: null });

/** Opens (or returns the already open) project; opening another closes the previous one. */
export function useProject(id: string): Promise<ProjectSession> {
	if (current?.id === id) return current.session;
	const previous = current;
	const session = (async () => {
		if (previous) await closeSession(previous.session);
		const session = new ProjectSession(await openProject(id));
		await session.startSync();
		return session;
	})();
	current = { id, session };
	void session.then(
		(s) => {
			exposeForTests(s);
			if (current?.session === session) openSession.session = s;
		},
		() => {}
	);
	session.catch(() => {
		if (current?.session === session) current = null;
	});
	return session;
}

/**
 * End-to-end tests that set `window.peerlabelTestHooks` before the app loads reach the open session, in the test build
 * (to force a write past the read-only UI, as a modified client would). Nothing is exposed otherwise.
 */
function exposeForTests(session: ProjectSession) {
	// Only in the test build (src/server/build-mode.js): the app's own build never exposes the session.
	if (!import.meta.env.VITE_PEERLABEL_TEST_ROUTES) return;
	if (typeof window !== 'undefined' && 'peerlabelTestHooks' in window) Object.assign(window, { peerlabelSession: session });
}

/** Closes the open project (before deleting it, say). */
export async function closeProject(id: string): Promise<void> {
	if (current?.id !== id) return;
	const { session } = current;
	current = null;
	await closeSession(session);
}

async function closeSession(session: Promise<ProjectSession>): Promise<void> {
	const closing = await session.catch(() => null);
	if (openSession.session === closing) openSession.session = null;
	await closing?.close();
}
