// The compact geometry layout (shapes/compact): every kind round-trips, every coordinate a format writes
// comes back within 1/1000 px, every peer writes the same bytes, and no bytes from a peer make it throw.
import { describe, expect, it } from 'vitest';
import { decodeGeometry, encodeGeometry, MAX_COORDINATE } from '$lib/shapes/compact/geometry-codec';
import { seededRandom } from '$lib/geometry/random';
import { MAX_SHAPE_VERTICES } from '$lib/shapes/limits';
import { shapeKinds, type ShapeType } from '$lib/shapes/registry';

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const unhex = (s: string) => Uint8Array.from(s.match(/../g) ?? [], (h) => parseInt(h, 16));

function encoded(type: ShapeType, geometry: unknown): Uint8Array {
	const r = encodeGeometry(type, geometry);
	if (!r.ok) throw new Error(r.reason);
	return r.value;
}

function roundTrip(type: ShapeType, geometry: unknown) {
	const r = decodeGeometry(encoded(type, geometry));
	if (!r.ok) throw new Error(r.reason);
	expect(r.value.type).toBe(type);
	return r.value.geometry as unknown as { points: number[]; angle: number };
}

/** One geometry of every kind, with each optional part, and the bytes every peer must write for it. */
const SAMPLES: { type: ShapeType; geometry: object; hex: string }[] = [
	{ type: 'box', geometry: { x: 10.25, y: 20.5, width: 100, height: 50.75 }, hex: '2082108420a09c01a64f' },
	{ type: 'rotatedBox', geometry: { cx: 500, cy: 400, width: 120.5, height: 60, angle: -37.5 }, hex: '11904ec03eea12b00901ed05' },
	{
		type: 'polygon',
		geometry: {
			points: [0, 0, 100, 0, 100, 100, 0, 100],
			holes: [[10, 10, 20, 10, 20, 20]],
			parts: [{ points: [200, 200, 300, 200, 300, 300] }, { points: [400, 400, 500, 400, 500, 500], holes: [[410, 410, 420, 410, 420, 420]] }]
		},
		hex: '02040000c8010000c801c70100010314b301140000140203e802e802c8010000c8010003c801c801c8010000c8010103b301b30114000014'
	},
	{ type: 'polyline', geometry: { points: [1.5, 2.5, 3.5, 1.5] }, hex: '13021e322813' },
	{ type: 'ellipse', geometry: { cx: 50, cy: 60, rx: 10, ry: 5, angle: 12.345678901 }, hex: '046478140a07a86c2dd3fcb02840' },
	{ type: 'keypoint', geometry: { x: 1919.999, y: 0 }, hex: '35feafea0100' },
	{ type: 'skeleton', geometry: { points: [10, 10, 0, 0, 30, 30, 40, 40, 50, 50], visibility: [2, 0, 1, 2, 1], box: { x: 5, y: 5, width: 50, height: 50 } }, hex: '0605141413133c3c1414141492010159596464' },
	{ type: 'cuboid', geometry: { points: [10, 10, 50, 10, 50, 50, 10, 50, 20, 5, 60, 5, 60, 45, 20, 45] }, hex: '07081414500000504f001459500000504f00' },
	{ type: 'mask', geometry: { x: 3, y: 4, width: 2, height: 2, rle: '04' }, hex: '0806080404023034' },
	{ type: 'tag', geometry: {}, hex: '09' }
];

describe('compact geometry: round trip', () => {
	it.each(SAMPLES)('gives back every field of a $type', ({ type, geometry }) => {
		expect(roundTrip(type, geometry)).toEqual(geometry);
	});

	it('gives the model what it would store from the original (each kind’s check agrees)', () => {
		const image = { width: 2000, height: 2000 };
		for (const { type, geometry } of SAMPLES) {
			const kind = shapeKinds[type] as { validate(g: unknown, size: typeof image): unknown };
			const original = kind.validate(geometry, image);
			expect(original, type).toMatchObject({ ok: true });
			expect(kind.validate(roundTrip(type, geometry), image), type).toEqual(original);
		}
	});

	it('leaves out holes and parts that are empty, as the schema stores them', () => {
		expect(roundTrip('polygon', { points: [0, 0, 9, 0, 9, 9], holes: [], parts: [] })).toEqual({ points: [0, 0, 9, 0, 9, 9] });
		expect(roundTrip('skeleton', { points: [1, 2], visibility: [2] })).toEqual({ points: [1, 2], visibility: [2] });
	});

	it('writes again exactly the bytes it read, so peers that re-encode agree', () => {
		for (const { type, geometry } of SAMPLES) {
			const bytes = encoded(type, geometry);
			const back = decodeGeometry(bytes);
			expect(back.ok && hex(encoded(type, back.value.geometry))).toBe(hex(bytes));
		}
	});

	it('keeps the longest polygon the model allows', () => {
		const points = Array.from({ length: MAX_SHAPE_VERTICES * 2 }, (_, i) => (i * 7.31) % 1000);
		expect(roundTrip('polyline', { points }).points).toHaveLength(MAX_SHAPE_VERTICES * 2);
		expect(encodeGeometry('polyline', { points: [...points, 1, 1] })).toMatchObject({ ok: false, reason: expect.stringContaining('at most 50,000 points') });
	});
});

