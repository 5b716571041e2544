import { WebrtcProvider } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import type { ProjectDoc } from '$lib/model';
import type { ProjectSharing } from '$lib/storage/db';
import { roomName } from './invite';
import { peerlabelWrtc, type PeerlabelPeerConnection } from './peer-connection';
import { TabSync } from './tab-sync';
import { BlobExchange } from './blob-exchange';
import { getImageBlob, hasImageBlob, sha256Hex } from '$lib/storage/blobs';

/**
 * Keeps one open project in sync with its peers through y-webrtc:
 * - a shared project joins the room named by a hash of its key, with the key as y-webrtc's password
 *   (signaling messages are encrypted with it), through the signaling servers of its settings;
 * - every project, shared or not, also syncs with the other tabs of this browser (TabSync; y-webrtc's
 *   own BroadcastChannel is muted, see no-broadcast.ts), so two tabs never show different versions.
 * Updates a peer receives are passed on to its other peers (y-webrtc broadcasts every update the
 * document gets), so a partial mesh A-B-C still carries A's edits to C.
 *
 * Relies on y-webrtc 10.3.0 internals (pinned in package.json): `room.webrtcConns`, each
 * connection's simple-peer `peer._pc`, and `provider.signalingConns`.
 */

export type SyncStatus =
	/** not shared: only this browser's tabs */
	| 'private'
	/** shared, but the browser is offline */
	| 'offline'
	/** shared, looking for peers */
	| 'searching'
	/** shared, connected to at least one peer */
	| 'connected';

interface ConnInternals {
	connected: boolean;
	peer: { _pc: PeerlabelPeerConnection; on(event: string, fn: () => void): void };
}

/** The signaling endpoint of the server the app was loaded from (see src/server/signaling.js). */
export function sameOriginSignalingUrl(): string {
	return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/signaling`;
}

export function effectiveSignalingUrls(sharing: ProjectSharing): string[] {
	return sharing.signalingUrls.length ? sharing.signalingUrls : [sameOriginSignalingUrl()];
}

export class ProjectSync {
	/** Null for a project that is not shared. */
	readonly provider: WebrtcProvider | null;
	readonly awareness: Awareness;
	/** Image bytes to and from the connected peers, over each connection's own blob channel. */
	readonly blobs: BlobExchange;
	private readonly tabs: TabSync;
	private readonly listeners = new Set<() => void>();
	/** The image hashes the project references: the only blobs this device serves. */
	private referenced: Set<string> | null = null;
	private readonly stopDocWatch: () => void;
	private online = typeof navigator === 'undefined' || navigator.onLine;
	private destroyed = false;

	private constructor(
		readonly doc: ProjectDoc,
		readonly sharing: ProjectSharing | undefined,
		projectId: string,
		room: string | null
	) {
		this.awareness = new Awareness(doc.ydoc);
		this.tabs = new TabSync(projectId, doc.ydoc, this.awareness);
		this.stopDocWatch = doc.onChange((c) => c.images.size && (this.referenced = null));
		this.blobs = new BlobExchange(
			{
				canServe: async (hash) => this.references(hash) && (await hasImageBlob(hash)),
				read: getImageBlob,
				sha256Hex
			},
			// Larger frames and a deeper send buffer: fewer wake-ups per MB (see docs/benchmarks.md).
			{ chunkBytes: 128 * 1024, highWaterBytes: 4 * 1024 * 1024 }
		);
		if (!sharing || !room) {
			this.provider = null;
			return;
		}
		const provider = (this.provider = new WebrtcProvider(room, doc.ydoc, {
			signaling: this.online ? effectiveSignalingUrls(sharing) : [],
			password: sharing.key,
			awareness: this.awareness,
			peerOpts: {
				config: { iceServers: sharing.iceServers },
				wrtc: peerlabelWrtc()
			}
		}));
		// Started offline: the signaling servers are connected once online.
		if (!this.online) provider.signalingUrls = effectiveSignalingUrls(sharing);
		provider.on('peers', ({ added, removed }) => {
			for (const id of added) this.watchConnection(id);
			for (const id of removed) this.peerGone(id);
			this.changed();
		});
		provider.on('synced', () => this.changed());
		// y-webrtc encrypts every update for its BroadcastChannel, which is muted (no-broadcast.ts): a
		// 30 MB sync cost ~0.4 s of AES for nothing. Its room exists once the key is derived.
		void provider.key.then(() => {
			if (provider.room) Object.defineProperty(provider.room, 'bcconnected', { get: () => false, set: () => {} });
		});
		if (typeof window !== 'undefined') {
			window.addEventListener('offline', this.wentOffline);
			window.addEventListener('online', this.cameOnline);
		}
	}

	/** Starts syncing a project: with its peers when it is shared, else with this browser's tabs. */
	static async start(projectId: string, doc: ProjectDoc, sharing: ProjectSharing | undefined): Promise<ProjectSync> {
		return new ProjectSync(doc, sharing, projectId, sharing ? await roomName(sharing.key) : null);
	}

	get status(): SyncStatus {
		if (!this.sharing) return 'private';
		if (!this.online) return 'offline';
		return this.connectedPeerIds().length ? 'connected' : 'searching';
	}

	/** Peers reached over WebRTC right now. */
	connectedPeerIds(): string[] {
		const conns = this.provider?.room?.webrtcConns;
		return conns ? [...conns].filter(([, c]) => (c as unknown as ConnInternals).connected).map(([id]) => id) : [];
	}

	/** y-webrtc's id of this device in the room (not the Yjs client id). */
	get peerId(): string | undefined {
		return this.provider?.room?.peerId;
	}

	/** Called on every change of status or peers. */
	onChange(fn: () => void): () => void {
		this.listeners.add(fn);
		return () => this.listeners.delete(fn);
	}

	/** True when the project has an image with these bytes. */
	references(hash: string): boolean {
		this.referenced ??= new Set(this.doc.images().map((i) => i.hash));
		return this.referenced.has(hash);
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		if (typeof window !== 'undefined') {
			window.removeEventListener('offline', this.wentOffline);
			window.removeEventListener('online', this.cameOnline);
		}
		this.stopDocWatch();
		this.blobs.destroy();
		this.tabs.destroy();
		this.provider?.destroy();
		this.awareness.destroy();
		this.changed(); // one last time: whatever waits on this connection (a fetch) moves on
		this.listeners.clear();
	}

	private changed() {
		for (const fn of this.listeners) fn();
	}

	private watchConnection(peerId: string) {
		const conn = this.provider?.room?.webrtcConns.get(peerId) as unknown as ConnInternals | undefined;
		if (!conn) return;
		conn.peer.on('connect', () => this.changed());
		// At once, before the channel opens: a request the peer sends as soon as it opens finds us listening.
		this.blobs.addPeer(peerId, conn.peer._pc.blobChannel);
	}

	private peerGone(peerId: string) {
		this.blobs.removePeer(peerId);
	}

	/** The network is gone: close peer connections and signaling, keep the tabs in sync. */
	private readonly wentOffline = () => {
		this.online = false;
		if (this.provider) {
			for (const conn of this.provider.signalingConns) conn.disconnect();
			this.provider.room?.webrtcConns.forEach((c) => c.destroy());
		}
		this.changed();
	};

	/** Back online: signaling reconnects, announces this peer, and the peers sync what each missed. */
	private readonly cameOnline = () => {
		this.online = true;
		const provider = this.provider;
		if (provider) {
			if (!provider.signalingConns.length && provider.shouldConnect) {
				provider.disconnect();
				provider.connect();
			}
			for (const conn of provider.signalingConns) conn.connect();
		}
		this.changed();
	};
}
