import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/**
 * Splits one Yjs update (V1, as y-webrtc's sync sends it) into parts of at most `maxBytes` each, so a
 * joining peer can apply a large project in many short tasks instead of one that freezes its page.
 *
 * Each part is a valid V1 update: its structs, then a delete set (empty in every part but the ones at
 * the end, which carry the real one). Applying the parts in order gives the same document as applying
 * the whole update.
 *
 * Order matters: an item whose origin, right origin or parent lies in a part not yet applied is kept
 * pending by Yjs, and every later update re-merges everything pending (quadratic: long tasks again).
 * So structs go out in dependency order: a client's next struct is taken once every struct it refers to
 * of another client is already out (or is not in this update at all). Broken input whose references
 * go round in a circle still ends: when nothing can move, the next struct goes out anyway.
 *
 * A part is over `maxBytes` only when it holds one struct that alone is larger.
 */

/** What a client block's header may take at most: struct count, client id, first clock (varuints). */
const RUN_HEADER_BYTES = 24;
/** The update's client count and the empty delete set of a part. */
const PART_HEADER_BYTES = 12;

interface ClientStructs {
	client: number;
	structs: (Y.Item | Y.GC | Y.Skip)[];
	/** Where each of them sits in the whole update's structs. */
	at: number[];
	/** Clocks this update holds for the client: [start, end). */
	start: number;
	end: number;
	/** Index of the next struct not yet given to a part. */
	next: number;
}

/** A client's structs [from, to) in one part. */
interface Run {
	client: ClientStructs;
	from: number;
	to: number;
}

export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
	if (update.byteLength <= maxBytes) return [update];
	const { structs, ds } = Y.decodeUpdate(update);
	const { bytes, offsets } = encodeEach(structs);
	const clients = byClient(structs);
	const structBytes = (c: ClientStructs, i: number) => offsets[c.at[i] + 1] - offsets[c.at[i]];
	const slice = (c: ClientStructs, i: number) => bytes.subarray(offsets[c.at[i]], offsets[c.at[i] + 1]);

	const parts: Uint8Array[] = [];
	let runs = new Map<number, Run>();
	let partBytes = PART_HEADER_BYTES;
	const flush = () => {
		if (!runs.size) return;
		parts.push(encodePart([...runs.values()], slice));
		runs = new Map();
		partBytes = PART_HEADER_BYTES;
	};
	const take = (c: ClientStructs) => {
		const run = runs.get(c.client);
		const adds = structBytes(c, c.next) + (run ? 0 : RUN_HEADER_BYTES);
		if (runs.size && partBytes + adds > maxBytes) flush();
		const current = runs.get(c.client);
		if (current) current.to++;
		else {
			runs.set(c.client, { client: c, from: c.next, to: c.next + 1 });
			partBytes += RUN_HEADER_BYTES;
		}
		partBytes += structBytes(c, c.next);
		c.next++;
	};

	const byId = new Map(clients.map((c) => [c.client, c]));
	/** True when the struct an id names is out already, or is not in this update. */
	const isOut = (id: Y.ID | null) => {
		if (id === null) return true;
		const c = byId.get(id.client);
		if (!c || id.clock < c.start || id.clock >= c.end) return true;
		return c.next >= c.structs.length || id.clock < c.structs[c.next].id.clock;
	};
	const ready = (s: Y.Item | Y.GC | Y.Skip) => {
		if (!(s instanceof Y.Item)) return true;
		return isOut(s.origin) && isOut(s.rightOrigin) && isOut(s.parent instanceof Y.ID ? s.parent : null);
	};

	let left = structs.length;
	while (left > 0) {
		let moved = false;
		for (const c of clients) {
			while (c.next < c.structs.length && ready(c.structs[c.next])) {
				take(c);
				left--;
				moved = true;
			}
		}
		if (moved) continue;
		// References that go round in a circle (not from a real document): move on regardless.
		const stuck = clients.find((c) => c.next < c.structs.length)!;
		take(stuck);
		left--;
	}
	const deletes = encodeDeleteSet(ds, maxBytes);
	if (runs.size && deletes.length === 1 && partBytes + deletes[0].byteLength <= maxBytes) {
		parts.push(encodePart([...runs.values()], slice, deletes[0]));
		return parts;
	}
	flush();
	for (const d of deletes) parts.push(encodePart([], slice, d));
	return parts;
}

