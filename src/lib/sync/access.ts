import type { ProjectEntry, ProjectSharing } from '$lib/storage/db';
import { editSecretId, legacyEditSecret, proofKey } from './edit-keys';
import type { EditKeys } from './edit-proof';
import { LEGACY, newProjectKey, type Invite } from './invite';

/**
 * What a device may do with a shared project, from its stored sharing (storage/db.ts ProjectSharing),
 * and how invite links and key rotations change it.
 */

/** How many replaced edit secrets an editor keeps, to tell their holders that they only view now. */
export const RETIRED_KEPT = 8;

export const VIEWING_REASON = 'You are viewing this project: ask for an edit link to change it.';

export const canEdit = (sharing: ProjectSharing | null | undefined): boolean => !!sharing && sharing.role !== 'view';

/** Shared before view links: its key also gives edit rights, so no view link can be made from it. */
export const isLegacy = (sharing: ProjectSharing): boolean => sharing.role === undefined;

export async function currentEditSecret(sharing: ProjectSharing): Promise<string | null> {
	if (sharing.role === 'view') return null;
	if (sharing.role === 'edit') return sharing.editSecret ?? null;
	return legacyEditSecret(sharing.key);
}

export async function prepareEditKeys(sharing: ProjectSharing): Promise<EditKeys | null> {
	const secret = await currentEditSecret(sharing);
	if (!secret) return null;
	const prepare = async (s: string) => ({ id: await editSecretId(s), key: await proofKey(s) });
	return { current: await prepare(secret), retired: await Promise.all((sharing.retiredEditSecrets ?? []).map(prepare)) };
}

type Network = Pick<ProjectSharing, 'signalingUrls' | 'iceServers'>;
const noNetwork: Network = { signalingUrls: [], iceServers: [] };

/** What a device stores on joining through a link (keeping its own network settings). */
export function sharingFromInvite(invite: Invite, network: Network = noNetwork): ProjectSharing {
	const { signalingUrls, iceServers } = network;
	if (invite.edit === LEGACY) return { key: invite.key, signalingUrls, iceServers };
	if (invite.edit === null) return { key: invite.key, role: 'view', signalingUrls, iceServers };
	return { key: invite.key, role: 'edit', editSecret: invite.edit, signalingUrls, iceServers };
}

/** The links this device can hand out: the view link always, the edit link when it edits. */
export function invitesOf(projectId: string, sharing: ProjectSharing): { edit: Invite | null; view: Invite | null } {
	const view: Invite = { projectId, key: sharing.key, edit: null };
	if (sharing.role === 'view') return { edit: null, view };
	// A legacy key gives edit rights: a link with it is an edit link, and there is no view link yet.
	if (isLegacy(sharing)) return { edit: { projectId, key: sharing.key, edit: LEGACY }, view: null };
	return { edit: { projectId, key: sharing.key, edit: sharing.editSecret ?? null }, view };
}

/** A fresh project's keys: independent, so that a view key tells nothing of the edit secret. */
export function newSharing(network: Network = noNetwork): ProjectSharing {
	return { key: newProjectKey(), role: 'edit', editSecret: newProjectKey(), ...network };
}

/**
 * New keys. 'view-only': a new edit secret in the same room, so old edit links still join but only
 * view (the old secret is kept to tell them so). 'dead': a new room as well; old links reach nobody.
 */
export async function rotatedSharing(sharing: ProjectSharing, mode: 'view-only' | 'dead'): Promise<ProjectSharing> {
	const network = { signalingUrls: sharing.signalingUrls, iceServers: sharing.iceServers };
	if (mode === 'dead') return newSharing(network);
	const old = await currentEditSecret(sharing);
	const retired = [old, ...(sharing.retiredEditSecrets ?? [])].filter((s): s is string => !!s).slice(0, RETIRED_KEPT);
	return { ...sharing, role: 'edit', editSecret: newProjectKey(), retiredEditSecrets: retired };
}

/** This device was told its edit secret was replaced: it keeps the room and only views. */
export function demotedSharing(sharing: ProjectSharing): ProjectSharing {
	return { key: sharing.key, role: 'view', signalingUrls: sharing.signalingUrls, iceServers: sharing.iceServers };
}

/**
 * What opening an invite does on a device that may already have the project:
 * - 'new': it does not: join;
 * - 'open': it has it with these keys (or more: an editor opening a view link): open it as it is;
 * - 'upgrade': a viewer opens an edit link of the same room: it takes the edit secret;
 * - 'conflict': it has it with another key (another room, or other edit rights): never replaced
 *   silently; the person chooses (keep theirs, open the link as a separate project, or take the link).
 */
export type JoinDecision = 'new' | 'open' | 'upgrade' | 'conflict';

export function joinDecision(existing: ProjectEntry | undefined, invite: Invite): JoinDecision {
	if (!existing) return 'new';
	const sharing = existing.sharing;
	if (!sharing || sharing.key !== invite.key) return 'conflict';
	if (invite.edit === null) return 'open';
	if (sharing.role === 'view') return 'upgrade';
	const linkEdit = invite.edit === LEGACY ? LEGACY : invite.edit;
	const ownEdit = isLegacy(sharing) ? LEGACY : sharing.editSecret;
	return linkEdit === ownEdit ? 'open' : 'conflict';
}
