import type { GeometryByType, ShapeType } from '$lib/shapes/registry';
import { MAX_MASK_RLE_CHARS, MAX_SHAPE_VERTICES } from '$lib/shapes/limits';
import { ByteReader, ByteWriter, MAX_VARINT } from './bytes';

/**
 * A shape's geometry as one Uint8Array (Yjs stores it as raw bytes): the compact layout measured in
 * docs/benchmarks.md ("Compact records"). Pure, total, and the same bytes on every peer for the same input.
 *
 * Layout: one header byte, then the kind's fields.
 * - header: bits 0-3 the kind (KIND_CODES), bits 4-5 the coordinates' step (10^-k px, k = 0…3: the
 *   coarsest step at which every coordinate of the shape is exact, so COCO's 2 decimals cost 1/100 px
 *   steps and a drawing tool's floats 1/1000 px), bits 6-7 the layout's version (0).
 * - coordinates are whole steps, zigzag varints; points are deltas from the previous point of the
 *   shape (the first from 0, 0), so a ring of small steps costs 2-3 bytes a number.
 * - angles are exact: a decimal of ≤ 6 places (one byte of places, then a zigzag varint), else a float64.
 * - counts are varints, checked against the bytes left and MAX_SHAPE_VERTICES before anything is allocated.
 *
 * Exactness: every coordinate comes back within half a step of 1/1000 px (and bit-identical when it had
 * at most 3 decimals); decoding then encoding gives the same bytes.
 */

export type CompactResult<T> = { ok: true; value: T } | { ok: false; reason: string };
/** Encoded bytes, and whether decoding them gives back exactly what was encoded (every coordinate bit for bit). */
export type Encoded = { ok: true; value: Uint8Array; lossless: boolean } | { ok: false; reason: string };
export type DecodedGeometry = { [T in ShapeType]: { type: T; geometry: GeometryByType[T] } }[ShapeType];

/** The kind's number in the header: fixed forever (a new kind takes the next free number). */
export const KIND_CODES: Record<ShapeType, number> = {
	box: 0,
	rotatedBox: 1,
	polygon: 2,
	polyline: 3,
	ellipse: 4,
	keypoint: 5,
	skeleton: 6,
	cuboid: 7,
	mask: 8,
	tag: 9
};
const KIND_OF_CODE = Object.fromEntries(Object.entries(KIND_CODES).map(([k, c]) => [c, k as ShapeType]));

/** Coordinates beyond ±10^9 px (1000 times the largest image side) are refused: no shape reaches them. */
export const MAX_COORDINATE = 1e9;
const FINEST_STEP = 3;
/** How far (in steps) a coordinate may lie from a whole step for that step to count as exact. */
const STEP_TOLERANCE = 1e-6;
const ANGLE_PLACES = 6;
const FLOAT_ANGLE = 7;

/** The fields each kind's geometry may have: any other would be lost, so it is refused. */
const FIELDS: Record<ShapeType, readonly string[]> = {
	box: ['x', 'y', 'width', 'height'],
	rotatedBox: ['cx', 'cy', 'width', 'height', 'angle'],
	polygon: ['points', 'holes', 'parts'],
	polyline: ['points'],
	ellipse: ['cx', 'cy', 'rx', 'ry', 'angle'],
	keypoint: ['x', 'y'],
	skeleton: ['points', 'visibility', 'box'],
	cuboid: ['points'],
	mask: ['x', 'y', 'width', 'height', 'rle'],
	tag: []
};

/**
 * What a kind's fields are, in order. `Sink` runs twice over a geometry: once to collect the
 * coordinates (to pick the step), once to write. Fields come as `unknown`: the encoder is total.
 */
interface Sink {
	/** A point, as a delta from the previous one. */
	point(x: unknown, y: unknown): void;
	/** A coordinate on its own (a size, a radius), not a delta. */
	coord(v: unknown): void;
	angle(v: unknown): void;
	/** A flat [x0, y0, x1, y1, …] list: its point count, then its points. */
	ring(points: unknown): void;
	/** A list of rings (holes): their count, then each. */
	rings(list: unknown): number;
	count(n: number): void;
	visibility(v: unknown, points: number): void;
	text(s: unknown): void;
	fail(reason: string): void;
}

type Fields = Record<string, unknown>;