describe('compact geometry: exactness (every coordinate back within 1/1000 px)', () => {
	const within = (a: number[], b: number[]) => a.every((v, i) => Math.abs(v - b[i]) <= 1e-3);

	it('is exact at 0, at the largest image side and with negative deltas', () => {
		const points = [0, 0, 1_000_000, 1_000_000, 999_999.999, 0.001, 0, 1_000_000];
		expect(roundTrip('polyline', { points }).points).toEqual(points);
	});

	it('rounds exactly half a step to within 1/1000 px, the same on every peer', () => {
		const back = roundTrip('polyline', { points: [0.0005, -0.0005, 1_000_000 - 0.0005, 2.0015] }).points;
		expect(within(back, [0.0005, -0.0005, 1_000_000 - 0.0005, 2.0015])).toBe(true);
		expect(Object.is(back[1], -0)).toBe(false);
	});

	it('gives back COCO and CVAT 2-decimal coordinates bit for bit, in 1/100 px steps', () => {
		const random = seededRandom(1);
		const points = Array.from({ length: 200 }, () => Math.round(random() * 1e8) / 100);
		expect(roundTrip('polyline', { points }).points).toEqual(points);
		expect(encoded('keypoint', { x: 1234.56, y: 0.01 })[0] >> 4).toBe(2);
	});

	it('keeps YOLO 6-decimal normalised coordinates of a 10,000 px image within 1/1000 px', () => {
		const random = seededRandom(2);
		const points = Array.from({ length: 200 }, () => (Math.round(random() * 1e6) / 1e6) * 10_000);
		expect(within(roundTrip('polyline', { points }).points, points)).toBe(true);
	});

	it('keeps a drawing tool’s floats (LabelMe, Darwin) within 1/1000 px anywhere on the largest image', () => {
		const random = seededRandom(3);
		const points = Array.from({ length: 2000 }, () => random() * 1_000_000);
		const back = roundTrip('polyline', { points }).points;
		expect(within(back, points)).toBe(true);
		expect(back).not.toEqual(points); // floats are stepped, not kept
	});

	it('keeps angles exactly, decimal or not', () => {
		for (const angle of [0, 180, -179.99, 37.123456, Math.PI, -1e-9]) expect(roundTrip('rotatedBox', { cx: 1, cy: 1, width: 1, height: 1, angle }).angle).toBe(angle);
	});
});

describe('compact geometry: the same bytes on every peer', () => {
	it.each(SAMPLES)('writes the known bytes of a $type', ({ type, geometry, hex: known }) => {
		expect(hex(encoded(type, geometry))).toBe(known);
	});

	it('reads the known bytes of every kind', () => {
		for (const { type, geometry, hex: known } of SAMPLES) expect(decodeGeometry(unhex(known))).toEqual({ ok: true, value: { type, geometry } });
	});

	it('writes -0 as 0', () => {
		expect(hex(encoded('keypoint', { x: -0, y: -0 }))).toBe(hex(encoded('keypoint', { x: 0, y: 0 })));
	});
});

describe('compact geometry: refuses what it cannot hold', () => {
	it.each([
		['box', { x: 1, y: 2, width: 3, height: 4, z: 5 }, 'cannot hold: z'],
		['box', { x: NaN, y: 2, width: 3, height: 4 }, 'coordinate'],
		['box', { x: MAX_COORDINATE * 2, y: 2, width: 3, height: 4 }, 'coordinate'],
		['polyline', { points: [1, 2, 3] }, 'pairs'],
		['polygon', { points: [0, 0, 1, 0, 1, 1], parts: [{ points: [0, 0, 1, 1], extra: 1 }] }, 'cannot hold: extra'],
		['skeleton', { points: [1, 2], visibility: [3] }, 'visibility'],
		['skeleton', { points: [1, 2, 3, 4], visibility: [2] }, 'visibility'],
		['mask', { x: 0, y: 0, width: 1, height: 1, rle: 'é' }, 'ASCII'],
		['rotatedBox', { cx: 1, cy: 1, width: 1, height: 1, angle: Infinity }, 'angle'],
		['tag', null, 'not an object']
	] as const)('a %s of %j', (type, geometry, why) => {
		expect(encodeGeometry(type, geometry)).toMatchObject({ ok: false, reason: expect.stringContaining(why) });
	});
});

