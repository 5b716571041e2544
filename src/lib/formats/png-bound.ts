import { Unzlib } from 'fflate';
import { FormatError } from './errors';

/** Deflate's largest ratio: one compressed byte unpacks to at most about 1032. */
const DEFLATE_MAX_RATIO = 1032;
/** A PNG whose image data could unpack to more than this is inflated once, counting, before it is decoded. */
export const PNG_UNCOUNTED_BYTES = 64 * 2 ** 20;
/** Compressed bytes pushed at a time while counting: one step unpacks to at most ~16 MB. */
const STEP = 16 * 1024;

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** The IHDR fields and IDAT payloads of a PNG, without copying; null when the chunks cannot be walked. */
function pngParts(b: Uint8Array) {
	const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
	if (b.length < 33 || view.getUint32(12) !== 0x49484452) return null; // IHDR
	const width = view.getUint32(16),
		height = view.getUint32(20),
		depth = b[24],
		channels = CHANNELS[b[25]],
		interlaced = b[28] === 1;
	if (!channels) return null;
	const idat: Uint8Array[] = [];
	for (let at = 8; at + 8 <= b.length; ) {
		const length = view.getUint32(at);
		if (view.getUint32(at + 4) === 0x49444154) idat.push(b.subarray(at + 8, Math.min(b.length, at + 8 + length)));
		at += 12 + length;
	}
	return { width, height, depth, channels, interlaced, idat };
}

/**
 * Refuses a PNG whose image data unpacks to more than its width × height need (a PNG bomb: a small file
 * whose header passes the pixel cap but whose data would fill memory when decoded). Small files are let
 * through uncounted, since they cannot unpack to more than PNG_UNCOUNTED_BYTES; unreadable ones are left
 * to the decoder to refuse.
 */
export function checkPngInflates(bytes: Uint8Array, file: string, place: string, uncounted = PNG_UNCOUNTED_BYTES): void {
	const png = pngParts(bytes);
	if (!png) return;
	const packed = png.idat.reduce((n, c) => n + c.length, 0);
	if (packed * DEFLATE_MAX_RATIO <= uncounted) return;
	const row = Math.ceil((png.width * png.channels * png.depth) / 8) + 1;
	// Adam7 gives each of its 7 passes its own filter bytes and padding: at most twice the plain size.
	const need = png.height * row * (png.interlaced ? 2 : 1) + 1024;
	let unpacked = 0;
	const inflater = new Unzlib((chunk) => void (unpacked += chunk.length));
	try {
		counting: for (const part of png.idat)
			for (let at = 0; at < part.length; at += STEP) {
				inflater.push(part.subarray(at, at + STEP), false);
				if (unpacked > need) break counting;
			}
	} catch {
		return;
	}
	if (unpacked > need)
		throw new FormatError(
			file,
			place,
			`its image data unpacks to more than the ${need.toLocaleString('en')} bytes its ${png.width.toLocaleString('en')} × ${png.height.toLocaleString('en')} pixels need: a damaged PNG or a PNG bomb`
		);
}
