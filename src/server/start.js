#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
import { ensureBuild } from './ensure-build.js';

ensureBuild();
const { main } = await import('./serve.js');
main();
