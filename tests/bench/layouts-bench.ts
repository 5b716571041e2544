// Candidate layouts of the annotation record (issue 14 item 1), bundled for Node by tests/bench/layouts.js.
// The mixed set is the project bench's (/dev/seed with shapes=mixed, seed 2): 10,000 images of 1920x1080,
// 7 in 10 boxes, 3 in 10 polygons of 12 vertices with 2-decimal coordinates, written by ProjectDoc.
import * as Y from 'yjs';
import { seededRandom } from '$lib/geometry/random';
import { newId, Origin, ProjectDoc, type AnnotationRecord, type NewAnnotation } from '$lib/model';
import { ByteReader, ByteWriter } from '$lib/shapes/compact/bytes';
import { decodeGeometry, encodeGeometry, KIND_CODES } from '$lib/shapes/compact/geometry-codec';
import { decodeAnnotation, encodeAnnotation } from '$lib/model/record-codec';
import type { ShapeType } from '$lib/shapes/registry';
import { randomPolygon } from '../../src/routes/dev/seed/seed';

export interface LayoutRow {
	layout: string;
	/** The whole document (settings, classes, images and annotations) as one update, per annotation. */
	bytesPerAnnotation: number;
	/** Only the `annotations` map's share. */
	annotationBytes: number;
	encodeMs: number;
	applyMs: number;
	/** Every record read back from the Y map and its geometry decoded. */
	readMs: number;
	/** Largest coordinate error on the mixed set, and on the probe of the exactness rule (px). */
	mixedError: number;
	ruleError: number;
}

type Plain = Record<string, unknown>;

interface Layout {
	name: string;
	/** The top-level map's name (today's is 'annotations'). */
	map?: string;
	/** Written over today's records in their document (as a migration would), not into a fresh one. */
	inPlace?: boolean;
	write(a: AnnotationRecord, context: Context): unknown;
	/** Back to a type and a geometry (the read a model would do for every record); `key` is its map key. */
	read(v: unknown, context: Context, key: string): Read;
	/** Read gives back the whole record: every field but the geometry checked exactly against the source. */
	whole?: boolean;
	/** The geometry coding alone, for the exactness probe. */
	geometry?: { encode(type: ShapeType, g: unknown): unknown; decode(v: unknown): unknown };
}

/** What a read gives back: the geometry, and the image id (checked against the source). */
interface Read {
	type: string;
	geometry: unknown;
	imageId: string;
}

interface Context {
	imageIndex: Map<string, number>;
	classIndex: Map<string, number>;
	images: string[];
	classes: string[];
}

/** Today's fields, less the id (the key) and the fields that hold their default. */
function leanRecord(a: AnnotationRecord): Plain {
	const { id: _id, attributes, updatedAt, ...rest } = a;
	const r: Plain = rest;
	if (Object.keys(attributes).length) r.attributes = attributes;
	if (updatedAt !== a.createdAt) r.updatedAt = updatedAt;
	return r;
}

const compactGeometry = {
	encode(type: ShapeType, g: unknown): Uint8Array {
		const r = encodeGeometry(type, g);
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	},
	decode(bytes: unknown) {
		const r = decodeGeometry(bytes);
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	}
};

/** float32 geometry: a kind byte, then every number of the geometry in order (boxes and point lists only). */
const float32Geometry = {
	encode(type: ShapeType, g: unknown): Uint8Array {
		const numbers = type === 'box' ? Object.values(g as Plain) : ((g as { points: number[] }).points as number[]);
		const out = new Uint8Array(1 + numbers.length * 4);
		out[0] = KIND_CODES[type];
		const view = new DataView(out.buffer);
		numbers.forEach((v, i) => view.setFloat32(1 + i * 4, v as number, true));
		return out;
	},
	decode(v: unknown) {
		const bytes = v as Uint8Array;
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		const numbers = Array.from({ length: (bytes.length - 1) / 4 }, (_, i) => view.getFloat32(1 + i * 4, true));
		if (bytes[0] === KIND_CODES.box) return { type: 'box', geometry: { x: numbers[0], y: numbers[1], width: numbers[2], height: numbers[3] } };
		return { type: bytes[0] === KIND_CODES.polygon ? 'polygon' : 'polyline', geometry: { points: numbers } };
	}
};

