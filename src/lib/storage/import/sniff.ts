/**
 * What kind of image some bytes really are, read from their first bytes ("magic numbers"), never
 * from the file name or the type the browser guessed from it.
 */
export type ImageKind = 'jpeg' | 'png' | 'webp' | 'bmp' | 'gif';

export const IMAGE_MIME: Record<ImageKind, string> = {
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	bmp: 'image/bmp',
	gif: 'image/gif'
};

/** How many leading bytes sniffImage needs to decide. */
export const SNIFF_BYTES = 16;

export const SUPPORTED_FORMATS_TEXT = 'JPEG, PNG, WebP, BMP or GIF';

function startsWith(bytes: Uint8Array, sig: readonly number[], at = 0): boolean {
	if (bytes.length < at + sig.length) return false;
	for (let i = 0; i < sig.length; i++) if (bytes[at + i] !== sig[i]) return false;
	return true;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87 = ascii('GIF87a');
const GIF89 = ascii('GIF89a');
const RIFF = ascii('RIFF');
const WEBP = ascii('WEBP');
const BM = ascii('BM');

/** The image kind of some bytes, or null when they are none of the supported formats. */
export function sniffImage(bytes: Uint8Array): ImageKind | null {
	if (startsWith(bytes, JPEG)) return 'jpeg';
	if (startsWith(bytes, PNG)) return 'png';
	if (startsWith(bytes, GIF87) || startsWith(bytes, GIF89)) return 'gif';
	if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'webp';
	// "BM", then the file size, two reserved fields and the pixel-data offset; the DIB header that
	// follows starts with its own size, one of a handful of known values.
	if (startsWith(bytes, BM) && bytes.length >= 18) {
		const dibSize = bytes[14] | (bytes[15] << 8) | (bytes[16] << 16) | (bytes[17] << 24);
		if ([12, 16, 40, 52, 56, 64, 108, 124].includes(dibSize)) return 'bmp';
	}
	return null;
}

const IMAGE_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'webp', 'bmp', 'dib', 'gif']);

/**
 * Whether a file found while walking a folder is worth trying as an image. Folders of training
 * data hold label files, notes and system files next to the images; those are skipped, not
 * reported as broken images. Files the user picked one by one are always tried.
 */
export function looksLikeImageFile(name: string, type = ''): boolean {
	const base = name.slice(name.lastIndexOf('/') + 1);
	if (base.startsWith('.')) return false; // .DS_Store, ._name (macOS resource forks)
	if (type.startsWith('image/')) return true;
	const dot = base.lastIndexOf('.');
	return dot > 0 && IMAGE_EXTENSIONS.has(base.slice(dot + 1).toLowerCase());
}
