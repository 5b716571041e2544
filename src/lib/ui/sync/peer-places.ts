import type { PeerPresence } from '$lib/sync/presence';

/** Where peers are, for the views that show them: who is on one image, and who is on each. */

export function peersOnImage(peers: readonly PeerPresence[], imageId: string): PeerPresence[] {
	return peers.filter((p) => p.imageId === imageId);
}

export function peersByImage(peers: readonly PeerPresence[]): Map<string, PeerPresence[]> {
	const out = new Map<string, PeerPresence[]>();
	for (const p of peers) {
		if (!p.imageId) continue;
		const on = out.get(p.imageId);
		if (on) on.push(p);
		else out.set(p.imageId, [p]);
	}
	return out;
}

/** The letter on a peer's face: the first character of the name (a whole emoji or accented letter). */
export function initial(name: string): string {
	const first = [...name.trim()][0];
	return first ? first.toUpperCase() : '?';
}
