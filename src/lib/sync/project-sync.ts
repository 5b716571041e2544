import type { WebrtcProvider } from 'y-webrtc';
import { Awareness } from 'y-protocols/awareness';
import type { ProjectDoc } from '$lib/model';
import type { ProjectSharing } from '$lib/storage/db';
import { roomName } from './invite';
import { peerlabelWrtc, type PeerlabelPeerConnection } from './peer-connection';
import { TabSync } from './tab-sync';
import type { FramedChannel } from './framed-channel';
import { skipEchoes } from './no-echo';
import { BlobExchange } from './blob-exchange';
import { getImageBlob, hasImageBlob, sha256Hex } from '$lib/storage/blobs';
import { behindOtherTasks } from '$lib/storage/chunked-load';
import * as encoding from 'lib0/encoding';
import { writeSyncStep1 } from 'y-protocols/sync';
import { prepareEditKeys } from './access';
import { EditGate } from './edit-gate';
import { connectionFingerprints, EditProof, type EditKeys } from './edit-proof';
import { JoinCoordinator } from './join-coordinator';
import { splitState } from '$lib/model/update-parts';
import { applyPassingOn } from '$lib/model/pass-on';
import * as Y from 'yjs';

/**
 * Keeps one open project in sync with its peers through y-webrtc:
 * - a shared project joins the room named by a hash of its key, with the key as y-webrtc's password
 *   (signaling messages are encrypted with it), through the signaling servers of its settings;
 * - every project, shared or not, also syncs with the other tabs of this browser (TabSync; y-webrtc's
 *   own BroadcastChannel is muted, see no-broadcast.ts), so two tabs never show different versions.
 * Updates a peer receives are passed on to its other peers (y-webrtc broadcasts every update the
 * document gets), so a partial mesh A-B-C still carries A's edits to C.
 * On every connection, editors prove the edit secret to each other (edit-proof.ts); an editor applies
 * changes only from peers that did (edit-gate.ts), so a viewer's edits reach no editor.
 * One peer at a time answers this device's request for what it lacks, and a large answer comes in
 * parts, each applied in a task of its own (join-coordinator.ts).
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

/**
 * A connection not open after this long, or open but silent (each side sends its sync request as soon
 * as it opens), is dropped and tried again. y-webrtc can get stuck when two peers offer to each other at
 * once (after a key or server change, say): one side rejects the other's offer while its own fails, or
 * accepts an offer on a connection that made one, and both then write to a data channel the other
 * does not read. Nothing in y-webrtc retries. The jitter keeps two peers from retrying in step.
 */
const CONNECT_TIMEOUT_MS = 8000;
const SILENT_TIMEOUT_MS = 4000;
const RETRY_JITTER_MS = 4000;

interface ConnInternals {
	connected: boolean;
	closed: boolean;
	destroy(): void;
	peer: {
		initiator: boolean;
		_pc: PeerlabelPeerConnection;
		_channel?: FramedChannel;
		on(event: string, fn: () => void): void;
		send(data: Uint8Array): void;
	};
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
	/** A large message arriving now (the whole project, when joining): bytes so far and in all. */
	incoming: { received: number; total: number } | null = null;
	/** Who answers this device's sync requests, and the parts of a join (null: not shared). */
	readonly join: JoinCoordinator<FramedChannel> | null;
	private incomingShownAt = 0;
	private stopEchoSkip: (() => void) | null = null;
	private readonly listeners = new Set<() => void>();
	/** The image hashes the project references: the only blobs this device serves. */
	private referenced: Set<string> | null = null;
	private readonly stopDocWatch: () => void;
	private online = typeof navigator === 'undefined' || navigator.onLine;
	private destroyed = false;
	/** Called when an editor who holds this device's edit secret says it was replaced: it only views now. */
	onEditRetired: (() => void) | null = null;

