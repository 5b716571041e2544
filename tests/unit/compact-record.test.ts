// The compact annotation record (model/record-codec.ts): every field of a schema v6 annotation
// comes back as it was, every peer writes the same bytes for the same record, and no bytes from a peer
// make the reader throw or work longer than their length.
import { describe, expect, it } from 'vitest';
import { decodeAnnotation, encodeAnnotation, MAX_RECORD_JSON_DEPTH, type CompactAnnotation } from '$lib/model/record-codec';
import { checkAnnotationRecord } from '$lib/model/record-check';
import { seededRandom } from '$lib/geometry/random';
import type { ShapeType } from '$lib/shapes/registry';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

function encoded(record: object): Uint8Array {
	const r = encodeAnnotation(record);
	if (!r.ok) throw new Error(r.reason);
	return r.value;
}

function decoded(id: string, bytes: Uint8Array): CompactAnnotation {
	const r = decodeAnnotation(id, bytes);
	if (!r.ok) throw new Error(r.reason);
	return r.value;
}

const roundTrip = (record: CompactAnnotation) => decoded(record.id, encoded(record));

/** Deep-equal, telling -0 from 0 and an absent field from a present one (toStrictEqual does both). */
const expectSame = (back: unknown, record: unknown) => expect(back).toStrictEqual(record);

/** One geometry of every kind, with its optional parts (3 decimals at most: exact in the geometry codec). */
const GEOMETRIES: Record<ShapeType, object> = {
	box: { x: 10.25, y: 20.5, width: 100, height: 50.75 },
	rotatedBox: { cx: 500, cy: 400, width: 120.5, height: 60, angle: -37.5 },
	polygon: { points: [0, 0, 100, 0, 100, 100, 0, 100], holes: [[10, 10, 20, 10, 20, 20]], parts: [{ points: [200, 200, 300, 200, 300, 300] }] },
	polyline: { points: [1.5, 2.5, 3.5, 1.5] },
	ellipse: { cx: 50, cy: 60, rx: 10, ry: 5, angle: 12.345678901 },
	keypoint: { x: 1919.999, y: 0 },
	skeleton: { points: [10, 10, 0, 0, 30, 30], visibility: [2, 0, 1], box: { x: 5, y: 5, width: 50, height: 50 } },
	cuboid: { points: [10, 10, 50, 10, 50, 50, 10, 50, 20, 5, 60, 5, 60, 45, 20, 45] },
	mask: { x: 3, y: 4, width: 2, height: 2, rle: '04' },
	tag: {}
};

const APP_ID = 'Ab3dEf6hIj9kLm0N';

function plain(type: ShapeType): CompactAnnotation {
	return {
		id: 'k7Gq2ZpW9xYc4Rt1',
		imageId: 'i0000000000000Zz',
		classId: 'c9aZ0c9aZ0c9aZ0c',
		type,
		geometry: GEOMETRIES[type] as CompactAnnotation['geometry'],
		attributes: {},
		z: 3,
		author: 'u1u1u1u1u1u1u1u1',
		createdAt: 1_765_000_000_000,
		updatedAt: 1_765_000_000_000
	};
}

/** Every optional field present (and the times apart, attributes of each kind). */
function full(type: ShapeType): CompactAnnotation {
	return {
		...plain(type),
		attributes: { zeta: 'wet', [APP_ID]: 2.5, flag: true, off: false, tags: ['a', 'b'], none: [] },
		text: 'STOP ✋ 路牌',
		instanceId: 7,
		direction: { angle: 359.5 },
		locked: true,
		proposal: { model: 'yolov8n', score: 0.875 },
		imported: { format: 'coco', id: 12, fields: { iscrowd: 0, segmentation: { counts: [1, 2], size: [3, 4] }, note: null }, derived: { area: 5075.6875, bbox: [10.25, 20.5, 100, 50.75] } },
		updatedAt: 1_765_000_123_456
	};
}

