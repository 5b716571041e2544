/**
 * What a member shows of themselves (issue 15 item 1): a display name and a colour. Plain functions,
 * shared by the device's stored identity (device-identity.ts) and the identity file (identity.ts).
 */

export interface MemberProfile {
	name: string;
	/** '#rrggbb', lower case. */
	color: string;
}

export const NAME_MAX_LENGTH = 40;
/** What a device's member is called until the person chooses a name. */
export const DEFAULT_NAME = 'Annotator';

/**
 * The colours offered, and the default one picked from a member id: distinct hues, each at least 3:1
 * against white and against the app's dark header (tests/unit/member-profile.test.ts checks both).
 */
export const MEMBER_COLORS: readonly { color: string; name: string }[] = [
	{ color: '#dc2626', name: 'Red' },
	{ color: '#d9480f', name: 'Orange' },
	{ color: '#a16207', name: 'Amber' },
	{ color: '#15803d', name: 'Green' },
	{ color: '#0f766e', name: 'Teal' },
	{ color: '#0369a1', name: 'Sky blue' },
	{ color: '#2563eb', name: 'Blue' },
	{ color: '#7c3aed', name: 'Violet' },
	{ color: '#c026d3', name: 'Fuchsia' },
	{ color: '#db2777', name: 'Pink' }
];

/** The same colour for the same member id on every device (FNV-1a over its characters). */
export function defaultColorOf(memberId: string): string {
	let hash = 0x811c9dc5;
	for (let i = 0; i < memberId.length; i++) hash = Math.imul(hash ^ memberId.charCodeAt(i), 0x01000193) >>> 0;
	return MEMBER_COLORS[hash % MEMBER_COLORS.length].color;
}

/** A display name as stored: trimmed, 1 to 40 characters; throws saying what is wrong. */
export function checkName(name: unknown): string {
	const clean = typeof name === 'string' ? name.trim() : '';
	if (!clean) throw new Error('A name is needed');
	if (clean.length > NAME_MAX_LENGTH) throw new Error(`A name has at most ${NAME_MAX_LENGTH} characters`);
	return clean;
}

/** A colour as stored: '#rrggbb' in lower case; throws saying what is wrong. */
export function checkColor(color: unknown): string {
	if (typeof color !== 'string' || !/^#[0-9a-f]{6}$/i.test(color.trim())) throw new Error('A colour is written #rrggbb, e.g. #2563eb');
	return color.trim().toLowerCase();
}

/** The value, checked, or undefined where it is not a valid one (a profile read from a file). */
export function validOrUndefined<T>(check: (v: unknown) => T, value: unknown): T | undefined {
	try {
		return value === undefined ? undefined : check(value);
	} catch {
		return undefined;
	}
}

/** How many earlier ids of a device are kept (the newest), so that its earlier work stays its member's. */
export const MAX_ALIASES = 8;

/** `aliases` with `added` put first (no duplicates, never `self`), at most MAX_ALIASES. */
export function withAliases(aliases: readonly string[], added: readonly string[], self: string): string[] {
	const out: string[] = [];
	for (const id of [...added, ...aliases]) if (id && id !== self && !out.includes(id)) out.push(id);
	return out.slice(0, MAX_ALIASES);
}

/** The user this device had before member identities (localStorage 'peerlabel.actor'), if any. */
export interface LegacyActor {
	id: string;
	name: string;
	/** Whether the person chose the name (else it is the default). */
	named: boolean;
}

export function parseLegacyActor(stored: string | null): LegacyActor | null {
	if (!stored) return null;
	try {
		const value = JSON.parse(stored) as Record<string, unknown> | null;
		if (!value || typeof value !== 'object' || typeof value.id !== 'string' || !value.id || value.id.length > 64) return null;
		const name = validOrUndefined(checkName, value.name);
		return { id: value.id, name: name ?? DEFAULT_NAME, named: value.named === true && name !== undefined };
	} catch {
		return null;
	}
}

/** The name of the file an identity is exported to: peerlabel-identity-<name>.json, the name made safe for any disk. */
export function identityFileName(name: string): string {
	const safe = name
		.normalize('NFC')
		.replace(/[^\p{L}\p{N}_-]+/gu, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40);
	return `peerlabel-identity-${safe || 'member'}.json`;
}
