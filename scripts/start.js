#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const buildMarker = join(root, 'build', 'index.html');

function newestMtime(path) {
	const s = statSync(path);
	if (!s.isDirectory()) return s.mtimeMs;
	let newest = s.mtimeMs;
	for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
	return newest;
}

const inputs = ['src', 'static', 'models', 'svelte.config.js', 'vite.config.ts', 'package.json'].map((p) => join(root, p));
const sourcesChanged = () =>
	Math.max(...inputs.filter(existsSync).map(newestMtime)) > statSync(buildMarker).mtimeMs;

if (!existsSync(buildMarker) || sourcesChanged()) {
	console.log('Building Peerlabel…');
	const r = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
	if (r.status !== 0) process.exit(r.status ?? 1);
}

const { main } = await import('../server/serve.js');
main();
