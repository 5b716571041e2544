import { unzipSync, zipSync } from 'fflate';

/** Zips that lie or explode, as a hostile sender would craft them (fflate writes them, then we patch). */

/** `count` bytes of zeros under `name`, deflated: a genuine high-ratio entry (~1000×). */
export function zerosZip(name: string, count: number, extra: Record<string, Uint8Array> = {}): Uint8Array {
	return zipSync({ ...extra, [name]: new Uint8Array(count) }, { level: 9 });
}

/** Bytes that do not compress (a seeded generator: the same every run). */
function noise(length: number): Uint8Array {
	const out = new Uint8Array(length);
	let x = 2463534242;
	for (let i = 0; i < length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		out[i] = x & 255;
	}
	return out;
}

/**
 * A zip whose entry `name` declares `declared` unpacked bytes, in its local header and in the central
 * directory (or only in the central directory, the local header telling the truth), while it truly
 * unpacks to `actual` zeros.
 */
export function lyingZip(name: string, actual: number, declared: number, where: 'both' | 'central' = 'both', content: 'zeros' | 'noise' = 'zeros'): Uint8Array {
	const zip = zipSync({ [name]: content === 'zeros' ? new Uint8Array(actual) : noise(actual) }, { level: 9 });
	const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
	let patched = 0;
	for (let i = 0; i + 4 <= zip.length; i++) {
		const sig = view.getUint32(i, true);
		// Local header: uncompressed size at +22; central directory entry: at +24.
		const at = sig === 0x04034b50 && where === 'both' ? i + 22 : sig === 0x02014b50 ? i + 24 : -1;
		if (at > 0 && view.getUint32(at, true) === actual) {
			view.setUint32(at, declared, true);
			patched++;
		}
	}
	if (patched !== (where === 'both' ? 2 : 1)) throw new Error(`lyingZip patched ${patched} headers`);
	return zip;
}

/** The packed (compressed) size the archive's central directory gives `name`. */
export function packedSize(zip: Uint8Array, name: string): number {
	let found = -1;
	unzipSync(zip, { filter: (f) => ((found = f.name === name ? f.size : found), false) });
	return found;
}