const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
/** A length no id has (ids are ≤ 256 characters): 12 bytes follow, a 16-character base-62 id as a number. */
const PACKED_ID = 1000;

/** Ids as text, or (binary) the app's own 16-character base-62 ids in 12 bytes: two halves of 62^8 < 2^48. */
function idCoding(binary: boolean) {
	const write = (w: ByteWriter, s: string) => {
		if (binary && /^[0-9a-zA-Z]{16}$/.test(s)) {
			w.uint(PACKED_ID);
			for (const half of [s.slice(0, 8), s.slice(8)]) {
				let n = 0;
				for (const ch of half) n = n * 62 + BASE62.indexOf(ch);
				for (let i = 0; i < 6; i++, n = Math.floor(n / 256)) w.byte(n % 256);
			}
			return;
		}
		w.uint(s.length);
		w.raw(new TextEncoder().encode(s));
	};
	const read = (r: ByteReader) => {
		const n = r.uint();
		if (n !== PACKED_ID) return new TextDecoder().decode(r.raw(n));
		const bytes = r.raw(12);
		let s = '';
		for (let h = 1; h >= 0; h--) {
			let v = 0;
			for (let i = 5; i >= 0; i--) v = v * 256 + bytes[h * 6 + i];
			for (let i = 0; i < 8; i++, v = Math.floor(v / 62)) s = BASE62[v % 62] + s;
		}
		return s;
	};
	return { write, read };
}

/** The whole record as one Uint8Array; ids as text or binary, or image and class as indexes into a table. */
function packedLayout(name: string, indexes: boolean, binary: boolean, inPlace = false, map?: string): Layout {
	const { write: id, read: readId } = idCoding(binary);
	return {
		name,
		inPlace,
		map,
		write(a, c) {
			const w = new ByteWriter();
			if (indexes) {
				w.uint(c.imageIndex.get(a.imageId)!);
				w.uint(c.classIndex.get(a.classId)!);
			} else {
				id(w, a.imageId);
				id(w, a.classId);
			}
			id(w, a.author);
			w.int(a.z);
			w.uint(a.createdAt);
			w.int(a.updatedAt - a.createdAt);
			const rest = leanRecord(a);
			for (const k of ['imageId', 'classId', 'type', 'geometry', 'z', 'author', 'createdAt']) delete rest[k];
			id(w, Object.keys(rest).length ? JSON.stringify(rest) : '');
			w.raw(compactGeometry.encode(a.type, a.geometry));
			return w.done();
		},
		read(v, c) {
			const r = new ByteReader(v as Uint8Array);
			let imageId: string;
			if (indexes) {
				imageId = c.images[r.uint()];
				void c.classes[r.uint()];
			} else {
				imageId = readId(r);
				readId(r);
			}
			readId(r);
			r.int();
			r.uint();
			r.int();
			readId(r);
			return { ...compactGeometry.decode(r.raw(r.remaining)), imageId };
		},
		geometry: compactGeometry
	};
}

/** JSON with every object's keys sorted: records that differ only in key order compare equal. */
const canonical = (v: unknown) =>
	JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, x[k]])) : x));

function recordWithBytes(name: string, codec: typeof compactGeometry | typeof float32Geometry, map?: string): Layout {
	return {
		name,
		map,
		write(a) {
			const r = leanRecord(a);
			r.geometry = codec.encode(a.type, a.geometry);
			if (codec === compactGeometry) delete r.type; // the bytes carry the kind
			return r;
		},
		read(v) {
			return { ...codec.decode((v as Plain).geometry), imageId: (v as Plain).imageId as string };
		},
		geometry: codec
	};
}

const plainRead = (v: unknown) => v as Read;

/** The real record codec (layout (g)): the whole record, every field, decoded on read. */
function recordCodecLayout(name: string, inPlace = false, map?: string): Layout {
	return {
		name,
		inPlace,
		map,
		write(a) {
			const r = encodeAnnotation(a);
			if (!r.ok) throw new Error(r.reason);
			return r.value;
		},
		read(v, _context, key) {
			const r = decodeAnnotation(key, v);
			if (!r.ok) throw new Error(r.reason);
			return r.value;
		},
		geometry: compactGeometry,
		whole: true
	};
}

