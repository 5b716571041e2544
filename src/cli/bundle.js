// Node cannot run the TypeScript formats: the converter is bundled with Vite into one ES module,
// rebuilt when any of its sources is newer than the bundle (as src/server/ensure-build.js does for the app).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from '../server/ensure-build.js';

export const root = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Where the bundle goes; PEERLABEL_CLI_CACHE moves it (tests use a folder of their own). Named after
 * the checkout, since several checkouts may share one node_modules (a link) and must not reuse each
 * other's bundle.
 */
export const cacheDir =
	process.env.PEERLABEL_CLI_CACHE ?? join(root, 'node_modules', '.cache', 'peerlabel-cli', createHash('sha256').update(root).digest('hex').slice(0, 12));
const inputs = ['src/lib', 'src/cli', 'package.json'];


/** Whether the bundle at `file` is missing or older than a source (`entry` is one beside the usual). */
export function isStale(file, entry) {
	if (!existsSync(file)) return true;
	const newest = Math.max(...[...inputs, entry].map((p) => join(root, p)).filter(existsSync).map(newestMtime));
	return newest > statSync(file).mtimeMs;
}

/**
 * Returns the path of the bundle `<name>.mjs` of `entry` (a TypeScript file, relative to the root),
 * building it first when stale. Built in a folder of its own and renamed into place, so two runs
 * building at once never read half a file.
 */
export async function ensureBundle(name, entry = `src/cli/${name}.ts`) {
	const file = join(cacheDir, `${name}.mjs`);
	if (!isStale(file, entry)) return file;
	process.stderr.write(`Building the ${name} bundle…\n`);
	const { build } = await import('vite');
	const tmp = join(cacheDir, `tmp-${process.pid}-${Date.now()}`);
	try {
		await build({
			configFile: false,
			root,
			// Left out, Vite would read the root tsconfig.json, which extends one that only a build makes.
			tsconfig: join(root, 'src/cli/tsconfig.bundle.json'),
			logLevel: 'warn',
			resolve: { alias: { $lib: join(root, 'src/lib') } },
			// Self-contained: the bundle may live outside the project (PEERLABEL_CLI_CACHE), away from node_modules.
			ssr: { noExternal: true, target: 'node' },
			build: {
				ssr: join(root, entry),
				outDir: tmp,
				emptyOutDir: true,
				minify: false,
				sourcemap: false,
				target: 'node20',
				// One file: a dynamic import (y-webrtc, loaded only for shared projects) is inlined, not a chunk beside it.
				rolldownOptions: { output: { entryFileNames: `${name}.mjs`, format: 'es', codeSplitting: false } }
			}
		});
		mkdirSync(cacheDir, { recursive: true });
		renameSync(join(tmp, `${name}.mjs`), file);
	} finally {
		rmSync(tmp, { recursive: true, force: true });
	}
	return file;
}