function writeFields(type: ShapeType, g: Fields, s: Sink): void {
	switch (type) {
		case 'box':
		case 'mask':
			s.point(g.x, g.y);
			s.coord(g.width);
			s.coord(g.height);
			if (type === 'mask') s.text(g.rle);
			return;
		case 'rotatedBox':
		case 'ellipse':
			s.point(g.cx, g.cy);
			s.coord(type === 'ellipse' ? g.rx : g.width);
			s.coord(type === 'ellipse' ? g.ry : g.height);
			s.angle(g.angle);
			return;
		case 'keypoint':
			s.point(g.x, g.y);
			return;
		case 'polyline':
		case 'cuboid':
			s.ring(g.points);
			return;
		case 'polygon': {
			s.ring(g.points);
			s.rings(g.holes);
			const parts = g.parts === undefined ? [] : g.parts;
			if (!Array.isArray(parts)) return s.fail('polygon parts are not a list');
			s.count(parts.length);
			for (const part of parts) {
				if (!part || typeof part !== 'object') return s.fail('a polygon part is not an object');
				const p = part as Fields;
				const extra = Object.keys(p).find((k) => k !== 'points' && k !== 'holes');
				if (extra) return s.fail(`a polygon part has a field this layout cannot hold: ${extra}`);
				s.ring(p.points);
				s.rings(p.holes);
			}
			return;
		}
		case 'skeleton': {
			s.ring(g.points);
			const n = Array.isArray(g.points) ? g.points.length / 2 : 0;
			s.visibility(g.visibility, n);
			const box = g.box as Fields | undefined;
			if (box !== undefined && (!box || typeof box !== 'object' || Object.keys(box).some((k) => !FIELDS.box.includes(k))))
				return s.fail('a skeleton box is not { x, y, width, height }');
			s.count(box ? 1 : 0);
			if (box) {
				s.point(box.x, box.y);
				s.coord(box.width);
				s.coord(box.height);
			}
			return;
		}
		case 'tag':
			return;
	}
}

const isCoordinate = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_COORDINATE;

/** Collects the coordinates (and checks every field's type) without writing. */
class Collector implements Sink {
	readonly coords: number[] = [];
	reason: string | null = null;
	private vertices = 0;
	fail(reason: string): void {
		this.reason ??= reason;
	}
	coord(v: unknown): void {
		if (isCoordinate(v)) this.coords.push(v);
		else this.fail(`a coordinate is not a number within ±${MAX_COORDINATE.toExponential()} px`);
	}
	point(x: unknown, y: unknown): void {
		this.coord(x);
		this.coord(y);
	}
	angle(v: unknown): void {
		if (typeof v !== 'number' || !Number.isFinite(v)) this.fail('an angle is not a number');
	}
	ring(points: unknown): void {
		if (!Array.isArray(points) || points.length % 2) return this.fail('a point list is not a list of x, y pairs');
		this.vertices += points.length / 2;
		if (this.vertices > MAX_SHAPE_VERTICES) return this.fail(`a shape has at most ${MAX_SHAPE_VERTICES.toLocaleString('en')} points`);
		for (const v of points) this.coord(v);
	}
	rings(list: unknown): number {
		if (list === undefined) return 0;
		if (!Array.isArray(list)) {
			this.fail('holes are not a list');
			return 0;
		}
		for (const ring of list) this.ring(ring);
		return list.length;
	}
	count(): void {}
	visibility(v: unknown, points: number): void {
		if (!Array.isArray(v) || v.length !== points || v.some((x) => x !== 0 && x !== 1 && x !== 2))
			this.fail('a skeleton’s visibility is not one 0, 1 or 2 per point');
	}
	text(s: unknown): void {
		if (typeof s !== 'string' || s.length > MAX_MASK_RLE_CHARS || !/^[\x20-\x7e]*$/.test(s))
			this.fail(`a mask’s RLE is not printable ASCII of at most ${MAX_MASK_RLE_CHARS.toLocaleString('en')} characters`);
	}
}

/** The coarsest step 10^-k px (k ≤ 3) at which every coordinate is exact; 3 (1/1000 px) otherwise. */
export function stepOf(coords: readonly number[]): number {
	for (let k = 0; k < FINEST_STEP; k++) {
		const m = 10 ** k;
		if (coords.every((v) => Math.abs(v * m - Math.round(v * m)) <= STEP_TOLERANCE)) return k;
	}
	return FINEST_STEP;
}

