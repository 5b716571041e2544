// Two kinds of build, each in its own folder so that one is never served for the other: the app
// (build/, what `npm start` serves) and the test build (build-test/), which adds the routes that the
// end-to-end tests and `npm run bench` drive (/dev/seed, /dev/ml). The flag is read at build time:
// without it the test routes' code is left out of the bundle, and they answer "Not found".
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const TEST_ROUTES_FLAG = 'VITE_PEERLABEL_TEST_ROUTES';

/** Whether a build made with this environment is a test build. */
export const isTestBuild = (env = process.env) => env[TEST_ROUTES_FLAG] === '1';

/** The folder a build of that kind is written to and served from. */
export const buildDir = (test) => join(root, test ? 'build-test' : 'build');

/** The environment of a build of that kind, whatever the calling environment says. */
export const buildEnv = (test, env = process.env) => ({ ...env, [TEST_ROUTES_FLAG]: test ? '1' : '' });
