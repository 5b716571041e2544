import { checkProof, dtlsFingerprint, makeProof, NONCE_BYTES, PROOF_BYTES, SECRET_ID_BYTES, type ProofParts } from './edit-keys';
import type { EditGate } from './edit-gate';

/**
 * The edit proof of one peer connection, on its own negotiated data channel (peer-connection.ts).
 * Each editor sends a fresh nonce with the id of its edit secret; an editor that knows the secret
 * named answers with an HMAC over both nonces and both DTLS fingerprints (edit-keys.ts). A viewer, or
 * an editor that does not know the secret named, says it cannot prove it. The answer settles this
 * device's gate for that peer: proven, its changes apply; otherwise they are dropped.
 *
 * When a device names an edit secret that was replaced ("old edit links can only view"), an editor
 * that kept it proves with it and says it is retired: that device then knows, from someone who
 * holds its secret, that it only views now (`onRetired`), and applies that editor's changes.
 */

const NONCE = 1;
const PROOF = 2;
const CANNOT = 3;

/** This device's edit secrets, prepared: the current one, and replaced ones it may answer for. */
export interface EditKeys {
	current: { id: Uint8Array; key: CryptoKey };
	retired: { id: Uint8Array; key: CryptoKey }[];
}

/** What the proof needs of a data channel (RTCDataChannel has it; unit tests pass a pair of fakes). */
export interface ProofChannel {
	readonly readyState: RTCDataChannelState;
	send(data: ArrayBuffer): void;
	addEventListener(type: 'open' | 'message', fn: (ev: Event) => void): void;
}

export interface ProofEvents {
	/** The peer proved it: `missed` when held changes had to be dropped (ask it again). */
	onProven(missed: boolean): void;
	/** A peer holding this device's edit secret says it has been replaced. */
	onRetired(): void;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export class EditProof {
	private readonly nonce = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
	private theirNonce: Uint8Array | null = null;
	private sent = false;
	private answered = false;
	private checked = false;

	constructor(
		private readonly channel: ProofChannel,
		private readonly keys: EditKeys | null,
		private readonly gate: EditGate,
		/** This connection's DTLS fingerprints, once both descriptions are set (read when needed). */
		private readonly fingerprints: () => { local: string; remote: string },
		private readonly events: ProofEvents
	) {
		channel.addEventListener('open', () => this.hello());
		channel.addEventListener('message', (ev) => void this.receive((ev as MessageEvent).data));
		if (channel.readyState === 'open') this.hello();
	}

	private hello() {
		if (this.sent) return;
		this.sent = true;
		this.send(this.keys ? concat([NONCE], this.nonce, this.keys.current.id) : new Uint8Array([CANNOT]));
	}

	private send(bytes: Uint8Array<ArrayBuffer>) {
		try {
			this.channel.send(bytes.buffer);
		} catch {
			// the connection is closing: y-webrtc drops it
		}
	}

	private async receive(data: unknown) {
		const bytes =
			data instanceof ArrayBuffer ? new Uint8Array(data) : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null;
		if (!bytes) return this.gate.refuse();
		const type = bytes[0];
		if (type === NONCE && bytes.length === 1 + NONCE_BYTES + SECRET_ID_BYTES && !this.theirNonce) {
			const nonce = bytes.slice(1, 1 + NONCE_BYTES);
			// Our own nonce sent back would make our proof to them the proof they owe us.
			if (equal(nonce, this.nonce)) return this.gate.refuse();
			this.theirNonce = nonce;
			await this.answer(bytes.subarray(1 + NONCE_BYTES));
		} else if (type === PROOF && bytes.length === 2 + PROOF_BYTES && this.theirNonce && this.keys && !this.checked) {
			this.checked = true;
			const retired = bytes[1] === 1;
			const ok = await checkProof(this.keys.current.key, this.parts('verify', retired), bytes.slice(2));
			if (!ok) return this.gate.refuse();
			this.events.onProven(this.gate.prove());
			if (retired) this.events.onRetired();
		} else this.gate.refuse(); // a viewer, a secret we do not share, or anything out of turn
	}

	/** Proves to the peer the secret it named, when this device holds it. */
	private async answer(theirId: Uint8Array) {
		if (this.answered) return;
		this.answered = true;
		const keys = this.keys;
		const current = keys && equal(keys.current.id, theirId) ? keys.current : null;
		const retired = keys?.retired.find((k) => equal(k.id, theirId)) ?? null;
		const secret = current ?? retired;
		if (!secret) return this.send(new Uint8Array([CANNOT]));
		const proof = await makeProof(secret.key, this.parts('prove', !current));
		this.send(concat([PROOF, current ? 0 : 1], proof));
		// Our secret differs from theirs: their proof (if any) cannot match ours, nothing to wait for.
		if (!current) this.gate.refuse();
	}

	private parts(role: 'prove' | 'verify', retired: boolean): ProofParts {
		const { local, remote } = this.fingerprints();
		const mine = { nonce: this.nonce, fingerprint: local };
		const theirs = { nonce: this.theirNonce!, fingerprint: remote };
		const [verifier, prover] = role === 'verify' ? [mine, theirs] : [theirs, mine];
		return {
			verifierNonce: verifier.nonce,
			proverNonce: prover.nonce,
			verifierFingerprint: verifier.fingerprint,
			proverFingerprint: prover.fingerprint,
			retired
		};
	}
}

/** The fingerprints of a connection: its local and remote certificates' (from the SDP). */
export function connectionFingerprints(pc: RTCPeerConnection): { local: string; remote: string } {
	return { local: dtlsFingerprint(pc.localDescription?.sdp), remote: dtlsFingerprint(pc.remoteDescription?.sdp) };
}

function concat(head: number[], ...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
	const out = new Uint8Array(head.length + parts.reduce((n, p) => n + p.length, 0));
	out.set(head);
	let at = head.length;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
