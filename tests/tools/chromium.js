// Which Chromium the end-to-end tests and the benchmark drive: $CHROMIUM_PATH, else Debian's
// /usr/bin/chromium, else the browser Playwright installed itself, else a clear error.
import { existsSync } from 'node:fs';

export const CHROMIUM_FLAGS = [
	'--no-sandbox',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

/** Chromium's software WebGPU adapter (SwiftShader): WebGPU without a GPU, far slower than WASM. */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'];

export async function findChromium() {
	const fromEnv = process.env.CHROMIUM_PATH;
	if (fromEnv) {
		if (!existsSync(fromEnv)) throw new Error(`CHROMIUM_PATH points to ${fromEnv}, which does not exist.`);
		return fromEnv;
	}
	if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
	try {
		const { chromium } = await import('@playwright/test');
		const own = chromium.executablePath();
		if (own && existsSync(own)) return own;
	} catch {
		// Playwright has no browser of its own
	}
	throw new Error(
		'No Chromium found. Set CHROMIUM_PATH to a Chromium or Chrome binary, install Debian\'s chromium ' +
			'(apt-get install chromium), or run "npx playwright install chromium".'
	);
}
