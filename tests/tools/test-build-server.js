// The test build (with /dev/seed and /dev/ml), built when its sources changed and served on a free
// loopback port, for `npm run bench` and the tests that drive a server of their own.
import { buildDir } from '../../src/server/build-mode.js';
import { ensureBuild } from '../../src/server/ensure-build.js';
import { createAppServer, listen } from '../../src/server/serve.js';

/** `test: false` builds and serves the app's own build instead. Returns the server and its base URL. */
export async function startBuildServer({ test = true } = {}) {
	ensureBuild({ test });
	const server = createAppServer({ dir: buildDir(test) });
	const { port } = await listen(server, { port: 0, host: '127.0.0.1' });
	return { server, base: `http://127.0.0.1:${port}` };
}
