// The production server's compressed answers: the .br/.gz that the build writes beside each file
// (src/server/precompress.js), sent by a real server on loopback to what a request accepts.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { MIN_BYTES, precompress } from '../../src/server/precompress.js';
import { createAppServer } from '../../src/server/serve.js';
import { closeAll, serve } from './support/signaling-clients';

afterEach(closeAll);

const SCRIPT = '/_app/immutable/chunks/app.js';
/** Code that compresses well, as minified code does, and is over MIN_BYTES. */
const CODE = Buffer.from(Array.from({ length: 400 }, (_, i) => `export function f${i}(a){return a*${i}+${i % 7}}`).join(';'));

function build(files: Record<string, Buffer | string>) {
	const dir = mkdtempSync(join(tmpdir(), 'peerlabel-build-'));
	for (const [name, body] of Object.entries(files)) {
		mkdirSync(join(dir, name, '..'), { recursive: true });
		writeFileSync(join(dir, name), body);
	}
	return dir;
}

async function appOn(dir: string) {
	const { port } = await serve(createAppServer({ dir }) as http.Server);
	return `http://127.0.0.1:${port}`;
}

/** A raw request: Node's fetch would ask for and undo compression itself. */
function get(url: string, headers: Record<string, string> = {}, method = 'GET') {
	return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
		http
			.request(url, { method, headers }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c) => chunks.push(c));
				res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
			})
			.on('error', reject)
			.end();
	});
}

describe('precompressed assets', () => {
	it('answers brotli to br, gzip to gzip and the file itself otherwise, the same bytes once decoded', async () => {
		const base = await appOn((() => {
			const dir = build({ 'index.html': '<!doctype html><p>Peerlabel</p>', [SCRIPT]: CODE });
			precompress(dir);
			return dir;
		})());
		const decode = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync, identity: (b: Buffer) => b };
		for (const [accept, encoding] of [
			['br', 'br'],
			['gzip, deflate, br, zstd', 'br'],
			['gzip', 'gzip'],
			['', 'identity'],
			['identity', 'identity']
		] as const) {
			const r = await get(base + SCRIPT, accept ? { 'Accept-Encoding': accept } : {});
			expect(r.status, accept).toBe(200);
			expect(r.headers['content-encoding'] ?? 'identity', accept).toBe(encoding);
			expect(Number(r.headers['content-length']), accept).toBe(r.body.length);
			expect(decode[encoding](r.body).equals(CODE), accept).toBe(true);
			if (encoding !== 'identity') expect(r.body.length, accept).toBeLessThan(CODE.length / 3);
			// What every answer keeps: its type, caches keyed by encoding, the hashed file cached for good, isolation.
			expect(r.headers['content-type']).toMatch(/^text\/javascript/);
			expect(r.headers.vary).toBe('Accept-Encoding');
			expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
			expect(r.headers['cross-origin-embedder-policy']).toBe('require-corp');
			expect(r.headers['content-security-policy']).toContain("script-src 'self'");
		}
	});

	it('answers a range with the file\'s own bytes, and HEAD with the headers of what GET would send', async () => {
		const dir = build({ 'index.html': '<!doctype html>', [SCRIPT]: CODE });
		precompress(dir);
		const base = await appOn(dir);
		const range = await get(base + SCRIPT, { 'Accept-Encoding': 'br', Range: 'bytes=100-199' });
		expect(range.status).toBe(206);
		expect(range.headers['content-encoding']).toBeUndefined();
		expect(range.headers['content-range']).toBe(`bytes 100-199/${CODE.length}`);
		expect(range.body.equals(CODE.subarray(100, 200))).toBe(true);
		const head = await get(base + SCRIPT, { 'Accept-Encoding': 'br' }, 'HEAD');
		const full = await get(base + SCRIPT, { 'Accept-Encoding': 'br' });
		expect(head.status).toBe(200);
		expect(head.body.length).toBe(0);
		expect(head.headers['content-encoding']).toBe('br');
		expect(head.headers['content-length']).toBe(full.headers['content-length']);
		// A cached copy is revalidated against the encoding it was sent in.
		const again = await get(base + SCRIPT, { 'Accept-Encoding': 'br', 'If-None-Match': String(full.headers.etag) });
		expect(again.status).toBe(304);
		const other = await get(base + SCRIPT, { 'Accept-Encoding': 'gzip', 'If-None-Match': String(full.headers.etag) });
		expect(other.status).toBe(200);
		expect(other.headers['content-encoding']).toBe('gzip');
	});

	it('compresses text and WebAssembly from MIN_BYTES on, never images or what compression would grow', () => {
		const noise = randomBytes(4096);
		const dir = build({
			'at-limit.js': 'a'.repeat(MIN_BYTES),
			'under-limit.js': 'a'.repeat(MIN_BYTES - 1),
			'index.html': 'a'.repeat(MIN_BYTES),
			'ort/x.wasm': Buffer.alloc(MIN_BYTES * 4),
			'icon.png': Buffer.alloc(MIN_BYTES * 4),
			'noise.json': noise
		});
		precompress(dir);
		const written = (name: string) => ['br', 'gz'].filter((ext) => existsSync(join(dir, `${name}.${ext}`)));
		expect(written('at-limit.js')).toEqual(['br', 'gz']);
		expect(written('under-limit.js')).toEqual([]);
		expect(written('index.html')).toEqual(['br', 'gz']);
		expect(written('ort/x.wasm')).toEqual(['br', 'gz']);
		expect(written('icon.png')).toEqual([]);
		expect(written('noise.json')).toEqual([]);
	});

	it('sends the compressed page for every route of the single-page app', async () => {
		const page = `<!doctype html>${'<p>Peerlabel</p>'.repeat(100)}`;
		const dir = build({ 'index.html': page });
		precompress(dir);
		const base = await appOn(dir);
		for (const path of ['/', '/project/some-id']) {
			const r = await get(base + path, { 'Accept-Encoding': 'br' });
			expect(r.headers['content-encoding'], path).toBe('br');
			expect(r.headers['content-type'], path).toMatch(/^text\/html/);
			expect(r.headers['cache-control'], path).toBe('no-cache');
			expect(zlib.brotliDecompressSync(r.body).toString(), path).toBe(page);
		}
	});
});
