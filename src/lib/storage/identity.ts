/**
 * A member's identity (issue 15, item 1): a signing key pair made once per device, its public key naming
 * the member everywhere (the member id is derived from it, so nobody can claim another's id without its
 * private key), signatures over the records a member authors, and a passphrase-protected file that moves
 * the identity to another device. WebCrypto only: Ed25519 where the browser has it, ECDSA P-256 where it
 * lacks it. The private key never leaves this module unencrypted.
 */

import { checkColor, checkName, validOrUndefined, type MemberProfile } from './member-profile';

export type SigningAlgorithm = 'Ed25519' | 'ECDSA-P256';

export interface Identity {
	memberId: string;
	algorithm: SigningAlgorithm;
	/** The raw public key (32 bytes for Ed25519, 65 uncompressed for P-256). */
	publicKey: Uint8Array;
	privateKey: CryptoKey;
}

/** Why an identity file was refused, said so a person can act on it. */
export class IdentityFileError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'IdentityFileError';
	}
}

const MEMBER_ID_CONTEXT = 'peerlabel-member-v1';
const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HALF_LIMIT = 62 ** 8;
const PUBLIC_KEY_BYTES: Record<SigningAlgorithm, number> = { Ed25519: 32, 'ECDSA-P256': 65 };
/** OWASP's figure for PBKDF2-HMAC-SHA256 (2023); a file naming fewer or far more is refused. */
export const PBKDF2_ITERATIONS = 600_000;
const MIN_ITERATIONS = 100_000;
const MAX_ITERATIONS = 10_000_000;
/** An identity file is a few hundred bytes: anything much larger is not one. */
const MAX_FILE_BYTES = 16 * 1024;
const FILE_KIND = 'peerlabel-identity';

function keyParams(algorithm: SigningAlgorithm): EcKeyImportParams | Algorithm {
	return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', namedCurve: 'P-256' };
}

function signParams(algorithm: SigningAlgorithm): Algorithm | EcdsaParams {
	return algorithm === 'Ed25519' ? { name: 'Ed25519' } : { name: 'ECDSA', hash: 'SHA-256' };
}

const bytes = (b: ArrayBuffer | Uint8Array) => (b instanceof Uint8Array ? b : new Uint8Array(b));
const buffer = (b: Uint8Array) => b.slice().buffer as ArrayBuffer;

/**
 * The member id of a public key: 16 base-62 digits (the app's id format, ~95 bits) of
 * SHA-256("peerlabel-member-v1" ‖ 0 ‖ algorithm ‖ 0 ‖ raw public key), the first 6 bytes and the next 6
 * read as big-endian numbers, each taken modulo 62^8 and written as 8 digits. Every peer computes the
 * same id from the same key: tests pin known answers.
 */
export async function memberIdOf(algorithm: SigningAlgorithm, publicKey: Uint8Array): Promise<string> {
	const prefix = new TextEncoder().encode(`${MEMBER_ID_CONTEXT}\0${algorithm}\0`);
	const input = new Uint8Array(prefix.length + publicKey.length);
	input.set(prefix);
	input.set(publicKey, prefix.length);
	const digest = bytes(await crypto.subtle.digest('SHA-256', input));
	const number = (at: number) => digest.slice(at, at + 6).reduce((n, b) => n * 256 + b, 0) % HALF_LIMIT;
	const digits = (n: number) => {
		let out = '';
		for (let i = 0; i < 8; i++, n = Math.floor(n / 62)) out = BASE62[n % 62] + out;
		return out;
	};
	return digits(number(0)) + digits(number(6));
}

/** Whether this browser signs with Ed25519 (Chromium 137+, Firefox 129+, Safari 17+). */
export async function supportsEd25519(): Promise<boolean> {
	try {
		await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
		return true;
	} catch {
		return false;
	}
}

/** Makes a new identity: Ed25519 where supported, else ECDSA P-256. */
export async function createIdentity(algorithm?: SigningAlgorithm): Promise<Identity> {
	const chosen = algorithm ?? ((await supportsEd25519()) ? 'Ed25519' : 'ECDSA-P256');
	// Extractable only so that the owner can move it in an encrypted file (exportIdentity).
	const pair = (await crypto.subtle.generateKey(keyParams(chosen), true, ['sign', 'verify'])) as CryptoKeyPair;
	const publicKey = bytes(await crypto.subtle.exportKey('raw', pair.publicKey));
	return { memberId: await memberIdOf(chosen, publicKey), algorithm: chosen, publicKey, privateKey: pair.privateKey };
}

export async function sign(identity: Identity, data: Uint8Array): Promise<Uint8Array> {
	return bytes(await crypto.subtle.sign(signParams(identity.algorithm), identity.privateKey, buffer(data)));
}

/**
 * Whether `signature` over `data` was made by the holder of `publicKey`. Never throws: a key or a
 * signature of the wrong shape (from a peer, a stored record) is simply not verified.
 */
export async function verify(algorithm: SigningAlgorithm, publicKey: Uint8Array, data: Uint8Array, signature: Uint8Array): Promise<boolean> {
	if (PUBLIC_KEY_BYTES[algorithm] !== publicKey.length || signature.length > 256) return false;
	try {
		const key = await crypto.subtle.importKey('raw', buffer(publicKey), keyParams(algorithm), false, ['verify']);
		return await crypto.subtle.verify(signParams(algorithm), key, buffer(signature), buffer(data));
	} catch {
		return false;
	}
}

const toBase64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));
function fromBase64(s: unknown, what: string): Uint8Array {
	if (typeof s !== 'string' || s.length > 8192) throw new IdentityFileError(`The identity file is damaged (${what})`);
	try {
		return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
	} catch {
		throw new IdentityFileError(`The identity file is damaged (${what})`);
	}
}

