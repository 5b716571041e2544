#!/usr/bin/env node
// `npm test`: every suite — the type check (svelte-check over src and tests, counted as one test), unit
// tests (vitest, Node), then end-to-end tests (Playwright, real Chromium) — ending with one line that sums
// them all: "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const results = `${root}test-results`;
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

function run(cmd, args) {
	console.log(`\n$ ${cmd} ${args.join(' ')}`);
	return spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env }).status ?? 1;
}

function readJson(path) {
	return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

const totals = { passed: 0, failed: 0, skipped: 0 };
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--e2e') ? 'e2e' : null;

if (only === null) {
	// A type error in any file fails the run, even where the code it is in happens to run.
	const synced = run('npx', ['svelte-kit', 'sync']) === 0;
	const typed = synced && run('npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--threshold', 'error']) === 0;
	if (typed) totals.passed += 1;
	else totals.failed += 1;
}

if (only !== 'e2e') {
	const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${results}/unit.json`]);
	const unit = readJson(`${results}/unit.json`);
	if (unit) {
		totals.passed += unit.numPassedTests;
		totals.failed += unit.numFailedTests;
		totals.skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
		if (status !== 0 && unit.numFailedTests === 0) totals.failed += 1; // the run broke outside any test
	} else totals.failed += 1;
}

if (only !== 'unit') {
	const status = run('npx', ['playwright', 'test', '--config', 'tests/playwright.config.ts']);
	const e2e = readJson(`${results}/e2e.json`);
	if (e2e?.stats) {
		totals.passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
		totals.failed += e2e.stats.unexpected;
		totals.skipped += e2e.stats.skipped;
		if (status !== 0 && e2e.stats.unexpected === 0) totals.failed += 1;
	} else totals.failed += 1;
}

console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 ? 1 : 0);
