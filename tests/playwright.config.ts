import { defineConfig } from '@playwright/test';
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
	webServer: {
		command: `npx vite build --logLevel warn && node src/server/serve.js`,
		env: { PORT: String(PORT), HOST: '127.0.0.1' },
		url: `http://127.0.0.1:${PORT}/`,
		reuseExistingServer: !process.env.CI,
		cwd: '..',
		timeout: 240_000,
		stdout: 'ignore'
	}
});
