import corpusJson from '../../fixtures/hostile/corpus.json';
import { seededRandom } from '$lib/geometry/random';
import { encodeAnnotation, RECORD_LAYOUT_VERSION } from '$lib/model/record-codec';
import { PACKED_ANNOTATIONS } from '$lib/model/annotation-store';

/**
 * What a hostile peer writes: malformed records of every family, from a seed (the same seed, the same
 * records), after the saved corpus of records that once broke a project. Used by the unit fuzz against
 * the model and by the end-to-end test whose Node peer writes them into a victim's room.
 */

export type HostileMap = 'annotations' | typeof PACKED_ANNOTATIONS | 'classes' | 'images' | 'versions' | 'meta';

export interface HostileWrite {
	map: HostileMap;
	key: string;
	value: unknown;
	/** The write is well-formed after all (e.g. an id differing from its key): it must be read. */
	readable?: boolean;
	why?: string;
}

export interface VictimIds {
	image: string;
	class: string;
}

/** The saved corpus, with `$image` and `$class` replaced by the victim's ids. */
export function corpus(ids: VictimIds): HostileWrite[] {
	const text = JSON.stringify(corpusJson).replaceAll('"$image"', JSON.stringify(ids.image)).replaceAll('"$class"', JSON.stringify(ids.class));
	return (JSON.parse(text) as { records: HostileWrite[] }).records;
}

export { seededRandom as seeded } from '$lib/geometry/random';

/** Values of the wrong kind, and values of the right kind that are out of bounds. */
const JUNK: unknown[] = [null, undefined, 0, -1, NaN, Infinity, 1e308, '', 'x', 'x'.repeat(20_000), true, [], [1, 'a'], {}, { nested: { deep: [null] } }];

function validAnnotation(key: string, ids: VictimIds): Record<string, unknown> {
	return { id: key, imageId: ids.image, classId: ids.class, type: 'box', geometry: { x: 10, y: 10, width: 20, height: 20 }, attributes: {}, z: 3, author: 'mallory', createdAt: 1, updatedAt: 1 };
}

const GEOMETRY_JUNK: [string, unknown][] = [
	['box', { x: 'a', y: 0, width: 5, height: 5 }],
	['box', { x: 0, y: 0, width: 0, height: 0 }],
	['polygon', { points: [1, 2, 3] }],
	['polygon', { points: [0, 0, 10, 0] }],
	['polygon', { points: [0, 0, 50, 0, 50, 50], holes: 'none' }],
	['polygon', { points: [0, 0, 50, 0, 50, 50], holes: [[200, 200, 210, 200, 210, 210]] }],
	['polygon', { points: new Array(100_002).fill(1) }],
	['polyline', { points: [5, 5] }],
	['skeleton', { points: [1, 1], visibility: [7] }],
	['cuboid', { points: [1, 2, 3] }],
	['ellipse', { cx: 5, cy: 5, rx: -1, ry: 2, angle: 0 }],
	['rotatedBox', { cx: 5, cy: 5, width: 10, height: 10, angle: 'turned' }],
	['mask', { x: 0, y: 0, width: 60_000, height: 60_000, rle: '0' }],
	['mask', { x: 0, y: 0, width: 4, height: 4, rle: '~~~~' }],
	['keypoint', { x: null, y: 1 }],
	['tag', null]
];

const ANNOTATION_FIELDS = ['imageId', 'classId', 'type', 'geometry', 'attributes', 'z', 'author', 'createdAt', 'updatedAt', 'text', 'instanceId', 'direction', 'locked', 'proposal'];
const CLASS_FIELDS = ['name', 'color', 'hotkey', 'shapeTypes', 'description', 'order', 'attributes', 'text', 'instanceId', 'direction', 'skeleton', 'maskMode'];
const IMAGE_FIELDS = ['name', 'hash', 'width', 'height', 'mime', 'size', 'status', 'addedAt'];
const VERSION_FIELDS = ['name', 'createdAt', 'author', 'authorName', 'hash', 'counts'];

function validClass(key: string, n: number): Record<string, unknown> {
	return { id: key, name: `hostile ${n}`, color: '#123456', hotkey: null, shapeTypes: [], description: '', order: 50 + n, attributes: [], text: false, instanceId: false, direction: false, skeleton: null, maskMode: 'instance' };
}

