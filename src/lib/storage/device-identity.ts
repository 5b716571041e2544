import type { Actor } from '$lib/model';
import { db } from './db';
import { createIdentity, exportIdentity, importIdentity, PBKDF2_ITERATIONS, sign, type Identity, type ImportedIdentity } from './identity';
import { checkColor, checkName, DEFAULT_NAME, defaultColorOf, parseLegacyActor, withAliases, type LegacyActor } from './member-profile';

/**
 * This device's member (issue 15 item 1): its signing identity (identity.ts) and what it shows of itself,
 * kept in the `identity` store of the app's database, made once per browser profile.
 *
 * Made on first use from the user this device had before (localStorage 'peerlabel.actor'):
 * that user's name, whether they chose it, and their id as an alias, so that records written under the
 * old id are this member's. An identity imported from another device replaces this one; the replaced
 * member id becomes an alias in turn.
 *
 * A copy of {id, name, named, color} stays in 'peerlabel.actor': the name the header shows before an
 * identity is made, and a `storage` event that tells the other tabs to read the identity again when it
 * changes.
 */
export interface StoredIdentity extends Identity {
	name: string;
	/** Whether the person chose the name (asked once, when a project is first shared or joined). */
	named: boolean;
	/** '#rrggbb': the member's colour. */
	color: string;
	/** Ids this device wrote under before (its pre-identity user, replaced members), newest first, at most 8. */
	aliases: string[];
	createdAt: number;
}

export type DeviceIdentity = Readonly<StoredIdentity>;

const RECORD_KEY = 'self';
const MIRROR_KEY = 'peerlabel.actor';

let cached: DeviceIdentity | null = null;
let loading: Promise<DeviceIdentity> | null = null;
/** Bumped when the cache is dropped, so that a load begun before does not fill it with what it read. */
let generation = 0;
const listeners = new Set<(identity: DeviceIdentity) => void>();

/** This device's identity: read once from storage, or made (once, also across tabs) on first use. */
export function deviceIdentity(): Promise<DeviceIdentity> {
	if (cached) return Promise.resolve(cached);
	if (!loading) {
		const started = generation;
		const load = loadOrCreate().then(
			(identity) => {
				if (started === generation) remember(identity);
				return identity;
			},
			(e: unknown) => {
				if (loading === load) loading = null;
				throw e;
			}
		);
		loading = load;
		watchOtherTabs();
	}
	return loading;
}

/**
 * The identity if this device has one already, else null: read without making one. A page that only
 * shows who you are (the project list's header) writes nothing to storage until a project is opened.
 */
export async function storedDeviceIdentity(): Promise<DeviceIdentity | null> {
	if (cached) return cached;
	const stored = await (await db()).get('identity', RECORD_KEY);
	if (!stored) return null;
	if (!cached) remember(stored);
	watchOtherTabs();
	return cached;
}

/** The identity if it has loaded already, else null. */
export function loadedDeviceIdentity(): DeviceIdentity | null {
	return cached;
}

/** Calls `listener` with the identity whenever it changes here or in another tab; returns the unsubscriber. */
export function onDeviceIdentityChange(listener: (identity: DeviceIdentity) => void): () => void {
	listeners.add(listener);
	return () => void listeners.delete(listener);
}

/** How the model names this device's user: the member id, and the display name. */
export function actorOf(identity: DeviceIdentity): Actor {
	return { id: identity.memberId, name: identity.name };
}

/** True once the person has chosen a name (asked once per device, when a project is first shared or joined). */
export async function hasChosenName(): Promise<boolean> {
	return (await deviceIdentity()).named;
}

/**
 * Changes the name (trimmed, 1 to 40 characters) and/or the colour ('#rrggbb') this member is shown
 * with. Throws an Error that says what is wrong with either, writing nothing.
 */
export async function setProfile(profile: { name?: string; color?: string }): Promise<DeviceIdentity> {
	const name = profile.name === undefined ? undefined : checkName(profile.name);
	const color = profile.color === undefined ? undefined : checkColor(profile.color);
	return update((current) => ({
		...current,
		...(name !== undefined && { name, named: true }),
		...(color !== undefined && { color })
	}));
}

/** `data` signed with this device's key. */
export async function signBytes(data: Uint8Array): Promise<Uint8Array> {
	return sign(await deviceIdentity(), data);
}

/**
 * The identity file (identity.ts) with this member's name (when chosen) and colour, to move the member
 * to another device. Throws IdentityFileError for a passphrase under 8 characters.
 */
export async function exportDeviceIdentity(passphrase: string): Promise<Uint8Array> {
	const identity = await deviceIdentity();
	return exportIdentity(identity, passphrase, PBKDF2_ITERATIONS, { name: identity.named ? identity.name : undefined, color: identity.color });
}