describe('compact geometry: bytes from a peer never make it throw', () => {
	it('refuses a point count that claims 2^31 points, without allocating them', () => {
		// polyline, step 1 px, count 2^31 as a varint, then one point.
		const r = decodeGeometry(unhex('0380808080080000'));
		expect(r).toMatchObject({ ok: false, reason: expect.stringContaining('count') });
	});

	it('refuses a count larger than the bytes that follow could hold, before reading them', () => {
		// polyline, step 1 px, 40,000 points (under the vertex cap), then one point.
		expect(decodeGeometry(unhex('03c0b8020000'))).toMatchObject({ ok: false, reason: expect.stringContaining('count') });
	});

	it('refuses every truncation and any trailing byte of every kind', () => {
		for (const { type, geometry } of SAMPLES) {
			const bytes = encoded(type, geometry);
			for (let n = 0; n < bytes.length; n++) expect(decodeGeometry(bytes.subarray(0, n)).ok, `${type} cut at ${n}`).toBe(false);
			expect(decodeGeometry(Uint8Array.from([...bytes, 0])).ok).toBe(false);
		}
	});

	it('refuses a newer layout, an unknown kind, a number of more than 8 bytes and what is not bytes', () => {
		expect(decodeGeometry(unhex('49'))).toMatchObject({ ok: false, reason: expect.stringContaining('newer version') });
		expect(decodeGeometry(unhex('0f'))).toMatchObject({ ok: false, reason: expect.stringContaining('Unknown shape') });
		expect(decodeGeometry(unhex('05ffffffffffffffff7f00'))).toMatchObject({ ok: false, reason: expect.stringContaining('too large') });
		expect(decodeGeometry(unhex('058000'))).toMatchObject({ ok: false, reason: expect.stringContaining('shortest') });
		expect(decodeGeometry([5, 0, 0])).toMatchObject({ ok: false, reason: 'The geometry is not bytes' });
	});

	it('reads 20,000 random byte strings without throwing, and what it reads it can write', () => {
		const random = seededRandom(4);
		let read = 0;
		for (let i = 0; i < 20_000; i++) {
			const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 24) }, () => Math.floor(random() * 256));
			bytes[0] &= 0x3f;
			const r = decodeGeometry(bytes);
			if (!r.ok) continue;
			read++;
			expect(encodeGeometry(r.value.type, r.value.geometry).ok).toBe(true);
		}
		expect(read).toBeGreaterThan(100);
	});
});

describe('encodeGeometry and inherited names', () => {
	it('refuses a type that is only an Object.prototype name', () => {
		for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty'])
			expect(encodeGeometry(type as never, {})).toMatchObject({ ok: false, reason: expect.stringMatching(/Unknown shape type/) });
	});
});

describe('whether the bytes give back exactly what was encoded', () => {
	const lossless = (type: Parameters<typeof encodeGeometry>[0], g: unknown) => {
		const r = encodeGeometry(type, g);
		if (!r.ok) throw new Error(r.reason);
		return r.lossless;
	};
	it('says so for coordinates of up to 3 decimals, at any size', () => {
		expect(lossless('box', { x: 10.25, y: 0, width: 999999.999, height: 1 })).toBe(true);
		expect(lossless('polygon', { points: [0.1, 0.2, 10.123, 0, 5, 5], holes: [[1, 1, 2, 1, 1.5, 2]] })).toBe(true);
	});
	it('says not for what is rounded or left out: float noise, a 4th decimal, -0, empty holes or parts', () => {
		expect(lossless('box', { x: 52.789999999999964, y: 0, width: 10, height: 10 })).toBe(false);
		expect(lossless('keypoint', { x: 1.0001, y: 2 })).toBe(false);
		expect(lossless('keypoint', { x: -0, y: 2 })).toBe(false);
		expect(lossless('polygon', { points: [0, 0, 10, 0, 5, 5], holes: [] })).toBe(false);
		expect(lossless('polygon', { points: [0, 0, 10, 0, 5, 5], parts: [] })).toBe(false);
	});
	it('agrees with a round trip: what it calls lossless decodes to the same geometry', () => {
		for (const g of [{ points: [0.5, 0.25, 100, 0.125, 50, 80.375] }, { points: [1 / 3, 0, 10, 0, 5, 5] }]) {
			const r = encodeGeometry('polygon', g);
			if (!r.ok) throw new Error(r.reason);
			const back = decodeGeometry(r.value);
			if (!back.ok) throw new Error(back.reason);
			expect(r.lossless).toBe(JSON.stringify(back.value.geometry) === JSON.stringify(g));
		}
	});
});
