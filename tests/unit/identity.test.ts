import { describe, expect, it } from 'vitest';
import { createIdentity, exportIdentity, IdentityFileError, importIdentity, memberIdOf, sign, verify, type SigningAlgorithm } from '$lib/storage/identity';

/**
 * A member's signing identity (issue 15 item 1): the member id every peer derives from a public key
 * (known answers, computed apart with Python's hashlib), signatures, and the passphrase-protected file
 * that moves an identity to another device. Real WebCrypto (Node's), both key types.
 */
const hex = (s: string) => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
const text = (s: string) => new TextEncoder().encode(s);

describe('member id', () => {
	it('is the same on every peer for the same key: known answers', async () => {
		// RFC 8032's first test public key.
		expect(await memberIdOf('Ed25519', hex('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a'))).toBe('S4dhioPysueFgRnE');
		expect(await memberIdOf('Ed25519', Uint8Array.from({ length: 32 }, (_, i) => i))).toBe('z2cHpwumugZVDdai');
		expect(await memberIdOf('ECDSA-P256', Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i - 1)))).toBe('FaSXOEBu0xdFOsub');
	});

	it('depends on the key type too, and is an id of the app (16 base-62 digits)', async () => {
		const key = Uint8Array.from({ length: 32 }, (_, i) => i);
		const id = await memberIdOf('Ed25519', key);
		expect(id).toMatch(/^[0-9a-zA-Z]{16}$/);
		expect(await memberIdOf('ECDSA-P256', key)).not.toBe(id);
	});
});

describe.each<SigningAlgorithm>(['Ed25519', 'ECDSA-P256'])('an identity signing with %s', (algorithm) => {
	it('signs what only its key verifies; a changed byte, another key or a malformed signature does not verify', async () => {
		const a = await createIdentity(algorithm);
		const b = await createIdentity(algorithm);
		expect(a.memberId).toBe(await memberIdOf(algorithm, a.publicKey));
		expect(a.memberId).not.toBe(b.memberId);
		const data = text('comment c1: "loose outline" on image i1');
		const signature = await sign(a, data);
		expect(await verify(algorithm, a.publicKey, data, signature)).toBe(true);
		expect(await verify(algorithm, a.publicKey, text('comment c1: "tight outline" on image i1'), signature)).toBe(false);
		expect(await verify(algorithm, b.publicKey, data, signature)).toBe(false);
		expect(await verify(algorithm, a.publicKey, data, signature.slice(1))).toBe(false);
		expect(await verify(algorithm, a.publicKey.slice(1), data, signature)).toBe(false);
		expect(await verify(algorithm, new Uint8Array(a.publicKey.length), data, signature)).toBe(false);
	});

	it('moves to another device in a passphrase-protected file: same member, same signatures', async () => {
		const a = await createIdentity(algorithm);
		const file = await exportIdentity(a, 'correct horse battery', 100_000);
		// The private key is not in the file in clear.
		const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', a.privateKey));
		expect(new TextDecoder().decode(file)).not.toContain(btoa(String.fromCharCode(...pkcs8)).slice(0, 40));
		const moved = await importIdentity(file, 'correct horse battery');
		expect(moved.memberId).toBe(a.memberId);
		expect(moved.algorithm).toBe(algorithm);
		const data = text('review: accepted');
		expect(await verify(algorithm, a.publicKey, data, await sign(moved, data))).toBe(true);
	});
});

describe('an identity file', () => {
	async function fileOf(change?: (f: Record<string, any>) => void): Promise<Uint8Array> {
		const file = JSON.parse(new TextDecoder().decode(await exportIdentity(await createIdentity('Ed25519'), 'correct horse battery', 100_000)));
		change?.(file);
		return text(JSON.stringify(file));
	}
	const refusal = async (file: Uint8Array, passphrase = 'correct horse battery') => {
		try {
			await importIdentity(file, passphrase);
			return 'accepted';
		} catch (e) {
			expect(e).toBeInstanceOf(IdentityFileError);
			return (e as Error).message;
		}
	};

	it('is refused, saying why: a wrong passphrase, another file, a newer version, a changed key or member id', async () => {
		expect(await refusal(await fileOf(), 'wrong horse battery')).toBe('Wrong passphrase (or the file was changed)');
		expect(await refusal(text('{"images": []}'))).toBe('This is not a Peerlabel identity file');
		expect(await refusal(text('\u00ff\u00fe not json'))).toBe('This is not a Peerlabel identity file');
		expect(await refusal(new Uint8Array(20_000))).toBe('This is not a Peerlabel identity file (it is too large)');
		expect(await refusal(await fileOf((f) => (f.version = 2)))).toMatch(/newer version of Peerlabel/);
		expect(await refusal(await fileOf((f) => (f.memberId = 'S4dhioPysueFgRnE')))).toBe('The identity file is damaged (its member id does not match its key)');
		const other = JSON.parse(new TextDecoder().decode(await fileOf()));
		expect(await refusal(await fileOf((f) => ((f.publicKey = other.publicKey), (f.memberId = other.memberId))))).toBe('Wrong passphrase (or the file was changed)');
		expect(await refusal(await fileOf((f) => (f.kdf.iterations = 10)))).toBe('The identity file is damaged (its protection)');
		expect(await refusal(await fileOf((f) => (f.kdf.iterations = 100_000_000)))).toBe('The identity file is damaged (its protection)');
		expect(await refusal(await fileOf((f) => (f.cipher.data = '!!')))).toBe('The identity file is damaged (its key)');
	});

	it('needs a passphrase of 8 characters or more, and a passphrase at the boundary is taken', async () => {
		const a = await createIdentity('Ed25519');
		await expect(exportIdentity(a, '1234567', 100_000)).rejects.toThrow('A passphrase has at least 8 characters');
		expect((await importIdentity(await exportIdentity(a, '12345678', 100_000), '12345678')).memberId).toBe(a.memberId);
	});
});

