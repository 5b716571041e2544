import { describe, expect, it } from 'vitest';
import { inviteLink, InviteLinkError, KEY_BYTES, LEGACY, newProjectKey, parseInviteLink, roomName } from '$lib/sync/invite';
import {
	canEdit,
	demotedSharing,
	invitesOf,
	joinDecision,
	newSharing,
	prepareEditKeys,
	RETIRED_KEPT,
	rotatedSharing,
	sharingFromInvite
} from '$lib/sync/access';
import { legacyEditSecret } from '$lib/sync/edit-keys';
import type { ProjectEntry, ProjectSharing } from '$lib/storage/db';

describe('invite links', () => {
	it('makes a random 256-bit key each time', () => {
		const keys = new Set(Array.from({ length: 50 }, newProjectKey));
		expect(keys.size).toBe(50);
		for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
		expect(KEY_BYTES * 8).toBe(256);
	});

	it('keeps the keys and project in the fragment, never in what a server receives', () => {
		for (const edit of [newProjectKey(), null, LEGACY] as const) {
			const invite = { projectId: 'Ab3dEf6hIj9kLm2n', key: newProjectKey(), edit };
			const link = inviteLink('https://team.example/', invite);
			const url = new URL(link);
			expect(url.pathname).toBe('/join');
			expect(url.search).toBe('');
			expect(`${url.origin}${url.pathname}`).not.toContain(invite.key);
			expect(`${url.origin}${url.pathname}`).not.toContain(invite.projectId);
			expect(parseInviteLink(link)).toEqual(invite);
			expect(parseInviteLink(url.hash)).toEqual(invite);
		}
	});

	it('tells an edit link (view key and edit secret), a view link (view key) and a link of before (one key) apart', () => {
		const [v, e] = [newProjectKey(), newProjectKey()];
		expect(parseInviteLink(`#p=p1&v=${v}&e=${e}`)).toEqual({ projectId: 'p1', key: v, edit: e });
		expect(parseInviteLink(`#p=p1&v=${v}`)).toEqual({ projectId: 'p1', key: v, edit: null });
		expect(parseInviteLink(`#p=p1&k=${v}`)).toEqual({ projectId: 'p1', key: v, edit: LEGACY });
		expect(() => parseInviteLink(`#p=p1&k=${v}&e=${e}`)).toThrow(/mixes/);
		expect(() => parseInviteLink(`#p=p1&v=${v}&e=${e.slice(0, 42)}`)).toThrow(/edit key is damaged/);
	});

	it('names the room by a hash that reveals neither the key nor the project, and changes with the key', async () => {
		const key = newProjectKey();
		const room = await roomName(key);
		expect(room).toBe(await roomName(key)); // every peer with the link finds the same room
		expect(room).not.toContain(key);
		expect(room).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(await roomName(newProjectKey())).not.toBe(room); // a rotated key is another room
	});

	it('refuses damaged or cut links with a message saying so', () => {
		const good = inviteLink('http://localhost:4173', { projectId: 'p1', key: newProjectKey(), edit: null });
		const cut = good.slice(0, good.length - 10);
		expect(() => parseInviteLink(cut)).toThrow(InviteLinkError);
		expect(() => parseInviteLink(cut)).toThrow(/key is damaged/);
		expect(() => parseInviteLink('http://localhost:4173/join')).toThrow(/incomplete/);
		expect(() => parseInviteLink(good.replace('p=p1', 'p=../x'))).toThrow(/project id/);
		expect(() => parseInviteLink(good.replace(/v=[^&]+/, 'v=%%%'))).toThrow(/key is damaged/);
	});
});

const entry = (sharing?: ProjectSharing): ProjectEntry => ({ id: 'p1', name: 'Street scenes', createdAt: 1, openedAt: 1, sharing });

