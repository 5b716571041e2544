#!/usr/bin/env node
// `npm start`: builds the app when the build is missing or older than the sources, then serves it.
// Always the app's own build (build/), never the test build.
import { ensureBuild } from './ensure-build.js';

ensureBuild({ test: false });
const { main } = await import('./serve.js');
main({ test: false });