/** Every struct written once, back to back: part of a part is a copy of its bytes. */
function encodeEach(structs: (Y.Item | Y.GC | Y.Skip)[]): { bytes: Uint8Array; offsets: number[] } {
	const encoder = new Y.UpdateEncoderV1();
	const offsets = [0];
	for (const s of structs) {
		s.write(encoder, 0);
		offsets.push(encoding.length(encoder.restEncoder));
	}
	return { bytes: encoding.toUint8Array(encoder.restEncoder), offsets };
}

/** Each client's structs, by descending client id as Yjs writes them. */
function byClient(structs: (Y.Item | Y.GC | Y.Skip)[]): ClientStructs[] {
	const map = new Map<number, ClientStructs>();
	structs.forEach((s, i) => {
		let c = map.get(s.id.client);
		if (!c) map.set(s.id.client, (c = { client: s.id.client, structs: [], at: [], start: s.id.clock, end: s.id.clock, next: 0 }));
		c.structs.push(s);
		c.at.push(i);
		c.end = s.id.clock + s.length;
	});
	return [...map.values()].sort((a, b) => b.client - a.client);
}

const EMPTY_DELETE_SET: Uint8Array = new Uint8Array([0]);

function encodePart(runs: Run[], slice: (c: ClientStructs, i: number) => Uint8Array, deletes: Uint8Array = EMPTY_DELETE_SET): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, runs.length);
	for (const { client, from, to } of runs.sort((a, b) => b.client.client - a.client.client)) {
		encoding.writeVarUint(encoder, to - from);
		encoding.writeVarUint(encoder, client.client);
		encoding.writeVarUint(encoder, client.structs[from].id.clock);
		for (let i = from; i < to; i++) encoding.writeUint8Array(encoder, slice(client, i));
	}
	encoding.writeUint8Array(encoder, deletes);
	return encoding.toUint8Array(encoder);
}

/**
 * The delete set in V1 form (client count; per client: id, range count, clock and length of each),
 * in pieces of at most about `maxBytes` when it is that large: a piece is applied after every struct.
 */
function encodeDeleteSet(ds: { clients: Map<number, { clock: number; len: number }[]> }, maxBytes: number): Uint8Array[] {
	const pieces: Uint8Array[] = [];
	let current: [number, { clock: number; len: number }[]][] = [];
	let bytes = PART_HEADER_BYTES;
	const flush = () => {
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, current.length);
		for (const [client, ranges] of current) {
			encoding.writeVarUint(encoder, client);
			encoding.writeVarUint(encoder, ranges.length);
			for (const r of ranges) {
				encoding.writeVarUint(encoder, r.clock);
				encoding.writeVarUint(encoder, r.len);
			}
		}
		pieces.push(encoding.toUint8Array(encoder));
		current = [];
		bytes = PART_HEADER_BYTES;
	};
	const clients = [...ds.clients.entries()].sort((a, b) => b[0] - a[0]);
	for (const [client, ranges] of clients) {
		let entry: [number, { clock: number; len: number }[]] | null = null;
		for (const r of ranges) {
			// A range takes at most 16 bytes (two varuints of clocks up to 2^53).
			if (bytes + 16 + (entry ? 0 : RUN_HEADER_BYTES) > maxBytes && current.length) {
				flush();
				entry = null;
			}
			if (!entry) {
				current.push((entry = [client, []]));
				bytes += RUN_HEADER_BYTES;
			}
			entry[1].push(r);
			bytes += 16;
		}
	}
	if (current.length || !pieces.length) flush();
	return pieces;
}
