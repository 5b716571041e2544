import { describe, expect, it } from 'vitest';
import { actorOf, firstRecord, importedRecord } from '$lib/storage/device-identity';
import { createIdentity } from '$lib/storage/identity';
import { defaultColorOf, parseLegacyActor } from '$lib/storage/member-profile';

/**
 * This device's member (issue 15 item 1), as made on first use from the user the device had before,
 * and as replaced by an imported identity. (Storing it is IndexedDB's: tests/e2e/identity.spec.ts.)
 */
describe("a device's first identity", () => {
	it("takes over the earlier user: its name, whether it was chosen, and its id as an alias", async () => {
		const made = await createIdentity('Ed25519');
		const legacy = parseLegacyActor(JSON.stringify({ id: 'k3Jd93kdLs0aPq2Z', name: 'Ada', named: true }));
		const first = firstRecord(made, legacy, 1000);
		expect(first).toMatchObject({ memberId: made.memberId, name: 'Ada', named: true, aliases: ['k3Jd93kdLs0aPq2Z'], createdAt: 1000 });
		expect(first.color).toBe(defaultColorOf(made.memberId));
		expect(first.privateKey).toBe(made.privateKey);
		expect(actorOf(first)).toEqual({ id: made.memberId, name: 'Ada' });
	});

	it('on a new device: the default name, not yet chosen, no aliases', async () => {
		const made = await createIdentity('ECDSA-P256');
		expect(firstRecord(made, null, 5)).toMatchObject({ memberId: made.memberId, algorithm: 'ECDSA-P256', name: 'Annotator', named: false, aliases: [], createdAt: 5 });
		// An earlier user never named keeps the question open.
		const unnamed = parseLegacyActor(JSON.stringify({ id: 'k3Jd93kdLs0aPq2Z', name: 'Annotator' }));
		expect(firstRecord(made, unnamed, 5)).toMatchObject({ named: false, aliases: ['k3Jd93kdLs0aPq2Z'] });
	});
});

describe('an imported identity', () => {
	it("replaces the device's keys and profile; the replaced member joins the aliases, newest first, at most 8", async () => {
		const mine = { ...firstRecord(await createIdentity('Ed25519'), null, 1), name: 'Bo', named: true, aliases: ['o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8'] };
		const theirs = await createIdentity('Ed25519');
		const next = importedRecord(mine, { ...theirs, name: 'Ada', color: '#7c3aed' }, 99);
		expect(next).toMatchObject({ memberId: theirs.memberId, name: 'Ada', named: true, color: '#7c3aed', createdAt: 99 });
		expect(next.privateKey).toBe(theirs.privateKey);
		expect(next.publicKey).toEqual(theirs.publicKey);
		expect(next.aliases).toEqual([mine.memberId, 'o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7']);
	});

	it("from a file without a name or colour: this device's name stays, the member's default colour", async () => {
		const mine = { ...firstRecord(await createIdentity('Ed25519'), null, 1), name: 'Bo', named: true, color: '#123456' };
		const theirs = await createIdentity('Ed25519');
		expect(importedRecord(mine, theirs, 2)).toMatchObject({ name: 'Bo', named: true, color: defaultColorOf(theirs.memberId), aliases: [mine.memberId] });
		const unnamed = firstRecord(await createIdentity('Ed25519'), null, 1);
		expect(importedRecord(unnamed, theirs, 2)).toMatchObject({ name: 'Annotator', named: false });
	});

	it('the same member again: only its profile changes; no alias of itself, the same creation time and colour', async () => {
		const made = await createIdentity('Ed25519');
		const mine = { ...firstRecord(made, null, 1), color: '#123456', aliases: ['old'] };
		expect(importedRecord(mine, made, 2)).toMatchObject({ memberId: made.memberId, color: '#123456', aliases: ['old'], createdAt: 1 });
		expect(importedRecord(mine, { ...made, name: 'Ada' }, 2)).toMatchObject({ name: 'Ada', named: true, aliases: ['old'] });
	});
});
