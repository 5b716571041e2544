/**
 * Test images made at test time, so the repository holds no binary fixtures: tiny encoders for PNG,
 * BMP and GIF, and JPEG/WebP made by the browser itself. Each image's pixels come from a seed, so
 * different seeds give different bytes (different SHA-256) and the same seed the same bytes.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { seededRandom as rng } from '../../../src/lib/geometry/random';

/** RGB pixels: a colour gradient tinted by the seed, or noise (incompressible) when `noise`. */
function pixels(width: number, height: number, seed: number, noise = false): Uint8Array {
	const out = new Uint8Array(width * height * 3);
	const r = rng(seed);
	const tint = [r() * 255, r() * 255, r() * 255];
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const i = (y * width + x) * 3;
			if (noise) {
				out[i] = r() * 256;
				out[i + 1] = r() * 256;
				out[i + 2] = r() * 256;
			} else {
				out[i] = (tint[0] + (x * 255) / width) % 256;
				out[i + 1] = (tint[1] + (y * 255) / height) % 256;
				out[i + 2] = tint[2];
			}
		}
	return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});
function crc32(bytes: Uint8Array): number {
	let c = 0xffffffff;
	for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
	const head = Buffer.alloc(8);
	head.writeUInt32BE(data.length, 0);
	head.write(type, 4, 'ascii');
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
	return Buffer.concat([head, data, crc]);
}

export function png(width: number, height: number, seed: number, options: { noise?: boolean } = {}): Buffer {
	const rgb = pixels(width, height, seed, options.noise);
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		raw[y * (width * 3 + 1)] = 0; // filter: none
		Buffer.from(rgb.buffer, y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type: RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', deflateSync(raw, { level: options.noise ? 0 : 6 })),
		pngChunk('IEND', new Uint8Array())
	]);
}

/** An uncompressed 24-bit BMP. */
export function bmp(width: number, height: number, seed: number): Buffer {
	const rgb = pixels(width, height, seed);
	const stride = Math.ceil((width * 3) / 4) * 4;
	const size = 54 + stride * height;
	const b = Buffer.alloc(size);
	b.write('BM', 0, 'ascii');
	b.writeUInt32LE(size, 2);
	b.writeUInt32LE(54, 10);
	b.writeUInt32LE(40, 14);
	b.writeInt32LE(width, 18);
	b.writeInt32LE(height, 22); // bottom-up
	b.writeUInt16LE(1, 26);
	b.writeUInt16LE(24, 28);
	b.writeUInt32LE(stride * height, 34);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const src = (y * width + x) * 3;
			const dst = 54 + (height - 1 - y) * stride + x * 3;
			b[dst] = rgb[src + 2];
			b[dst + 1] = rgb[src + 1];
			b[dst + 2] = rgb[src];
		}
	return b;
}

/**
 * A GIF with two frames (the importer keeps the first). Pixels use a 4-colour palette; the LZW
 * stream sends a clear code every two pixels, so its codes stay 3 bits wide.
 */
export function gif(width: number, height: number, seed: number): Buffer {
	const r = rng(seed);
	const palette = Array.from({ length: 12 }, () => Math.floor(r() * 256));
	const frame = (shift: number) => {
		const codes: number[] = [];
		for (let i = 0; i < width * height; i++) {
			if (i % 2 === 0) codes.push(4); // clear
			codes.push((Math.floor((i % width) / Math.max(1, width / 4)) + shift) % 4);
		}
		codes.push(5); // end of information
		const bytes: number[] = [];
		let acc = 0;
		let bits = 0;
		for (const c of codes) {
			acc |= c << bits;
			bits += 3;
			while (bits >= 8) {
				bytes.push(acc & 0xff);
				acc >>= 8;
				bits -= 8;
			}
		}
		if (bits) bytes.push(acc & 0xff);
		const blocks: number[] = [];
		for (let i = 0; i < bytes.length; i += 255) {
			const part = bytes.slice(i, i + 255);
			blocks.push(part.length, ...part);
		}
		const desc = Buffer.alloc(10);
		desc[0] = 0x2c;
		desc.writeUInt16LE(width, 5);
		desc.writeUInt16LE(height, 7);
		const gce = [0x21, 0xf9, 4, 0, 10, 0, 0, 0];
		return Buffer.concat([Buffer.from(gce), desc, Buffer.from([2, ...blocks, 0])]);
	};
	const header = Buffer.alloc(13);
	header.write('GIF89a', 0, 'ascii');
	header.writeUInt16LE(width, 6);
	header.writeUInt16LE(height, 8);
	header[10] = 0x80 | 0x01; // global colour table, 2^(1+1) = 4 colours
	return Buffer.concat([header, Buffer.from(palette), frame(0), frame(1), Buffer.from([0x3b])]);
}

/** A JPEG or WebP encoded by the page's browser. */
export async function browserImage(page: Page, type: 'image/jpeg' | 'image/webp', width: number, height: number, seed: number): Promise<Buffer> {
	const base64 = await page.evaluate(
		async ({ type, width, height, seed }) => {
			const canvas = new OffscreenCanvas(width, height);
			const ctx = canvas.getContext('2d')!;
			const g = ctx.createLinearGradient(0, 0, width, height);
			g.addColorStop(0, `hsl(${(seed * 67) % 360} 70% 45%)`);
			g.addColorStop(1, `hsl(${(seed * 67 + 140) % 360} 70% 60%)`);
			ctx.fillStyle = g;
			ctx.fillRect(0, 0, width, height);
			ctx.fillStyle = '#fff';
			ctx.font = `${Math.round(height / 3)}px sans-serif`;
			ctx.fillText(String(seed), width / 8, (height * 2) / 3);
			const blob = await canvas.convertToBlob({ type, quality: 0.9 });
			const bytes = new Uint8Array(await blob.arrayBuffer());
			let s = '';
			for (const b of bytes) s += String.fromCharCode(b);
			return btoa(s);
		},
		{ type, width, height, seed }
	);
	return Buffer.from(base64, 'base64');
}

/** Random bytes: not an image whatever its name says. */
export function garbage(size: number, seed: number): Buffer {
	const r = rng(seed);
	return Buffer.from(Array.from({ length: size }, () => Math.floor(r() * 256)));
}

/** A fresh temporary folder; `write` puts files in it (paths may contain folders). */
export function tempFolder(prefix = 'peerlabel-e2e-'): { dir: string; write(path: string, bytes: Buffer): string } {
	const dir = mkdtempSync(join(tmpdir(), prefix));
	return {
		dir,
		write(path, bytes) {
			const full = join(dir, path);
			mkdirSync(join(full, '..'), { recursive: true });
			writeFileSync(full, bytes);
			return full;
		}
	};
}
