import { fromBase64Url, toBase64Url } from './base64url';

/**
 * Invite links. A shared project has two independent random 256-bit secrets that travel only in the
 * link's fragment (never sent to any server):
 * - the view key names the signaling room (by a hash, so the signaling server learns neither key nor
 *   project) and is y-webrtc's room password (every signaling message is encrypted with it);
 * - the edit secret, which editors prove to each other on every connection (edit-proof.ts).
 * A "can edit" link carries both (`v`, `e`), a "can view" link only the view key (`v`). Links made
 * before view links existed carry one key `k`, which gave (and still gives) edit rights: its edit
 * secret is derived from it (edit-keys.ts), so such projects keep working unchanged.
 */

export const KEY_BYTES = 32;
const ROOM_PREFIX = 'peerlabel-room-v1:';

/** The edit rights of a link made before view links: derived from its one key. */
export const LEGACY = 'legacy';

export interface Invite {
	projectId: string;
	/** The view key (room and password), base64url, 43 characters. */
	key: string;
	/** The edit secret; null on a view link; LEGACY on a link with the one key of before. */
	edit: string | null | typeof LEGACY;
}

export class InviteLinkError extends Error {
	constructor(why: string) {
		super(`This invite link cannot be used: ${why}. Ask for a new link.`);
		this.name = 'InviteLinkError';
	}
}

/** A new random key: a view key or an edit secret. */
export function newProjectKey(): string {
	return toBase64Url(crypto.getRandomValues(new Uint8Array(KEY_BYTES)));
}

/** The signaling room of a view key: a hash, so that the room name reveals neither key nor project. */
export async function roomName(key: string): Promise<string> {
	const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(ROOM_PREFIX + key));
	return toBase64Url(new Uint8Array(digest));
}

/** The link to give to a teammate: the keys and project id are in the fragment only. */
export function inviteLink(origin: string, invite: Invite): string {
	const params: Record<string, string> =
		invite.edit === LEGACY
			? { p: invite.projectId, k: invite.key }
			: invite.edit === null
				? { p: invite.projectId, v: invite.key }
				: { p: invite.projectId, v: invite.key, e: invite.edit };
	return `${origin.replace(/\/+$/, '')}/join#${new URLSearchParams(params)}`;
}

const isKey = (text: string) => fromBase64Url(text)?.length === KEY_BYTES;

/** Reads an invite link (or its fragment); throws InviteLinkError saying what is wrong. */
export function parseInviteLink(link: string): Invite {
	const hash = link.includes('#') ? link.slice(link.indexOf('#') + 1) : link;
	const params = new URLSearchParams(hash);
	const projectId = params.get('p') ?? '';
	const legacyKey = params.get('k');
	const key = legacyKey ?? params.get('v') ?? '';
	const edit = params.get('e');
	if (!projectId || !key) throw new InviteLinkError('it is incomplete (it may have been cut when copied)');
	if (!/^[0-9A-Za-z_-]{1,64}$/.test(projectId)) throw new InviteLinkError('its project id is not valid');
	if (!isKey(key)) throw new InviteLinkError('its key is damaged');
	if (legacyKey !== null) {
		if (params.has('v') || edit !== null) throw new InviteLinkError('it mixes two kinds of keys');
		return { projectId, key, edit: LEGACY };
	}
	if (edit !== null && !isKey(edit)) throw new InviteLinkError('its edit key is damaged');
	return { projectId, key, edit };
}
