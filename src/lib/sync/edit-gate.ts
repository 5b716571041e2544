import * as decoding from 'lib0/decoding';
import type { InboundGate } from './framed-channel';

/**
 * What a device applies from one peer connection. y-webrtc 10.3.0's messages start with a varuint type:
 * 0 sync (then 0 step 1: "send me what I lack", 1 step 2: the answer, 2 update), 1 awareness, 3 query
 * awareness, 4 a BroadcastChannel peer id (never sent over WebRTC). Step 2 and update carry document
 * changes; everything else only asks for state or carries presence.
 *
 * An editor applies changes only from a peer that has proven the edit secret (edit-proof.ts). Until
 * the proof is settled, such messages are held (bounded); once proven they are delivered in order, once
 * refused they are dropped. When the bound is passed, the held messages are dropped and `missed` is
 * set: the sync asks the peer again, once proven, for everything this device lacks (sync step 1).
 * A viewer's gate is open: it applies what editors send (it cannot check their proofs).
 */

export type MessageKind = 'step1' | 'step2' | 'update' | 'awareness' | 'query-awareness' | 'bc-peer-id' | 'unknown';

export function messageKind(message: Uint8Array): MessageKind {
	try {
		const decoder = decoding.createDecoder(message);
		switch (decoding.readVarUint(decoder)) {
			case 0:
				return (['step1', 'step2', 'update'] as const)[decoding.readVarUint(decoder)] ?? 'unknown';
			case 1:
				return 'awareness';
			case 3:
				return 'query-awareness';
			case 4:
				return 'bc-peer-id';
		}
	} catch {
		// cut short: not a message y-webrtc sends
	}
	return 'unknown';
}

const changesDocument = (kind: MessageKind) => kind === 'step2' || kind === 'update';

export type GateState = 'open' | 'waiting' | 'proven' | 'refused';

export const HOLD_LIMITS = { messages: 512, bytes: 64 * 1024 * 1024 };

export class EditGate implements InboundGate {
	state: GateState;
	/** Changes were dropped while waiting (over the bound): ask the peer again once proven. */
	missed = false;
	private held: { message: ArrayBuffer; deliver: (m: ArrayBuffer) => void }[] = [];
	private heldBytes = 0;

	constructor(
		editor: boolean,
		private readonly limits = HOLD_LIMITS
	) {
		this.state = editor ? 'waiting' : 'open';
	}

	receive(message: ArrayBuffer, deliver: (m: ArrayBuffer) => void): void {
		const kind = messageKind(new Uint8Array(message));
		if (kind === 'bc-peer-id' || kind === 'unknown') return;
		if (!changesDocument(kind) || this.state === 'open' || this.state === 'proven') return deliver(message);
		if (this.state === 'refused') return;
		if (this.held.length + 1 > this.limits.messages || this.heldBytes + message.byteLength > this.limits.bytes) {
			this.held = [];
			this.heldBytes = 0;
			this.missed = true;
			return;
		}
		this.held.push({ message, deliver });
		this.heldBytes += message.byteLength;
	}

	/** The peer proved the edit secret: what it sent so far is applied, in order. Returns `missed`. */
	prove(): boolean {
		if (this.state !== 'waiting') return false;
		this.state = 'proven';
		const held = this.held;
		this.held = [];
		this.heldBytes = 0;
		for (const { message, deliver } of held) deliver(message);
		return this.missed;
	}

	/** The peer cannot prove it: nothing it changes is applied. */
	refuse(): void {
		if (this.state !== 'waiting') return;
		this.state = 'refused';
		this.held = [];
		this.heldBytes = 0;
	}
}
