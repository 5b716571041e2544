import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { DatasetFile } from '$lib/formats/files';

/** Every file under `dir` as the formats take them: paths relative to `dir`, '/'-separated. */
export function filesUnder(dir: string, only?: (path: string) => boolean): DatasetFile[] {
	const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
	return walk(dir)
		.map((p) => relative(dir, p).replaceAll('\\', '/'))
		.filter((p) => !only || only(p))
		.sort()
		.map((path) => ({ path, bytes: new Uint8Array(readFileSync(join(dir, path))) }));
}

export const textFile = (path: string, text: string): DatasetFile => ({ path, bytes: new TextEncoder().encode(text) });

export const decodeText = (f: DatasetFile | undefined) => (f ? new TextDecoder().decode(f.bytes) : '');
