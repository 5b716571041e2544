import { fromBase64Url, toBase64Url } from './base64url';

/**
 * The derivations every editor must agree on (fixed labels; tests/unit/edit-keys.test.ts holds known
 * answers, so a change here that would split old and new devices fails there first):
 * - legacyEditSecret: the edit secret of a project shared before view links, from its one key
 *   (everyone holding that key was an editor, and stays one without any action);
 * - editSecretId: names an edit secret on the wire without revealing it, so that a device holding an
 *   edit secret that was replaced can be told so by one who knows both (see edit-proof.ts);
 * - proofKey: the HMAC key of the proofs;
 * - proof: HMAC-SHA256 over a transcript with both nonces and both DTLS certificate fingerprints of
 *   the connection, always verifier first: a proof answers one challenge, on one connection, in one
 *   direction, so it cannot be replayed, reflected back, or relayed by a peer in the middle.
 */

const LEGACY_EDIT_LABEL = 'peerlabel-legacy-edit-v1';
const SECRET_ID_LABEL = 'peerlabel-edit-id-v1';
const PROOF_KEY_LABEL = 'peerlabel-edit-proof-key-v1';
const PROOF_LABEL = 'peerlabel-edit-proof-v1';

export const NONCE_BYTES = 32;
export const SECRET_ID_BYTES = 16;
export const PROOF_BYTES = 32;

const text = new TextEncoder();

function secretBytes(secret: string): Uint8Array<ArrayBuffer> {
	const bytes = fromBase64Url(secret);
	if (!bytes?.length) throw new Error('The stored edit key is damaged: ask for a new edit link.');
	return bytes;
}

async function hkdf(ikm: Uint8Array<ArrayBuffer>, label: string, bytes: number): Promise<Uint8Array<ArrayBuffer>> {
	const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
	const bits = await crypto.subtle.deriveBits(
		{ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: text.encode(label) },
		key,
		bytes * 8
	);
	return new Uint8Array(bits);
}

export async function legacyEditSecret(key: string): Promise<string> {
	return toBase64Url(await hkdf(secretBytes(key), LEGACY_EDIT_LABEL, 32));
}

export async function editSecretId(secret: string): Promise<Uint8Array<ArrayBuffer>> {
	return hkdf(secretBytes(secret), SECRET_ID_LABEL, SECRET_ID_BYTES);
}

export async function proofKey(secret: string): Promise<CryptoKey> {
	const raw = await hkdf(secretBytes(secret), PROOF_KEY_LABEL, 32);
	return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export interface ProofParts {
	/** The nonce of the side checking the proof, then the prover's. */
	verifierNonce: Uint8Array;
	proverNonce: Uint8Array;
	/** The DTLS certificate fingerprints of this connection: the verifier's, then the prover's. */
	verifierFingerprint: string;
	proverFingerprint: string;
	/** The prover says that the verifier's edit secret has been replaced (it proves with that old one). */
	retired: boolean;
}

/** label ‖ 0 ‖ verifier nonce ‖ prover nonce ‖ len ‖ verifier fingerprint ‖ len ‖ prover fingerprint ‖ retired */
export function proofTranscript(p: ProofParts): Uint8Array<ArrayBuffer> {
	const parts = [text.encode(PROOF_LABEL), new Uint8Array([0]), p.verifierNonce, p.proverNonce];
	for (const fp of [p.verifierFingerprint, p.proverFingerprint]) {
		const bytes = text.encode(fp);
		parts.push(new Uint8Array([bytes.length >> 8, bytes.length & 0xff]), bytes);
	}
	parts.push(new Uint8Array([p.retired ? 1 : 0]));
	const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
	let at = 0;
	for (const b of parts) {
		out.set(b, at);
		at += b.length;
	}
	return out;
}

export async function makeProof(key: CryptoKey, parts: ProofParts): Promise<Uint8Array<ArrayBuffer>> {
	return new Uint8Array(await crypto.subtle.sign('HMAC', key, proofTranscript(parts)));
}

/** Constant-time (WebCrypto's verify). */
export async function checkProof(key: CryptoKey, parts: ProofParts, proof: Uint8Array<ArrayBuffer>): Promise<boolean> {
	if (proof.length !== PROOF_BYTES) return false;
	return crypto.subtle.verify('HMAC', key, proof, proofTranscript(parts));
}

/** The first DTLS fingerprint of a session description, normalised ("sha-256 ab:cd:…"); '' if none. */
export function dtlsFingerprint(sdp: string | undefined | null): string {
	const match = /^a=fingerprint:(\S+) ([0-9A-Fa-f:]+)\s*$/m.exec(sdp ?? '');
	return match ? `${match[1].toLowerCase()} ${match[2].toLowerCase()}` : '';
}
