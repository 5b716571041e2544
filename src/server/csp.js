// The app's Content-Security-Policy, one list for every server: SvelteKit puts it in the built page
// (a <meta>, with the hashes of its inline bootstrap script) and sends it under `vite dev`/`preview`;
// serve.js sends it as a header on every response, workers' scripts included.
//
// connect-src is wide on purpose: a user may download a model from any http(s) address (their own
// server on the LAN too) and add any signaling server (ws: or wss:). Those are the user's choice; what
// the policy must stop is script that is not the app's own (script-src: no inline or foreign script),
// and the page's reads of other origins still need those origins' consent (CORS, COEP).
export const CSP_DIRECTIVES = Object.freeze({
	'default-src': ['self'],
	// onnxruntime-web compiles WebAssembly; SvelteKit adds the hash of its inline bootstrap script.
	'script-src': ['self', 'wasm-unsafe-eval'],
	// Module workers (image import, exchange, inference) and ORT's pthread workers.
	'worker-src': ['self', 'blob:'],
	'connect-src': ['self', 'http:', 'https:', 'ws:', 'wss:'],
	// Images and thumbnails are shown from blob: URLs of IndexedDB's bytes.
	'img-src': ['self', 'blob:', 'data:'],
	// Svelte's style attributes and style: directives are inline styles.
	'style-src': ['self', 'unsafe-inline'],
	'object-src': ['none'],
	'base-uri': ['self'],
	'form-action': ['self'],
	// Not in a <meta> (browsers ignore it there): only the servers' header carries it.
	'frame-ancestors': ['none']
});

/** Headers every response gets besides the policy. */
export const SECURITY_HEADERS = Object.freeze({
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'no-referrer'
});

const KEYWORDS = new Set(['self', 'none', 'unsafe-inline', 'unsafe-eval', 'wasm-unsafe-eval', 'strict-dynamic']);

/** The policy as a header value; `scriptHashes` ("sha256-…") are added to script-src. */
export function cspHeader(scriptHashes = []) {
	const quote = (v) => (KEYWORDS.has(v) || /^sha\d{3}-/.test(v) ? `'${v}'` : v);
	return Object.entries(CSP_DIRECTIVES)
		.map(([name, values]) => [name, ...(name === 'script-src' ? [...values, ...scriptHashes] : values).map(quote)].join(' '))
		.join('; ');
}
