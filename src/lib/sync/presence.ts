import { removeAwarenessStates } from 'y-protocols/awareness';
import type { ProjectSync } from './project-sync';

/**
 * Who is online and what they are doing, through Yjs awareness (sent to peers, never stored).
 * Each device publishes one state; cursors are throttled so that a moving pointer sends about 30
 * updates a second, whatever the pointer's event rate.
 */

export interface PresenceState {
	user: { id: string; name: string; color: string };
	/** y-webrtc's id of this device in the room: lets peers drop this state as soon as the link closes */
	peerId?: string;
	imageId: string | null;
	/** image pixels */
	cursor: { x: number; y: number } | null;
	selection: string[];
}

export interface PeerPresence extends PresenceState {
	clientId: number;
}

export const CURSOR_INTERVAL_MS = 1000 / 30;

const PALETTE = ['#e5484d', '#f76b15', '#ffc53d', '#46a758', '#12a594', '#0090ff', '#6e56cf', '#d6409f', '#8e4ec6', '#3e63dd'];

/** A colour that stays the same for a user on every peer. */
export function userColor(userId: string): string {
	let h = 0;
	for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
	return PALETTE[h % PALETTE.length];
}

export class Presence {
	private pendingCursor: { x: number; y: number } | null | undefined = undefined;
	private lastCursorAt = 0;
	private timer: ReturnType<typeof setTimeout> | null = null;
	private readonly stopSync: () => void;

	constructor(
		private readonly sync: ProjectSync,
		user: { id: string; name: string }
	) {
		const state: PresenceState = {
			user: { ...user, color: userColor(user.id) },
			peerId: sync.peerId,
			imageId: null,
			cursor: null,
			selection: []
		};
		this.awareness.setLocalState(state);
		// A peer whose link closed is gone now, not after awareness's 30 s timeout.
		const peersChanged = ({ removed }: { removed: string[] }) => {
			if (!removed.length) return;
			const gone = [...this.awareness.getStates()]
				.filter(([id, s]) => id !== this.awareness.clientID && removed.includes((s as PresenceState).peerId ?? ''))
				.map(([id]) => id);
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
		for (const [clientId, state] of this.awareness.getStates()) {
			if (clientId === this.awareness.clientID || !(state as PresenceState).user) continue;
			out.push({ ...(state as PresenceState), clientId });
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
		this.update({ user: { ...this.local.user, name } });
	}

	setImage(imageId: string | null) {
		this.pendingCursor = undefined;
		this.update({ imageId, cursor: null, selection: [] });
	}

	setSelection(ids: readonly string[]) {
		this.update({ selection: [...ids] });
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
