/** Strict base64 (standard alphabet, optional padding, line breaks allowed); null when the text is not base64. */
export function fromBase64(text: string): Uint8Array | null {
	const clean = text.replace(/[\r\n]/g, '');
	if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) return null;
	try {
		const bin = atob(clean);
		const out = new Uint8Array(bin.length);
		for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
		return out;
	} catch {
		return null;
	}
}

export function toBase64(bytes: Uint8Array): string {
	let bin = '';
	for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(bin);
}

/** The file extension the bytes' signature names (for an embedded image whose path does not say). */
export function imageExtensionOf(bytes: Uint8Array): string {
	if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'png';
	if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'jpg';
	if (bytes[0] === 0x42 && bytes[1] === 0x4d) return 'bmp';
	if (bytes[0] === 0x47 && bytes[1] === 0x49) return 'gif';
	return 'jpg';
}