export const LAYOUTS: Layout[] = [
	{ name: '(a) today: JSON record, float64 coordinates', write: (a) => a, read: plainRead },
	{ name: '(b) JSON, absent-by-default fields, no id', write: leanRecord, read: plainRead },
	recordWithBytes('(c) (b) with geometry as compact bytes (stepped fixed point, deltas)', compactGeometry),
	recordWithBytes('(d) (b) with geometry as float32 bytes', float32Geometry),
	packedLayout('(e) whole record as one Uint8Array (ids as text)', false, false),
	packedLayout('(e2) (e), image and class as indexes into a table', true, false),
	packedLayout('(g) (e), the app\'s ids in 12 bytes', false, true),
	packedLayout('(g) written over (a) in place, as a migration would', false, true, true),
	packedLayout('(h) (g) in a top-level map named "a"', false, true, false, 'a'),
	packedLayout('(h) moved out of (a)\'s "annotations" into "a", as a migration would', false, true, true, 'a'),
	recordWithBytes('(f) (c) in a top-level map named "a"', compactGeometry, 'a'),
	recordCodecLayout('(g) real record codec (model/record-codec.ts)'),
	recordCodecLayout('(g) real record codec, written over (a) in place, as a migration would', true),
	recordCodecLayout('(h) real record codec in a top-level map named "a"', false, 'a')
];

/** The project bench's mixed annotations, written by ProjectDoc as the /dev/seed route writes them. */
export function mixedProject(images: number, annotations: number): ProjectDoc {
	const rand = seededRandom(2);
	const doc = new ProjectDoc(new Y.Doc(), { id: newId(), name: 'Bench' });
	doc.initialize({ name: `Seed ${images}×${annotations} (2)` });
	const classes = ['car', 'person', 'tree'].map((name) => {
		const r = doc.addClass({ name });
		if (!r.ok) throw new Error(r.reason);
		return r.value;
	});
	const added = doc.addImages(
		Array.from({ length: images }, (_, i) => ({
			name: `image-${String(i + 1).padStart(5, '0')}.png`,
			hash: i.toString(16).padStart(64, '0'),
			width: 1920,
			height: 1080,
			mime: 'image/png',
			size: 0
		}))
	);
	if (!added.ok) throw new Error(added.reason);
	for (let done = 0; done < annotations; done += 1000) {
		const batch: NewAnnotation[] = [];
		for (let k = done; k < Math.min(annotations, done + 1000); k++)
			batch.push({ imageId: added.value[k % images].id, classId: classes[Math.floor(rand() * classes.length)].id, ...mixedShape(rand) });
		const failed = doc.createAnnotations(batch, Origin.import).find((r) => !r.ok);
		if (failed && !failed.ok) throw new Error(failed.reason);
	}
	return doc;
}

/** randomShape of src/routes/dev/seed/seed.ts with shapes 'mixed' on 1920x1080. */
function mixedShape(rand: () => number): Pick<NewAnnotation, 'type' | 'geometry'> {
	if (rand() >= 0.7) return { type: 'polygon', geometry: { points: randomPolygon(rand, 1920, 1080, 12) } };
	const w = 10 + rand() * 150,
		h = 10 + rand() * 150;
	const x = rand() * (1920 - w),
		y = rand() * (1080 - h);
	const r2 = (v: number) => Math.round(v * 100) / 100;
	return { type: 'box', geometry: { x: r2(x), y: r2(y), width: r2(w), height: r2(h) } };
}

/** Every number of a geometry, keys sorted (so layouts that order fields differently compare). */
function numbersOf(g: unknown): number[] {
	if (typeof g === 'number') return [g];
	if (Array.isArray(g)) return g.flatMap(numbersOf);
	if (g && typeof g === 'object')
		return Object.keys(g)
			.sort()
			.flatMap((k) => numbersOf((g as Plain)[k]));
	return [];
}

const largestError = (a: number[], b: number[]) => (a.length !== b.length ? Infinity : Math.max(0, ...a.map((v, i) => Math.abs(v - b[i]))));

/** The rule's probe: COCO/CVAT 2 decimals and drawing-tool floats on a 1,000,000 px image, YOLO's 6 normalised decimals of 10,000 px. */
function rulePoints(): number[] {
	const random = seededRandom(14);
	const points: number[] = [];
	for (let i = 0; i < 3000; i++) {
		points.push(Math.round(random() * 1e8) / 100, random() * 1e6, (Math.round(random() * 1e6) / 1e6) * 10_000);
		points.push(points[points.length - 1]); // pairs
	}
	return points;
}

