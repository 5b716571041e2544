/**
 * Invite links. A shared project has a random 256-bit key that travels only in the link's fragment
 * (never sent to any server). The signaling room is named by a hash of the key, so the signaling
 * server learns neither the project id nor the key; the key itself is y-webrtc's room password, so
 * every signaling message is encrypted with it. Rotating the key makes a new room that old links
 * cannot reach.
 */

export const KEY_BYTES = 32;
const ROOM_PREFIX = 'peerlabel-room-v1:';

export interface Invite {
	projectId: string;
	/** base64url, 43 characters */
	key: string;
}

export class InviteLinkError extends Error {
	constructor(why: string) {
		super(`This invite link cannot be used: ${why}. Ask for a new link.`);
		this.name = 'InviteLinkError';
	}
}

function toBase64Url(bytes: Uint8Array): string {
	let binary = '';
	for (const b of bytes) binary += String.fromCharCode(b);
	return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
	if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
	try {
		const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (text.length % 4)) % 4));
		return Uint8Array.from(binary, (c) => c.charCodeAt(0));
	} catch {
		return null;
	}
}

/** A new random project key. */
export function newProjectKey(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

/** The signaling room of a key: a hash, so that the room name reveals neither key nor project. */
export async function roomName(key: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ROOM_PREFIX + key));
	return toBase64Url(new Uint8Array(digest));
}

/** The link to give to a teammate: the key and project id are in the fragment only. */
export function inviteLink(origin: string, invite: Invite): string {
	const fragment = new URLSearchParams({ p: invite.projectId, k: invite.key });
	return `${origin.replace(/\/+$/, '')}/join#${fragment}`;
}

/** Reads an invite link (or its fragment); throws InviteLinkError saying what is wrong. */
export function parseInviteLink(link: string): Invite {
	const hash = link.includes('#') ? link.slice(link.indexOf('#') + 1) : link;
	const params = new URLSearchParams(hash);
	const projectId = params.get('p') ?? '';
	const key = params.get('k') ?? '';
	if (!projectId || !key) throw new InviteLinkError('it is incomplete (it may have been cut when copied)');
	if (!/^[0-9A-Za-z_-]{1,64}$/.test(projectId)) throw new InviteLinkError('its project id is not valid');
	if (fromBase64Url(key)?.length !== KEY_BYTES) throw new InviteLinkError('its key is damaged');
	return { projectId, key };
}
