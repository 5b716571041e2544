/**
 * Wire format of the blob channel. Control messages are JSON text; image bytes travel as binary
 * frames with a fixed header naming the request and the byte offset, so that several transfers can
 * share one channel in both directions. Request ids are chosen by the asking side: `ask`, `get` and
 * `cancel` carry the asker's ids, and every reply and data frame carries the id it answers.
 */

/** Asker to holder. */
export type AskerMessage =
	| { t: 'ask'; id: number; hash: string } // do you have it, and how big is it?
	| { t: 'get'; id: number; hash: string; offset: number } // send the bytes from offset on
	| { t: 'cancel'; id: number };

/** Holder to asker. */
export type HolderMessage =
	| { t: 'size'; id: number; size: number } // I have it; for a `get`, data frames follow
	| { t: 'no'; id: number; reason: string } // not available here: no bytes will follow
	| { t: 'busy'; id: number } // serving as much as it will now: ask another peer, or again later
	| { t: 'err'; id: number; message: string }; // the request failed; no more bytes will follow

export type ControlMessage = AskerMessage | HolderMessage;

/** kind byte, 3 bytes padding, request id (u32), offset (f64): 16 bytes, so the payload stays aligned. */
export const FRAME_HEADER_BYTES = 16;
const DATA_FRAME = 1;
const MAX_TEXT = 200;

export const HASH_PATTERN = /^[0-9a-f]{64}$/;

export function encodeControl(message: ControlMessage): string {
	if ('reason' in message) return JSON.stringify({ ...message, reason: message.reason.slice(0, MAX_TEXT) });
	if ('message' in message) return JSON.stringify({ ...message, message: message.message.slice(0, MAX_TEXT) });
	return JSON.stringify(message);
}

const isId = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
const isSize = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isHash = (v: unknown): v is string => typeof v === 'string' && HASH_PATTERN.test(v);

/** The message in a text frame, or null when it is not one this protocol knows (ignored by the caller). */
export function decodeControl(text: string): ControlMessage | null {
	let m: Record<string, unknown>;
	try {
		m = JSON.parse(text);
	} catch {
		return null;
	}
	if (typeof m !== 'object' || m === null || !isId(m.id)) return null;
	const id = m.id;
	switch (m.t) {
		case 'ask':
			return isHash(m.hash) ? { t: 'ask', id, hash: m.hash } : null;
		case 'get':
			return isHash(m.hash) && isSize(m.offset) ? { t: 'get', id, hash: m.hash, offset: m.offset } : null;
		case 'cancel':
			return { t: 'cancel', id };
		case 'size':
			return isSize(m.size) ? { t: 'size', id, size: m.size } : null;
		case 'no':
			return { t: 'no', id, reason: String(m.reason ?? '') };
		case 'busy':
			return { t: 'busy', id };
		case 'err':
			return { t: 'err', id, message: String(m.message ?? '') };
		default:
			return null;
	}
}

/** One binary message: header plus a copy of `payload`. */
export function encodeDataFrame(id: number, offset: number, payload: Uint8Array): ArrayBuffer {
	const frame = new ArrayBuffer(FRAME_HEADER_BYTES + payload.byteLength);
	writeHeader(frame, 0, id, offset);
	new Uint8Array(frame, FRAME_HEADER_BYTES).set(payload);
	return frame;
}

/**
 * The same message without copying `payload` (36 MB of copies and garbage for a large image): the
 * header is written over the FRAME_HEADER_BYTES before the payload in its buffer, which the caller
 * must have done with (bytes already sent, say), and the message is a view of header and payload.
 */
export function encodeDataFrameInPlace(id: number, offset: number, payload: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
	const start = payload.byteOffset - FRAME_HEADER_BYTES;
	if (start < 0) throw new RangeError(`No room for the frame header before the payload (at byte ${payload.byteOffset})`);
	writeHeader(payload.buffer, start, id, offset);
	return new Uint8Array(payload.buffer, start, FRAME_HEADER_BYTES + payload.byteLength);
}

function writeHeader(buffer: ArrayBuffer, at: number, id: number, offset: number): void {
	const view = new DataView(buffer, at, FRAME_HEADER_BYTES);
	view.setUint32(0, 0); // kind and padding: a reused buffer holds other bytes here
	view.setUint8(0, DATA_FRAME);
	view.setUint32(4, id);
	view.setFloat64(8, offset);
}

export interface DataFrame {
	id: number;
	offset: number;
	/** A view into the received message, not a copy. */
	payload: Uint8Array;
}

export function decodeDataFrame(frame: ArrayBuffer): DataFrame | null {
	if (frame.byteLength < FRAME_HEADER_BYTES) return null;
	const view = new DataView(frame);
	if (view.getUint8(0) !== DATA_FRAME) return null;
	const offset = view.getFloat64(8);
	if (!isSize(offset)) return null;
	return { id: view.getUint32(4), offset, payload: new Uint8Array(frame, FRAME_HEADER_BYTES) };
}
