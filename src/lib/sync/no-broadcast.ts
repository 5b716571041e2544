/**
 * Stands in for lib0/broadcastchannel inside y-webrtc (vite.config.ts aliases it for the app build).
 *
 * y-webrtc syncs tabs over a BroadcastChannel, but lib0's `publish` also delivers every message to the
 * tab that sent it, and y-webrtc sends the whole document on every connect: opening a 100,000-annotation
 * project made each tab encode, encrypt, decrypt and re-apply ~30 MB of its own state (seconds of main
 * thread). Tabs are synced by sync/tab-sync.ts instead, which exchanges state vectors first and sends
 * only what the other tab lacks; y-webrtc's channel is muted.
 */

export function subscribe<T>(_room: string, f: T): T {
	return f;
}

export function unsubscribe(_room: string, _f: unknown): boolean {
	return true;
}

export function publish(_room: string, _data: unknown, _origin?: unknown): void {}