function validImage(key: string): Record<string, unknown> {
	return { id: key, name: `${key}.png`, hash: 'f'.repeat(64), width: 64, height: 64, mime: 'image/png', size: 10, status: 'new', addedAt: 1 };
}

function validVersion(key: string, n: number): Record<string, unknown> {
	return { id: key, name: `v-hostile-${n}`, createdAt: 1, author: 'mallory', authorName: 'Mallory', hash: 'e'.repeat(64), counts: { images: 1, classes: 1, annotations: 1 } };
}

/** Bytes in the map of packed annotations (schema v7): cut short, damaged, from a newer layout, or junk geometry. */
function packedJunk(random: () => number, key: string, ids: VictimIds): HostileWrite {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	const pack = (record: Record<string, unknown>) => {
		const bytes = encodeAnnotation(record);
		return bytes.ok ? bytes.value : null;
	};
	const valid = pack(validAnnotation(key, ids))!;
	const roll = random();
	const write = (value: unknown, readable?: boolean): HostileWrite => ({ map: PACKED_ANNOTATIONS, key, value, readable });
	if (roll < 0.15) return write(Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
	if (roll < 0.3) return write(valid.slice(0, Math.floor(random() * valid.length)));
	if (roll < 0.4) return write(Uint8Array.of(RECORD_LAYOUT_VERSION + 1, ...valid.subarray(1)));
	if (roll < 0.55) {
		const damaged = valid.slice();
		damaged[Math.floor(random() * damaged.length)] ^= 1 << Math.floor(random() * 8);
		return write(damaged); // may still read as a record: either way, read or listed
	}
	if (roll < 0.8) {
		const [type, geometry] = pick(GEOMETRY_JUNK);
		return write(pack({ ...validAnnotation(key, ids), type, geometry }) ?? pick(JUNK) ?? null);
	}
	if (roll < 0.9) return write(pick(JUNK) ?? null);
	return write(valid, true);
}

/** One malformed record (most are; `readable` marks the few that are fine after all). */
export function hostileWrite(random: () => number, n: number, ids: VictimIds): HostileWrite {
	const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
	const key = `h${n}-${Math.floor(random() * 1e9).toString(36)}`;
	const roll = random();
	if (roll < 0.08) return { map: pick(['annotations', 'classes', 'images', 'versions'] as const), key, value: pick(JUNK) ?? null };
	if (roll < 0.5) {
		if (random() < 0.5) {
			const [type, geometry] = pick(GEOMETRY_JUNK);
			return { map: 'annotations', key, value: { ...validAnnotation(key, ids), type, geometry } };
		}
		const field = pick(ANNOTATION_FIELDS);
		const value = pick(JUNK);
		return { map: 'annotations', key, value: { ...validAnnotation(key, ids), [field]: value === undefined ? null : value } };
	}
	if (roll < 0.58) return packedJunk(random, key, ids);
	if (roll < 0.65) {
		const field = pick(CLASS_FIELDS);
		const bad = field === 'color' ? pick(['red; position: fixed', 'url(http://127.0.0.1:9/x)', '#12345', '#gggggg']) : pick(JUNK);
		return { map: 'classes', key, value: { ...validClass(key, n), [field]: bad === undefined ? null : bad } };
	}
	if (roll < 0.8) {
		const field = pick(IMAGE_FIELDS);
		const bad = field === 'width' ? pick([0, -5, 1.5, 1e7, NaN]) : pick(JUNK);
		return { map: 'images', key, value: { ...validImage(key), [field]: bad === undefined ? null : bad } };
	}
	if (roll < 0.92) {
		const field = pick(VERSION_FIELDS);
		return { map: 'versions', key, value: { ...validVersion(key, n), [field]: pick(JUNK) ?? null } };
	}
	if (random() < 0.5) return { map: 'meta', key: 'settings', value: { name: pick(JUNK) ?? null, description: '', createdAt: 1 } };
	return { map: 'meta', key: 'schemaVersion', value: pick([null, 'five', 1, 2, 4.5, -3, 999]), readable: true };
}

/** The corpus, then `count` writes from the seed. */
export function hostileWrites(seed: number, count: number, ids: VictimIds): HostileWrite[] {
	const random = seededRandom(seed);
	return [...corpus(ids), ...Array.from({ length: count }, (_, n) => hostileWrite(random, n, ids))];
}