function time<T>(f: () => T): { ms: number; value: T } {
	const t0 = performance.now();
	const value = f();
	return { ms: performance.now() - t0, value };
}

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function runLayoutsBench(opts: { images: number; annotations: number; runs: number }, log: (line: string) => void = () => {}): LayoutRow[] {
	const project = mixedProject(opts.images, opts.annotations);
	const records: AnnotationRecord[] = [];
	for (const a of project.allAnnotations()) records.push(a);
	// The document as schema v6 stored it (JSON records in `annotations`): what the in-place rows migrate.
	const source = { ydoc: new Y.Doc() };
	for (const name of ['meta', 'classes', 'images']) project.ydoc.getMap(name).forEach((v, k) => source.ydoc.getMap(name).set(k, v));
	for (let i = 0; i < records.length; i += 1000)
		source.ydoc.transact(() => {
			for (const a of records.slice(i, i + 1000)) source.ydoc.getMap('annotations').set(a.id, a);
		});
	const context: Context = { imageIndex: new Map(), classIndex: new Map(), images: [], classes: [] };
	source.ydoc.getMap('images').forEach((_, k) => context.imageIndex.set(k, context.images.push(k) - 1));
	source.ydoc.getMap('classes').forEach((_, k) => context.classIndex.set(k, context.classes.push(k) - 1));
	const probe = rulePoints();
	const rows: LayoutRow[] = [];
	for (const layout of LAYOUTS) {
		log(layout.name);
		const ydoc = new Y.Doc();
		for (const name of ['meta', 'classes', 'images']) source.ydoc.getMap(name).forEach((v, k) => ydoc.getMap(name).set(k, v));
		const others = Y.encodeStateAsUpdate(ydoc).length;
		if (layout.inPlace) Y.applyUpdate(ydoc, Y.encodeStateAsUpdate(source.ydoc));
		const target = ydoc.getMap(layout.map ?? 'annotations');
		const moved = layout.inPlace && target !== ydoc.getMap('annotations');
		for (let i = 0; i < records.length; i += 1000)
			ydoc.transact(() => {
				for (const a of records.slice(i, i + 1000)) {
					target.set(a.id, layout.write(a, context));
					if (moved) ydoc.getMap('annotations').delete(a.id);
				}
			});
		const encodes: number[] = [];
		const applies: number[] = [];
		const reads: number[] = [];
		let update: Uint8Array = new Uint8Array(0);
		let mixedError = 0;
		for (let run = 0; run < opts.runs; run++) {
			const encoded = time(() => Y.encodeStateAsUpdate(ydoc));
			update = encoded.value;
			encodes.push(encoded.ms);
			const fresh = new Y.Doc();
			applies.push(time(() => Y.applyUpdate(fresh, update)).ms);
			const map = fresh.getMap(layout.map ?? 'annotations');
			const read = time(() => {
				const out: Read[] = [];
				map.forEach((v, k) => out.push(layout.read(v, context, k)));
				return out;
			});
			reads.push(read.ms);
			if (run === 0) {
				const back = new Map<string, Read>();
				map.forEach((v, k) => back.set(k, layout.read(v, context, k)));
				for (const a of records) {
					const b = back.get(a.id);
					if (b?.type !== a.type || b.imageId !== a.imageId) throw new Error(`${layout.name}: ${a.id} did not come back`);
					// Geometry is held to the exactness rule below (the model's own widths carry float noise, 52.789999999999964).
					if (layout.whole && canonical({ ...b, geometry: 0 }) !== canonical({ ...a, geometry: 0 })) throw new Error(`${layout.name}: ${a.id} came back changed`);
					mixedError = Math.max(mixedError, largestError(numbersOf(b.geometry), numbersOf(a.geometry)));
				}
			}
		}
		const g = layout.geometry;
		const ruleError = g ? largestError(numbersOf((g.decode(g.encode('polyline', { points: probe })) as { geometry: unknown }).geometry), probe) : 0;
		rows.push({
			layout: layout.name,
			bytesPerAnnotation: update.length / records.length,
			annotationBytes: (update.length - others) / records.length,
			encodeMs: median(encodes),
			applyMs: median(applies),
			readMs: median(reads),
			mixedError,
			ruleError
		});
	}
	return rows;
}
