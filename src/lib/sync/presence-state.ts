/**
 * What one device publishes as its presence, and the one check every state read from a peer goes
 * through: awareness states arrive from anyone in the room, as whatever JSON they sent.
 */

export interface PresenceState {
	user: { id: string; name: string; color: string };
	/** y-webrtc's id of this device in the room: lets peers drop this state as soon as the link closes */
	peerId?: string;
	imageId: string | null;
	/** image pixels */
	cursor: { x: number; y: number } | null;
	selection: string[];
}

/** Longer names are shown cut to this many characters. */
export const MAX_NAME_CHARS = 64;
/** User, image, shape and peer ids: as long as the document allows an id (model/limits.ts; ours are 16). */
export const MAX_ID_CHARS = 256;
/** Shapes outlined for one peer; a peer publishes at most this many (its first ones). */
export const MAX_SELECTION = 1000;
/** A cursor further than this from the image's origin, in image pixels, is not one. */
export const MAX_CURSOR_PX = 1_000_000;

const COLOR = /^#[0-9a-f]{6}$/i;
const PALETTE = ['#e5484d', '#f76b15', '#ffc53d', '#46a758', '#12a594', '#0090ff', '#6e56cf', '#d6409f', '#8e4ec6', '#3e63dd'];

/** A colour that stays the same for a user on every peer. */
export function userColor(userId: string): string {
	let h = 0;
	for (let i = 0; i < userId.length; i++) h = (h * 31 + userId.charCodeAt(i)) >>> 0;
	return PALETTE[h % PALETTE.length];
}

/** A display name: trimmed and cut to MAX_NAME_CHARS (whole characters); null when not a non-empty string. */
export function presenceName(name: unknown): string | null {
	if (typeof name !== 'string') return null;
	const chars = [...name.trim()];
	return chars.length ? chars.slice(0, MAX_NAME_CHARS).join('') : null;
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_CHARS;
const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_CURSOR_PX;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A peer's awareness state as this app may show it, or null when it is not one (it is then not
 * shown). The result is a fresh object of checked values: a colour that is not `#rrggbb` is replaced
 * by the user's derived colour; a name is cut to MAX_NAME_CHARS; anything else out of shape or
 * bounds refuses the state. Never throws.
 */
export function checkedPresence(state: unknown): PresenceState | null {
	if (!isObject(state) || !isObject(state.user)) return null;
	const { id, color } = state.user;
	const name = presenceName(state.user.name);
	if (!isId(id) || name === null) return null;
	const { peerId, imageId = null, cursor = null, selection = [] } = state;
	if (peerId !== undefined && !isId(peerId)) return null;
	if (imageId !== null && !isId(imageId)) return null;
	const point = cursor === null ? null : isObject(cursor) && isCoordinate(cursor.x) && isCoordinate(cursor.y) ? { x: cursor.x, y: cursor.y } : undefined;
	if (point === undefined) return null;
	if (!Array.isArray(selection) || selection.length > MAX_SELECTION || !selection.every(isId)) return null;
	return {
		user: { id, name, color: typeof color === 'string' && COLOR.test(color) ? color : userColor(id) },
		...(peerId === undefined ? {} : { peerId }),
		imageId,
		cursor: point,
		selection: [...selection]
	};
}