	private constructor(
		readonly doc: ProjectDoc,
		readonly sharing: ProjectSharing | undefined,
		projectId: string,
		room: string | null,
		/** This device's edit secrets (null: it views, or the project is not shared). */
		private readonly editKeys: EditKeys | null,
		/** y-webrtc's provider class, loaded only for a shared project (null otherwise). */
		Provider: typeof WebrtcProvider | null
	) {
		this.awareness = new Awareness(doc.ydoc);
		this.tabs = new TabSync(projectId, doc.ydoc, this.awareness);
		this.stopDocWatch = doc.onChange((c) => c.images.size && (this.referenced = null));
		this.blobs = new BlobExchange(
			{
				canServe: async (hash) => this.references(hash) && (await hasImageBlob(hash)),
				read: getImageBlob,
				sha256Hex
			}
		);
		if (!sharing || !room || !Provider) {
			this.provider = null;
			this.join = null;
			return;
		}
		const join = (this.join = new JoinCoordinator<FramedChannel>(
			{
				stateVector: () => Y.encodeStateVector(doc.ydoc),
				missing: (stateVector) => Y.encodeStateAsUpdate(doc.ydoc, stateVector),
				missingInParts: (stateVector, split) => splitState(doc.ydoc, Y.decodeStateVector(stateVector), split.partBytes, split.above, split.firstPartBytes),
				applyPassingOn: (update, apply) => applyPassingOn(doc.ydoc, update, apply)
			},
			undefined,
			undefined,
			undefined,
			behindOtherTasks
		));
		join.onprogress = () => this.receiving(join.incoming?.received ?? 1, join.incoming?.total ?? 1);
		const provider = (this.provider = new Provider(room, doc.ydoc, {
			signaling: this.online ? effectiveSignalingUrls(sharing) : [],
			password: sharing.key,
			awareness: this.awareness,
			peerOpts: {
				config: { iceServers: sharing.iceServers },
				wrtc: peerlabelWrtc(() => new EditGate(editKeys !== null), {
					outbound: (channel, message) => join.outbound(channel, message),
					inbound: (channel, message, deliver) => join.inbound(channel, message, deliver),
					closed: (channel) => join.closed(channel)
				})
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
			if (!provider.room || this.destroyed) return;
			Object.defineProperty(provider.room, 'bcconnected', { get: () => false, set: () => {} });
			this.stopEchoSkip = skipEchoes(provider, (channel) => join.forwardsTo(channel));
		});
		if (typeof window !== 'undefined') {
			window.addEventListener('offline', this.wentOffline);
			window.addEventListener('online', this.cameOnline);
		}
	}

	/** Starts syncing a project: with its peers when it is shared, else with this browser's tabs. */
	static async start(projectId: string, doc: ProjectDoc, sharing: ProjectSharing | undefined): Promise<ProjectSync> {
		const room = sharing ? await roomName(sharing.key) : null;
		// y-webrtc and simple-peer (~107 KB) load only when a project is shared: the other pages need none of it.
		const Provider = sharing ? (await import('y-webrtc')).WebrtcProvider : null;
		return new ProjectSync(doc, sharing, projectId, room, sharing ? await prepareEditKeys(sharing) : null, Provider);
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
		this.stopEchoSkip?.();
		this.join?.destroy();
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
		// Only the peer with the smaller room id makes the offer: two peers that announce themselves at
		// once (both back online, both after a restart) would otherwise offer to each other, which y-webrtc
		// does not untangle reliably. Dropping ours makes y-webrtc announce us again, and the other side,
		// seeing that, makes the offer.
		const ours = this.provider?.room?.peerId ?? '';
		if (conn.peer.initiator && ours > peerId) {
			conn.destroy();
			return;
		}
		conn.peer.on('connect', () => this.changed());
		const retry = () => !conn.closed && !this.destroyed && conn.destroy(); // y-webrtc then announces again
		const jitter = () => Math.random() * RETRY_JITTER_MS;
		let watchdog = setTimeout(() => !conn.connected && retry(), CONNECT_TIMEOUT_MS + jitter());
		conn.peer.on('connect', () => {
			const channel = conn.peer._channel;
			if (channel) {
				// One large message (an older peer's whole project); a join in parts reports its own progress.
				channel.onprogress = (received, total) => !this.join?.incoming && this.receiving(received, total);
				this.whenRefused(conn, () => this.join?.refused(channel));
				// A channel whose connection is closed may never say so itself.
				conn.peer.on('close', () => this.join?.closed(channel));
			}
			clearTimeout(watchdog);
			watchdog = setTimeout(() => conn.peer._channel?.received === 0 && retry(), SILENT_TIMEOUT_MS + jitter());
		});
		conn.peer.on('close', () => clearTimeout(watchdog));
		// At once, before the channels open: a request the peer sends as soon as it opens finds us listening.
		this.blobs.addPeer(peerId, conn.peer._pc.blobChannel);
		this.proveEditRights(conn);
	}

	/** Its changes are not applied here (it cannot prove edit rights): another peer must answer. */
	private whenRefused(conn: ConnInternals, fn: () => void) {
		const gate = conn.peer._pc.gate;
		if (!(gate instanceof EditGate)) return;
		if (gate.state === 'refused') fn();
		else gate.onrefused = fn;
	}

	private proveEditRights(conn: ConnInternals) {
		const pc = conn.peer._pc;
		if (!(pc.gate instanceof EditGate)) return;
		new EditProof(pc.proofChannel, this.editKeys, pc.gate, () => connectionFingerprints(pc), {
			onProven: (missed) => {
				if (!missed || this.destroyed) return;
				// Changes it sent while unproven were dropped (too many to hold): ask for what we lack.
				const encoder = encoding.createEncoder();
				encoding.writeVarUint(encoder, 0);
				writeSyncStep1(encoder, this.doc.ydoc);
				try {
					conn.peer.send(encoding.toUint8Array(encoder));
				} catch {
					// closing: the next connection syncs from the start
				}
			},
			onRetired: () => !this.destroyed && this.onEditRetired?.()
		});
	}

	/** Progress of a large message: reported a few times a second, and at its end. */
	private receiving(received: number, total: number) {
		const done = received >= total;
		this.incoming = done ? null : { received, total };
		const now = performance.now();
		if (!done && now - this.incomingShownAt < 200) return;
		this.incomingShownAt = now;
		this.changed();
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