const OPTIONAL: Record<string, unknown> = {
	text: '',
	instanceId: -4,
	direction: { angle: 0 },
	locked: false,
	proposal: { model: 'sam', score: 1 },
	imported: { format: 'cvat' }
};

/** The bytes every peer must write for three records; a change here is a change of layout (a new version). */
const VECTORS: { name: string; record: CompactAnnotation; hex: string }[] = [
	{ name: 'a box drawn in the app', record: plain('box'), hex: '01000000d793eaa639e90e000000000038a5dba4e82640aa32eb62c300e9dcaad22960e9dcaad229600c80e4ca91af332082108420a09c01a64f' },
	{
		name: 'an imported polygon with its file’s ids, attributes and fields',
		record: {
			id: 'frame_000001:3',
			imageId: 'frame_000001',
			classId: 'c9aZ0c9aZ0c9aZ0c',
			type: 'polygon',
			geometry: { points: [12.34, 56.78, 90.12, 34.56, 78.9, 12.3] },
			attributes: { occluded: true, [APP_ID]: 'left' },
			text: 'car',
			z: -1.5,
			imported: { format: 'cvat', id: 'shape-3', fields: { source: 'manual' } },
			author: 'u1u1u1u1u1u1u1u1',
			createdAt: 0,
			updatedAt: 2 ** 53 - 1
		},
		hex: '01470d6672616d655f3030303030310038a5dba4e82640aa32eb62c300e9dcaad22960e9dcaad2296001000000000000f8bf00ffffffffffffff0f0200b14e21fedf73f1e8319dea8d04046c656674096f63636c7564656402036361720504637661740873686170652d33060106736f7572636504066d616e75616c2203a413dc58c479db22c311e3220000'
	},
	{
		name: 'a locked skeleton a model proposed, at fractional times',
		record: {
			...plain('skeleton'),
			locked: true,
			proposal: { model: 'yolov8n-pose', score: 0.5 },
			instanceId: 2 ** 52,
			z: -0,
			createdAt: 1.5,
			updatedAt: -1
		},
		hex: '01a9070000d793eaa639e90e000000000038a5dba4e82640aa32eb62c300e9dcaad22960e9dcaad22960010000000000000080000000000000f83f000000000000f0bf0100000000000030430c796f6c6f76386e2d706f736501000000000000e03f0603141413133c3c120131316464'
	}
];

describe('compact record: round trip', () => {
	it.each(Object.keys(GEOMETRIES) as ShapeType[])('gives back a %s with no optional field, and with every one', (type) => {
		expectSame(roundTrip(plain(type)), plain(type));
		expectSame(roundTrip(full(type)), full(type));
		expect(encoded(full(type)).length).toBeGreaterThan(encoded(plain(type)).length);
	});

	it.each(Object.keys(OPTIONAL))('keeps %s present when only it is, and absent when it is not', (field) => {
		const record = { ...plain('box'), [field]: OPTIONAL[field] } as CompactAnnotation;
		const back = roundTrip(record);
		expectSame(back, record);
		expect(Object.keys(back)).toContain(field);
		expect(Object.keys(roundTrip(plain('box')))).not.toContain(field);
	});

	it('tells a lock that is off from no lock, and an edited record from an unedited one', () => {
		expect(roundTrip({ ...plain('box'), locked: false }).locked).toBe(false);
		expect(roundTrip({ ...plain('box'), locked: true }).locked).toBe(true);
		expect(roundTrip({ ...plain('box'), updatedAt: 5 }).updatedAt).toBe(5);
	});

	it('gives the model’s read boundary the record it gives the original', () => {
		const image = { width: 2000, height: 2000 };
		for (const type of Object.keys(GEOMETRIES) as ShapeType[]) {
			const record = full(type);
			const original = checkAnnotationRecord(record.id, record, image);
			expect(original, type).toMatchObject({ ok: true });
			expect(checkAnnotationRecord(record.id, roundTrip(record), image), type).toStrictEqual(original);
		}
	});

	it('keeps fields named __proto__ as fields, as JSON and Yjs do', () => {
		const fields = JSON.parse('{"__proto__": {"x": 1}, "a": [{"__proto__": 2}]}');
		const record = { ...plain('tag'), attributes: JSON.parse('{"__proto__": "x"}'), imported: { format: 'coco', fields } };
		const back = roundTrip(record);
		expectSame(back, record);
		expect(Object.keys(back.imported!.fields!)).toEqual(['__proto__', 'a']);
		expect(({} as Record<string, unknown>).x).toBeUndefined();
	});

	it('keeps text that starts with a byte-order mark, and every plane of Unicode', () => {
		const record = { ...plain('tag'), text: '\uFEFFBOM first, 😀 and \u0000 nul', attributes: { [APP_ID]: '\uFEFF' } };
		expectSame(roundTrip(record), record);
	});
});

