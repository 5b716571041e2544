// Builds the app, or the test build, when its folder is missing or older than any of its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, buildEnv, root } from './build-mode.js';

const inputs = ['src', 'static', 'models', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** The newest modification time of a file, or of anything under a folder. */
export function newestMtime(path) {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let newest = s.mtimeMs;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
	return newest;
}

/** `test`: the test build (build-test/, with /dev/seed and /dev/ml); else the app (build/). */
export function ensureBuild({ test = false } = {}) {
	const marker = join(buildDir(test), 'index.html');
	const paths = inputs.map((p) => join(root, p)).filter(existsSync);
	if (existsSync(marker) && Math.max(...paths.map(newestMtime)) <= statSync(marker).mtimeMs) return;
	console.log(test ? 'Building Peerlabel with its test routes…' : 'Building Peerlabel…');
	const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env: buildEnv(test) });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