describe('opening a link for a project this device may already have', () => {
	const mine = newSharing();
	const invite = (edit: string | null | typeof LEGACY, key = mine.key) => ({ projectId: 'p1', key, edit });

	it('joins a project it does not have, and opens one it has with the same keys', () => {
		expect(joinDecision(undefined, invite(mine.editSecret!))).toBe('new');
		expect(joinDecision(entry(mine), invite(mine.editSecret!))).toBe('open');
		const legacy = { key: newProjectKey(), signalingUrls: [], iceServers: [] };
		expect(joinDecision(entry(legacy), invite(LEGACY, legacy.key))).toBe('open');
	});

	it('never takes another key silently: another room, other edit rights, or a project not shared from here', () => {
		expect(joinDecision(entry(mine), invite(newProjectKey(), newProjectKey()))).toBe('conflict');
		expect(joinDecision(entry(mine), invite(LEGACY, newProjectKey()))).toBe('conflict');
		expect(joinDecision(entry(mine), invite(null, newProjectKey()))).toBe('conflict');
		expect(joinDecision(entry(mine), invite(newProjectKey()))).toBe('conflict'); // same room, another edit secret
		expect(joinDecision(entry(undefined), invite(mine.editSecret!))).toBe('conflict');
	});

	it('keeps an editor editing on a view link of its room, and lets a viewer take an edit link of its room', () => {
		expect(joinDecision(entry(mine), invite(null))).toBe('open');
		const viewer = sharingFromInvite(invite(null));
		expect(canEdit(viewer)).toBe(false);
		expect(joinDecision(entry(viewer), invite(null))).toBe('open');
		expect(joinDecision(entry(viewer), invite(mine.editSecret!))).toBe('upgrade');
		expect(joinDecision(entry(viewer), invite(mine.editSecret!, newProjectKey()))).toBe('conflict');
	});

	it('keeps its own network settings when it takes a link', () => {
		const network = { signalingUrls: ['wss://signal.example'], iceServers: [{ urls: 'stun:stun.example' }] };
		expect(sharingFromInvite(invite(null), network)).toMatchObject({ ...network, role: 'view' });
	});
});

describe('keys of a shared project', () => {
	it('makes independent view and edit keys for a fresh project; its view link carries no edit secret', () => {
		const sharing = newSharing();
		expect(sharing.editSecret).not.toBe(sharing.key);
		const { edit, view } = invitesOf('p1', sharing);
		expect(edit).toEqual({ projectId: 'p1', key: sharing.key, edit: sharing.editSecret });
		expect(view).toEqual({ projectId: 'p1', key: sharing.key, edit: null });
	});

	it('makes no view link from a key of before (it derives the edit secret) until new keys are made', async () => {
		const legacy = { key: newProjectKey(), signalingUrls: [], iceServers: [] };
		expect(invitesOf('p1', legacy).view).toBeNull();
		expect(invitesOf('p1', legacy).edit?.edit).toBe(LEGACY);
		const keys = await prepareEditKeys(legacy);
		const derived = await prepareEditKeys({ ...legacy, role: 'edit', editSecret: await legacyEditSecret(legacy.key) });
		expect(keys!.current.id).toEqual(derived!.current.id); // every device of before derives the same secret
		for (const mode of ['view-only', 'dead'] as const) {
			const next = await rotatedSharing(legacy, mode);
			const view = invitesOf('p1', next).view!;
			expect(view.edit).toBeNull();
			// The view link's key does not give the current edit secret.
			expect(await legacyEditSecret(view.key)).not.toBe(next.editSecret);
		}
	});

	it('"old edit links only view" keeps the room and retires the edit secret; "stop working" changes both', async () => {
		const sharing = { ...newSharing(), signalingUrls: ['wss://s.example'] };
		const viewOnly = await rotatedSharing(sharing, 'view-only');
		expect(viewOnly.key).toBe(sharing.key);
		expect(viewOnly.editSecret).not.toBe(sharing.editSecret);
		expect(viewOnly.retiredEditSecrets).toEqual([sharing.editSecret]);
		const dead = await rotatedSharing(sharing, 'dead');
		expect(dead.key).not.toBe(sharing.key);
		expect(dead.editSecret).not.toBe(sharing.editSecret);
		expect(dead.retiredEditSecrets).toBeUndefined();
		expect(dead.signalingUrls).toEqual(['wss://s.example']);
		let many = sharing;
		for (let i = 0; i < RETIRED_KEPT + 1; i++) many = await rotatedSharing(many, 'view-only');
		expect(many.retiredEditSecrets).toHaveLength(RETIRED_KEPT);
		const demoted = demotedSharing(viewOnly);
		expect(canEdit(demoted)).toBe(false);
		expect(demoted.editSecret).toBeUndefined();
		expect(await prepareEditKeys(demoted)).toBeNull();
	});
});
