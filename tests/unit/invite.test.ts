import { describe, expect, it } from 'vitest';
import { inviteLink, InviteLinkError, KEY_BYTES, newProjectKey, parseInviteLink, roomName } from '$lib/sync/invite';

describe('invite links', () => {
	it('makes a random 256-bit key each time', () => {
		const keys = new Set(Array.from({ length: 50 }, newProjectKey));
		expect(keys.size).toBe(50);
		for (const k of keys) expect(k).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
		expect(KEY_BYTES * 8).toBe(256);
	});

	it('keeps the key and project in the fragment, never in what a server receives', () => {
		const invite = { projectId: 'Ab3dEf6hIj9kLm2n', key: newProjectKey() };
		const link = inviteLink('https://team.example/', invite);
		const url = new URL(link);
		expect(url.pathname).toBe('/join');
		expect(url.search).toBe('');
		expect(`${url.origin}${url.pathname}`).not.toContain(invite.key);
		expect(`${url.origin}${url.pathname}`).not.toContain(invite.projectId);
		expect(parseInviteLink(link)).toEqual(invite);
		expect(parseInviteLink(url.hash)).toEqual(invite);
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
		const good = inviteLink('http://localhost:4173', { projectId: 'p1', key: newProjectKey() });
		const cut = good.slice(0, good.length - 10);
		expect(() => parseInviteLink(cut)).toThrow(InviteLinkError);
		expect(() => parseInviteLink(cut)).toThrow(/key is damaged/);
		expect(() => parseInviteLink('http://localhost:4173/join')).toThrow(/incomplete/);
		expect(() => parseInviteLink(good.replace('p=p1', 'p=../x'))).toThrow(/project id/);
		expect(() => parseInviteLink(good.replace(/k=[^&]+/, 'k=%%%'))).toThrow(/key is damaged/);
	});
});