/** Writes, once Collector has checked every field. */
class Writer implements Sink {
	private x = 0;
	private y = 0;
	private readonly m: number;
	/** Every coordinate so far comes back bit for bit (not rounded to the step, not -0), no empty list left out. */
	lossless = true;
	constructor(
		private readonly w: ByteWriter,
		step: number
	) {
		this.m = 10 ** step;
	}
	private q(v: unknown): number {
		const n = Math.round((v as number) * this.m);
		if (n / this.m !== v || Object.is(v, -0)) this.lossless = false;
		return n;
	}
	fail(): void {}
	coord(v: unknown): void {
		this.w.int(this.q(v));
	}
	point(x: unknown, y: unknown): void {
		const qx = this.q(x);
		const qy = this.q(y);
		this.w.int(qx - this.x);
		this.w.int(qy - this.y);
		this.x = qx;
		this.y = qy;
	}
	angle(v: unknown): void {
		const a = v as number;
		for (let d = 0; d <= ANGLE_PLACES; d++) {
			const n = Math.round(a * 10 ** d);
			if (Math.abs(n) <= MAX_VARINT / 2 && n / 10 ** d === a) {
				this.w.byte(d);
				this.w.int(n);
				return;
			}
		}
		this.w.byte(FLOAT_ANGLE);
		this.w.float64(a);
	}
	ring(points: unknown): void {
		const p = points as number[];
		this.w.uint(p.length / 2);
		for (let i = 0; i < p.length; i += 2) this.point(p[i], p[i + 1]);
	}
	rings(list: unknown): number {
		const l = (list ?? []) as number[][];
		if (list !== undefined && !l.length) this.lossless = false; // an empty list of holes reads back as none
		this.w.uint(l.length);
		for (const r of l) this.ring(r);
		return l.length;
	}
	count(n: number): void {
		this.w.uint(n);
	}
	visibility(v: unknown): void {
		const vis = v as number[];
		for (let i = 0; i < vis.length; i += 4) this.w.byte(vis[i] | ((vis[i + 1] ?? 0) << 2) | ((vis[i + 2] ?? 0) << 4) | ((vis[i + 3] ?? 0) << 6));
	}
	text(s: unknown): void {
		const t = s as string;
		this.w.uint(t.length);
		const bytes = new Uint8Array(t.length);
		for (let i = 0; i < t.length; i++) bytes[i] = t.charCodeAt(i);
		this.w.raw(bytes);
	}
}

/** The geometry of a shape of `type` as bytes, or why it cannot be (a field this layout cannot hold, a bad number). */
export function encodeGeometry(type: ShapeType, geometry: unknown): Encoded {
	const checked = checkGeometry(type, geometry);
	if (!checked.ok) return checked;
	const w = new ByteWriter();
	const lossless = writeGeometry(checked.value, w);
	return { ok: true, value: w.done(), lossless };
}

/** A geometry `checkGeometry` accepted, with the step its coordinates are written at. */
export interface CheckedGeometry {
	type: ShapeType;
	geometry: Fields;
	step: number;
}

/** Whether `geometry` fits this layout (and at which step), without writing it. */
export function checkGeometry(type: ShapeType, geometry: unknown): CompactResult<CheckedGeometry> {
	if (typeof type !== 'string' || !Object.hasOwn(KIND_CODES, type)) return { ok: false, reason: `Unknown shape type: ${String(type)}` };
	if (!geometry || typeof geometry !== 'object' || Array.isArray(geometry)) return { ok: false, reason: 'The geometry is not an object' };
	const g = geometry as Fields;
	const extra = Object.keys(g).find((k) => !FIELDS[type].includes(k) && g[k] !== undefined);
	if (extra) return { ok: false, reason: `A ${type}’s geometry has a field this layout cannot hold: ${extra}` };
	const collector = new Collector();
	writeFields(type, g, collector);
	if (collector.reason) return { ok: false, reason: `Cannot store this ${type}: ${collector.reason}` };
	return { ok: true, value: { type, geometry: g, step: stepOf(collector.coords) } };
}

/**
 * Appends a checked geometry's bytes to `w` (a record's bytes end with them); returns whether decoding
 * gives back exactly what was written.
 */
export function writeGeometry({ type, geometry: g, step }: CheckedGeometry, w: ByteWriter): boolean {
	w.byte(KIND_CODES[type] | (step << 4));
	const writer = new Writer(w, step);
	writeFields(type, g, writer);
	const emptyParts = Array.isArray(g.parts) && !g.parts.length; // read back as no parts
	return writer.lossless && !emptyParts;
}

