import { WebrtcProvider } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import type { ProjectDoc } from '$lib/model';
import type { ProjectSharing } from '$lib/storage/db';
import { roomName } from './invite';
import { peerlabelWrtc, type PeerlabelPeerConnection } from './peer-connection';
import { TabSync } from './tab-sync';

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

/** A peer connection whose image-bytes channel is open. */
export interface ConnectedPeer {
	peerId: string;
	blobChannel: RTCDataChannel;
}

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
	private readonly tabs: TabSync;
	private readonly listeners = new Set<() => void>();
	private readonly peerListeners = { join: new Set<(p: ConnectedPeer) => void>(), leave: new Set<(id: string) => void>() };
	private readonly openPeers = new Map<string, ConnectedPeer>();
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

	/** Peers whose image channel opens or closes (the ones open now are reported at once). */
	onPeer(join: (p: ConnectedPeer) => void, leave: (peerId: string) => void): () => void {
		this.peerListeners.join.add(join);
		this.peerListeners.leave.add(leave);
		for (const p of this.openPeers.values()) join(p);
		return () => {
			this.peerListeners.join.delete(join);
			this.peerListeners.leave.delete(leave);
		};
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		if (typeof window !== 'undefined') {
			window.removeEventListener('offline', this.wentOffline);
			window.removeEventListener('online', this.cameOnline);
		}
		this.tabs.destroy();
		this.provider?.destroy();
		this.awareness.destroy();
		this.listeners.clear();
	}

	private changed() {
		for (const fn of this.listeners) fn();
	}

	private watchConnection(peerId: string) {
		const conn = this.provider?.room?.webrtcConns.get(peerId) as unknown as ConnInternals | undefined;
		if (!conn) return;
		conn.peer.on('connect', () => this.changed());
		const channel = conn.peer._pc.blobChannel;
		const opened = () => {
			if (this.destroyed || this.provider?.room?.webrtcConns.get(peerId) !== (conn as unknown)) return;
			const peer = { peerId, blobChannel: channel };
			this.openPeers.set(peerId, peer);
			for (const fn of this.peerListeners.join) fn(peer);
		};
		if (channel.readyState === 'open') opened();
		else channel.addEventListener('open', opened, { once: true });
		channel.addEventListener('close', () => this.peerGone(peerId), { once: true });
	}

	private peerGone(peerId: string) {
		if (!this.openPeers.delete(peerId)) return;
		for (const fn of this.peerListeners.leave) fn(peerId);
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