describe('the name and colour an identity file carries', () => {
	// Saved by the first version of the file (before names and colours), passphrase 'correct horse battery'.
	const FIRST_VERSION_FILE =
		'{"kind":"peerlabel-identity","version":1,"memberId":"1Bq7nYSe0FKc8oc7","algorithm":"Ed25519","publicKey":"z+jCeoLnOqeEwz4/WufCGKbKV4CjlRnPtO0qmrUU7Ro=","kdf":{"name":"PBKDF2-SHA256","iterations":100000,"salt":"WyHYCmYzw07/ppNtgx9uEw=="},"cipher":{"name":"AES-256-GCM","iv":"zrzOfpNnWoULVY1X","data":"iH18aZR0UrntwmhAbUQIPNotRI1vL+rl0LTUBD6sJLYiKAkpUKedX9cL1z9QavOz2Hg9bX4kveGVVBvmeChorQ=="}}';

	it('a file saved before names and colours still reads: same member, no name, no colour', async () => {
		const read = await importIdentity(text(FIRST_VERSION_FILE), 'correct horse battery');
		expect(read.memberId).toBe('1Bq7nYSe0FKc8oc7');
		expect(read.name).toBeUndefined();
		expect(read.color).toBeUndefined();
		const data = text('still signs');
		expect(await verify('Ed25519', read.publicKey, data, await sign(read, data))).toBe(true);
	});

	it('travels with the identity, trimmed and in lower case; without a profile the file has neither field', async () => {
		const a = await createIdentity('Ed25519');
		const file = await exportIdentity(a, 'correct horse battery', 100_000, { name: '  Ada Lovelace ', color: '#2563EB' });
		const parsed = JSON.parse(new TextDecoder().decode(file));
		expect([parsed.version, parsed.name, parsed.color]).toEqual([1, 'Ada Lovelace', '#2563eb']);
		const read = await importIdentity(file, 'correct horse battery');
		expect([read.memberId, read.name, read.color]).toEqual([a.memberId, 'Ada Lovelace', '#2563eb']);
		const bare = JSON.parse(new TextDecoder().decode(await exportIdentity(a, 'correct horse battery', 100_000)));
		expect('name' in bare || 'color' in bare).toBe(false);
	});

	it('is only shown, never trusted: a malformed name or colour is dropped and the identity still reads; a bad one is refused on export', async () => {
		const a = await createIdentity('Ed25519');
		const file = JSON.parse(new TextDecoder().decode(await exportIdentity(a, 'correct horse battery', 100_000, { name: 'Ada', color: '#2563eb' })));
		for (const [name, color] of [
			['', 'blue'],
			['x'.repeat(41), '#12345'],
			[42, { r: 1 }]
		]) {
			const read = await importIdentity(text(JSON.stringify({ ...file, name, color })), 'correct horse battery');
			expect([read.memberId, read.name, read.color]).toEqual([a.memberId, undefined, undefined]);
		}
		// Another name in clear does not change the member (its key) and does not break the passphrase.
		expect((await importIdentity(text(JSON.stringify({ ...file, name: 'Mallory' })), 'correct horse battery')).name).toBe('Mallory');
		await expect(exportIdentity(a, 'correct horse battery', 100_000, { name: '   ' })).rejects.toThrow('A name is needed');
		await expect(exportIdentity(a, 'correct horse battery', 100_000, { color: 'red' })).rejects.toThrow(/#rrggbb/);
	});
});
