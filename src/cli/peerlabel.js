#!/usr/bin/env node
// `peerlabel convert …`: converts annotation datasets between formats (src/cli/convert.ts).
import { pathToFileURL } from 'node:url';
import { ensureBundle } from './bundle.js';

const USAGE = `Usage: peerlabel convert --from <format|auto> --to <format> [options] IN OUT
Run "peerlabel convert --help" for the options and formats.`;

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === '-h' || command === 'help') {
	console.log(USAGE);
} else if (command !== 'convert') {
	console.error(command ? `peerlabel: unknown command “${command}”\n${USAGE}` : USAGE);
	process.exitCode = 2;
} else {
	const { main } = await import(pathToFileURL(await ensureBundle('convert')).href);
	process.exitCode = await main(rest);
}
