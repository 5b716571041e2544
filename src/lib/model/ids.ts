const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Random bytes drawn in blocks: one getRandomValues call per id cost ~9 µs, most of an import's id-making. */
const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let offset = 0;

/** A random 16-character id (~95 bits): unique across peers without coordination. */
export function newId(): string {
	if (offset + 16 > pool.length) {
		pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
		offset = 0;
	}
	let id = '';
	for (let i = offset; i < offset + 16; i++) id += ALPHABET[pool[i] % 62];
	offset += 16;
	return id;
}
