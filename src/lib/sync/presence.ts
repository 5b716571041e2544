import { removeAwarenessStates } from 'y-protocols/awareness';
import type { ProjectSync } from './project-sync';
import { checkedPresence, MAX_SELECTION, presenceName, userColor, type PresenceState } from './presence-state';

export { userColor, type PresenceState };

/**
 * Who is online and what they are doing, through Yjs awareness (sent to peers, never stored).
 * Each device publishes one state; cursors are throttled so that a moving pointer sends about 30
 * updates a second, whatever the pointer's event rate. Peers' states are read only through
 * `peers()`, which shows only those that pass `checkedPresence`.
 */

export interface PeerPresence extends PresenceState {
	clientId: number;
}

export const CURSOR_INTERVAL_MS = 1000 / 30;

export class Presence {
	private pendingCursor: { x: number; y: number } | null | undefined = undefined;
	private lastCursorAt = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private readonly stopSync: () => void;

	constructor(
		private readonly sync: ProjectSync,
		user: { id: string; name: string }
	) {
		// This device's own state passes the check peers make (its stored name could be anything).
		const state: PresenceState = {
			user: { id: user.id, name: presenceName(user.name) ?? 'Annotator', color: userColor(user.id) },
			peerId: sync.peerId,
			imageId: null,
			cursor: null,
			selection: []
		};
		this.awareness.setLocalState(state);
		// A peer whose link closed is gone now, not after awareness's 30 s timeout.
		const peersChanged = ({ removed }: { removed: string[] }) => {
			if (!removed.length) return;
			const gone = this.peers()
				.filter((p) => p.peerId !== undefined && removed.includes(p.peerId))
				.map((p) => p.clientId);
			if (gone.length) removeAwarenessStates(this.awareness, gone, 'peer left');
		};
		sync.provider?.on('peers', peersChanged);
		this.stopSync = () => sync.provider?.off('peers', peersChanged);
		// y-webrtc names this device in the room once the key is derived: publish that name.
		void sync.provider?.key.then(() => this.awareness.getLocalState() && this.update({}));
	}

	private get awareness() {
		return this.sync.awareness;
	}

	get local(): PresenceState {
		return this.awareness.getLocalState() as PresenceState;
	}

	/** Everyone else online in this project, each device once. */
	peers(): PeerPresence[] {
		const out: PeerPresence[] = [];
		for (const [clientId, raw] of this.awareness.getStates()) {
			if (clientId === this.awareness.clientID) continue;
			const state = checkedPresence(raw);
			if (state) out.push({ ...state, clientId });
		}
		return out.sort((a, b) => a.user.name.localeCompare(b.user.name) || a.clientId - b.clientId);
	}

	/** Called when another peer's state changes (not this device's own: its cursor moves would wake every view). */
	onChange(fn: () => void): () => void {
		const own = this.awareness.clientID;
		const handler = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }) => {
			if ([added, updated, removed].some((ids) => ids.some((id) => id !== own))) fn();
		};
		this.awareness.on('change', handler);
		return () => this.awareness.off('change', handler);
	}

	setName(name: string) {
		this.update({ user: { ...this.local.user, name: presenceName(name) ?? this.local.user.name } });
	}

	setImage(imageId: string | null) {
		this.pendingCursor = undefined;
		this.update({ imageId, cursor: null, selection: [] });
	}

	/** Peers show at most MAX_SELECTION shapes of a selection: only those are sent. */
	setSelection(ids: readonly string[]) {
		this.update({ selection: ids.slice(0, MAX_SELECTION) });
	}

	/** The pointer over the image, in image pixels (null when it leaves): sent at most ~30 times a second. */
	setCursor(cursor: { x: number; y: number } | null) {
		this.pendingCursor = cursor;
		if (this.timer) return;
		const wait = this.lastCursorAt + CURSOR_INTERVAL_MS - performance.now();
		if (wait <= 0) this.flushCursor();
		else this.timer = setTimeout(() => this.flushCursor(), wait);
	}

	destroy() {
		if (this.timer) clearTimeout(this.timer);
		this.stopSync?.();
		this.awareness.setLocalState(null);
	}

	private flushCursor() {
		this.timer = null;
		if (this.pendingCursor === undefined) return;
		this.lastCursorAt = performance.now();
		this.update({ cursor: this.pendingCursor });
		this.pendingCursor = undefined;
	}

	private update(patch: Partial<PresenceState>) {
		this.awareness.setLocalState({ ...this.local, peerId: this.sync.peerId, ...patch });
	}
}