/** A random record of every field's range: ids of each form, numbers of each form, Unicode, nested JSON. */
function randomRecord(random: () => number): CompactAnnotation {
	const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
	const chars = ['a', 'Z', '0', '_', ' ', 'é', '路', '😀', '\uFEFF', '\u0000', '"'];
	const text = () => Array.from({ length: Math.floor(random() * 12) }, () => pick(chars)).join('');
	const app = () => Array.from({ length: 16 }, () => pick([...'0aZ9zA'])).join('');
	const id = () => pick([app, text, () => app() + 'x', () => '__proto__'])();
	const number = () => pick([() => Math.floor(random() * 200) - 100, () => random() * 1e6 - 5e5, () => -0, () => 2 ** 50 + 1, () => -(2 ** 53), () => 1e-300])();
	const json = (depth: number): unknown =>
		depth > 3
			? null
			: pick([() => null, () => random() < 0.5, number, text, () => Array.from({ length: Math.floor(random() * 3) }, () => json(depth + 1)), () => Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [id(), json(depth + 1)]))])();
	const type = pick(Object.keys(GEOMETRIES) as ShapeType[]);
	const record: Record<string, unknown> = { ...plain(type), imageId: id(), classId: id(), author: id(), z: number() };
	// fromEntries: a key '__proto__' is an own field, as Yjs and JSON.parse make it (assignment would set the prototype)
	record.attributes = Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [id(), pick([text, number, () => random() < 0.5, () => [text(), text()]])()]));
	if (random() < 0.5) [record.createdAt, record.updatedAt] = [pick([0, 1.5, 2 ** 53 - 1, 1_765_000_000_000]), pick([0, -1, 2 ** 53 - 1, 1_765_000_000_001])];
	if (random() < 0.5) record.text = text();
	if (random() < 0.5) record.instanceId = number();
	if (random() < 0.5) record.direction = { angle: number() };
	if (random() < 0.5) record.locked = random() < 0.5;
	if (random() < 0.5) record.proposal = { model: text(), score: random() };
	if (random() < 0.5)
		record.imported = {
			format: text(),
			...(random() < 0.5 && { id: random() < 0.5 ? id() : number() }),
			...(random() < 0.5 && { fields: Object.fromEntries([[id(), json(0)], [text(), json(0)]]) }),
			...(random() < 0.5 && { derived: { area: number() } })
		};
	return record as unknown as CompactAnnotation;
}

describe('compact record: random records', () => {
	it('gives back 3,000 random records field for field, and writes their bytes again', () => {
		const random = seededRandom(7);
		for (let i = 0; i < 3000; i++) {
			const record = randomRecord(random);
			const bytes = encoded(record);
			const back = decoded(record.id, bytes);
			expectSame(back, record);
			expect(JSON.stringify(back.imported), 'imported fields in their order').toBe(JSON.stringify(record.imported));
			expect(hex(encoded(back))).toBe(hex(bytes));
		}
	});
});

