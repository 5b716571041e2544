import { describe, expect, it } from 'vitest';
import { looksLikeImageFile, sniffImage } from '$lib/storage/import/sniff';

const bytes = (...parts: (number[] | string)[]) =>
	new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));

describe('sniffImage', () => {
	it('recognises each supported format by its magic bytes', () => {
		expect(sniffImage(bytes([0xff, 0xd8, 0xff, 0xe0], 'JFIF'))).toBe('jpeg');
		expect(sniffImage(bytes([0x89], 'PNG', [0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]))).toBe('png');
		expect(sniffImage(bytes('GIF89a', [1, 0, 1, 0]))).toBe('gif');
		expect(sniffImage(bytes('GIF87a', [1, 0, 1, 0]))).toBe('gif');
		expect(sniffImage(bytes('RIFF', [0x24, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
		// BMP: "BM", size, reserved, offset, then a 40-byte BITMAPINFOHEADER
		expect(sniffImage(bytes('BM', [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]))).toBe('bmp');
	});

	it('rejects other files whatever they are called', () => {
		expect(sniffImage(new Uint8Array())).toBeNull();
		expect(sniffImage(bytes('hello, this is text'))).toBeNull();
		expect(sniffImage(bytes('%PDF-1.7'))).toBeNull();
		expect(sniffImage(bytes('RIFF', [0x24, 0, 0, 0], 'WAVEfmt '))).toBeNull(); // a WAV, not a WebP
		expect(sniffImage(bytes('BM', 'random text that is no bitmap'))).toBeNull(); // "BM" alone is not enough
		expect(sniffImage(bytes([0x89], 'PNG'))).toBeNull(); // truncated signature
		expect(sniffImage(bytes([0xff, 0xd8]))).toBeNull();
	});
});

describe('looksLikeImageFile (for files found inside folders)', () => {
	it('keeps images by extension or type and skips label files and system files', () => {
		expect(looksLikeImageFile('cats/a.JPG')).toBe(true);
		expect(looksLikeImageFile('a.jpeg')).toBe(true);
		expect(looksLikeImageFile('x/y/z.webp')).toBe(true);
		expect(looksLikeImageFile('noext', 'image/png')).toBe(true);
		expect(looksLikeImageFile('labels/a.txt')).toBe(false);
		expect(looksLikeImageFile('annotations.json', 'application/json')).toBe(false);
		expect(looksLikeImageFile('cats/.DS_Store')).toBe(false);
		expect(looksLikeImageFile('cats/._a.jpg', 'image/jpeg')).toBe(false);
	});
});
