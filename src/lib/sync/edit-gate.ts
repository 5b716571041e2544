import * as decoding from 'lib0/decoding';
import type { InboundGate } from './framed-channel';
import { yieldToEventLoop } from '$lib/storage/chunked-load';
import { JOIN_PARTS } from './join-parts';

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
 *
 * Held messages are delivered one per task (a large project arrives in many parts: applied all in one
 * task they would freeze the page as one whole document did); changes arriving meanwhile queue behind.
 * Peerlabel's own announcement of a document sent in parts (join-parts.ts) passes: it changes nothing.
 */

export type MessageKind = 'step1' | 'step2' | 'update' | 'awareness' | 'query-awareness' | 'bc-peer-id' | 'join-parts' | 'unknown';

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
			case JOIN_PARTS:
				return 'join-parts';
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
	/** Called once if the peer cannot prove edit rights. */
	onrefused: (() => void) | null = null;
	private held: { message: ArrayBuffer; deliver: (m: ArrayBuffer) => void }[] = [];
	private heldBytes = 0;
	/** Delivering what was held, one message per task; resolves when done. */
	private draining: Promise<void> | null = null;
	private isDraining = false;

	constructor(
		editor: boolean,
		private readonly limits = HOLD_LIMITS,
		private readonly nextTask: () => Promise<void> = yieldToEventLoop
	) {
		this.state = editor ? 'waiting' : 'open';
	}

	receive(message: ArrayBuffer, deliver: (m: ArrayBuffer) => void): void {
		const kind = messageKind(new Uint8Array(message));
		if (kind === 'bc-peer-id' || kind === 'unknown') return;
		if (this.isDraining && changesDocument(kind)) {
			this.held.push({ message, deliver });
			return;
		}
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

	/**
	 * The peer proved the edit secret: what it sent so far is applied, in order, one message per task
	 * (the first at once). Returns `missed`.
	 */
	prove(): boolean {
		if (this.state !== 'waiting') return false;
		this.state = 'proven';
		this.heldBytes = 0;
		if (this.held.length) {
			this.isDraining = true;
			this.draining = this.drain();
		}
		return this.missed;
	}

	/** Resolves once everything held so far has been delivered. */
	drained(): Promise<void> {
		return this.isDraining && this.draining ? this.draining : Promise.resolve();
	}

	private async drain() {
		for (let first = true; this.held.length; first = false) {
			if (!first) await this.nextTask();
			const { message, deliver } = this.held.shift()!;
			try {
				deliver(message);
			} catch (error) {
				console.error('A change from a peer could not be applied', error);
			}
		}
		this.isDraining = false;
	}

	/** The peer cannot prove it: nothing it changes is applied. */
	refuse(): void {
		if (this.state !== 'waiting') return;
		this.state = 'refused';
		this.held = [];
		this.heldBytes = 0;
		this.onrefused?.();
	}
}
