import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '$lib/sync/base64url';
import { checkProof, dtlsFingerprint, editSecretId, legacyEditSecret, makeProof, proofKey, type ProofParts } from '$lib/sync/edit-keys';
import { roomName } from '$lib/sync/invite';

/**
 * Every device must derive the same values from the same keys, in every version of the app: these
 * known answers were computed apart, with Node's crypto (hkdfSync, createHmac, createHash).
 */
const KEY = toBase64Url(Uint8Array.from({ length: 32 }, (_, i) => i)); // 00 01 … 1f
const SECRET = toBase64Url(Uint8Array.from({ length: 32 }, (_, i) => 255 - i)); // ff fe … e0
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

const parts: ProofParts = {
	verifierNonce: new Uint8Array(32).fill(1),
	proverNonce: new Uint8Array(32).fill(2),
	verifierFingerprint: 'sha-256 aa:bb',
	proverFingerprint: 'sha-256 cc:dd',
	retired: false
};
const PROOF = '7db7e6ba5a3294b0b21299512dd5754ef33f2cde1eaa9c8a2e5c477ab40cfb74';

describe('key derivations (known answers)', () => {
	it('names the room by SHA-256 of a fixed label and the view key', async () => {
		expect(KEY).toBe('AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8');
		expect(await roomName(KEY)).toBe('vC835OUAa7sE55_wszi4qGQazTM3TKsB65ndAroW0eY');
	});

	it('derives the edit secret of a project shared before view links from its one key (HKDF-SHA256)', async () => {
		expect(await legacyEditSecret(KEY)).toBe('DmjH0jKv-r-5pxdt80MAG9vcI3FbTnQxxnWpPyXcz5I');
	});

	it('names an edit secret by an id derived from it, and proves it with an HMAC key derived from it', async () => {
		expect(hex(await editSecretId(SECRET))).toBe('0a4df9266b7bc566e2853793f643f487');
		expect(hex(await makeProof(await proofKey(SECRET), parts))).toBe(PROOF);
	});
});

describe('proofs', () => {
	it('passes with the right secret and fails with another, or with any part of the transcript changed', async () => {
		const key = await proofKey(SECRET);
		const proof = await makeProof(key, parts);
		expect(await checkProof(key, parts, proof)).toBe(true);
		expect(await checkProof(await proofKey(KEY), parts, proof)).toBe(false);
		// Reflected: the same proof sent back to its maker, who checks it with the roles swapped.
		const reflected: ProofParts = {
			...parts,
			verifierNonce: parts.proverNonce,
			proverNonce: parts.verifierNonce,
			verifierFingerprint: parts.proverFingerprint,
			proverFingerprint: parts.verifierFingerprint
		};
		expect(await checkProof(key, reflected, proof)).toBe(false);
		// Replayed on another challenge, or relayed onto another connection (other certificates).
		expect(await checkProof(key, { ...parts, verifierNonce: new Uint8Array(32).fill(3) }, proof)).toBe(false);
		expect(await checkProof(key, { ...parts, verifierFingerprint: 'sha-256 ee:ff' }, proof)).toBe(false);
		expect(await checkProof(key, { ...parts, retired: true }, proof)).toBe(false);
		expect(await checkProof(key, parts, proof.slice(0, 31))).toBe(false);
	});

	it('reads the DTLS fingerprint of a session description', () => {
		const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:SHA-256 AB:CD:0F\r\na=setup:actpass\r\n';
		expect(dtlsFingerprint(sdp)).toBe('sha-256 ab:cd:0f');
		expect(dtlsFingerprint(undefined)).toBe('');
	});

	it('refuses a damaged stored secret with a message', async () => {
		await expect(proofKey('%%')).rejects.toThrow(/edit key is damaged/);
		expect(fromBase64Url('%%')).toBeNull();
	});
});
