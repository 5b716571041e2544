import { Inflate, inflateSync, strFromU8 } from 'fflate';
import { FormatError } from './errors';
import type { DatasetFile } from './files';
import { ZIP_LIMITS, type ZipLimits } from './limits';

/** The litter of macOS and Windows: never part of a dataset. */
export const isLitter = (path: string) => /(^|\/)(__MACOSX|\.DS_Store|Thumbs\.db|desktop\.ini)(\/|$)/i.test(path);

export function isZip(bytes: Uint8Array): boolean {
	return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** An entry packed in fewer bytes than this is inflated in one call: it cannot unpack to more than ~66 MB. */
const ONE_CALL = 64 * 1024;
/** Larger ones are inflated this many packed bytes at a time, counting: one step unpacks to at most ~16 MB. */
const STEP = 16 * 1024;

const size = (n: number) => (n >= 2 ** 30 ? `${+(n / 2 ** 30).toFixed(1)} GB` : n >= 2 ** 20 ? `${Math.round(n / 2 ** 20)} MB` : `${n.toLocaleString('en')} bytes`);

interface Entry {
	name: string;
	method: number;
	packed: number;
	declared: number;
	/** Offset of the local header. */
	at: number;
}

/**
 * The files of a zip archive (folders and litter left out), read by the app's import and the CLI alike.
 * A zip bomb is refused twice: from the sizes the central directory declares, before anything is
 * inflated, and from the bytes actually inflated, which must be exactly the declared size (declared sizes
 * can lie): an entry is stopped as soon as it unpacks past it, so memory never holds more than the caps.
 */
export function unzipFiles(zipName: string, bytes: Uint8Array, limits: ZipLimits = ZIP_LIMITS): DatasetFile[] {
	const damaged = (entry: string, why: string) => new FormatError(zipName, entry, `is not a readable zip archive (${why})`);
	const bomb = (entry: string, why: string) => new FormatError(zipName, entry, `${why}: this looks like a zip bomb`);
	const entries = centralDirectory(bytes, limits, damaged, bomb);
	let total = 0;
	for (const e of entries) {
		total += e.declared;
		if (e.declared > limits.entry) throw bomb(e.name, `unpacks to ${size(e.declared)}, more than ${size(limits.entry)} for one file`);
		if (total > limits.total) throw bomb(e.name, `unpacks to more than ${size(limits.total)}`);
		if (e.declared > limits.ratioFrom && e.declared > limits.ratio * e.packed) throw bomb(e.name, `unpacks ${size(e.packed)} to ${size(e.declared)}`);
	}
	const out: DatasetFile[] = [];
	for (const e of entries) {
		if (e.name.endsWith('/') || isLitter(e.name)) continue;
		const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		if (e.at + 30 > bytes.length || view.getUint32(e.at, true) !== 0x04034b50) throw damaged(e.name, 'its local header is missing');
		const start = e.at + 30 + view.getUint16(e.at + 26, true) + view.getUint16(e.at + 28, true);
		if (start + e.packed > bytes.length) throw damaged(e.name, 'it ends past the archive');
		const packed = bytes.subarray(start, start + e.packed);
		let data: Uint8Array;
		if (e.method === 0) data = packed.slice();
		else if (e.method === 8) data = inflateCounted(packed, e.declared, () => bomb(e.name, `unpacks to more than the ${size(e.declared)} it declares`));
		else throw damaged(e.name, `compression method ${e.method} is not supported`);
		if (data.length !== e.declared) throw new FormatError(zipName, e.name, `holds ${size(data.length)}, not the ${size(e.declared)} it declares: the archive is damaged`);
		out.push({ path: e.name, bytes: data });
	}
	return out;
}

/** Inflates into a buffer one byte larger than declared: the extra byte filled means it lied. */
function inflateCounted(packed: Uint8Array, declared: number, lied: () => FormatError): Uint8Array {
	if (packed.length <= ONE_CALL) {
		let data: Uint8Array;
		try {
			data = inflateSync(packed, { out: new Uint8Array(declared + 1) });
		} catch {
			return new Uint8Array(0);
		}
		if (data.length > declared) throw lied();
		return data;
	}
	// Collected as it comes, never allocated from the declared size: memory follows the bytes truly unpacked.
	const chunks: Uint8Array[] = [];
	let unpacked = 0;
	const inflater = new Inflate((chunk) => {
		unpacked += chunk.length;
		if (unpacked <= declared) chunks.push(chunk);
	});
	try {
		for (let i = 0; i < packed.length && unpacked <= declared; i += STEP) inflater.push(packed.subarray(i, i + STEP), i + STEP >= packed.length);
	} catch {
		return new Uint8Array(0);
	}
	if (unpacked > declared) throw lied();
	const out = new Uint8Array(unpacked);
	let at = 0;
	for (const c of chunks) {
		out.set(c, at);
		at += c.length;
	}
	return out;
}

/** The central directory's entries (zip64 included), refusing too many before reading them. */
function centralDirectory(bytes: Uint8Array, limits: ZipLimits, damaged: (e: string, why: string) => FormatError, bomb: (e: string, why: string) => FormatError): Entry[] {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const u16 = (i: number) => view.getUint16(i, true);
	const u32 = (i: number) => view.getUint32(i, true);
	const u64 = (i: number) => u32(i) + u32(i + 4) * 2 ** 32;
	let end = bytes.length - 22;
	while (end >= 0 && end >= bytes.length - 22 - 65535 && u32(end) !== 0x06054b50) end--;
	if (end < 0 || end < bytes.length - 22 - 65535) throw damaged('', 'no end of central directory');
	let count = u16(end + 10);
	let at = u32(end + 16);
	if (end >= 20 && u32(end - 20) === 0x07064b50) {
		const z = u64(end - 12);
		if (z + 56 <= bytes.length && u32(z) === 0x06064b50) {
			count = u64(z + 32);
			at = u64(z + 48);
		}
	}
	if (count > limits.entries) throw bomb('', `holds ${count.toLocaleString('en')} entries, more than ${limits.entries.toLocaleString('en')}`);
	const entries: Entry[] = [];
	for (let k = 0; k < count; k++) {
		if (at + 46 > bytes.length || u32(at) !== 0x02014b50) throw damaged('', 'its central directory is cut short');
		const nameLength = u16(at + 28),
			extraLength = u16(at + 30);
		const name = strFromU8(bytes.subarray(at + 46, at + 46 + nameLength), !(u16(at + 8) & 0x800));
		let packed = u32(at + 20),
			declared = u32(at + 24),
			local = u32(at + 42);
		// Zip64: the sizes and offset that read 0xFFFFFFFF are in extra field 1, in this order.
		for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; x += 4 + u16(x + 2)) {
			if (u16(x) !== 1) continue;
			let f = x + 4;
			if (declared === 0xffffffff) (declared = u64(f)), (f += 8);
			if (packed === 0xffffffff) (packed = u64(f)), (f += 8);
			if (local === 0xffffffff) local = u64(f);
		}
		entries.push({ name, method: u16(at + 10), packed, declared, at: local });
		at += 46 + nameLength + extraLength + u16(at + 32);
	}
	return entries;
}
