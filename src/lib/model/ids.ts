const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A random 16-character id (~95 bits): unique across peers without coordination. */
export function newId(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let id = '';
	for (const b of bytes) id += ALPHABET[b % 62];
	return id;
}
