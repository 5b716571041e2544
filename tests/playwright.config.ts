import { defineConfig } from '@playwright/test';
import { TEST_ROUTES_FLAG } from '../src/server/build-mode.js';
import { CHROMIUM_FLAGS, findChromium } from './tools/chromium.js';

const PORT = Number(process.env.E2E_PORT ?? 4319);

export default defineConfig({
	testDir: 'e2e',
	outputDir: '../test-results/e2e',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: [['list'], ['json', { outputFile: '../test-results/e2e.json' }]],
	use: {
		baseURL: `http://127.0.0.1:${PORT}`,
		viewport: { width: 1280, height: 800 },
		trace: 'retain-on-failure',
		launchOptions: {
			executablePath: await findChromium(),
			args: ['--headless=new', ...CHROMIUM_FLAGS]
		}
	},
	// The test build (build-test/, with /dev/seed and /dev/ml), never the app's own: src/server/build-mode.js.
	webServer: {
		command: `npx vite build --logLevel warn && node src/server/serve.js --test-build`,
		env: { PORT: String(PORT), HOST: '127.0.0.1', [TEST_ROUTES_FLAG]: '1' },
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: !process.env.CI,
		cwd: '..',
		timeout: 240_000,
		stdout: 'ignore'
	}
});
