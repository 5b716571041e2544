import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ProjectDoc } from '$lib/model';
import { createIdentity, sign, type Identity, type SigningAlgorithm } from '$lib/storage/identity';
import { decide, deleteComment, editComment, joinProject, postReply, postThread, toBase64, type Signer } from '$lib/storage/team-writes';
import { SignatureChecks } from '$lib/storage/signatures';
import { memberPayload } from '$lib/model/team/signing';

/**
 * Issue 15 item 1: a member's comments and review decisions carry its signature, and a record whose
 * signature does not verify is shown as unverified. Real WebCrypto keys (Node's), both key types.
 */

async function member(algorithm: SigningAlgorithm, name: string) {
	const identity = await createIdentity(algorithm);
	const signer: Signer = { sign: (d) => sign(identity, d) };
	const profile = { id: identity.memberId, name, color: '#2266aa', algorithm, publicKey: toBase64(identity.publicKey), aliases: [] };
	return { identity, signer, profile };
}

async function pair(algorithm: SigningAlgorithm) {
	const ana = await member(algorithm, 'Ana');
	const bea = await member(algorithm, 'Bea');
	const a = new ProjectDoc(new Y.Doc(), { id: ana.identity.memberId, name: 'Ana' });
	a.initialize({ name: 'P' });
	const img = a.addImages([{ name: 'a.jpg', hash: 'h', width: 100, height: 100, mime: 'image/jpeg', size: 1 }]);
	if (!img.ok) throw new Error('setup');
	const b = new ProjectDoc(new Y.Doc(), { id: bea.identity.memberId, name: 'Bea' });
	const sync = () => {
		Y.applyUpdate(b.ydoc, Y.encodeStateAsUpdate(a.ydoc, Y.encodeStateVector(b.ydoc)));
		Y.applyUpdate(a.ydoc, Y.encodeStateAsUpdate(b.ydoc, Y.encodeStateVector(a.ydoc)));
	};
	sync();
	await joinProject(a, ana.signer, ana.profile);
	await joinProject(b, bea.signer, bea.profile);
	sync();
	return { a, b, ana, bea, sync, imageId: img.value[0].id };
}

describe.each<SigningAlgorithm>(['Ed25519', 'ECDSA-P256'])('signed team records (%s)', (algorithm) => {
	it('a comment, its edit and a review decision verify on a peer; mentions come from the text', async () => {
		const { a, b, ana, bea, sync, imageId } = await pair(algorithm);
		const thread = await postThread(a, ana.signer, { imageId, anchor: { kind: 'image' }, text: 'Look at this, @Bea' });
		if (!thread.ok) throw new Error(thread.reason);
		sync();
		const checks = new SignatureChecks(b);
		const [first] = b.comments.commentsOf(thread.value.id);
		expect(first.mentions).toEqual([bea.identity.memberId]);
		expect(await checks.check(first, 'comment')).toBe('verified');
		for (const m of b.members.list()) expect(await checks.check(m, 'member')).toBe('verified');
		const reply = await postReply(b, bea.signer, thread.value.id, 'On it');
		if (!reply.ok) throw new Error(reply.reason);
		const edited = await editComment(b, bea.signer, reply.value.id, 'Done, @Ana');
		if (!edited.ok) throw new Error(edited.reason);
		sync();
		const [, second] = a.comments.commentsOf(thread.value.id);
		expect(second.text).toBe('Done, @Ana');
		expect(await new SignatureChecks(a).check(second, 'comment')).toBe('verified');
		const submitted = await decide(b, bea.signer, 'submit', imageId);
		expect(submitted.ok).toBe(true);
		sync();
		const [review] = a.review.reviewsOf(imageId);
		expect(await new SignatureChecks(a).check(review, 'review')).toBe('verified');
		expect((await deleteComment(a, ana.signer, second.id)).ok).toBe(false); // not Ana's
	});

	it('a comment changed by someone else, signed by another key, or by a member whose id is not its key\'s, is unverified', async () => {
		const { a, b, ana, sync, imageId } = await pair(algorithm);
		const thread = await postThread(a, ana.signer, { imageId, anchor: { kind: 'point', x: 1, y: 2 }, text: 'original' });
		if (!thread.ok) throw new Error(thread.reason);
		sync();
		const [c] = b.comments.commentsOf(thread.value.id);
		// A peer rewrites Ana's comment under her name, keeping her signature.
		b.ydoc.transact(() => b.ydoc.getMap('comments').set(c.id, { ...c, text: 'forged' }));
		sync();
		const checks = new SignatureChecks(a);
		const forged = a.comments.comment(c.id)!;
		expect(forged.text).toBe('forged');
		expect(await checks.check(forged, 'comment')).toBe('unverified');
		// A member record claiming Ana's id with another key: the id is not that key's.
		const mallory: Identity = await createIdentity(algorithm);
		const claim = { ...a.members.get(ana.identity.memberId)!, publicKey: toBase64(mallory.publicKey) };
		// Signed with that key, so only the id's derivation tells it apart.
		const fake = { ...claim, sig: toBase64(await sign(mallory, memberPayload(claim))) };
		expect(await checks.check(fake, 'member')).toBe('unverified');
		// Unsigned: unverified, still readable.
		const unsigned = { ...forged, text: 'original', sig: undefined };
		expect(await checks.check(unsigned, 'comment')).toBe('unverified');
	});
});
