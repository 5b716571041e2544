import { createHash } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppServer } from '../../src/server/serve.js';
import { closeAll, serve } from './support/signaling-clients';

afterEach(closeAll);

const BOOTSTRAP = '\n\t\t\t{ const app = "started"; }\n\t\t';

async function appOn(files: Record<string, string>) {
	const dir = mkdtempSync(join(tmpdir(), 'peerlabel-build-'));
	for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
	const { port } = await serve(createAppServer({ dir }) as http.Server);
	return `http://127.0.0.1:${port}`;
}

describe('app server headers', () => {
	it('allows the page\'s inline scripts by their hash, on every response, and nothing inline besides', async () => {
		const base = await appOn({
			'index.html': `<!doctype html><script type="module" src="/app.js"></script><script>${BOOTSTRAP}</script><p>Peerlabel</p>`,
			'app.js': 'export {}'
		});
		const hash = createHash('sha256').update(BOOTSTRAP).digest('base64');
		for (const path of ['/', '/app.js', '/project/x']) {
			const response = await fetch(base + path);
			const policy = response.headers.get('content-security-policy') ?? '';
			expect(policy.split('; ').find((d) => d.startsWith('script-src'))).toBe(`script-src 'self' 'wasm-unsafe-eval' 'sha256-${hash}'`);
			expect(policy).toContain("frame-ancestors 'none'");
			expect(response.headers.get('x-content-type-options')).toBe('nosniff');
			expect(response.headers.get('referrer-policy')).toBe('no-referrer');
		}
	});

	it('allows no inline script when the page has none', async () => {
		const base = await appOn({ 'index.html': '<!doctype html><script src="/app.js"></script>' });
		const policy = (await fetch(base)).headers.get('content-security-policy') ?? '';
		expect(policy.split('; ').find((d) => d.startsWith('script-src'))).toBe("script-src 'self' 'wasm-unsafe-eval'");
	});
});
