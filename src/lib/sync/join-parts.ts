import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { splitUpdate } from '$lib/model/update-parts';

/**
 * A large sync answer (y-webrtc's step 2: the whole project for a joining peer) sent in parts, each
 * its own message, so the receiver applies each in a task of its own and shows progress:
 * - first Peerlabel's own announcement: type JOIN_PARTS, then the bytes of all part messages and their count
 *   (a y-webrtc type no version of it uses; an older Peerlabel drops it at its edit gate);
 * - then the parts as y-webrtc updates (sync type 2), in the order splitUpdate gives;
 * - the last part as the step 2 itself, so y-webrtc marks the connection synced once all is in.
 * An older Peerlabel applies the same messages as ordinary updates and ends in the same state.
 */

export const JOIN_PARTS = 80;
/** A step 2 larger than this goes out in parts. */
export const SPLIT_ABOVE_BYTES = 1024 * 1024;
/** Each part: applied in one task on the receiver (about 60-100 ms per 256 KiB in a browser). */
export const PART_BYTES = 256 * 1024;
/** The first part, each next one twice as large up to PART_BYTES (update-parts.ts: a receiver warming up). */
export const FIRST_PART_BYTES = 32 * 1024;

const MESSAGE_SYNC = 0;
const STEP_1 = 0;
const STEP_2 = 1;
const UPDATE = 2;

export interface JoinAnnouncement {
	/** Bytes of all the parts' messages together. */
	total: number;
	parts: number;
}

/** The update a step 2 message carries, or null for any other message. */
export function stepTwoUpdate(message: Uint8Array): Uint8Array | null {
	return syncPayload(message, STEP_2);
}

/** The state vector a step 1 message carries, or null for any other message. */
export function stepOneStateVector(message: Uint8Array): Uint8Array | null {
	return syncPayload(message, STEP_1);
}

/** The update a sync update message carries, or null for any other message. */
export function updatePayload(message: Uint8Array): Uint8Array | null {
	return syncPayload(message, UPDATE);
}

function syncPayload(message: Uint8Array, type: number): Uint8Array | null {
	if (message[0] !== MESSAGE_SYNC || message[1] !== type) return null;
	try {
		return decoding.readVarUint8Array(decoding.createDecoder(message.subarray(2)));
	} catch {
		return null; // cut short
	}
}

export function syncMessage(type: 'step1' | 'step2' | 'update', payload: Uint8Array): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, MESSAGE_SYNC);
	encoding.writeVarUint(encoder, type === 'step1' ? STEP_1 : type === 'step2' ? STEP_2 : UPDATE);
	encoding.writeVarUint8Array(encoder, payload);
	return encoding.toUint8Array(encoder);
}

/**
 * The messages that carry `message`: itself, unless it is a step 2 over `above` bytes, which becomes an
 * announcement and its parts.
 */
export function inParts(message: Uint8Array, above = SPLIT_ABOVE_BYTES, partBytes = PART_BYTES): Uint8Array[] {
	if (message.byteLength <= above) return [message];
	const update = stepTwoUpdate(message);
	if (!update) return [message];
	return partMessages(splitUpdate(update, partBytes));
}

/** A step 2's update in `parts`: the announcement, then a message for each part, the last one the step 2. */
export function partMessages(parts: Uint8Array[]): Uint8Array[] {
	const messages = parts.map((p, i) => syncMessage(i === parts.length - 1 ? 'step2' : 'update', p));
	const announcement = encoding.createEncoder();
	encoding.writeVarUint(announcement, JOIN_PARTS);
	encoding.writeVarUint(announcement, messages.reduce((sum, m) => sum + m.byteLength, 0));
	encoding.writeVarUint(announcement, messages.length);
	return [encoding.toUint8Array(announcement), ...messages];
}

/** The announcement of a step 2 in parts, or null when `message` is not one (or is malformed). */
export function readAnnouncement(message: Uint8Array): JoinAnnouncement | null {
	try {
		const decoder = decoding.createDecoder(message);
		if (decoding.readVarUint(decoder) !== JOIN_PARTS) return null;
		const total = decoding.readVarUint(decoder);
		const parts = decoding.readVarUint(decoder);
		return parts > 0 && Number.isSafeInteger(total) ? { total, parts } : null;
	} catch {
		return null;
	}
}