describe('compact record: the same bytes on every peer', () => {
	it.each(VECTORS)('writes the known bytes of $name, and reads them back', ({ record, hex: known }) => {
		expect(hex(encoded(record))).toBe(known);
		expectSame(decoded(record.id, unhex(known)), record);
	});

	it('writes attributes in sorted key order, whatever order the record holds them in', () => {
		const a = { ...plain('box'), attributes: { b: 1, a: 2, [APP_ID]: 3, '10': 4, '9': 5 } };
		const b = { ...plain('box'), attributes: { '9': 5, [APP_ID]: 3, a: 2, '10': 4, b: 1 } };
		expect(hex(encoded(a))).toBe(hex(encoded(b)));
	});

	it('writes again exactly the bytes it read', () => {
		for (const record of [...VECTORS.map((v) => v.record), ...(Object.keys(GEOMETRIES) as ShapeType[]).map(full)]) {
			const bytes = encoded(record);
			expect(hex(encoded(decoded(record.id, bytes)))).toBe(hex(bytes));
		}
	});

	it('writes the same bytes after a record that needed a large buffer, and never shares bytes between records', () => {
		const before = encoded(plain('polygon'));
		const large = encoded({ ...plain('tag'), text: 'é'.repeat(100_000) });
		const after = encoded(plain('polygon'));
		expect(hex(after)).toBe(hex(before));
		expect(after.buffer).not.toBe(before.buffer);
		expect(decoded('k', large).text).toHaveLength(100_000);
		expect(hex(before)).toBe(hex(encoded(plain('polygon')))); // an earlier result is not overwritten
	});

	it('reads short ASCII, longer and non-ASCII texts the same way (ids, names, kept fields)', () => {
		for (const text of ['', 'a', 'x'.repeat(64), 'x'.repeat(65), 'café', 'x'.repeat(63) + 'é', '\u007f\u0000'])
			expect(roundTrip({ ...plain('tag'), text, imported: { format: 'coco', id: text + '#' } })).toMatchObject({ text, imported: { format: 'coco', id: text + '#' } });
	});

	it('stores no id: records under two keys have the same bytes', () => {
		expect(hex(encoded({ ...plain('box'), id: 'another' }))).toBe(hex(encoded(plain('box'))));
		expect(decoded('another', encoded(plain('box'))).id).toBe('another');
	});
});

