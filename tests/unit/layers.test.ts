import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The import rules of docs/architecture.md, checked on every source file: a layer imports only the
 * layers below it, and the pure layers import no DOM, Svelte or Paper.js code.
 */
const LIB = join(__dirname, '../../src/lib');

/** Layer of a file, by path under src/lib. Views of shape types belong to the editor layer. */
function layerOf(path: string): string {
	const rel = relative(LIB, path).replaceAll('\\', '/');
	if (/^shapes\/([^/]+\/view|views)(\.ts)?$/.test(rel)) return 'editor';
	return rel.split('/')[0];
}

const ALLOWED: Record<string, string[]> = {
	geometry: [],
	shapes: ['geometry'],
	model: ['geometry', 'shapes'],
	formats: ['geometry', 'shapes', 'model'],
	quality: ['geometry', 'shapes', 'model', 'formats'],
	storage: ['geometry', 'shapes', 'model', 'formats'],
	sync: ['geometry', 'shapes', 'model', 'storage'],
	ml: ['geometry', 'shapes', 'model', 'storage'],
	editor: ['geometry', 'shapes', 'model', 'storage'],
	ui: ['geometry', 'shapes', 'model', 'storage', 'formats', 'quality', 'sync', 'ml', 'editor']
};

const PURE = new Set(['geometry', 'shapes', 'model', 'formats', 'quality']);
const FORBIDDEN_IN_PURE = [/^svelte/, /^paper$/, /^\$app\//, /^y-indexeddb$/, /^idb$/, /^rbush$/];

function sourceFiles(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return /\.(ts|svelte)$/.test(name) && !name.endsWith('.test.ts') ? [path] : [];
	});
}

function importsOf(source: string): string[] {
	return [...source.matchAll(/(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
		(m) => m[1] ?? m[2]
	);
}

function targetLayer(spec: string, file: string): string | null {
	if (spec.startsWith('$lib/')) return layerOf(join(LIB, spec.slice(5)));
	if (spec.startsWith('.')) return layerOf(join(file, '..', spec));
	return null;
}

describe('architecture', () => {
	const files = sourceFiles(LIB);

	it('finds the layers', () => {
		expect(files.length).toBeGreaterThan(10);
		for (const f of files) expect(Object.keys(ALLOWED), relative(LIB, f)).toContain(layerOf(f));
	});

	it('imports only downwards, and keeps the pure layers free of DOM, Svelte and Paper.js', () => {
		const violations: string[] = [];
		for (const file of files) {
			const layer = layerOf(file);
			const source = readFileSync(file, 'utf8');
			for (const spec of importsOf(source)) {
				const target = targetLayer(spec, file);
				if (target && target !== layer && !ALLOWED[layer].includes(target))
					violations.push(`${relative(LIB, file)} (${layer}) imports ${spec} (${target})`);
				if (PURE.has(layer) && FORBIDDEN_IN_PURE.some((re) => re.test(spec)))
					violations.push(`${relative(LIB, file)} (${layer}, pure) imports ${spec}`);
			}
			// Comments and string literals do not count: a file may be named 'document.yjs'.
			const code = source.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, '').replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, "''");
			if (PURE.has(layer) && /\b(document|window|HTMLElement|CanvasRenderingContext2D)\b/.test(code))
				violations.push(`${relative(LIB, file)} (${layer}, pure) uses the DOM`);
		}
		expect(violations).toEqual([]);
	});

	it('lets only the model touch Y types', () => {
		const offenders = files.filter((f) => {
			if (layerOf(f) === 'model') return false;
			return /\bY\.(Map|Array|Text|XmlFragment|UndoManager)\b|\.getMap\(|\.getArray\(/.test(readFileSync(f, 'utf8'));
		});
		expect(offenders.map((f) => relative(LIB, f))).toEqual([]);
	});
});
