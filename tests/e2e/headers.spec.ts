import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Page } from '@playwright/test';
import { png, tempFolder } from './support/images';

/** The policy's directives, each as a list of sources. */
function directives(policy: string): Record<string, string[]> {
	return Object.fromEntries(
		policy
			.split(';')
			.map((d) => d.trim().split(/\s+/))
			.filter(([name]) => name)
			.map(([name, ...sources]) => [name, sources])
	);
}

/** A server on another loopback port that counts the requests it gets and answers `body`. */
async function otherOrigin(body = '') {
	const requests: string[] = [];
	const server = http.createServer((req, res) => {
		requests.push(req.url ?? '');
		res.writeHead(200, { 'Content-Type': 'text/html', 'Cross-Origin-Resource-Policy': 'cross-origin' });
		res.end(body);
	});
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	return { requests, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Collects the page's Content-Security-Policy violations in window.__violations, from its first script on. */
async function watchViolations(page: Page) {
	await page.addInitScript(() => {
		const w = window as unknown as { __violations: { directive: string; blocked: string }[] };
		w.__violations = [];
		document.addEventListener('securitypolicyviolation', (e) => w.__violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
	});
	return () => page.evaluate(() => (window as unknown as { __violations: { directive: string; blocked: string }[] }).__violations);
}

test('every response carries the isolation and security headers and the policy', async ({ request }) => {
	const page = await request.get('/');
	const script = (await page.text()).match(/\/_app\/immutable\/entry\/start\.[^"]+\.js/)?.[0];
	expect(script).toBeTruthy();
	for (const path of ['/', '/project/some-id', script!, '/service-worker.js', '/ort/ort-wasm-simd-threaded.asyncify.mjs', '/manifest.webmanifest']) {
		const response = await request.get(path);
		expect(response.status(), path).toBe(200);
		const h = response.headers();
		expect(h['x-content-type-options'], path).toBe('nosniff');
		expect(h['referrer-policy'], path).toBe('no-referrer');
		expect(h['cross-origin-opener-policy'], path).toBe('same-origin');
		expect(h['cross-origin-embedder-policy'], path).toBe('require-corp');
		const { 'script-src': scripts, ...others } = directives(h['content-security-policy'] ?? '');
		expect(others, path).toEqual({
			'default-src': ["'self'"],
			'worker-src': ["'self'", 'blob:'],
			'connect-src': ["'self'", 'http:', 'https:', 'ws:', 'wss:'],
			'img-src': ["'self'", 'blob:', 'data:'],
			'style-src': ["'self'", "'unsafe-inline'"],
			'object-src': ["'none'"],
			'base-uri': ["'self'"],
			'form-action': ["'self'"],
			'frame-ancestors': ["'none'"]
		});
		// The app's scripts, WebAssembly, and SvelteKit's inline bootstrap by its hash: no other inline script, no eval.
		expect(scripts.slice(0, 2), path).toEqual(["'self'", "'wasm-unsafe-eval'"]);
		expect(scripts.slice(2), path).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/)]);
	}
});

test('the app runs under its policy without a violation: seeding, image import, the editor, the service worker', async ({ page }) => {
	const violations = await watchViolations(page);
	await page.goto('/');
	await expect(page.getByTestId('new-project-name')).toBeVisible();
	expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
	expect(await page.evaluate(async () => !!(await navigator.serviceWorker.ready).active)).toBe(true);
	await page.goto('/dev/seed?images=1&polygons=20&width=800&height=600&seed=3');
	const projectId = await page.getByTestId('seed-done').getAttribute('data-project-id');
	await page.goto(`/project/${projectId}`);
	// The import worker hashes, decodes and thumbnails; thumbnails are shown from blob: URLs.
	await page.getByTestId('add-images-input').setInputFiles([tempFolder().write('added.png', png(320, 240, 4))]);
	await expect(page.getByTestId('image-thumb')).toHaveCount(2);
	await expect(page.getByTestId('image-thumb').first()).toHaveAttribute('src', /^blob:/);
	await page.getByTestId('image-cell').first().click();
	await expect(page.locator('[data-testid="editor-canvas"][data-editor-ready="true"]')).toBeVisible();
	expect(await violations()).toEqual([]);
});

test('the policy blocks an injected inline script and a style reaching another origin', async ({ page }) => {
	const other = await otherOrigin();
	try {
		const violations = await watchViolations(page);
		await page.goto('/');
		await expect(page.getByTestId('new-project-name')).toBeVisible();
		await page.evaluate((url) => {
			const script = document.createElement('script');
			script.textContent = 'window.__injected = true';
			document.head.append(script);
			const div = document.createElement('div');
			div.style.cssText = `width: 10px; height: 10px; background-image: url(${url}/tracker.png)`;
			document.body.append(div);
		}, other.url);
		// Each is reported once per policy that forbids it: the header's and the page's <meta> copy.
		await expect.poll(async () => [...new Set((await violations()).map((v) => v.directive))].sort()).toEqual(['img-src', 'script-src-elem']);
		expect(await violations()).toContainEqual({ directive: 'img-src', blocked: `${other.url}/tracker.png` });
		expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
		// Blocked before it was asked for: the other origin never heard of the page.
		expect(other.requests).toEqual([]);
	} finally {
		other.server.close();
	}
});

test('another site cannot show the app in a frame', async ({ page, baseURL }) => {
	const other = await otherOrigin(`<!doctype html><iframe id="app" src="${baseURL}/"></iframe>`);
	try {
		await page.goto(`${other.url}/`);
		const frame = page.frameLocator('#app');
		// The browser puts its own error page in the frame instead of the app.
		await expect.poll(() => page.frames().find((f) => f !== page.mainFrame())?.url()).toMatch(/^chrome-error:/);
		await expect(frame.getByTestId('new-project-name')).toHaveCount(0);
	} finally {
		other.server.close();
	}
});