async function wrappingKey(passphrase: string, salt: Uint8Array, iterations: number): Promise<CryptoKey> {
	const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(passphrase.normalize('NFC')), 'PBKDF2', false, ['deriveKey']);
	return crypto.subtle.deriveKey({ name: 'PBKDF2', hash: 'SHA-256', salt: buffer(salt), iterations }, material, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * The identity as a file to move it to another device: the private key (PKCS #8) encrypted with
 * AES-256-GCM under a key derived from the passphrase (PBKDF2-SHA256), the public parts in clear, and
 * bound to them (the member id is the GCM's additional data). The member's name and colour, when given,
 * are written in clear beside them (optional fields of version 1: files without them read as before, and
 * readers that predate them ignore them); they are not bound to the key, being only what the member shows.
 */
export async function exportIdentity(
	identity: Identity,
	passphrase: string,
	iterations = PBKDF2_ITERATIONS,
	profile: Partial<MemberProfile> = {}
): Promise<Uint8Array> {
	if (passphrase.length < 8) throw new IdentityFileError('A passphrase has at least 8 characters');
	const salt = crypto.getRandomValues(new Uint8Array(16));
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const pkcs8 = bytes(await crypto.subtle.exportKey('pkcs8', identity.privateKey));
	const key = await wrappingKey(passphrase, salt, iterations);
	const sealed = bytes(await crypto.subtle.encrypt({ name: 'AES-GCM', iv: buffer(iv), additionalData: buffer(new TextEncoder().encode(identity.memberId)) }, key, buffer(pkcs8)));
	const file = {
		kind: FILE_KIND,
		version: 1,
		memberId: identity.memberId,
		algorithm: identity.algorithm,
		publicKey: toBase64(identity.publicKey),
		kdf: { name: 'PBKDF2-SHA256', iterations, salt: toBase64(salt) },
		cipher: { name: 'AES-256-GCM', iv: toBase64(iv), data: toBase64(sealed) },
		name: profile.name === undefined ? undefined : checkName(profile.name),
		color: profile.color === undefined ? undefined : checkColor(profile.color)
	};
	return new TextEncoder().encode(JSON.stringify(file, null, '\t'));
}

/** An identity read from a file, with the name and colour the file gave (absent, or not valid: undefined). */
export type ImportedIdentity = Identity & Partial<MemberProfile>;

/** Reads an identity file with its passphrase; refuses, saying why, a file that is not one, damaged, or a wrong passphrase. */
export async function importIdentity(file: Uint8Array, passphrase: string): Promise<ImportedIdentity> {
	if (file.length > MAX_FILE_BYTES) throw new IdentityFileError('This is not a Peerlabel identity file (it is too large)');
	let parsed: Record<string, unknown>;
	try {
		parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file)) as Record<string, unknown>;
	} catch {
		throw new IdentityFileError('This is not a Peerlabel identity file');
	}
	if (parsed === null || typeof parsed !== 'object' || parsed.kind !== FILE_KIND) throw new IdentityFileError('This is not a Peerlabel identity file');
	if (parsed.version !== 1) throw new IdentityFileError('This identity file was saved by a newer version of Peerlabel: update the app to read it');
	const algorithm = parsed.algorithm;
	if (algorithm !== 'Ed25519' && algorithm !== 'ECDSA-P256') throw new IdentityFileError('The identity file is damaged (its key type)');
	const kdf = parsed.kdf as Record<string, unknown> | undefined;
	const cipher = parsed.cipher as Record<string, unknown> | undefined;
	const iterations = kdf?.iterations;
	if (kdf?.name !== 'PBKDF2-SHA256' || cipher?.name !== 'AES-256-GCM' || !Number.isSafeInteger(iterations) || (iterations as number) < MIN_ITERATIONS || (iterations as number) > MAX_ITERATIONS)
		throw new IdentityFileError('The identity file is damaged (its protection)');
	const publicKey = fromBase64(parsed.publicKey, 'its public key');
	if (publicKey.length !== PUBLIC_KEY_BYTES[algorithm]) throw new IdentityFileError('The identity file is damaged (its public key)');
	const memberId = await memberIdOf(algorithm, publicKey);
	if (parsed.memberId !== memberId) throw new IdentityFileError('The identity file is damaged (its member id does not match its key)');
	const key = await wrappingKey(passphrase, fromBase64(kdf.salt, 'its salt'), iterations as number);
	let pkcs8: Uint8Array;
	try {
		pkcs8 = bytes(
			await crypto.subtle.decrypt(
				{ name: 'AES-GCM', iv: buffer(fromBase64(cipher.iv, 'its iv')), additionalData: buffer(new TextEncoder().encode(memberId)) },
				key,
				buffer(fromBase64(cipher.data, 'its key'))
			)
		);
	} catch (e) {
		if (e instanceof IdentityFileError) throw e;
		throw new IdentityFileError('Wrong passphrase (or the file was changed)');
	}
	const privateKey = await crypto.subtle.importKey('pkcs8', buffer(pkcs8), keyParams(algorithm), true, ['sign']).catch(() => {
		throw new IdentityFileError('The identity file is damaged (its private key)');
	});
	const identity: Identity = { memberId, algorithm, publicKey, privateKey };
	// The private key must be the public key's: a signature made with it verifies.
	const probe = new TextEncoder().encode(memberId);
	if (!(await verify(algorithm, publicKey, probe, await sign(identity, probe)))) throw new IdentityFileError('The identity file is damaged (its keys do not belong together)');
	// Only shown, never trusted: a malformed name or colour is dropped, not a reason to refuse the identity.
	return { ...identity, name: validOrUndefined(checkName, parsed.name), color: validOrUndefined(checkColor, parsed.color) };
}
