// Writes `<file>.br` and `<file>.gz` beside every compressible file of a build, once at build time,
// so that serve.js hands them out without compressing per request (sirv's `brotli`/`gzip` options).
// Brotli at its best quality costs ~2 s a MB: onnxruntime's 26 MB WebAssembly would add a minute
// to every build, so files over BROTLI_MAX_QUALITY_BYTES get quality 9 (17 % larger there, 20x faster).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import zlib from 'node:zlib';

/** Text and WebAssembly; images, models and fonts are compressed already. */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.webmanifest', '.svg', '.txt', '.wasm', '.xml', '.map']);
/** Below this, the headers cost more than compression saves. */
export const MIN_BYTES = 1024;
export const BROTLI_MAX_QUALITY_BYTES = 4 * 1024 * 1024;

function filesUnder(dir) {
	return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Each compressed form, written only where it is smaller than the file. Returns bytes before and after. */
export function precompress(dir) {
	let before = 0,
		after = 0;
	for (const file of filesUnder(dir)) {
		if (!COMPRESSIBLE.has(extname(file)) || statSync(file).size < MIN_BYTES) continue;
		const bytes = readFileSync(file);
		const text = extname(file) !== '.wasm';
		const br = zlib.brotliCompressSync(bytes, {
			params: {
				[zlib.constants.BROTLI_PARAM_MODE]: text ? zlib.constants.BROTLI_MODE_TEXT : zlib.constants.BROTLI_MODE_GENERIC,
				[zlib.constants.BROTLI_PARAM_QUALITY]: bytes.length > BROTLI_MAX_QUALITY_BYTES ? 9 : zlib.constants.BROTLI_MAX_QUALITY,
				[zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length
			}
		});
		const gz = zlib.gzipSync(bytes, { level: zlib.constants.Z_BEST_COMPRESSION });
		if (br.length < bytes.length) writeFileSync(`${file}.br`, br);
		if (gz.length < bytes.length) writeFileSync(`${file}.gz`, gz);
		before += bytes.length;
		after += Math.min(br.length, bytes.length);
	}
	return { before, after };
}

/**
 * adapter-static, then precompress what it wrote (its own `precompress` option would give the 26 MB
 * WebAssembly brotli's best quality too). `adapter` is the configured adapter-static; `dir` its output.
 */
export function precompressed(adapter, dir) {
	return {
		...adapter,
		async adapt(builder) {
			await adapter.adapt(builder);
			const { before, after } = precompress(dir);
			builder.log.minor(`Precompressed ${(before / 2 ** 20).toFixed(1)} MB of text and WebAssembly to ${(after / 2 ** 20).toFixed(1)} MB (brotli)`);
		}
	};
}