/** Reads what Writer wrote; every count is checked against the bytes left before it is used. */
class Reader {
	private x = 0;
	private y = 0;
	private vertices = 0;
	private readonly m: number;
	constructor(
		readonly r: ByteReader,
		step: number
	) {
		this.m = 10 ** step;
	}
	private checked(q: number): number {
		if (Math.abs(q) > MAX_COORDINATE * this.m) this.r.fail('a coordinate is out of range');
		return q / this.m;
	}
	coord(): number {
		return this.checked(this.r.int());
	}
	point(out: number[]): void {
		this.x += this.r.int();
		this.y += this.r.int();
		out.push(this.checked(this.x), this.checked(this.y));
	}
	/** A count of items that take at least `minBytes` each: never more than the bytes left could hold. */
	count(max: number, minBytes: number): number {
		const n = this.r.uint();
		if (n > max || n * minBytes > this.r.remaining) {
			this.r.fail('a count in the geometry bytes is larger than what follows');
			return 0;
		}
		return n;
	}
	ring(): number[] {
		const n = this.count(MAX_SHAPE_VERTICES - this.vertices, 2);
		this.vertices += n;
		const out: number[] = [];
		for (let i = 0; i < n && !this.r.failed; i++) this.point(out);
		return out;
	}
	rings(): number[][] {
		const n = this.count(MAX_SHAPE_VERTICES, 1);
		const out: number[][] = [];
		for (let i = 0; i < n && !this.r.failed; i++) out.push(this.ring());
		return out;
	}
	angle(): number {
		const d = this.r.byte();
		if (d === FLOAT_ANGLE) {
			const a = this.r.float64();
			if (!Number.isFinite(a)) this.r.fail('an angle is not a number');
			return a;
		}
		if (d > ANGLE_PLACES) this.r.fail('an angle has an unknown form');
		return this.r.int() / 10 ** d;
	}
	box(): { x: number; y: number; width: number; height: number } {
		this.x += this.r.int();
		this.y += this.r.int();
		const x = this.checked(this.x);
		const y = this.checked(this.y);
		return { x, y, width: this.coord(), height: this.coord() };
	}
}

function readPart(rd: Reader): { points: number[]; holes?: number[][] } {
	const points = rd.ring();
	const holes = rd.rings();
	return holes.length ? { points, holes } : { points };
}

function readFields(type: ShapeType, rd: Reader): unknown {
	const r = rd.r;
	switch (type) {
		case 'box':
			return rd.box();
		case 'mask': {
			const { x, y, width, height } = rd.box();
			const n = rd.count(MAX_MASK_RLE_CHARS, 1);
			const bytes = r.raw(n);
			if (bytes.some((b) => b < 0x20 || b > 0x7e)) r.fail('a mask’s RLE is not printable ASCII');
			let rle = '';
			for (let i = 0; i < bytes.length; i += 8192) rle += String.fromCharCode(...bytes.subarray(i, i + 8192));
			return { x, y, width, height, rle };
		}
		case 'rotatedBox':
		case 'ellipse': {
			const c: number[] = [];
			rd.point(c);
			const [a, b] = [rd.coord(), rd.coord()];
			const angle = rd.angle();
			return type === 'ellipse' ? { cx: c[0], cy: c[1], rx: a, ry: b, angle } : { cx: c[0], cy: c[1], width: a, height: b, angle };
		}
		case 'keypoint': {
			const p: number[] = [];
			rd.point(p);
			return { x: p[0], y: p[1] };
		}
		case 'polyline':
		case 'cuboid':
			return { points: rd.ring() };
		case 'polygon': {
			const first = readPart(rd);
			const n = rd.count(MAX_SHAPE_VERTICES, 2);
			const parts = [];
			for (let i = 0; i < n && !r.failed; i++) parts.push(readPart(rd));
			return parts.length ? { ...first, parts } : first;
		}
		case 'skeleton': {
			const points = rd.ring();
			const n = points.length / 2;
			const packed = r.raw(Math.ceil(n / 4));
			const visibility: number[] = [];
			for (let i = 0; i < n && !r.failed; i++) visibility.push((packed[i >> 2] >> ((i & 3) * 2)) & 3);
			if (visibility.includes(3)) r.fail('a skeleton point has an unknown visibility');
			if (n % 4 && packed.length && packed[packed.length - 1] >> ((n % 4) * 2)) r.fail('a skeleton’s visibility has stray bits');
			const hasBox = rd.count(1, 3);
			return hasBox ? { points, visibility, box: rd.box() } : { points, visibility };
		}
		case 'tag':
			return {};
	}
}

/** The geometry in `bytes`, or why they cannot be read. Never throws; work is linear in the bytes' length. */
export function decodeGeometry(bytes: unknown): CompactResult<DecodedGeometry> {
	if (!(bytes instanceof Uint8Array)) return { ok: false, reason: 'The geometry is not bytes' };
	return readGeometry(new ByteReader(bytes));
}

/** The geometry in the rest of `r` (a record's bytes end with it): what decodeGeometry reads. */
export function readGeometry(r: ByteReader): CompactResult<DecodedGeometry> {
	const header = r.byte();
	if (r.failed) return { ok: false, reason: 'The geometry bytes are empty' };
	if (header >> 6) return { ok: false, reason: 'The geometry was written by a newer version of the app' };
	const type = KIND_OF_CODE[header & 0x0f];
	if (!type) return { ok: false, reason: `Unknown shape code ${header & 0x0f} in the geometry bytes` };
	const geometry = readFields(type, new Reader(r, (header >> 4) & 3));
	if (!r.failed && r.remaining) r.fail('the geometry bytes go on after the shape');
	if (r.failed) return { ok: false, reason: `Cannot read this ${type}: ${r.failed}` };
	return { ok: true, value: { type, geometry } as DecodedGeometry };
}
