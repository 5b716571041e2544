// Builds the app when build/ is missing or older than any of its sources.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
const buildMarker = join(root, 'build', 'index.html');
const inputs = ['src', 'static', 'models', 'svelte.config.js', 'vite.config.ts', 'package.json'];

/** The newest modification time of a file, or of anything under a folder. */
export function newestMtime(path) {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let newest = s.mtimeMs;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
	return newest;
}

export function ensureBuild() {
	const paths = inputs.map((p) => join(root, p)).filter(existsSync);
	if (existsSync(buildMarker) && Math.max(...paths.map(newestMtime)) <= statSync(buildMarker).mtimeMs) return;
	console.log('Building Peerlabel…');
	const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}