/**
 * Makes this device the member of an identity file: its keys, and the name and colour the file gives
 * (without a name, this device's own is kept; without a colour, the member's default). The member this
 * device was becomes an alias, so that its work here stays this device's user's. A file that is refused
 * (IdentityFileError: not one, damaged, a wrong passphrase) writes nothing.
 */
export async function importDeviceIdentity(file: Uint8Array, passphrase: string): Promise<DeviceIdentity> {
	const imported = await importIdentity(file, passphrase);
	await deviceIdentity(); // the one it replaces exists, so that its id is kept as an alias
	return update((current) => importedRecord(current, imported, Date.now()));
}

/** The identity a device has once it imported `imported` in place of `current` (importDeviceIdentity). */
export function importedRecord(current: DeviceIdentity, imported: ImportedIdentity, now: number): StoredIdentity {
	const same = current.memberId === imported.memberId;
	return {
		memberId: imported.memberId,
		algorithm: imported.algorithm,
		publicKey: imported.publicKey,
		privateKey: imported.privateKey,
		name: imported.name ?? current.name,
		named: imported.name !== undefined || current.named,
		color: imported.color ?? (same ? current.color : defaultColorOf(imported.memberId)),
		aliases: withAliases(current.aliases, [current.memberId], imported.memberId),
		createdAt: same ? current.createdAt : now
	};
}

/** The identity a device makes on first use, from a new key pair and the user it had before, if any. */
export function firstRecord(made: Identity, legacy: LegacyActor | null, now: number): StoredIdentity {
	return {
		...made,
		name: legacy?.name ?? DEFAULT_NAME,
		named: legacy?.named ?? false,
		color: defaultColorOf(made.memberId),
		aliases: legacy ? withAliases([], [legacy.id], made.memberId) : [],
		createdAt: now
	};
}

async function loadOrCreate(): Promise<DeviceIdentity> {
	const database = await db();
	const stored = await database.get('identity', RECORD_KEY);
	if (stored) return stored;
	const made = await createIdentity();
	// Read after the key is made (it takes a moment): the latest id a synchronous caller may have used.
	const fresh = firstRecord(made, parseLegacyActor(readMirror()), Date.now());
	// Another tab may have made one since the read above: IndexedDB runs read-write transactions on one
	// store one at a time, so reading and writing in one of them makes the first tab's identity the only one.
	try {
		const tx = database.transaction('identity', 'readwrite');
		const existing = await tx.store.get(RECORD_KEY);
		if (!existing) await tx.store.add(fresh, RECORD_KEY);
		await tx.done;
		return existing ?? fresh;
	} catch (e) {
		// The other tab's add won (a ConstraintError): use its identity.
		const winner = await database.get('identity', RECORD_KEY).catch(() => undefined);
		if (winner) return winner;
		// Not stored (a full disk): this session works as this identity; the next one tries again.
		console.warn('Peerlabel: this device’s identity could not be stored', e);
		return fresh;
	}
}

/** Reads the stored identity, changes it and writes it back, in one read-write transaction. */
async function update(change: (current: DeviceIdentity) => StoredIdentity): Promise<DeviceIdentity> {
	const current = await deviceIdentity();
	const database = await db();
	const tx = database.transaction('identity', 'readwrite');
	const next = change((await tx.store.get(RECORD_KEY)) ?? current);
	await tx.store.put(next, RECORD_KEY);
	await tx.done;
	generation++;
	remember(next);
	return next;
}

function remember(identity: DeviceIdentity): void {
	const changed = cached !== identity;
	cached = identity;
	loading = Promise.resolve(identity);
	writeMirror(identity);
	if (changed) for (const listener of listeners) listener(identity);
}

function readMirror(): string | null {
	try {
		return localStorage.getItem(MIRROR_KEY);
	} catch {
		return null;
	}
}

function writeMirror(identity: DeviceIdentity): void {
	try {
		const mirror = JSON.stringify({ id: identity.memberId, name: identity.name, named: identity.named, color: identity.color });
		// Written only when it changes: a page that merely shows the member writes nothing.
		if (readMirror() !== mirror) localStorage.setItem(MIRROR_KEY, mirror);
	} catch {
		// localStorage refused (a full disk, a private window): only the synchronous fallback is lost
	}
}

let watching = false;

/** Another tab changed the identity (its copy in localStorage changed): read it again, and tell the listeners. */
function watchOtherTabs(): void {
	if (watching || typeof window === 'undefined') return;
	watching = true;
	window.addEventListener('storage', (event) => {
		if (event.key !== MIRROR_KEY && event.key !== null) return;
		generation++;
		cached = null;
		loading = null;
		void deviceIdentity().then(
			(identity) => {
				for (const listener of listeners) listener(identity);
			},
			() => {}
		);
	});
}
