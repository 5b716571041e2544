import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';

/**
 * Splits one Yjs update (V1, as y-webrtc's sync sends it) into parts of at most `maxBytes` each, so a
 * joining peer can apply a large project in many short tasks instead of one that freezes its page;
 * or writes such parts straight from a document, for a peer with a given state vector (splitState).
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

type Struct = Y.Item | Y.GC | Y.Skip;

interface ClientStructs {
	client: number;
	structs: Struct[];
	/** Clocks this update holds for the client: [start, end). `start` is past the first struct's id when it is written from an offset. */
	start: number;
	end: number;
	/** structs[i] is written as bytes[offsets[i], offsets[i + 1]) of the structs' bytes. */
	offsets: number[];
	/** Index of the next struct not yet given to a part. */
	next: number;
}

/** A client's structs [from, to) in one part. */
interface Run {
	client: ClientStructs;
	from: number;
	to: number;
}

interface DeleteSet {
	clients: Map<number, { clock: number; len: number }[]>;
}

export function splitUpdate(update: Uint8Array, maxBytes: number): Uint8Array[] {
	if (update.byteLength <= maxBytes) return [update];
	const { structs, ds } = Y.decodeUpdate(update);
	const byClient = new Map<number, Struct[]>();
	for (const s of structs) {
		const list = byClient.get(s.id.client);
		if (list) list.push(s);
		else byClient.set(s.id.client, [s]);
	}
	// Each client's structs written back to back, so a run of them is one slice of the bytes.
	const encoder = new Y.UpdateEncoderV1();
	const clients: ClientStructs[] = [];
	for (const [client, list] of byClient) {
		const last = list[list.length - 1];
		const c: ClientStructs = { client, structs: list, offsets: [encoding.length(encoder.restEncoder)], start: list[0].id.clock, end: last.id.clock + last.length, next: 0 };
		for (const s of list) {
			s.write(encoder, 0);
			c.offsets.push(encoding.length(encoder.restEncoder));
		}
		clients.push(c);
	}
	return inOrder(clients, encoding.toUint8Array(encoder.restEncoder), ds, maxBytes);
}

/**
 * What a peer with `stateVector` lacks of `doc`, as splitUpdate would split Y.encodeStateAsUpdate's
 * answer, but written straight from the document's structs: no whole update to write and read back,
 * which made a joining peer wait most of a second for a large project. Null when the answer's structs
 * take no more than `above` bytes (the caller lets Yjs answer as usual), or when the document holds
 * changes it could not apply yet (Yjs merges those into its answer).
 */
export function splitState(doc: Y.Doc, stateVector: Map<number, number>, maxBytes: number, above = 0, firstBytes = maxBytes): Uint8Array[] | null {
	const store = doc.store;
	if (store.pendingStructs || store.pendingDs) return null;
	const encoder = new Y.UpdateEncoderV1();
	const clients: ClientStructs[] = [];
	for (const [client, all] of store.clients) {
		const last = all[all.length - 1];
		const end = last.id.clock + last.length;
		const clock = Math.max(stateVector.get(client) ?? 0, all[0].id.clock);
		if (clock >= end) continue;
		const first = Y.findIndexSS(all, clock);
		const c: ClientStructs = { client, structs: all.slice(first), offsets: [encoding.length(encoder.restEncoder)], start: clock, end, next: 0 };
		c.structs.forEach((s, i) => {
			s.write(encoder, i === 0 ? clock - s.id.clock : 0);
			c.offsets.push(encoding.length(encoder.restEncoder));
		});
		clients.push(c);
	}
	const bytes = encoding.toUint8Array(encoder.restEncoder);
	if (bytes.byteLength <= above) return null;
	return inOrder(clients, bytes, Y.createDeleteSetFromStructStore(store), maxBytes, firstBytes);
}

/**
 * The structs in dependency order (see the top), in parts of at most `maxBytes`, then the delete set.
 * The first part takes at most `firstBytes`, each next one twice the one before, up to `maxBytes`: a
 * receiver's first parts run before its JavaScript engine has warmed up to them, at a third of the speed.
 */
function inOrder(list: ClientStructs[], bytes: Uint8Array, ds: DeleteSet, maxBytes: number, firstBytes = maxBytes): Uint8Array[] {
	const clients = list.sort((a, b) => b.client - a.client);
	const structBytes = (c: ClientStructs, i: number) => c.offsets[i + 1] - c.offsets[i];

	const parts: Uint8Array[] = [];
	let runs = new Map<number, Run>();
	let partBytes = PART_HEADER_BYTES;
	let limit = Math.min(firstBytes, maxBytes);
	const flush = () => {
		if (!runs.size) return;
		parts.push(encodePart([...runs.values()], bytes));
		runs = new Map();
		partBytes = PART_HEADER_BYTES;
		limit = Math.min(maxBytes, limit * 2);
	};
	const take = (c: ClientStructs) => {
		const run = runs.get(c.client);
		const adds = structBytes(c, c.next) + (run ? 0 : RUN_HEADER_BYTES);
		if (runs.size && partBytes + adds > limit) flush();
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
	const ready = (s: Struct) => {
		if (!(s instanceof Y.Item)) return true;
		return isOut(s.origin) && isOut(s.rightOrigin) && isOut(parentId(s));
	};

	let left = clients.reduce((sum, c) => sum + c.structs.length, 0);
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
	if (runs.size && deletes.length === 1 && partBytes + deletes[0].byteLength <= limit) {
		parts.push(encodePart([...runs.values()], bytes, deletes[0]));
		return parts;
	}
	flush();
	for (const d of deletes) parts.push(encodePart([], bytes, d));
	return parts;
}

/** The item a nested type's content is in: read from an update it is an id, in a document the type's item. */
function parentId(item: Y.Item): Y.ID | null {
	const parent = item.parent as unknown;
	if (parent instanceof Y.ID) return parent;
	if (parent instanceof Y.AbstractType) return parent._item?.id ?? null;
	return null;
}

const EMPTY_DELETE_SET: Uint8Array = new Uint8Array([0]);

function encodePart(runs: Run[], bytes: Uint8Array, deletes: Uint8Array = EMPTY_DELETE_SET): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, runs.length);
	for (const { client, from, to } of runs.sort((a, b) => b.client.client - a.client.client)) {
		encoding.writeVarUint(encoder, to - from);
		encoding.writeVarUint(encoder, client.client);
		encoding.writeVarUint(encoder, from === 0 ? client.start : client.structs[from].id.clock);
		encoding.writeUint8Array(encoder, bytes.subarray(client.offsets[from], client.offsets[to]));
	}
	encoding.writeUint8Array(encoder, deletes);
	return encoding.toUint8Array(encoder);
}

/**
 * The delete set in V1 form (client count; per client: id, range count, clock and length of each),
 * in pieces of at most about `maxBytes` when it is that large: a piece is applied after every struct.
 */
function encodeDeleteSet(ds: DeleteSet, maxBytes: number): Uint8Array[] {
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