describe('compact record: boundaries', () => {
	it('keeps the times 0 and 2^53 - 1 as varints, and any other finite time as a float64', () => {
		const size = (createdAt: number, updatedAt = createdAt) => encoded({ ...plain('tag'), createdAt, updatedAt }).length;
		expect(size(2 ** 53 - 1) - size(0)).toBe(7);
		expect(size(2 ** 53) - size(0)).toBe(8); // a float64 against a 1-byte varint, and the flags' second byte
		for (const [createdAt, updatedAt] of [[0, 0], [0, 2 ** 53 - 1], [2 ** 53 - 1, 0], [2 ** 53, 1], [-1, 2], [1.5, 1.5], [-0, 0], [0, -0], [-1e300, 1e300]]) {
			const record = { ...plain('tag'), createdAt, updatedAt };
			expectSame(roundTrip(record), record);
		}
	});

	it('keeps z negative, fractional, -0 and beyond 2^50', () => {
		for (const z of [-1, -1.5, 0.1, -0, 0, 2 ** 50, 2 ** 50 + 2, -(2 ** 50) - 2, Number.MAX_VALUE, -Number.MIN_VALUE]) {
			const back = roundTrip({ ...plain('tag'), z });
			expect(Object.is(back.z, z), String(z)).toBe(true);
		}
		const size = (z: number) => encoded({ ...plain('tag'), z }).length;
		expect([size(-32), size(31), size(32), size(0.5)]).toEqual([size(0), size(0), size(0) + 1, size(0) + 8]);
	});

	it('refuses NaN and infinite numbers anywhere, with the field named', () => {
		const cases: [object, string][] = [
			[{ z: NaN }, 'drawing order'],
			[{ createdAt: Infinity }, 'createdAt'],
			[{ updatedAt: NaN }, 'updatedAt'],
			[{ instanceId: -Infinity }, 'instance id'],
			[{ direction: { angle: NaN } }, 'direction'],
			[{ proposal: { model: 'm', score: NaN } }, 'proposal'],
			[{ attributes: { a: NaN } }, 'attribute a'],
			[{ imported: { format: 'coco', fields: { a: [Infinity] } } }, 'imported fields']
		];
		for (const [change, named] of cases)
			expect(encodeAnnotation({ ...plain('box'), ...change }), named).toMatchObject({ ok: false, reason: expect.stringContaining(named) });
	});

	it('holds empty attributes, and 256 of them', () => {
		const many = Object.fromEntries(Array.from({ length: 256 }, (_, i) => [`a${String(i).padStart(3, '0')}`, i % 2 ? i : `v${i}`]));
		for (const attributes of [{}, many]) expectSame(roundTrip({ ...plain('box'), attributes }), { ...plain('box'), attributes });
	});

	it('holds a text of 10,000 characters, in one byte each when ASCII', () => {
		const text = 'x'.repeat(10_000);
		const bytes = encoded({ ...plain('tag'), text });
		expect(bytes.length - encoded(plain('tag')).length).toBe(10_002);
		expect(decoded('k', bytes).text).toBe(text);
	});

	it('packs the app’s 16-character base-62 ids in 13 bytes and keeps any other id as text', () => {
		const size = (imageId: string) => encoded({ ...plain('tag'), imageId }).length;
		const base = size(APP_ID);
		expect(size('ZZZZZZZZZZZZZZZZ')).toBe(base);
		expect(size('0000000000000000')).toBe(base);
		expect(size(APP_ID + 'x') - base).toBe(18 - 13); // 17 characters: text
		expect(size('frame_0000000001') - base).toBe(17 - 13); // 16 characters, not base-62: text
		for (const imageId of [APP_ID, 'ZZZZZZZZZZZZZZZZ', '0000000000000000', APP_ID + 'x', APP_ID.slice(1), 'frame_000001', 'frame_0000000001', '', 'ünïcödé-ïd-16chr', '😀'.repeat(8)])
			expect(roundTrip({ ...plain('tag'), imageId }).imageId).toBe(imageId);
	});

	it('refuses what it cannot hold, with a reason, and never throws', () => {
		const refusals: [unknown, string][] = [
			[null, 'not a record'],
			[{ ...plain('box'), colour: 'red' }, 'colour'],
			[{ ...plain('box'), type: 'circle' }, 'circle'],
			[{ ...plain('box'), type: 'constructor' }, 'constructor'],
			[{ ...plain('box'), geometry: { x: 1 } }, 'coordinate'],
			[{ ...plain('box'), imageId: 7 }, 'image id'],
			[{ ...plain('box'), author: 'a\uD800b' }, 'lone surrogate'],
			[{ ...plain('box'), text: '\uDC00' }, 'lone surrogate'],
			[{ ...plain('box'), attributes: [] }, 'attributes'],
			[{ ...plain('box'), attributes: { a: { b: 1 } } }, 'attribute a'],
			[{ ...plain('box'), attributes: { a: [1] } }, 'option'],
			[{ ...plain('box'), locked: 'yes' }, 'lock'],
			[{ ...plain('box'), direction: { angle: 1, speed: 2 } }, 'direction'],
			[{ ...plain('box'), proposal: { model: 3, score: 1 } }, 'model'],
			[{ ...plain('box'), imported: { format: 'coco', extra: 1 } }, 'extra'],
			[{ ...plain('box'), imported: { format: 'coco', fields: [1] } }, 'fields'],
			[{ ...plain('box'), imported: { format: 'coco', id: true } }, 'id'],
			[{ ...plain('box'), imported: { format: 'coco', fields: { f: () => 1 } } }, 'not JSON']
		];
		for (const [record, reason] of refusals) expect(encodeAnnotation(record), reason).toMatchObject({ ok: false, reason: expect.stringContaining(reason) });
	});

	it('holds imported fields nested to its depth limit, and refuses one deeper (a cycle included)', () => {
		const nest = (depth: number): Record<string, unknown> => (depth === 1 ? { leaf: 1 } : { n: nest(depth - 1) });
		const deepest = { ...plain('tag'), imported: { format: 'coco', fields: nest(MAX_RECORD_JSON_DEPTH) } };
		expectSame(roundTrip(deepest as CompactAnnotation), deepest);
		expect(encodeAnnotation({ ...plain('tag'), imported: { format: 'coco', fields: nest(MAX_RECORD_JSON_DEPTH + 1) } })).toMatchObject({ ok: false });
		const cycle: Record<string, unknown> = {};
		cycle.self = cycle;
		expect(encodeAnnotation({ ...plain('tag'), imported: { format: 'coco', fields: cycle } })).toMatchObject({ ok: false, reason: expect.stringContaining('deep') });
	});
});

