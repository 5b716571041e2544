import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import { writeUpdate } from 'y-protocols/sync';
import type { WebrtcProvider } from 'y-webrtc';
import { FramedChannel } from './framed-channel';

/**
 * y-webrtc passes every update its document gets to all its peers, the peer it came from included: a
 * peer joining a large project sent the whole document (tens of MB) straight back to the peer that had
 * just sent it, which decoded it again for nothing. This replaces y-webrtc's update handler with one
 * that skips that one peer, when it is certain the peer has everything in the update:
 * - the transaction applied a message from that peer (y-webrtc applies a peer's sync message with its
 *   room as origin, synchronously inside the channel's message handler, which FramedChannel marks), and
 * - the document had no pending updates before (else the transaction may also integrate updates that
 *   came earlier from other peers, which the sender may lack).
 * Any other update (local edits, writes made in observers, which are transactions of their own) goes to
 * every peer as before. A change from a peer also skips the peers `forwardsTo` rules out (the part of a
 * join, join-coordinator.ts, goes not to peers that get what they lack at the join's end). The muted BroadcastChannel (no-broadcast.ts) is not served.
 *
 * Relies on y-webrtc 10.3.0's `room._docUpdateHandler`, `room.webrtcConns`, simple-peer's `_channel`
 * and Yjs' `store.pendingStructs` / `store.pendingDs`.
 */

const MESSAGE_SYNC = 0;

interface Conn {
	peer: { _channel?: FramedChannel; send(data: Uint8Array): void };
}

interface RoomInternals {
	doc: Y.Doc;
	webrtcConns: Map<string, Conn>;
	_docUpdateHandler: (update: Uint8Array, origin: unknown) => void;
}

export function skipEchoes(provider: WebrtcProvider, forwardsTo: (channel: FramedChannel) => boolean = () => true): () => void {
	const room = provider.room as unknown as RoomInternals | null;
	if (!room) return () => {};
	const doc = room.doc;
	let source: FramedChannel | null = null;
	const beforeTransaction = (tr: Y.Transaction) => {
		if (tr.origin !== room) return;
		const store = doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
		source = store.pendingStructs === null && store.pendingDs === null ? FramedChannel.delivering : null;
	};
	const handler = (update: Uint8Array, origin: unknown) => {
		const skip = origin === room ? source : null;
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, MESSAGE_SYNC);
		writeUpdate(encoder, update);
		const message = encoding.toUint8Array(encoder);
		const fromPeer = origin === room;
		room.webrtcConns.forEach((conn) => {
			const channel = conn.peer._channel;
			if (skip && channel === skip) return;
			if (fromPeer && channel && !forwardsTo(channel)) return;
			try {
				conn.peer.send(message);
			} catch {
				// a closing connection: y-webrtc drops it
			}
		});
	};
	doc.off('update', room._docUpdateHandler);
	room._docUpdateHandler = handler; // y-webrtc's connect/disconnect register and remove this one from now on
	if (provider.shouldConnect) doc.on('update', handler); // connected: the room is listening now
	doc.on('beforeTransaction', beforeTransaction);
	return () => doc.off('beforeTransaction', beforeTransaction);
}
