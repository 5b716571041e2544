const decoder = new TextDecoder();

/**
 * The name of an XML file's root element, past the declaration, comments and doctype, however long they
 * are; null when the bytes do not start like XML. Reads no further than the root's opening tag.
 */
export function xmlRootName(bytes: Uint8Array): string | null {
	let i = 0;
	for (;;) {
		const lt = bytes.indexOf(0x3c, i);
		if (lt < 0 || decoder.decode(bytes.subarray(i, lt)).replace(/^\uFEFF/, '').trim()) return null; // text before the root
		const next = bytes[lt + 1];
		if (next === 0x3f || next === 0x21) {
			const comment = bytes[lt + 2] === 0x2d && bytes[lt + 3] === 0x2d;
			const end = comment ? indexOfSequence(bytes, [0x2d, 0x2d, 0x3e], lt + 4) : bytes.indexOf(0x3e, lt);
			if (end < 0) return null;
			i = end + (comment ? 3 : 1);
			continue;
		}
		const name = /^[A-Za-z_][\w.:-]*/.exec(decoder.decode(bytes.subarray(lt + 1, lt + 257)));
		return name ? name[0] : null;
	}
}

/** Where the bytes `seq` first occur in `bytes` from `from`, or -1 (a native search for the first byte). */
export function indexOfSequence(bytes: Uint8Array, seq: number[], from: number): number {
	for (let i = bytes.indexOf(seq[0], from); i >= 0; i = bytes.indexOf(seq[0], i + 1)) if (seq.every((b, k) => bytes[i + k] === b)) return i;
	return -1;
}