describe('compact record: bytes from a peer', () => {
	const refused = (bytes: Uint8Array) => decodeAnnotation('k', bytes).ok === false;

	it('refuses every truncation of every vector, and a byte more', () => {
		for (const { hex: known } of VECTORS) {
			const bytes = unhex(known);
			for (let n = 0; n < bytes.length; n++) expect(refused(bytes.subarray(0, n)), `${n} of ${bytes.length}`).toBe(true);
			expect(refused(Uint8Array.from([...bytes, 0]))).toBe(true);
		}
	});

	it('refuses an unknown layout version, unknown flags and a lock that is on but absent', () => {
		const bytes = unhex(VECTORS[0].hex);
		const withByte = (at: number, v: number) => Uint8Array.from(bytes, (b, i) => (i === at ? v : b));
		expect(decodeAnnotation('k', withByte(0, 2))).toMatchObject({ ok: false, reason: expect.stringContaining('newer version') });
		expect(decodeAnnotation('k', withByte(0, 0))).toMatchObject({ ok: false, reason: expect.stringContaining('unknown record layout') });
		const flagged = (flags: number[]) => Uint8Array.from([bytes[0], ...flags, ...bytes.subarray(2)]);
		expect(decodeAnnotation('k', flagged([0x80, 0x10]))).toMatchObject({ ok: false, reason: expect.stringContaining('does not know') }); // 2048
		expect(decodeAnnotation('k', flagged([0x80, 0x02]))).toMatchObject({ ok: false, reason: expect.stringContaining('lock') }); // 256 alone
		expect(decodeAnnotation('k', new Uint8Array(0))).toMatchObject({ ok: false, reason: expect.stringContaining('empty') });
		expect(decodeAnnotation('k', 'bytes')).toMatchObject({ ok: false });
	});

	it('accepts one spelling only: a default flagged, an app id as text, unsorted keys and whole floats are refused', () => {
		const record = plain('tag');
		const bytes = encoded(record);
		// flags 1 (updated) with the creation time repeated
		const time = bytes.subarray(2 + 13 * 3 + 1, bytes.length - 1);
		expect(refused(Uint8Array.from([1, 1, ...bytes.subarray(2, bytes.length - 1), ...time, 0x09]))).toBe(true);
		// the image id as 16 characters of text
		const asText = Uint8Array.from([1, 0, 17, ...new TextEncoder().encode(record.imageId), ...bytes.subarray(2 + 13)]);
		expect(decodeAnnotation('k', asText)).toMatchObject({ ok: false, reason: expect.stringContaining('as text') });
		// a packed id half of 2^48 - 1, past 62^8
		const pastRange = Uint8Array.from(bytes, (v, i) => (i >= 3 && i < 9 ? 0xff : v));
		expect(decodeAnnotation('k', pastRange)).toMatchObject({ ok: false, reason: expect.stringContaining('out of range') });
		// z = 3 as a float64
		const z = new Uint8Array(8);
		new DataView(z.buffer).setFloat64(0, 3, true);
		const floatZ = Uint8Array.from([...bytes.subarray(0, 41), 1, ...z, ...bytes.subarray(42)]);
		expect(decodeAnnotation('k', floatZ)).toMatchObject({ ok: false, reason: expect.stringContaining('float64') });
		new DataView(z.buffer).setFloat64(0, 0.5, true);
		expect(decoded('k', Uint8Array.from([...bytes.subarray(0, 41), 1, ...z, ...bytes.subarray(42)])).z).toBe(0.5);
		expect(decodeAnnotation('k', Uint8Array.from([...bytes.subarray(0, 41), 3, ...z, ...bytes.subarray(42)]))).toMatchObject({ ok: false, reason: expect.stringContaining('unknown form') });
		// attributes b then a
		const sorted = hex(encoded({ ...record, attributes: { a: true, b: false } }));
		expect(sorted).toContain('0202610202620109');
		const swapped = sorted.replace(/0202610202620109$/, '0202620102610209');
		expect(decodeAnnotation('k', unhex(swapped))).toMatchObject({ ok: false, reason: expect.stringContaining('sorted') });
	});

	it('refuses a count of 2^40 attributes behind a few bytes, and lists nested 100,000 deep, without allocating', () => {
		const bytes = encoded(plain('tag'));
		const head = bytes.subarray(0, bytes.length - 1);
		head[1] = 2; // attributes present
		const huge = Uint8Array.from([...head, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x09]);
		expect(decodeAnnotation('k', huge)).toMatchObject({ ok: false, reason: expect.stringContaining('larger than what follows') });
		const nested = hex(encoded({ ...plain('tag'), imported: { format: 'f', fields: { a: [] } } }));
		expect(nested).toMatch(/050009$/); // fields { a: [] }, then the tag's geometry
		const deep = unhex(nested.replace(/050009$/, '0501'.repeat(100_000) + '0009'));
		expect(decodeAnnotation('k', deep)).toMatchObject({ ok: false, reason: expect.stringContaining('too deep') });
	});

	it('refuses text that is not UTF-8 (a surrogate, an overlong form)', () => {
		const text = hex(encoded({ ...plain('tag'), text: 'ab' }));
		expect(text).toMatch(/02616209$/);
		expect(decoded('k', unhex(text)).text).toBe('ab');
		for (const bad of ['03eda08009', '02c0af09', '01ff09'])
			expect(decodeAnnotation('k', unhex(text.replace(/02616209$/, bad))), bad).toMatchObject({ ok: false, reason: expect.stringContaining('UTF-8') });
	});

	it('reads 20,000 random byte strings and every one-byte change of the vectors without throwing', () => {
		const random = seededRandom(14);
		let read = 0;
		for (let i = 0; i < 20_000; i++) {
			const prefix = i % 2 ? [1] : [];
			const bytes = Uint8Array.from([...prefix, ...Array.from({ length: Math.floor(random() * 120) }, () => Math.floor(random() * 256))]);
			const r = decodeAnnotation('k', bytes);
			if (r.ok) {
				read++;
				expect(encodeAnnotation(r.value).ok).toBe(true);
			}
		}
		for (const { hex: known } of VECTORS) {
			const bytes = unhex(known);
			for (let at = 0; at < bytes.length; at++)
				for (const v of [0, 1, 0x7f, 0x80, 0xff, bytes[at] ^ 1]) {
					const changed = Uint8Array.from(bytes, (b, i) => (i === at ? v : b));
					const r = decodeAnnotation('k', changed);
					if (r.ok) expect(encodeAnnotation(r.value).ok).toBe(true);
				}
		}
		expect(read).toBeLessThan(20_000);
	});
});
