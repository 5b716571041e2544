/**
 * An image's pixel size read from its file header, without decoding the pixels: PNG, JPEG (any SOF
 * marker, baseline or progressive), GIF, BMP and WebP (VP8, VP8L, VP8X). Null when the bytes are none of
 * these or the header is cut short. JPEG's EXIF orientation is not applied (the stored size is returned).
 */
export function imageSize(bytes: Uint8Array): { width: number; height: number } | null {
	const size = pngSize(bytes) ?? jpegSize(bytes) ?? gifSize(bytes) ?? bmpSize(bytes) ?? webpSize(bytes);
	return size && size.width > 0 && size.height > 0 ? size : null;
}

const u16be = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const u16le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const u24le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i] << 24) >>> 0) + ((b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]);
const i32le = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** A PNG's size from its IHDR chunk; null when the bytes do not start as a PNG. */
export function pngSize(b: Uint8Array): { width: number; height: number } | null {
	// Signature, then the IHDR chunk: length, 'IHDR', width, height (big-endian).
	if (b.length < 24 || b[0] !== 0x89 || ascii(b, 1, 3) !== 'PNG' || ascii(b, 12, 4) !== 'IHDR') return null;
	return { width: u32be(b, 16), height: u32be(b, 20) };
}

/** Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but do not. */
const isStartOfFrame = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegSize(b: Uint8Array) {
	if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null;
	let i = 2;
	while (i + 3 < b.length) {
		if (b[i] !== 0xff) return null;
		const marker = b[i + 1];
		if (marker === 0xff) {
			i++; // fill byte
			continue;
		}
		// Markers without a length: TEM, RSTn, SOI, EOI.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
			i += 2;
			continue;
		}
		const length = u16be(b, i + 2);
		if (isStartOfFrame(marker)) {
			if (i + 9 > b.length) return null;
			return { width: u16be(b, i + 7), height: u16be(b, i + 5) };
		}
		if (marker === 0xda || length < 2) return null; // image data before any frame header
		i += 2 + length;
	}
	return null;
}

function gifSize(b: Uint8Array) {
	if (b.length < 10 || (ascii(b, 0, 6) !== 'GIF87a' && ascii(b, 0, 6) !== 'GIF89a')) return null;
	return { width: u16le(b, 6), height: u16le(b, 8) };
}

function bmpSize(b: Uint8Array) {
	if (b.length < 26 || ascii(b, 0, 2) !== 'BM') return null;
	const headerSize = i32le(b, 14);
	// The old OS/2 header has 16-bit sizes; later ones 32-bit, with a negative height for top-down rows.
	if (headerSize === 12) return { width: u16le(b, 18), height: u16le(b, 20) };
	return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)) };
}

function webpSize(b: Uint8Array) {
	if (b.length < 30 || ascii(b, 0, 4) !== 'RIFF' || ascii(b, 8, 4) !== 'WEBP') return null;
	const chunk = ascii(b, 12, 4);
	if (chunk === 'VP8 ') {
		// Key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
		if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
		return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
	}
	if (chunk === 'VP8L') {
		if (b[20] !== 0x2f) return null;
		const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8X') return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
	return null;
}
